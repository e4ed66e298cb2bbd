"""The stock ledger's operations: receive, issue, transfer, count adjustment, return, reversal.

Each is one transaction that checks the cheap things first (quantities, that the item and the
stores belong to the school), then locks the balance rows it changes (`select_for_update`, in
primary-key order), refuses with InsufficientStock when a store holds too little, writes one
immutable StockMovement per balance with the balance after it, updates the balance and its
lots, and writes the change log. The DB constraints (quantity >= 0) are the last guard.

Values follow the moving average: a receipt adds quantity × its unit cost; an issue takes the
current average; taking the last unit takes the whole remaining value, so nothing is left over.

Other apps call these functions (procurement's receiving inspection calls `stock_receive` with
`source=` the inspection; a repair work order may call `stock_issue` with `source=` the order):
with a source document the calling app's service has decided who may do it, so the supplies
permission is not asked for again.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from houqin.core import access
from houqin.core.models import ChangeAction, Department, Room, User
from houqin.core.models.changelog import EXTRA_CHANGE_LABELS
from houqin.core.selectors.org import people_of_school
from houqin.core.services.changelog import changelog_record, snapshot

from ..choices import MovementKind
from ..exceptions import InsufficientStock
from ..models import Item, StockBalance, StockLot, StockMovement, StockMovementLot, Store
from ..permissions import ADJUST, ISSUE, RECEIVE, TRANSFER
from ..selectors import issue_returned

ZERO = Decimal("0")
CENT = Decimal("0.01")
UNIT_COST_PLACES = Decimal("0.0001")
MAX_QUANTITY = Decimal(10) ** 11
MAX_UNIT_COST = Decimal(10) ** 10
# The change log of a balance names the movement that changed it.
EXTRA_CHANGE_LABELS.setdefault("movement", gettext_lazy("movement"))


# --- checks ----------------------------------------------------------------------------------


def _require(actor, perm, school):
    if actor is not None and not access.has_perm(actor, perm, school):
        raise PermissionDenied(_("You may not do this at %(school)s.") % {"school": school})


def _decimal(value, field, places, *, positive=True, maximum=MAX_QUANTITY):
    """`value` as a Decimal with at most `places` decimals, > 0 (or >= 0), else a keyed error."""
    try:
        number = Decimal(str(value).strip()) if value is not None and not isinstance(value, bool) else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    if positive and number <= 0:
        raise ValidationError({field: _("Enter a number greater than zero.")})
    if not positive and number < 0:
        raise ValidationError({field: _("The number cannot be negative.")})
    if number != number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        raise ValidationError({field: _("Use at most %(places)s decimal places.") % {"places": places}})
    if number >= maximum:
        raise ValidationError({field: _("The number is too large.")})
    return number


def quantity_value(value, field="quantity"):
    """A quantity as the ledger keeps it: > 0, at most three decimals (kg to the gram)."""
    return _decimal(value, field, 3)


def _unit_cost(value, field="unit_cost"):
    return _decimal(value, field, 4, positive=False, maximum=MAX_UNIT_COST)


def _own(obj, school, field, errors, model=None):
    """`obj` must be a saved row of `model` belonging to `school`."""
    if obj is None:
        errors[field] = _("This field is required.")
    elif (model is not None and not isinstance(obj, model)) or obj.pk is None:
        errors[field] = _("Choose a valid option.")
    elif obj.school_id != school.pk:
        errors[field] = _("%(obj)s belongs to another school.") % {"obj": obj}


def _optional_own(obj, school, field, errors, model):
    if obj is not None:
        _own(obj, school, field, errors, model)


def _person(user, school, field, errors, required=True):
    if user is None:
        if required:
            errors[field] = _("This field is required.")
        return
    if not isinstance(user, User) or not people_of_school(school).filter(pk=user.pk).exists():
        errors[field] = _("%(user)s is not a member of %(school)s.") % {"user": user, "school": school}


def _text(value, field, max_length, errors):
    text = (value or "").strip()
    if len(text) > max_length:
        errors[field] = _("At most %(n)s characters.") % {"n": max_length}
    return text


def _when(occurred_at):
    """An explicit date of the entry, checked; None means "now", taken once the lock is held."""
    if occurred_at is None:
        return None
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("An entry cannot be dated in the future.")})
    return occurred_at


def _stamp(balances, occurred_at):
    """The time of an entry on locked `balances`. "Now" is read after the lock, so entries that
    queued for it keep the ledger in time order; an explicit date may not go before the last
    entry of a balance."""
    if occurred_at is None:
        last = [b.last_movement_at for b in balances if b.last_movement_at is not None]
        return max([timezone.now(), *last])
    for balance in balances:
        if balance.last_movement_at is not None and occurred_at < balance.last_movement_at:
            raise ValidationError(
                {
                    "occurred_at": _(
                        "%(balance)s has an entry of %(last)s; a new one cannot be dated before it."
                    )
                    % {
                        "balance": balance,
                        "last": timezone.localtime(balance.last_movement_at).strftime("%Y-%m-%d %H:%M"),
                    }
                }
            )
    return occurred_at


def _source_fields(source):
    if source is None:
        return {}
    if getattr(source, "pk", None) is None:
        raise ValidationError({"source": _("The source document must be saved first.")})
    return {"source_type": ContentType.objects.get_for_model(source.__class__), "source_id": source.pk}


def _source_fields_of(movement):
    return {"source_type": movement.source_type, "source_id": movement.source_id}


# --- locking ---------------------------------------------------------------------------------


def _ensure_balance(school, item, store):
    """The id of the balance row of (item, store), created empty when missing (a savepoint, so
    losing the creation race to another transaction does not break this one)."""
    pk = StockBalance.objects.filter(item=item, store=store).values_list("pk", flat=True).first()
    if pk is not None:
        return pk
    try:
        with transaction.atomic():
            return StockBalance.objects.create(school=school, item=item, store=store).pk
    except IntegrityError:
        return StockBalance.objects.get(item=item, store=store).pk


def _lock_balances(pks):
    """Lock balance rows in primary-key order (two transactions locking the same rows take them
    in the same order, so they queue instead of deadlocking); {pk: balance}."""
    rows = StockBalance.objects.select_for_update().filter(pk__in=sorted(set(pks))).order_by("pk")
    return {b.pk: b for b in rows}


def balances_lock(*, store, items):
    """Lock the balances of `items` in `store` (those that exist), in primary-key order, before a
    service issues several items in one transaction (a requisition, an allotment)."""
    pks = StockBalance.objects.filter(store=store, item__in=items).values_list("pk", flat=True)
    return _lock_balances(list(pks))


def _lock_lots(balance):
    """The balance's lots holding stock, locked (pk order), then ordered first-expiry-first-out."""
    lots = list(StockLot.objects.select_for_update().filter(balance=balance, quantity__gt=0).order_by("pk"))
    return sorted(
        lots, key=lambda lot: (lot.expiry_date is None, lot.expiry_date or datetime.date.max, lot.pk)
    )


