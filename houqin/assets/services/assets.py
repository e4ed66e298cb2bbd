"""The asset card: registration, card details, moves and assignments, hand-set status, splits
and corrections. Each operation is one transaction that writes the ledger and the change log."""

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from houqin.core.models import ChangeAction
from houqin.core.permissions import model_perm
from houqin.core.rulebook import rule
from houqin.core.services.changelog import changelog_record, snapshot

from .. import depreciation
from ..choices import (
    MANUAL,
    MOVABLE,
    OFF_BOOKS,
    AcquisitionMethod,
    AssetClass,
    AssetCondition,
    AssetStatus,
    EventKind,
    FundingSource,
    ProcurementForm,
    Tracking,
    UsePurpose,
)
from ..models import Asset, AssetCategory, AssetEvent
from ..permissions import CORRECT, MOVE
from .categories import category_traits, depreciation_classes
from .common import (
    UNCHANGED,
    check_person,
    check_room,
    check_same_school,
    invalid,
    lock_asset,
    new_asset_number,
    record_event,
    require,
    state_of,
    take_part,
    to_date,
    to_money,
    to_quantity,
    today,
)
from .search import search_text_for

CAPITALISATION = "assets.capitalisation_threshold"
CAPITALISATION_SPECIAL = "assets.capitalisation_threshold_special_equipment"
MIN_LIFE = "assets.min_service_life_years"
BULK_LIKE = "assets.bulk_like_items_are_fixed_assets"
ALWAYS_FIXED = "assets.always_fixed_asset_kinds"
RESIDUAL_RATE = "assets.depreciation_residual_rate"
STARTS_MONTH_ACQUIRED = "assets.depreciation_starts_month_acquired"

TEXT_FIELDS = (
    "specification",
    "model_number",
    "brand",
    "serial_number",
    "manufacturer",
    "unit",
    "invoice_number",
    "voucher_number",
    "supplier",
    "contract_number",
    "note",
)
CHOICE_FIELDS = {
    "funding_source": FundingSource,
    "procurement_form": ProcurementForm,
    "acquisition_method": AcquisitionMethod,
    "use_purpose": UsePurpose,
    "tracking": Tracking,
}
# Card details a person edits directly (the state fields change only through events).
DETAIL_FIELDS = (
    "name",
    "category",
    "unit_price",
    "depreciation_class",
    "acquired_on",
    "booked_on",
    "warranty_until",
    *TEXT_FIELDS,
    *CHOICE_FIELDS,
)


# ---------------------------------------------------------------------------------------------
# The rule book's view of a card


def life_months(*, school, depreciation_class):
    """The depreciation life in months of a class of the rule book's life table at `school`
    (0: not depreciated, including classes the table does not name)."""
    if not depreciation_class:
        return 0
    years = depreciation_classes(school).get(depreciation_class, 0) or 0
    return int((Decimal(str(years)) * 12).to_integral_value())


def asset_classify(*, school, category, unit_price, depreciation_class=""):
    """Fixed asset or low-value item, by the rule book (DOMAIN.md §2.2).

    Fixed: a unit value at or above the capitalisation threshold (the special-equipment one for
    special equipment) and a life of more than the minimum (classes that are not depreciated,
    such as books and relics, count as durable); or a class the school's list names as fixed
    whatever its price; or, where the rule book says so, a class of large batches of like items
    (books, desks). Everything else is a low-value item.
    """
    traits = category_traits(category)
    if traits.matches(rule(ALWAYS_FIXED, school)):
        return AssetClass.FIXED
    if traits.bulk_like and rule(BULK_LIKE, school):
        return AssetClass.FIXED
    threshold = rule(CAPITALISATION_SPECIAL if traits.special_equipment else CAPITALISATION, school)
    months = life_months(school=school, depreciation_class=depreciation_class or traits.depreciation_class)
    durable = months == 0 or months > rule(MIN_LIFE, school) * 12
    if Decimal(unit_price) >= threshold and durable:
        return AssetClass.FIXED
    return AssetClass.LOW_VALUE


