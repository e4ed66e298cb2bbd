"""Helpers the asset services share: permission checks, locking, the ledger entry, splitting.

Internal to the services package: views and other apps call the public services instead.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import access
from houqin.core.models import ChangeAction
from houqin.core.selectors.org import people_of_school
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.numbering import document_number_next

from ..choices import EventKind
from ..depreciation import split_amount
from ..models import Asset, AssetEvent
from .search import search_text_for

ASSET_NUMBER_PREFIX = "ZC"  # 资产: ZC-2026-0001, per school and year
LOAN_NUMBER_PREFIX = "JY"  # 借用

# "Leave as it is", distinct from None ("clear it").
UNCHANGED = object()

STATE_FIELDS = ("room", "department", "custodian", "used_by", "status", "condition", "quantity")


def require(actor, perm, school, message=None):
    """PermissionDenied unless the actor holds `perm` at `school` (the system, None, may)."""
    if actor is not None and not access.has_perm(actor, perm, school):
        raise PermissionDenied(message or _("You may not do this at %(school)s.") % {"school": school})


def invalid(field, message):
    return ValidationError({field or NON_FIELD_ERRORS: [message]})


def today():
    return timezone.localdate()


def to_date(value, field, errors, *, required=False, default=None):
    """A date from a date or an ISO text; the error is keyed by `field`."""
    if value in (None, ""):
        if required and default is None:
            errors[field] = _("This field is required.")
        return default
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("Enter a valid date.")
        return None


def to_money(value, field, errors, *, required=True, allow_zero=True):
    """A Decimal with two places from a number or a text; negative amounts are refused."""
    if value in (None, ""):
        if required:
            errors[field] = _("This field is required.")
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter a number.")
        return None
    if not amount.is_finite():
        errors[field] = _("Enter a number.")
        return None
    if amount < 0 or (amount == 0 and not allow_zero):
        errors[field] = (
            _("The amount must be more than zero.") if not allow_zero else _("The amount cannot be negative.")
        )
        return None
    if amount.as_tuple().exponent < -2:
        errors[field] = _("Use at most two decimal places.")
        return None
    return amount.quantize(Decimal("0.01"))


def to_quantity(value, field, errors, *, most=None):
    """A whole number of items, at least 1 and at most `most`."""
    if value in (None, ""):
        errors[field] = _("This field is required.")
        return None
    if isinstance(value, bool):
        errors[field] = _("Enter a whole number.")
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[field] = _("Enter a whole number.")
        return None
    if str(value).strip() not in (str(number), f"+{number}"):
        errors[field] = _("Enter a whole number.")
        return None
    if number < 1:
        errors[field] = _("The quantity must be at least 1.")
        return None
    if most is not None and number > most:
        errors[field] = _("Only %(most)s are on this card.") % {"most": most}
        return None
    return number


def check_same_school(obj, school, field, errors):
    if obj is not None and obj.school_id != school.pk:
        errors[field] = _("%(obj)s belongs to another school.") % {"obj": obj}


def check_person(user, school, field, errors):
    if user is not None and not people_of_school(school).filter(pk=user.pk).exists():
        errors[field] = _("%(user)s is not a member of %(school)s.") % {"user": user, "school": school}


def check_room(room, school, errors, field="room"):
    if room is None:
        return
    check_same_school(room, school, field, errors)
    if field not in errors and not room.is_active:
        errors[field] = _("Room %(room)s is no longer in use.") % {"room": room}


def lock_asset(asset):
    """The card, locked for the rest of the transaction, with what its pages and events show."""
    return (
        Asset.objects.select_for_update(of=("self",))
        .select_related("school", "category", "room__building", "department", "custodian", "used_by")
        .get(pk=asset.pk)
    )


def lock_assets(assets):
    """Several cards locked in primary-key order (two requests never wait for each other)."""
    ids = sorted({a.pk for a in assets})
    locked = {
        a.pk: a
        for a in Asset.objects.select_for_update(of=("self",))
        .select_related("school", "category", "room__building", "department", "custodian", "used_by")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    return locked


def _text(value):
    if value is None or value == "":
        return None
    return str(value)


def state_of(asset):
    """The card's cached state: {field: (id or value, text)} for the ledger's `changes`."""
    out = {}
    for name in STATE_FIELDS:
        if name in ("status", "condition"):
            value = getattr(asset, name)
            out[name] = (value, str(getattr(asset, f"get_{name}_display")()))
        elif name == "quantity":
            out[name] = (asset.quantity, str(asset.quantity))
        else:
            out[name] = (getattr(asset, f"{name}_id"), _text(getattr(asset, name)))
    return out


def event_fields(*, asset, kind, actor, before=None, occurred_on=None, quantity=None, note="", **fields):
    """The field values of one ledger entry for `asset`, whose state has already been changed;
    the changed fields are worked out from `before` (a state_of() taken before the change). A new
    card (before None) has no "from" and no changes. event_build makes the entry of them; the
    ledger import inserts many at a time."""
    changes = {}
    if before is not None:
        after = state_of(asset)
        for name in STATE_FIELDS:
            if before[name][0] != after[name][0]:
                changes[name] = {
                    "from": before[name][1],
                    "to": after[name][1],
                    "from_id": before[name][0],
                    "to_id": after[name][0],
                }
        from_room_id = before["room"][0] if "room" in changes else None
    else:
        # A new card (registered, split off, transferred in) has no "from".
        from_room_id = None
    return {
        "school": asset.school,
        "asset": asset,
        "kind": kind,
        "occurred_on": occurred_on or today(),
        "actor": actor,
        "quantity": quantity if quantity is not None else asset.quantity,
        "quantity_after": asset.quantity,
        "from_room_id": from_room_id,
        "to_room_id": asset.room_id,
        "status_before": before["status"][0] if before is not None else "",
        "status_after": asset.status,
        "changes": changes,
        "note": (note or "").strip(),
        **fields,
    }


def event_build(**kwargs):
    """One ledger entry (see event_fields), not yet saved."""
    return AssetEvent(**event_fields(**kwargs))


def record_event(*, asset, kind, actor, before=None, occurred_on=None, quantity=None, note="", **fields):
    """Append one event to the ledger for `asset` (see event_fields) and save it."""
    event = event_build(
        asset=asset,
        kind=kind,
        actor=actor,
        before=before,
        occurred_on=occurred_on,
        quantity=quantity,
        note=note,
        **fields,
    )
    event.save()
    return event


def new_asset_number(school):
    """The next printable card number of the school (ZC-2026-0001); inside the transaction."""
    return document_number_next(school=school, prefix=ASSET_NUMBER_PREFIX)


CARD_FIELDS_NOT_COPIED = {"id", "code", "created_at", "updated_at", "search_text", "origin"}


def copy_card(asset, *, code, school=None, **overrides):
    """A new, unsaved card with the same details as `asset` (a split part, a transferred card)."""
    new = Asset()
    for f in Asset._meta.concrete_fields:
        if f.name not in CARD_FIELDS_NOT_COPIED:
            setattr(new, f.attname, getattr(asset, f.attname))
    for key, value in overrides.items():
        setattr(new, key, value)
    if school is not None:
        new.school = school
    new.code = code
    new.origin = asset
    new.search_text = search_text_for(new)
    return new


def split_off(locked, quantity, *, actor, occurred_on=None, note=""):
    """Split `quantity` items off the locked batch card `locked` onto a new card and return it.

    The new card takes its share of the original and residual value (to the fen; the batch
    keeps the rest, so the two add up) and everything else the batch had: category, place,
    keeper, status, depreciation. Both cards get a ledger entry naming the other.
    """
    if quantity >= locked.quantity:
        raise ValidationError(
            {"quantity": _("Only %(most)s are on this card.") % {"most": locked.quantity - 1}}
        )
    before_snapshot = snapshot(locked)
    before = state_of(locked)
    part_amount = split_amount(locked.amount, quantity, locked.quantity)
    part_residual = split_amount(locked.residual_value, quantity, locked.quantity)
    new = copy_card(
        locked,
        code=new_asset_number(locked.school),
        quantity=quantity,
        amount=part_amount,
        residual_value=part_residual,
        created_by=actor,
    )
    new.save()
    locked.quantity -= quantity
    locked.amount -= part_amount
    locked.residual_value -= part_residual
    locked.save(update_fields=["quantity", "amount", "residual_value", "updated_at"])
    record_event(
        asset=locked,
        kind=EventKind.SPLIT_OUT,
        actor=actor,
        before=before,
        occurred_on=occurred_on,
        quantity=quantity,
        amount=part_amount,
        related_asset=new,
        note=note or _("%(n)s split off to %(code)s") % {"n": quantity, "code": new.code},
    )
    record_event(
        asset=new,
        kind=EventKind.SPLIT_IN,
        actor=actor,
        occurred_on=occurred_on,
        quantity=quantity,
        amount=part_amount,
        related_asset=locked,
        note=_("Split from %(code)s") % {"code": locked.code},
    )
    changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before_snapshot)
    changelog_record(actor=actor, obj=new, action=ChangeAction.CREATE)
    return new


def take_part(locked, quantity, *, actor, occurred_on=None):
    """The card an operation on `quantity` items of `locked` acts on: the card itself when the
    quantity is all of it, otherwise a part split off it."""
    if quantity is None or quantity == locked.quantity:
        return locked
    return split_off(locked, quantity, actor=actor, occurred_on=occurred_on)