def _lot_for(balance, lot, expiry_date, when):
    """The lot row of (lot, expiry), created when missing; the balance is locked, so no race."""
    row = StockLot.objects.filter(balance=balance, lot=lot, expiry_date=expiry_date).first()
    if row is None:
        row = StockLot.objects.create(balance=balance, lot=lot, expiry_date=expiry_date, received_at=when)
    return row


def _draw(lots, quantity):
    """[(lot, -taken)] covering `quantity` from `lots` in their order."""
    lines, remaining = [], quantity
    for lot in lots:
        if remaining <= 0:
            break
        take = min(lot.quantity, remaining)
        if take > 0:
            lines.append((lot, -take))
            remaining -= take
    return lines


# --- writing ---------------------------------------------------------------------------------


def _lots_text(lines):
    names = []
    for lot, _q in lines:
        if lot.lot and lot.lot not in names:
            names.append(lot.lot)
    return ", ".join(names)[:200]


def _write(*, balance, kind, quantity, value, unit_cost, lines, actor, when, **fields):
    """Apply a signed change to a locked balance and its lots; write the movement, its lot lines
    and the change log. The caller has checked that nothing goes negative."""
    before = snapshot(balance)
    new_quantity = balance.quantity + quantity
    new_value = balance.value + value
    if new_quantity == 0 or new_value < 0:
        # The average is rounded to the cent: the last unit out takes what is left, and a
        # reversal after the average moved never leaves a negative value behind.
        new_value = ZERO if new_quantity == 0 else max(new_value, ZERO)
    value = new_value - balance.value
    fields.setdefault("lot", _lots_text(lines))
    movement = StockMovement.objects.create(
        school_id=balance.school_id,
        balance=balance,
        item=balance.item,
        store=balance.store,
        kind=kind,
        quantity=quantity,
        unit_cost=unit_cost.quantize(UNIT_COST_PLACES, rounding=ROUND_HALF_UP),
        value=value,
        balance_after=new_quantity,
        value_after=new_value,
        occurred_at=when,
        actor=actor,
        **fields,
    )
    for lot, q in lines:
        lot.quantity += q
        lot.save(update_fields=["quantity"])
    StockMovementLot.objects.bulk_create(
        [StockMovementLot(movement=movement, lot=lot, quantity=q) for lot, q in lines]
    )
    balance.quantity = new_quantity
    balance.value = new_value
    balance.last_movement_at = when
    balance.save(update_fields=["quantity", "value", "last_movement_at", "updated_at"])
    changelog_record(
        actor=actor,
        obj=balance,
        action=ChangeAction.UPDATE,
        before=before,
        after={**snapshot(balance), "movement": str(movement)},
        school=balance.school,
    )
    return movement