def _depreciation_terms(*, school, category, asset_class, depreciation_class, acquired_on, amount):
    """(class key, life in months, first month, residual value) for a card. Low-value items are
    not depreciated (they are written off on issue, per assets.low_value_amortisation_method)."""
    key = depreciation_class or category_traits(category).depreciation_class
    months = life_months(school=school, depreciation_class=key) if asset_class == AssetClass.FIXED else 0
    if not months:
        return key, 0, None, Decimal("0.00")
    start = depreciation.first_month(acquired_on, starts_month_acquired=rule(STARTS_MONTH_ACQUIRED, school))
    residual = (Decimal(amount) * rule(RESIDUAL_RATE, school)).quantize(depreciation.CENT)
    return key, months, start, residual


# ---------------------------------------------------------------------------------------------
# Registration and card details


def _detail_errors(data, school, errors, *, instance=None):
    """Check the card details in `data` (merged with `instance` when editing)."""

    def get(name, default=None):
        if name in data:
            return data[name]
        return getattr(instance, name) if instance is not None else default

    name = (get("name") or "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > 100:
        errors["name"] = _("At most 100 characters.")
    category = get("category")
    if category is None:
        errors["category"] = _("This field is required.")
    elif not isinstance(category, AssetCategory):
        errors["category"] = _("Choose a category.")
    elif not AssetCategory.objects.available_to(school).filter(pk=category.pk, is_active=True).exists():
        errors["category"] = _("%(obj)s is not a category of %(school)s.") % {
            "obj": category,
            "school": school,
        }
    unit_price = to_money(get("unit_price"), "unit_price", errors)
    acquired_on = to_date(get("acquired_on"), "acquired_on", errors, required=True)
    if acquired_on is not None and acquired_on > today():
        errors["acquired_on"] = _("The acquisition date cannot be in the future.")
    booked_on = to_date(get("booked_on"), "booked_on", errors)
    if booked_on and acquired_on and booked_on < acquired_on:
        errors["booked_on"] = _("The booking date cannot be before the acquisition date.")
    warranty_until = to_date(get("warranty_until"), "warranty_until", errors)
    if warranty_until and acquired_on and warranty_until < acquired_on:
        errors["warranty_until"] = _("The warranty cannot end before the acquisition date.")
    for field, choices in CHOICE_FIELDS.items():
        value = get(field)
        if value not in (None, "") and value not in choices.values:
            errors[field] = _("Choose one of the listed values.")
    key = (get("depreciation_class") or "").strip()
    if key and key not in depreciation_classes(school):
        errors["depreciation_class"] = _(
            "%(cls)s is not a row of the rule book's table of depreciation lives."
        ) % {"cls": key}
    return {
        "name": name,
        "category": category,
        "unit_price": unit_price,
        "acquired_on": acquired_on,
        "booked_on": booked_on,
        "warranty_until": warranty_until,
        "depreciation_class": key,
    }


def asset_register(*, actor, school, data, occurred_on=None, model=Asset):
    """Register a card at `school`: a single item or a counted batch, in a room, with its keeper.

    `data` holds the card details (name, category, unit_price, acquired_on, … see DETAIL_FIELDS)
    and where it starts: quantity, room, department, custodian, used_by, status (in use or
    idle), condition. The number comes from the school's sequence (ZC-2026-0001); the original
    value is unit price × quantity; class (fixed or low-value), depreciation life and first
    month follow from the category and the rule book. Writes the "registered" event.
    """
    require(actor, model_perm(Asset, "add"), school)
    errors = {}
    details = _detail_errors(data, school, errors)
    tracking = data.get("tracking") or Tracking.SINGLE
    quantity = to_quantity(data.get("quantity", 1), "quantity", errors)
    if quantity and quantity > 1 and tracking == Tracking.SINGLE:
        errors["quantity"] = _("A single item has quantity 1; register a counted batch for more.")
    room, department = data.get("room"), data.get("department")
    custodian, used_by = data.get("custodian"), data.get("used_by")
    check_room(room, school, errors)
    check_same_school(department, school, "department", errors)
    check_person(custodian, school, "custodian", errors)
    check_person(used_by, school, "used_by", errors)
    status = data.get("status") or AssetStatus.IN_USE
    if status not in MANUAL:
        errors["status"] = _("A new card is in use or idle.")
    condition = data.get("condition") or AssetCondition.GOOD
    if condition not in (AssetCondition.GOOD, AssetCondition.WORN):
        errors["condition"] = _("Register damaged property, then report the damage.")
    if errors:
        raise ValidationError(errors)
    category = details["category"]
    amount = (details["unit_price"] * quantity).quantize(depreciation.CENT)
    asset_class = asset_classify(
        school=school,
        category=category,
        unit_price=details["unit_price"],
        depreciation_class=details["depreciation_class"],
    )
    _key, months, start, residual = _depreciation_terms(
        school=school,
        category=category,
        asset_class=asset_class,
        depreciation_class=details["depreciation_class"],
        acquired_on=details["acquired_on"],
        amount=amount,
    )
    asset = Asset(
        school=school,
        name=details["name"],
        category=category,
        asset_class=asset_class,
        tracking=tracking,
        unit_price=details["unit_price"],
        quantity=quantity,
        amount=amount,
        residual_value=residual,
        depreciation_class=details["depreciation_class"],
        depreciation_months=months,
        depreciation_start=start,
        acquired_on=details["acquired_on"],
        booked_on=details["booked_on"],
        warranty_until=details["warranty_until"],
        room=room,
        department=department,
        custodian=custodian,
        used_by=used_by,
        status=status,
        condition=condition,
        created_by=actor,
    )
    for field in TEXT_FIELDS:
        setattr(asset, field, (data.get(field) or "").strip())
    if not asset.unit:
        asset.unit = category_traits(category).unit
    for field in CHOICE_FIELDS:
        if field != "tracking" and data.get(field):
            setattr(asset, field, data[field])
    with transaction.atomic():
        asset.code = new_asset_number(school)
        asset.search_text = search_text_for(asset)
        try:
            asset.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict)
        asset.save()
        record_event(
            asset=asset,
            kind=EventKind.REGISTER,
            actor=actor,
            occurred_on=occurred_on or details["acquired_on"],
            quantity=quantity,
            amount=amount,
            note=data.get("event_note", ""),
        )
        changelog_record(actor=actor, obj=asset, action=ChangeAction.CREATE)
    return asset


