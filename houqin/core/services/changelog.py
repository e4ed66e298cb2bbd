"""Writing the change log. Services call these inside their own transaction, with the actor
passed in (a system actor for commands and tasks), so no change escapes the record."""

import datetime
import uuid
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.fields.files import FieldFile

from ..models import ChangeAction, ChangeLogEntry

SYSTEM_ACTOR_NAME = "system"
SKIP_FIELDS = {"created_at", "updated_at", "password", "path", "depth", "last_login"}


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def _related_text(obj, field):
    """A foreign key as the text of its target, so before and after compare the same way
    whether or not the related object happened to be loaded."""
    fk_id = getattr(obj, field.attname)
    if fk_id is None:
        return None
    try:
        related = getattr(obj, field.name)
    except ObjectDoesNotExist:
        return f"#{fk_id}"
    return str(related) if related is not None else f"#{fk_id}"


def snapshot(obj):
    """The object's concrete field values as JSON-friendly data; foreign keys as their text."""
    data = {}
    for f in obj._meta.concrete_fields:
        if f.name in SKIP_FIELDS or f.primary_key:
            continue
        if isinstance(f, models.ForeignKey):
            data[f.name] = _related_text(obj, f)
            continue
        value = f.value_from_object(obj)
        if isinstance(f, models.DecimalField) and isinstance(value, Decimal) and value.is_finite():
            # "12.5" from a form and "12.50" from the database are the same amount.
            value = value.quantize(Decimal(1).scaleb(-f.decimal_places))
        data[f.name] = _jsonable(value)
    return data


def diff(before, after):
    """{field: [before, after]} for every field whose value differs."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def _actor_fields(actor):
    if actor is None:
        return {"actor": None, "actor_name": SYSTEM_ACTOR_NAME}
    return {"actor": actor, "actor_name": str(actor)[:60]}


def changelog_record(*, actor, obj, action, before=None, after=None, school=None):
    """Write one entry. `before`/`after` are snapshots; for create only after, delete only before."""
    if action == ChangeAction.CREATE:
        changes = {k: [None, v] for k, v in (after or snapshot(obj)).items() if v not in (None, "", [])}
    elif action == ChangeAction.DELETE:
        changes = {k: [v, None] for k, v in (before or {}).items() if v not in (None, "", [])}
    else:
        changes = diff(before or {}, after if after is not None else snapshot(obj))
        if not changes:
            return None
    if school is None:
        school = getattr(obj, "school", None)
    if action == ChangeAction.DELETE and school is obj:
        # A deleted node is its own owner; keep the record with the node above it.
        school = getattr(obj, "parent", None)
    return ChangeLogEntry.objects.create(
        school=school if getattr(school, "pk", None) else None,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action=action,
        changes=changes,
        **_actor_fields(actor),
    )