def _attach(balance, school, item, store):
    """Reuse the objects the caller holds, so snapshots and texts need no further queries."""
    balance.school, balance.item, balance.store = school, item, store
    return balance


def _issue_value(balance, quantity):
    """The value of `quantity` taken at the current average (all of it for the last units)."""
    if quantity >= balance.quantity:
        return balance.value
    return (balance.value * quantity / balance.quantity).quantize(CENT, rounding=ROUND_HALF_UP)


def _school_total(item):
    return StockBalance.objects.filter(item=item).aggregate(total=Sum("quantity"))["total"] or ZERO


def _queue_low_stock_check(school, item, total_before, total_after):
    """After the commit, check the item's alerts when this movement took it below its minimum."""
    if item.min_stock > 0 and total_after < item.min_stock <= total_before:
        from ..tasks import supplies_check_item

        school_id, item_id = school.pk, item.pk
        transaction.on_commit(lambda: supplies_check_item.enqueue(school_id, item_id))


# --- the operations --------------------------------------------------------------------------


def stock_receive(
    *,
    school,
    item,
    store,
    quantity,
    unit_cost,
    actor,
    lot="",
    expiry_date=None,
    reference="",
    source=None,
    note="",
    occurred_at=None,
) -> StockMovement:
    """Book goods into `store` (入库) at `unit_cost` per unit; the average cost moves.

    `source` is the document it comes from (procurement's receiving inspection), kept as a
    generic reference. An item with a shelf life and no expiry date given expires shelf-life
    days after the receipt.
    """
    errors = {}
    _own(item, school, "item", errors, Item)
    _own(store, school, "store", errors, Store)
    if not errors:
        if not item.is_active:
            errors["item"] = _("%(item)s is no longer in use.") % {"item": item}
        if not store.is_active:
            errors["store"] = _("%(store)s is closed.") % {"store": store}
    lot = _text(lot, "lot", 40, errors)
    reference = _text(reference, "reference", 100, errors)
    note = _text(note, "note", 200, errors)
    for field, check in (("quantity", quantity_value), ("unit_cost", _unit_cost)):
        try:
            value = check(quantity if field == "quantity" else unit_cost, field)
        except ValidationError as exc:
            errors.update(exc.error_dict)
        else:
            if field == "quantity":
                quantity = value
            else:
                unit_cost = value
    if expiry_date is not None and not isinstance(expiry_date, datetime.date):
        errors["expiry_date"] = _("Enter a valid date.")
    if errors:
        raise ValidationError(errors)
    when = _when(occurred_at)
    source_fields = _source_fields(source)
    if source is None:
        _require(actor, RECEIVE, school)
    with transaction.atomic():
        pk = _ensure_balance(school, item, store)
        balance = _attach(_lock_balances([pk])[pk], school, item, store)
        when = _stamp([balance], when)
        if expiry_date is None and item.shelf_life_days:
            expiry_date = timezone.localtime(when).date() + datetime.timedelta(days=item.shelf_life_days)
        lot_row = _lot_for(balance, lot, expiry_date, when)
        return _write(
            balance=balance,
            kind=MovementKind.RECEIPT,
            quantity=quantity,
            value=(quantity * unit_cost).quantize(CENT, rounding=ROUND_HALF_UP),
            unit_cost=unit_cost,
            lines=[(lot_row, quantity)],
            actor=actor,
            when=when,
            expiry_date=expiry_date,
            reference=reference,
            note=note,
            **source_fields,
        )


