"""The asset card: registration, card details, moves and assignments, hand-set status, splits
and corrections. Each operation is one transaction that writes the ledger and the change log."""

import datetime
from dataclasses import dataclass, field
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
# The values each choice field accepts, as sets (Choices.values builds a new list on every read).
CHOICE_VALUES = {name: frozenset(choices.values) for name, choices in CHOICE_FIELDS.items()}
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


def _months(lives, depreciation_class):
    if not depreciation_class:
        return 0
    years = lives.get(depreciation_class, 0) or 0
    return int((Decimal(str(years)) * 12).to_integral_value())


def life_months(*, school, depreciation_class):
    """The depreciation life in months of a class of the rule book's life table at `school`
    (0: not depreciated, including classes the table does not name)."""
    return _months(depreciation_classes(school), depreciation_class)


@dataclass
class RegisterContext:
    """What registering cards at `school` reads besides the cards' own values: the rule book's
    numbers, and which categories and people a card may name.

    asset_register takes one per card (`RegisterContext.at(school)`: the rules from the rule
    book's cache, categories and people asked of the database). The ledger import takes one for
    a whole sheet, with the school's categories and people read once, so that both paths run the
    same checks (card_detail_errors, card_state_errors) and make the same card (card_values)
    without a query per row.
    """

    school: object
    always_fixed: tuple
    bulk_like_fixed: bool
    threshold: Decimal
    threshold_special: Decimal
    min_life_years: Decimal
    residual_rate: Decimal
    starts_month_acquired: bool
    lives: dict
    # {pk: category} of the active categories available to the school; None: ask the database.
    categories: dict | None = None
    # Primary keys of the people who may keep or use the school's property; None: ask the database.
    people: frozenset | None = None
    # The day it is at the school: no acquisition date after it.
    today: datetime.date = field(default_factory=today)
    _traits: dict = field(default_factory=dict, repr=False)

    @classmethod
    def at(cls, school, *, categories=None, people=None):
        return cls(
            school=school,
            always_fixed=tuple(rule(ALWAYS_FIXED, school) or ()),
            bulk_like_fixed=bool(rule(BULK_LIKE, school)),
            threshold=rule(CAPITALISATION, school),
            threshold_special=rule(CAPITALISATION_SPECIAL, school),
            min_life_years=rule(MIN_LIFE, school),
            residual_rate=rule(RESIDUAL_RATE, school),
            starts_month_acquired=rule(STARTS_MONTH_ACQUIRED, school),
            lives=depreciation_classes(school),
            categories=categories,
            people=people,
        )

    def traits(self, category):
        traits = self._traits.get(category.pk)
        if traits is None:
            traits = self._traits[category.pk] = category_traits(category)
        return traits

    def life_months(self, depreciation_class):
        return _months(self.lives, depreciation_class)

    def category_available(self, category):
        if self.categories is not None:
            return category.pk in self.categories
        return AssetCategory.objects.available_to(self.school).filter(pk=category.pk, is_active=True).exists()

    def is_person(self, user):
        if self.people is not None:
            return user.pk in self.people
        errors = {}
        check_person(user, self.school, "person", errors)
        return not errors


def asset_classify(*, school, category, unit_price, depreciation_class="", context=None):
    """Fixed asset or low-value item, by the rule book (DOMAIN.md §2.2).

    Fixed: a unit value at or above the capitalisation threshold (the special-equipment one for
    special equipment) and a life of more than the minimum (classes that are not depreciated,
    such as books and relics, count as durable); or a class the school's list names as fixed
    whatever its price; or, where the rule book says so, a class of large batches of like items
    (books, desks). Everything else is a low-value item.
    """
    ctx = context or RegisterContext.at(school)
    traits = ctx.traits(category)
    if traits.matches(ctx.always_fixed):
        return AssetClass.FIXED
    if traits.bulk_like and ctx.bulk_like_fixed:
        return AssetClass.FIXED
    threshold = ctx.threshold_special if traits.special_equipment else ctx.threshold
    months = ctx.life_months(depreciation_class or traits.depreciation_class)
    durable = months == 0 or months > ctx.min_life_years * 12
    if Decimal(unit_price) >= threshold and durable:
        return AssetClass.FIXED
    return AssetClass.LOW_VALUE


def _depreciation_terms(
    *, school, category, asset_class, depreciation_class, acquired_on, amount, context=None
):
    """(class key, life in months, first month, residual value) for a card. Low-value items are
    not depreciated (they are written off on issue, per assets.low_value_amortisation_method)."""
    ctx = context or RegisterContext.at(school)
    key = depreciation_class or ctx.traits(category).depreciation_class
    months = ctx.life_months(key) if asset_class == AssetClass.FIXED else 0
    if not months:
        return key, 0, None, Decimal("0.00")
    start = depreciation.first_month(acquired_on, starts_month_acquired=ctx.starts_month_acquired)
    residual = (Decimal(amount) * ctx.residual_rate).quantize(depreciation.CENT)
    return key, months, start, residual


# ---------------------------------------------------------------------------------------------
# Registration and card details