def asset_register_from_form(*, actor, model, school, data):
    """The registry's create hook (the add page and the API): the card belongs to the active
    school, or — when the active scope is a central school — to the school of the room chosen,
    so a district user registers property for any of its schools."""
    room = data.get("room")
    if room is not None and room.school_id != school.pk and school.is_ancestor_of(room.school):
        school = room.school
    return asset_register(actor=actor, school=school, data=data)


def asset_update(*, actor, instance, data):
    """Change a card's details (name, category, price, dates, invoice …). Its place, keeper,
    status and quantity change only through moves, loans and the other operations.

    A new unit price changes the original value (a "value changed" event); a new category,
    class or acquisition date re-derives the class and the depreciation terms from the rule
    book. A card off the books is closed.
    """
    require(actor, model_perm(Asset, "change"), instance.school)
    data = {k: v for k, v in data.items() if k in DETAIL_FIELDS}
    errors = {}
    if instance.status in OFF_BOOKS:
        raise invalid(None, _("%(asset)s is off the books; its card is closed.") % {"asset": instance})
    details = _detail_errors(data, instance.school, errors, instance=instance)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_asset(instance)
        if locked.status in OFF_BOOKS:
            raise invalid(None, _("%(asset)s is off the books; its card is closed.") % {"asset": locked})
        before_snapshot = snapshot(locked)
        before_amount, before_price = locked.amount, locked.unit_price
        for field in TEXT_FIELDS:
            if field in data:
                setattr(locked, field, (data[field] or "").strip())
        for field in CHOICE_FIELDS:
            if data.get(field):
                setattr(locked, field, data[field])
        if locked.tracking == Tracking.SINGLE and locked.quantity > 1:
            raise invalid("tracking", _("A card of %(n)s items is a counted batch.") % {"n": locked.quantity})
        rederive = any(
            details[k] != getattr(locked, k)
            for k in ("category", "unit_price", "depreciation_class", "acquired_on")
        )
        for key in ("name", "category", "unit_price", "acquired_on", "booked_on", "warranty_until"):
            setattr(locked, key, details[key])
        locked.depreciation_class = details["depreciation_class"]
        if details["unit_price"] != before_price:
            locked.amount = (details["unit_price"] * locked.quantity).quantize(depreciation.CENT)
        if rederive:
            locked.asset_class = asset_classify(
                school=locked.school,
                category=locked.category,
                unit_price=locked.unit_price,
                depreciation_class=locked.depreciation_class,
            )
            _key, months, start, residual = _depreciation_terms(
                school=locked.school,
                category=locked.category,
                asset_class=locked.asset_class,
                depreciation_class=locked.depreciation_class,
                acquired_on=locked.acquired_on,
                amount=locked.amount,
            )
            locked.depreciation_months, locked.depreciation_start, locked.residual_value = (
                months,
                start,
                residual,
            )
        locked.search_text = search_text_for(locked)
        locked.full_clean(validate_unique=False, validate_constraints=False)
        locked.save()
        if locked.amount != before_amount:
            record_event(
                asset=locked,
                kind=EventKind.VALUE,
                actor=actor,
                before=state_of(locked),
                amount=locked.amount - before_amount,
                note=_("Original value %(before)s → %(after)s")
                % {"before": before_amount, "after": locked.amount},
            )
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before_snapshot)
    return locked