def stock_issue(
    *,
    school,
    item,
    store,
    quantity,
    issued_to,
    actor,
    requisition=None,
    reference="",
    department=None,
    room=None,
    allotment_target=None,
    source=None,
    note="",
    occurred_at=None,
) -> StockMovement:
    """Hand `quantity` of `item` out of `store` to `issued_to` (出库/领用), at the average cost,
    oldest expiry first. InsufficientStock ("requested 6, 4 available") when the store holds
    less; nothing is written then.

    `department` and `room` (a class) say whose use it is for the reports; `requisition` and
    `allotment_target` tie it to the document it was issued against.
    """
    from ..models import AllotmentTarget, Requisition

    errors = {}
    _own(item, school, "item", errors, Item)
    _own(store, school, "store", errors, Store)
    try:
        quantity = quantity_value(quantity)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    _person(issued_to, school, "issued_to", errors)
    _optional_own(department, school, "department", errors, Department)
    _optional_own(room, school, "room", errors, Room)
    _optional_own(requisition, school, "requisition", errors, Requisition)
    _optional_own(allotment_target, school, "allotment_target", errors, AllotmentTarget)
    reference = _text(reference, "reference", 100, errors)
    note = _text(note, "note", 200, errors)
    if errors:
        raise ValidationError(errors)
    when = _when(occurred_at)
    source_fields = _source_fields(source)
    if source is None:
        _require(actor, ISSUE, school)
    with transaction.atomic():
        # One row: locked by the read itself.
        balance = StockBalance.objects.select_for_update().filter(item=item, store=store).first()
        if balance is None or balance.quantity < quantity:
            raise InsufficientStock(
                item=item, store=store, requested=quantity, available=balance.quantity if balance else ZERO
            )
        _attach(balance, school, item, store)
        when = _stamp([balance], when)
        total_before = _school_total(item) if item.min_stock > 0 else ZERO
        movement = _write(
            balance=balance,
            kind=MovementKind.ISSUE,
            quantity=-quantity,
            value=-_issue_value(balance, quantity),
            unit_cost=balance.unit_cost,
            lines=_draw(_lock_lots(balance), quantity),
            actor=actor,
            when=when,
            issued_to=issued_to,
            department=department,
            room=room,
            requisition=requisition,
            allotment_target=allotment_target,
            reference=reference,
            note=note,
            **source_fields,
        )
        if item.min_stock > 0:
            _queue_low_stock_check(school, item, total_before, total_before - quantity)
    return movement


def stock_transfer(
    *, school, item, from_store, to_store, quantity, actor, reference="", note="", occurred_at=None
):
    """Move stock between two stores of the school (调拨): two movements, one transaction; the
    value goes along at the source's average and the lots keep their numbers and expiry dates.
    Returns (out, in)."""
    errors = {}
    _own(item, school, "item", errors, Item)
    _own(from_store, school, "from_store", errors, Store)
    _own(to_store, school, "to_store", errors, Store)
    if not errors and from_store.pk == to_store.pk:
        errors["to_store"] = _("Choose another store than the one the stock leaves.")
    if not errors and not to_store.is_active:
        errors["to_store"] = _("%(store)s is closed.") % {"store": to_store}
    try:
        quantity = quantity_value(quantity)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    reference = _text(reference, "reference", 100, errors)
    note = _text(note, "note", 200, errors)
    if errors:
        raise ValidationError(errors)
    when = _when(occurred_at)
    _require(actor, TRANSFER, school)
    with transaction.atomic():
        source_pk = (
            StockBalance.objects.filter(item=item, store=from_store).values_list("pk", flat=True).first()
        )
        if source_pk is None:
            raise InsufficientStock(item=item, store=from_store, requested=quantity, available=ZERO)
        target_pk = _ensure_balance(school, item, to_store)
        locked = _lock_balances([source_pk, target_pk])
        source = _attach(locked[source_pk], school, item, from_store)
        target = _attach(locked[target_pk], school, item, to_store)
        if source.quantity < quantity:
            raise InsufficientStock(
                item=item, store=from_store, requested=quantity, available=source.quantity
            )
        when = _stamp([source, target], when)
        value = _issue_value(source, quantity)
        unit_cost = source.unit_cost
        drawn = _draw(_lock_lots(source), quantity)
        common = {"reference": reference, "note": note, "actor": actor, "when": when, "unit_cost": unit_cost}
        out = _write(
            balance=source,
            kind=MovementKind.TRANSFER_OUT,
            quantity=-quantity,
            value=-value,
            lines=drawn,
            **common,
        )
        arriving = [(_lot_for(target, lot.lot, lot.expiry_date, when), -q) for lot, q in drawn]
        inbound = _write(
            balance=target,
            kind=MovementKind.TRANSFER_IN,
            quantity=quantity,
            value=-out.value,
            lines=arriving,
            counterpart=out,
            **common,
        )
        out.counterpart = inbound
        out.save(update_fields=["counterpart"])
    return out, inbound


