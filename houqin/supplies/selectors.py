"""Read queries of the supplies app, used by pages, the API, services, reports and other apps."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from houqin.core.models import School
from houqin.core.rulebook import rule

from .choices import ItemCategory, MovementKind, TargetStatus
from .models import (
    AllotmentTarget,
    Item,
    Requisition,
    StockBalance,
    StockLot,
    StockMovement,
    StockMovementLot,
    Store,
)
from .rules import EXPIRY_WARNING_DAYS

ZERO = Decimal("0")
CENT = Decimal("0.01")
MILLI = Decimal("0.001")


def _money(value):
    """A summed amount to the cent (SQLite sums decimals without their places)."""
    return (value or ZERO).quantize(CENT)


def item_list(*, school, user=None, active_only=True):
    """The catalogue of `school` (what a user of it may see, when `user` is given)."""
    qs = Item.objects.filter(school=school)
    if user is not None:
        qs = qs.for_user(user)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("category", "name", "spec")


def store_list(*, school, user=None, active_only=True):
    """The stores of `school`."""
    qs = Store.objects.filter(school=school).select_related("keeper", "room__building")
    if user is not None:
        qs = qs.for_user(user)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def balance_list(*, user, scope, filters=None, request=None):
    """The stock list: balances of the scope the user may see, with the joins the page and the
    API need, filtered by BalanceFilterSet (the same rows for both)."""
    from .filtersets import StockBalanceFilterSet

    qs = (
        StockBalance.objects.for_user(user)
        .in_scope(scope)
        .select_related("item", "store", "school")
        .order_by("store__name", "item__category", "item__name", "item__spec")
    )
    if filters is None:
        return qs
    filterset = StockBalanceFilterSet(filters, queryset=qs, request=request)
    return filterset.qs if filterset.is_valid() else qs.none()


def balances_in_stock(*, school):
    """What the stores of `school` can hand out now: balances above zero of items and stores in
    use (for a form that takes from the store, such as a work order's materials)."""
    return (
        StockBalance.objects.filter(
            school=school, quantity__gt=0, item__is_active=True, store__is_active=True
        )
        .select_related("item", "store")
        .order_by("item__name", "item__spec", "store__name")
    )


def balance_get(*, item, store):
    """What `store` holds of `item`: one indexed row, never a sum over the ledger (None: never held)."""
    return StockBalance.objects.filter(item=item, store=store).first()


def item_totals(*, item):
    """The item's quantity and value over all stores of its school."""
    row = StockBalance.objects.filter(item=item).aggregate(quantity=Sum("quantity"), value=Sum("value"))
    # SQLite sums decimals without their places: give them back as the columns hold them.
    return (row["quantity"] or ZERO).quantize(MILLI), _money(row["value"])


def average_cost(*, item):
    """The school's average cost of one unit of `item` (all stores), else its reference price."""
    quantity, value = item_totals(item=item)
    if quantity:
        return (value / quantity).quantize(Decimal("0.0001"))
    return item.reference_price


def _back_from(issue):
    """The returns of an issue and the reversals of those returns (a return undone)."""
    return StockMovement.objects.filter(Q(returns_of=issue) | Q(reverses__returns_of=issue))


def issue_returned(issue):
    """What came back of an issue so far: (quantity, value, {lot id: quantity})."""
    row = _back_from(issue).aggregate(quantity=Sum("quantity"), value=Sum("value"))
    per_lot = dict(
        StockMovementLot.objects.filter(movement__in=_back_from(issue))
        .values_list("lot_id")
        .annotate(total=Sum("quantity"))
    )
    return row["quantity"] or ZERO, row["value"] or ZERO, per_lot


def issue_returnable(issue):
    """How much of an issue may still come back: issued minus what was returned already."""
    return -issue.quantity - issue_returned(issue)[0]


def lots_of(balance):
    """The lots of a balance still holding stock, oldest expiry first."""
    return list(balance.lots.filter(quantity__gt=0))


def movement_list(*, user, scope):
    return (
        StockMovement.objects.for_user(user)
        .in_scope(scope)
        .select_related("item", "store", "actor", "issued_to", "department", "room__building", "school")
    )


def movements_of_balance(balance, limit=50):
    return list(
        balance.movements.select_related(
            "actor", "issued_to", "department", "room__building", "requisition"
        ).order_by("-occurred_at", "-pk")[:limit]
    )


# --- requisitions and allotments -------------------------------------------------------------


def _net_issued(filter_kwargs):
    """{item_id: quantity out} over the movements of a document: issues less returns."""
    rows = (
        StockMovement.objects.filter(**filter_kwargs)
        .values_list("item_id")
        .annotate(total=Sum("quantity"), value=Sum("value"))
    )
    return {item_id: ((-total).quantize(MILLI), _money(-value)) for item_id, total, value in rows}


def requisition_lines(requisition):
    """The lines with `issued` (net of returns), `open` (still to issue) and `issued_value`."""
    issued = _net_issued({"requisition": requisition})
    lines = list(requisition.lines.select_related("item").order_by("pk"))
    for line in lines:
        line.issued, line.issued_value = issued.get(line.item_id, (ZERO, ZERO))
        line.open = max(line.quantity - line.issued, ZERO)
    return lines


def requisition_movements(requisition):
    return list(
        requisition.movements.select_related("item", "store", "actor", "issued_to").order_by(
            "occurred_at", "pk"
        )
    )


def target_needs(target, lines):
    """[(line, quantity)] that `target` (one class) gets of the allotment's `lines`."""
    return [(line, line.quantity_for(target.pupils)) for line in lines]


def allotment_shortage(allotment, lines=None, targets=None):
    """What the classes still waiting need in total, per item, against what the store holds:
    [{"item", "needed", "available", "missing"}] for the items the store cannot cover."""
    lines = lines if lines is not None else list(allotment.lines.select_related("item"))
    targets = targets if targets is not None else list(allotment.targets.all())
    waiting = [t for t in targets if t.status in (TargetStatus.PENDING, TargetStatus.SHORT)]
    needed = defaultdict(lambda: ZERO)
    for target in waiting:
        for line, quantity in target_needs(target, lines):
            needed[line.item_id] += quantity
    held = dict(
        StockBalance.objects.filter(store_id=allotment.store_id, item_id__in=list(needed)).values_list(
            "item_id", "quantity"
        )
    )
    items = {line.item_id: line.item for line in lines}
    rows = []
    for line in lines:
        need = needed.get(line.item_id, ZERO)
        have = held.get(line.item_id, ZERO)
        if need > have:
            rows.append(
                {"item": items[line.item_id], "needed": need, "available": have, "missing": need - have}
            )
    return rows


def receipts_waiting(user):
    """What `user` has been issued and not yet signed for: requisitions and classes' allotments."""
    from .choices import RequisitionStatus

    requisitions = list(
        Requisition.objects.filter(
            receiver=user, status__in=[RequisitionStatus.PARTLY_ISSUED, RequisitionStatus.ISSUED]
        )
        .select_related("school", "room__building")
        .order_by("-issued_at")
    )
    targets = list(
        AllotmentTarget.objects.filter(receiver=user, status=TargetStatus.ISSUED)
        .select_related("allotment", "room__building", "school")
        .order_by("-issued_at")
    )
    return requisitions, targets


# --- alerts ----------------------------------------------------------------------------------


@dataclass
class LowStockRow:
    item: Item
    total: Decimal


def low_stock_list(*, schools, item=None):
    """Items in use whose total stock at their school is below their minimum."""
    qs = Item.objects.filter(school__in=schools, is_active=True, min_stock__gt=0)
    if item is not None:
        qs = qs.filter(pk=item.pk)
    qs = (
        qs.annotate(
            total=Coalesce(
                Sum("balances__quantity"),
                Value(ZERO),
                output_field=DecimalField(max_digits=14, decimal_places=3),
            )
        )
        .filter(total__lt=F("min_stock"))
        .select_related("school")
        .order_by("school__path", "category", "name")
    )
    return [LowStockRow(item=i, total=i.total) for i in qs]


def near_expiry_list(*, schools, today):
    """Lots holding stock that expire within the rule book's warning period of their school (or
    have expired), soonest first."""
    schools = list(schools)
    if not schools:
        return []
    days = {s.pk: rule(EXPIRY_WARNING_DAYS, s) for s in schools}
    horizon = today + datetime.timedelta(days=max(days.values()))
    lots = (
        StockLot.objects.filter(
            balance__school__in=schools, quantity__gt=0, expiry_date__isnull=False, expiry_date__lte=horizon
        )
        .select_related("balance__item", "balance__store", "balance__school")
        .order_by("expiry_date", "pk")
    )
    return [
        lot for lot in lots if lot.expiry_date <= today + datetime.timedelta(days=days[lot.balance.school_id])
    ]


def scope_schools(*, user, scope):
    return School.objects.for_user(user).in_scope(scope).order_by("path")


# --- reports ---------------------------------------------------------------------------------


def issue_report(*, user, scope, start, end, by="department"):
    """Net issues (issues less returns) between `start` and `end` (dates, inclusive), grouped by
    department or by class/room, then item: [{"group", "rows": [...], "value"}]."""
    field = {"department": "department", "room": "room"}[by]
    movements = (
        StockMovement.objects.for_user(user)
        .in_scope(scope)
        .filter(
            Q(kind__in=[MovementKind.ISSUE, MovementKind.RETURN])
            | Q(kind=MovementKind.REVERSAL, reverses__kind=MovementKind.RETURN),
            occurred_at__date__gte=start,
            occurred_at__date__lte=end,
        )
    )
    rows = (
        movements.values(f"{field}_id", "item_id")
        .annotate(quantity=Sum("quantity"), value=Sum("value"), count=Count("id"))
        .order_by(f"{field}_id", "item_id")
    )
    rows = list(rows)
    item_ids = {r["item_id"] for r in rows}
    items = {i.pk: i for i in Item.objects.filter(pk__in=item_ids)}
    group_ids = {r[f"{field}_id"] for r in rows} - {None}
    if by == "department":
        from houqin.core.models import Department

        groups = {d.pk: d for d in Department.objects.filter(pk__in=group_ids).select_related("school")}
    else:
        from houqin.core.models import Room

        groups = {r.pk: r for r in Room.objects.filter(pk__in=group_ids).select_related("building", "school")}
    out = {}
    for r in rows:
        key = r[f"{field}_id"]
        block = out.setdefault(key, {"group": groups.get(key), "rows": [], "value": ZERO})
        quantity, value = (-r["quantity"]).quantize(MILLI), _money(-r["value"])
        if quantity == 0 and value == 0:
            continue
        block["rows"].append({"item": items[r["item_id"]], "quantity": quantity, "value": value})
        block["value"] += value
    blocks = [b for b in out.values() if b["rows"]]
    blocks.sort(key=lambda b: (b["group"] is None, str(b["group"] or "")))
    return blocks


def stock_value_report(*, user, scope):
    """The stock's value per school and store, and per category: from the balances, no ledger sum."""
    balances = StockBalance.objects.for_user(user).in_scope(scope).filter(quantity__gt=0)
    by_store = [
        {**r, "value": _money(r["value"])}
        for r in balances.values("school__name", "store_id", "store__name")
        .annotate(value=Sum("value"), items=Count("id"))
        .order_by("school__name", "store__name")
    ]
    labels = dict(ItemCategory.choices)
    by_category = [
        {
            "category": labels.get(r["item__category"], r["item__category"]),
            "value": r["value"],
            "items": r["items"],
        }
        for r in balances.values("item__category")
        .annotate(value=Sum("value"), items=Count("id"))
        .order_by("item__category")
    ]
    total = _money(sum((r["value"] for r in by_store), ZERO))
    return {"by_store": by_store, "by_category": by_category, "total": total}