# ---------------------------------------------------------------------------------------------
# Moves, assignments, status


def asset_split(*, actor, asset, quantity, occurred_on=None):
    """Split `quantity` items off a batch card onto a new card (same place, keeper, value share)."""
    require(actor, MOVE, asset.school)
    errors = {}
    if not asset.is_batch:
        errors["quantity"] = _("Only a counted batch can be split.")
    else:
        quantity = to_quantity(quantity, "quantity", errors, most=asset.quantity - 1)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_asset(asset)
        if locked.status in OFF_BOOKS:
            raise invalid(None, _("%(asset)s is off the books.") % {"asset": locked})
        if quantity >= locked.quantity:
            raise invalid("quantity", _("Only %(most)s are on this card.") % {"most": locked.quantity - 1})
        return take_part(locked, quantity, actor=actor, occurred_on=occurred_on)


def asset_move(
    *,
    actor,
    asset,
    quantity=None,
    room=UNCHANGED,
    department=UNCHANGED,
    custodian=UNCHANGED,
    used_by=UNCHANGED,
    occurred_on=None,
    note="",
):
    """Move (part of) a card to another room or department, or give it another custodian or
    user. Part of a batch is split off first and the part moves; returns the card that moved.

    Everything must belong to the card's school: a room of another school is refused, and so
    is a card on loan or waiting for a disposal or transfer decision. A move between schools is
    a transfer (transfer_request).
    """
    require(actor, MOVE, asset.school)
    school = asset.school
    errors = {}
    changes = {
        name: value
        for name, value in (
            ("room", room),
            ("department", department),
            ("custodian", custodian),
            ("used_by", used_by),
        )
        if value is not UNCHANGED
    }
    if not changes:
        raise invalid(None, _("Say where the asset goes or who keeps it."))
    if changes.get("room") is not None:
        check_room(changes["room"], school, errors)
    if changes.get("department") is not None:
        check_same_school(changes["department"], school, "department", errors)
    for person in ("custodian", "used_by"):
        if changes.get(person) is not None:
            check_person(changes[person], school, person, errors)
    if quantity is not None:
        quantity = to_quantity(quantity, "quantity", errors, most=asset.quantity)
    occurred_on = to_date(occurred_on, "occurred_on", errors, default=today())
    if occurred_on and occurred_on > today():
        errors["occurred_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_asset(asset)
        if locked.status not in MOVABLE:
            raise invalid(
                None,
                _("%(asset)s is %(status)s; it cannot be moved now.")
                % {"asset": locked, "status": locked.get_status_display().lower()},
            )
        if quantity is not None and quantity > locked.quantity:
            raise invalid("quantity", _("Only %(most)s are on this card.") % {"most": locked.quantity})
        if all(
            getattr(locked, f"{name}_id") == (v.pk if v is not None else None) for name, v in changes.items()
        ):
            raise invalid(None, _("%(asset)s is already there, with that keeper.") % {"asset": locked})
        target = take_part(locked, quantity, actor=actor, occurred_on=occurred_on)
        before_snapshot = snapshot(target)
        before = state_of(target)
        for name, value in changes.items():
            setattr(target, name, value)
        target.save(update_fields=[*changes, "updated_at"])
        kind = (
            EventKind.MOVE
            if {"room", "department"}
            & {n for n, v in changes.items() if before[n][0] != (v.pk if v is not None else None)}
            else EventKind.ASSIGN
        )
        record_event(
            asset=target,
            kind=kind,
            actor=actor,
            before=before,
            occurred_on=occurred_on,
            quantity=target.quantity,
            note=note,
        )
        changelog_record(actor=actor, obj=target, action=ChangeAction.UPDATE, before=before_snapshot)
    return target


def asset_set_status(*, actor, asset, status=None, condition=None, note=""):
    """Mark a card in use or idle, or its condition good or worn. Damage goes through an
    incident report, on loan / under repair / awaiting disposal through their operations."""
    require(actor, MOVE, asset.school)
    errors = {}
    if status is None and condition is None:
        raise invalid(None, _("Choose a status or a condition."))
    if status is not None and status not in MANUAL:
        errors["status"] = _("Only in use and idle are set by hand.")
    if condition is not None and condition not in (AssetCondition.GOOD, AssetCondition.WORN):
        errors["condition"] = _("Report damage as an incident.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_asset(asset)
        if status is not None and locked.status not in MANUAL:
            raise invalid(
                "status",
                _("%(asset)s is %(status)s; that ends through its own operation.")
                % {"asset": locked, "status": locked.get_status_display().lower()},
            )
        if condition is not None and locked.condition not in (AssetCondition.GOOD, AssetCondition.WORN):
            raise invalid("condition", _("A damaged asset is made good by its repair."))
        before_snapshot = snapshot(locked)
        before = state_of(locked)
        if status is not None:
            locked.status = status
        if condition is not None:
            locked.condition = condition
        if before["status"][0] == locked.status and before["condition"][0] == locked.condition:
            raise invalid(None, _("Nothing changes."))
        locked.save(update_fields=["status", "condition", "updated_at"])
        record_event(asset=locked, kind=EventKind.STATUS, actor=actor, before=before, note=note)
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before_snapshot)
    return locked


REVERSIBLE = (EventKind.MOVE, EventKind.ASSIGN)
REVERSIBLE_FIELDS = ("room", "department", "custodian", "used_by")


def asset_event_reverse(*, actor, event, note=""):
    """Correct a wrong move or assignment with a reversing entry: the card goes back to where
    the event found it. Only while the card is still as the event left it, and only once."""
    require(actor, CORRECT, event.school)
    note = (note or "").strip()
    if event.kind not in REVERSIBLE:
        raise invalid(None, _("Only moves and assignments are corrected this way."))
    if not note:
        raise invalid("note", _("Say what was wrong."))
    with transaction.atomic():
        locked = lock_asset(event.asset)
        if AssetEvent.objects.filter(reverses=event).exists():
            raise invalid(None, _("This entry has already been corrected."))
        fields = {k: v for k, v in event.changes.items() if k in REVERSIBLE_FIELDS}
        if not fields or any(getattr(locked, f"{k}_id") != v.get("to_id") for k, v in fields.items()):
            raise invalid(
                None, _("%(asset)s has changed since; move it with a new entry.") % {"asset": locked}
            )
        if locked.status not in MOVABLE:
            raise invalid(None, _("%(asset)s cannot be moved now.") % {"asset": locked})
        before_snapshot = snapshot(locked)
        before = state_of(locked)
        for name, change in fields.items():
            setattr(locked, f"{name}_id", change.get("from_id"))
        locked.save(update_fields=[*fields, "updated_at"])
        locked.refresh_from_db()
        correction = record_event(
            asset=locked, kind=EventKind.CORRECTION, actor=actor, before=before, reverses=event, note=note
        )
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before_snapshot)
    return correction


def asset_delete(*, actor, instance):
    """Cards are never deleted: a card leaves the books through a disposal and keeps its history."""
    raise ValidationError({NON_FIELD_ERRORS: [_("An asset card is not deleted; request its disposal.")]})