def stock_adjust(
    *,
    school,
    item,
    store,
    counted,
    actor,
    reason,
    unit_cost=None,
    lot="",
    expiry_date=None,
    occurred_at=None,
) -> StockMovement:
    """Record a stocktake difference (盘盈/盘亏): the store holds `counted`, the books say otherwise.

    A shortage is taken oldest expiry first at the average cost; a surplus goes into `lot` at
    `unit_cost` (default: the average, or the item's reference price when none is in stock).
    """
    errors = {}
    _own(item, school, "item", errors, Item)
    _own(store, school, "store", errors, Store)
    try:
        counted = _decimal(counted, "counted", 3, positive=False)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if unit_cost not in (None, ""):
        try:
            unit_cost = _unit_cost(unit_cost)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    else:
        unit_cost = None
    reason = _text(reason, "reason", 200, errors)
    if not reason and "reason" not in errors:
        errors["reason"] = _("Say why the count differs (the stocktake, what was found).")
    lot = _text(lot, "lot", 40, errors)
    if errors:
        raise ValidationError(errors)
    when = _when(occurred_at)
    _require(actor, ADJUST, school)
    with transaction.atomic():
        pk = _ensure_balance(school, item, store)
        balance = _attach(_lock_balances([pk])[pk], school, item, store)
        when = _stamp([balance], when)
        difference = counted - balance.quantity
        if difference == 0:
            raise ValidationError(
                {
                    "counted": _("The count agrees with the books (%(n)s); there is no difference to record.")
                    % {"n": format(counted.normalize(), "f")}
                }
            )
        if difference < 0:
            total_before = _school_total(item) if item.min_stock > 0 else ZERO
            movement = _write(
                balance=balance,
                kind=MovementKind.ADJUSTMENT,
                quantity=difference,
                value=-_issue_value(balance, -difference),
                unit_cost=balance.unit_cost,
                lines=_draw(_lock_lots(balance), -difference),
                actor=actor,
                when=when,
                note=reason,
            )
            _queue_low_stock_check(school, item, total_before, total_before + difference)
            return movement
        if unit_cost is None:
            unit_cost = balance.unit_cost if balance.quantity else item.reference_price
        if unit_cost is None:
            raise ValidationError(
                {
                    "unit_cost": _(
                        "None is in stock to take the average from: give the unit cost of the surplus."
                    )
                }
            )
        if expiry_date is None and item.shelf_life_days:
            expiry_date = timezone.localtime(when).date() + datetime.timedelta(days=item.shelf_life_days)
        lot_row = _lot_for(balance, lot, expiry_date, when)
        return _write(
            balance=balance,
            kind=MovementKind.ADJUSTMENT,
            quantity=difference,
            value=(difference * unit_cost).quantize(CENT, rounding=ROUND_HALF_UP),
            unit_cost=unit_cost,
            lines=[(lot_row, difference)],
            actor=actor,
            when=when,
            expiry_date=expiry_date,
            note=reason,
        )