def card_detail_errors(data, school, errors, *, instance=None, context=None):
    """Check the card details in `data` (merged with `instance` when editing); the errors go into
    `errors` keyed by field, the cleaned values come back. Shared by registration, editing and
    the ledger import."""
    context = context or RegisterContext.at(school)

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
    elif not context.category_available(category):
        errors["category"] = _("%(obj)s is not a category of %(school)s.") % {
            "obj": category,
            "school": school,
        }
    unit_price = to_money(get("unit_price"), "unit_price", errors)
    acquired_on = to_date(get("acquired_on"), "acquired_on", errors, required=True)
    if acquired_on is not None and acquired_on > context.today:
        errors["acquired_on"] = _("The acquisition date cannot be in the future.")
    booked_on = to_date(get("booked_on"), "booked_on", errors)
    if booked_on and acquired_on and booked_on < acquired_on:
        errors["booked_on"] = _("The booking date cannot be before the acquisition date.")
    warranty_until = to_date(get("warranty_until"), "warranty_until", errors)
    if warranty_until and acquired_on and warranty_until < acquired_on:
        errors["warranty_until"] = _("The warranty cannot end before the acquisition date.")
    for field_name, values in CHOICE_VALUES.items():
        value = get(field_name)
        if value not in (None, "") and value not in values:
            errors[field_name] = _("Choose one of the listed values.")
    key = (get("depreciation_class") or "").strip()
    if key and key not in context.lives:
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


def card_state_errors(data, school, errors, *, context):
    """Check where a new card starts (quantity, room, department, keeper, user, status,
    condition); the errors go into `errors` keyed by field, the cleaned values come back."""
    tracking = data.get("tracking") or Tracking.SINGLE
    quantity = to_quantity(data.get("quantity", 1), "quantity", errors)
    if quantity and quantity > 1 and tracking == Tracking.SINGLE:
        errors["quantity"] = _("A single item has quantity 1; register a counted batch for more.")
    room, department = data.get("room"), data.get("department")
    check_room(room, school, errors)
    check_same_school(department, school, "department", errors)
    for person in ("custodian", "used_by"):
        user = data.get(person)
        if user is not None and not context.is_person(user):
            errors[person] = _("%(user)s is not a member of %(school)s.") % {"user": user, "school": school}
    status = data.get("status") or AssetStatus.IN_USE
    if status not in MANUAL:
        errors["status"] = _("A new card is in use or idle.")
    condition = data.get("condition") or AssetCondition.GOOD
    if condition not in (AssetCondition.GOOD, AssetCondition.WORN):
        errors["condition"] = _("Register damaged property, then report the damage.")
    return {
        "tracking": tracking,
        "quantity": quantity,
        "room": room,
        "department": department,
        "custodian": data.get("custodian"),
        "used_by": data.get("used_by"),
        "status": status,
        "condition": condition,
    }


def card_values(*, actor, school, data, details, state, context, amount=None):
    """The field values of a new card (FKs as objects; no number, no search text yet) from the
    checked `details` and `state`: what card_build makes a card of, and what the ledger import
    inserts many at a time.

    The original value is unit price × quantity unless `amount` is given (a ledger's booked value,
    which the import has checked agrees with them to the fen); class, depreciation life, first
    month and residual value follow from the category and the rule book; the unit, when empty,
    is the category's.
    """
    category = details["category"]
    quantity = state["quantity"]
    if amount is None:
        amount = (details["unit_price"] * quantity).quantize(depreciation.CENT)
    asset_class = asset_classify(
        school=school,
        category=category,
        unit_price=details["unit_price"],
        depreciation_class=details["depreciation_class"],
        context=context,
    )
    _key, months, start, residual = _depreciation_terms(
        school=school,
        category=category,
        asset_class=asset_class,
        depreciation_class=details["depreciation_class"],
        acquired_on=details["acquired_on"],
        amount=amount,
        context=context,
    )
    values = {
        "school": school,
        "name": details["name"],
        "category": category,
        "asset_class": asset_class,
        "tracking": state["tracking"],
        "unit_price": details["unit_price"],
        "quantity": quantity,
        "amount": amount,
        "residual_value": residual,
        "depreciation_class": details["depreciation_class"],
        "depreciation_months": months,
        "depreciation_start": start,
        "acquired_on": details["acquired_on"],
        "booked_on": details["booked_on"],
        "warranty_until": details["warranty_until"],
        "room": state["room"],
        "department": state["department"],
        "custodian": state["custodian"],
        "used_by": state["used_by"],
        "status": state["status"],
        "condition": state["condition"],
        "created_by": actor,
    }
    for name in TEXT_FIELDS:
        values[name] = (data.get(name) or "").strip()
    if not values["unit"]:
        values["unit"] = context.traits(category).unit
    for name in CHOICE_FIELDS:
        if name != "tracking" and data.get(name):
            values[name] = data[name]
    return values


def card_build(*, actor, school, data, details, state, context, amount=None):
    """The new card, unsaved and without its number (see card_values)."""
    return Asset(
        **card_values(
            actor=actor,
            school=school,
            data=data,
            details=details,
            state=state,
            context=context,
            amount=amount,
        )
    )


def asset_register(*, actor, school, data, occurred_on=None, model=Asset):
    """Register a card at `school`: a single item or a counted batch, in a room, with its keeper.

    `data` holds the card details (name, category, unit_price, acquired_on, … see DETAIL_FIELDS)
    and where it starts: quantity, room, department, custodian, used_by, status (in use or
    idle), condition. The number comes from the school's sequence (ZC-2026-0001); the original
    value is unit price × quantity; class (fixed or low-value), depreciation life and first
    month follow from the category and the rule book. Writes the "registered" event.
    (A ledger of cards is registered by services.imports, with the same checks and values.)
    """
    require(actor, model_perm(Asset, "add"), school)
    context = RegisterContext.at(school)
    errors = {}
    details = card_detail_errors(data, school, errors, context=context)
    state = card_state_errors(data, school, errors, context=context)
    if errors:
        raise ValidationError(errors)
    asset = card_build(actor=actor, school=school, data=data, details=details, state=state, context=context)
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
            quantity=asset.quantity,
            amount=asset.amount,
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
    details = card_detail_errors(data, instance.school, errors, instance=instance)
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
