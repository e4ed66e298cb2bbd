"""Generic create/update/delete for simple records (places, departments, semesters …).

Each is one transaction: validate the whole object (field errors keyed by field), save, and
write the change log. Models with business rules get their own services instead.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from ..models import ChangeAction
from .changelog import changelog_record, snapshot


def _validate(instance):
    instance.full_clean()


def object_create(*, actor, model, school, data):
    """Create a school-owned record of `model` at `school` from cleaned `data`."""
    instance = model(**data)
    if hasattr(instance, "school_id") and school is not None and "school" not in data:
        instance.school = school
    _validate(instance)
    try:
        with transaction.atomic():
            instance.save()
            changelog_record(actor=actor, obj=instance, action=ChangeAction.CREATE)
    except IntegrityError as exc:
        raise ValidationError(_("This record conflicts with an existing one: %(error)s") % {"error": exc})
    return instance


def object_update(*, actor, instance, data):
    """Apply cleaned `data` to `instance`; the school of a record never changes here."""
    before = snapshot(instance)
    data = {k: v for k, v in data.items() if k != "school"}
    for key, value in data.items():
        setattr(instance, key, value)
    _validate(instance)
    try:
        with transaction.atomic():
            instance.save()
            changelog_record(actor=actor, obj=instance, action=ChangeAction.UPDATE, before=before)
    except IntegrityError as exc:
        raise ValidationError(_("This record conflicts with an existing one: %(error)s") % {"error": exc})
    return instance


def object_delete(*, actor, instance):
    """Delete a record that nothing else depends on; otherwise say what holds it."""
    before = snapshot(instance)
    school = getattr(instance, "school", None)
    pk = instance.pk
    try:
        with transaction.atomic():
            instance.delete()
            instance.pk = pk
            changelog_record(
                actor=actor, obj=instance, action=ChangeAction.DELETE, before=before, school=school
            )
    except ProtectedError as exc:
        names = sorted({str(o._meta.verbose_name) for o in exc.protected_objects})
        raise ValidationError(
            _("It cannot be deleted while these records use it: %(names)s") % {"names": ", ".join(names)}
        )