def stock_return(
    *, issue, quantity, actor, returned_by=None, reason="", source=None, occurred_at=None
) -> StockMovement:
    """Take back into the store (退库) part or all of an issue: into the lots it came from, at
    the cost it left with. The way to correct an issue; it counts against the requisition or
    allotment the issue served.

    `source`, when it is the document the issue was made against (a work order), stands in for
    the storekeeper's right, as it did for the issue."""
    errors = {}
    if not isinstance(issue, StockMovement) or issue.pk is None or issue.kind != MovementKind.ISSUE:
        raise ValidationError({"issue": _("Only an issue can be returned to the store.")})
    school = issue.school
    try:
        quantity = quantity_value(quantity)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    returned_by = returned_by or issue.issued_to
    _person(returned_by, school, "returned_by", errors)
    reason = _text(reason, "reason", 200, errors)
    if errors:
        raise ValidationError(errors)
    when = _when(occurred_at)
    if source is None or _source_fields(source) != _source_fields_of(issue):
        _require(actor, ISSUE, school)
    with transaction.atomic():
        balance = _lock_balances([issue.balance_id])[issue.balance_id]
        _attach(balance, school, issue.item, issue.store)
        when = _stamp([balance], when)
        returned, returned_value, returned_per_lot = issue_returned(issue)
        open_quantity = -issue.quantity - returned
        if quantity > open_quantity:
            raise ValidationError(
                {
                    "quantity": _("%(n)s of this issue may still come back; %(q)s is more.")
                    % {"n": format(open_quantity.normalize(), "f"), "q": format(quantity.normalize(), "f")}
                }
            )
        lines, remaining = [], quantity
        for line in issue.lot_lines.order_by("pk"):
            room_left = -line.quantity - returned_per_lot.get(line.lot_id, ZERO)
            take = min(room_left, remaining)
            if take > 0:
                lines.append((StockLot.objects.select_for_update().get(pk=line.lot_id), take))
                remaining -= take
        if quantity == open_quantity:
            # The last part back carries exactly the value that is still out.
            value = -issue.value - returned_value
        else:
            value = (quantity * issue.unit_cost).quantize(CENT, rounding=ROUND_HALF_UP)
        return _write(
            balance=balance,
            kind=MovementKind.RETURN,
            quantity=quantity,
            value=value,
            unit_cost=issue.unit_cost,
            lines=lines,
            actor=actor,
            when=when,
            issued_to=returned_by,
            department=issue.department,
            room=issue.room,
            requisition=issue.requisition,
            allotment_target=issue.allotment_target,
            returns_of=issue,
            reference=issue.reference,
            note=reason,
        )


REVERSIBLE = {
    MovementKind.RECEIPT,
    MovementKind.TRANSFER_OUT,
    MovementKind.TRANSFER_IN,
    MovementKind.ADJUSTMENT,
    MovementKind.RETURN,
}


def stock_reverse(*, movement, actor, reason, occurred_at=None) -> StockMovement:
    """Undo a wrong entry with a reversing one (红冲): the same quantities, lots and value with
    the opposite sign. A transfer is reversed in both stores together. Refused when the stock
    it brought in has been used since, and for issues (those come back by a return)."""
    if not isinstance(movement, StockMovement) or movement.pk is None:
        raise ValidationError({"movement": _("Choose a movement.")})
    if movement.kind == MovementKind.ISSUE:
        raise ValidationError({"movement": _("An issue is corrected by returning the goods to the store.")})
    if movement.kind not in REVERSIBLE:
        raise ValidationError({"movement": _("A reversal cannot itself be reversed.")})
    errors = {}
    reason = _text(reason, "reason", 200, errors)
    if not reason and "reason" not in errors:
        errors["reason"] = _("Say what was wrong with the entry.")
    if errors:
        raise ValidationError(errors)
    school = movement.school
    when = _when(occurred_at)
    _require(actor, ADJUST, school)
    legs = [movement]
    if movement.counterpart_id:
        legs.append(StockMovement.objects.select_related("item", "store").get(pk=movement.counterpart_id))
    with transaction.atomic():
        locked = _lock_balances([leg.balance_id for leg in legs])
        if StockMovement.objects.filter(reverses__in=legs).exists():
            raise ValidationError({"movement": _("This entry has already been reversed.")})
        when = _stamp(list(locked.values()), when)
        plans = []
        for leg in legs:
            balance = _attach(locked[leg.balance_id], school, leg.item, leg.store)
            lines = []
            for line in leg.lot_lines.order_by("pk"):
                lot = StockLot.objects.select_for_update().get(pk=line.lot_id)
                if lot.quantity - line.quantity < 0:
                    raise InsufficientStock(
                        item=leg.item,
                        store=leg.store,
                        requested=line.quantity,
                        available=lot.quantity,
                        field="movement",
                    )
                lines.append((lot, -line.quantity))
            if balance.quantity - leg.quantity < 0:
                raise InsufficientStock(
                    item=leg.item,
                    store=leg.store,
                    requested=leg.quantity,
                    available=balance.quantity,
                    field="movement",
                )
            plans.append((leg, balance, lines))
        reversals = []
        for leg, balance, lines in plans:
            reversals.append(
                _write(
                    balance=balance,
                    kind=MovementKind.REVERSAL,
                    quantity=-leg.quantity,
                    value=-leg.value,
                    unit_cost=leg.unit_cost,
                    lines=lines,
                    actor=actor,
                    when=when,
                    reverses=leg,
                    issued_to=leg.issued_to,
                    department=leg.department,
                    room=leg.room,
                    requisition=leg.requisition,
                    allotment_target=leg.allotment_target,
                    reference=leg.reference,
                    note=reason,
                    expiry_date=leg.expiry_date,
                )
            )
    return reversals[0]
