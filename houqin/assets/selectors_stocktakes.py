"""Reads of stocktakes: live progress per room, the totals, and the reconciliation report
(books vs counted by room and by category). Aggregated in the database (no per-line Python)."""

from decimal import Decimal

from django.db.models import Count, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce

from .models import StocktakeLine

ZERO = Decimal("0.00")

# A line agrees with the books (帐物相符): expected, counted in full, in its own room.
MATCHED = Q(expected_quantity__gt=0, counted_quantity=F("expected_quantity"), found_room=F("room"))
COUNTED = Q(counted_quantity__isnull=False)


def _sum(field, filter=None):
    output = IntegerField() if "quantity" in field else None
    default = Value(0) if output else Value(ZERO)
    if output:
        return Coalesce(Sum(field, filter=filter), default, output_field=output)
    return Coalesce(Sum(field, filter=filter), default)


def stocktake_totals(stocktake):
    """Books vs counted over the whole plan, the matched rate, and the write-off and surplus
    values the close asks approval for."""
    lines = StocktakeLine.objects.filter(stocktake=stocktake)
    raw = lines.aggregate(
        n_lines=Count("pk", filter=Q(expected_quantity__gt=0)),
        n_counted=Count("pk", filter=Q(expected_quantity__gt=0) & COUNTED),
        n_matched=Count("pk", filter=MATCHED),
        n_discrepancies=Count("pk", filter=~MATCHED),
        sum_eq=_sum("expected_quantity"),
        sum_ev=_sum("book_value"),
        sum_cq=_sum("counted_quantity"),
        sum_cv=_sum("counted_value"),
        sum_loss=_sum("book_value", Q(resolution="write_off")),
        sum_gain=_sum("counted_value", Q(expected_quantity=0)),
    )
    t = {
        "lines": raw["n_lines"],
        "counted_lines": raw["n_counted"],
        "matched": raw["n_matched"],
        "discrepancies": raw["n_discrepancies"],
        "expected_quantity": raw["sum_eq"],
        "expected_value": raw["sum_ev"],
        "counted_quantity": raw["sum_cq"],
        "counted_value": raw["sum_cv"],
        "loss_value": raw["sum_loss"],
        "surplus_value": raw["sum_gain"],
    }
    t["match_rate"] = (
        (Decimal(t["matched"]) * 100 / t["lines"]).quantize(Decimal("0.1"))
        if t["lines"]
        else Decimal("100.0")
    )
    return t


def stocktake_progress(stocktake):
    """Per expected room: [{room_id, room, expected, counted}] — the lines the books put there
    and how many of them were counted there (a card found elsewhere is not counted here)."""
    rows = (
        StocktakeLine.objects.filter(stocktake=stocktake, expected_quantity__gt=0)
        .values("room_id", "room__building__name", "room__number", "room__name")
        .annotate(
            expected=Count("pk"),
            counted=Count("pk", filter=COUNTED & Q(found_room=F("room"))),
        )
        .order_by("room__building__name", "room__number")
    )
    return [
        {
            "room_id": r["room_id"],
            "room": " ".join(x for x in (r["room__building__name"], r["room__number"], r["room__name"]) if x)
            or "—",
            "expected": r["expected"],
            "counted": r["counted"],
        }
        for r in rows
    ]


def _room_label(building, number, name):
    return " ".join(x for x in (building, number, name) if x) or "—"


def stocktake_report(stocktake):
    """The reconciliation report: {"rooms": [...], "categories": [...], "totals": {...}}. Each
    row has the books' quantity and value (by the room the books say) and the counted quantity
    and value (by the room it was counted in), and their differences."""
    lines = StocktakeLine.objects.filter(stocktake=stocktake)
    rooms = {}
    for r in (
        lines.filter(expected_quantity__gt=0)
        .values("room_id", "room__building__name", "room__number", "room__name")
        .annotate(q=_sum("expected_quantity"), v=_sum("book_value"))
    ):
        rooms[r["room_id"]] = _row(
            _room_label(r["room__building__name"], r["room__number"], r["room__name"]), r["q"], r["v"]
        )
    for r in (
        lines.filter(COUNTED)
        .values("found_room_id", "found_room__building__name", "found_room__number", "found_room__name")
        .annotate(q=_sum("counted_quantity"), v=_sum("counted_value"))
    ):
        row = rooms.setdefault(
            r["found_room_id"],
            _row(
                _room_label(r["found_room__building__name"], r["found_room__number"], r["found_room__name"]),
                0,
                ZERO,
            ),
        )
        row["counted_quantity"], row["counted_value"] = r["q"], r["v"]
    categories = []
    for r in (
        lines.values("category_id", "category__code", "category__name")
        .annotate(
            q=_sum("expected_quantity"),
            v=_sum("book_value"),
            cq=_sum("counted_quantity"),
            cv=_sum("counted_value"),
        )
        .order_by("category__code")
    ):
        row = _row(f"{r['category__code']} {r['category__name']}", r["q"], r["v"])
        row["counted_quantity"], row["counted_value"] = r["cq"], r["cv"]
        categories.append(_finish(row))
    room_rows = [_finish(row) for row in sorted(rooms.values(), key=lambda x: x["label"])]
    return {"rooms": room_rows, "categories": categories, "totals": stocktake_totals(stocktake)}


def _row(label, quantity, value):
    return {
        "label": label,
        "expected_quantity": quantity,
        "expected_value": value,
        "counted_quantity": 0,
        "counted_value": ZERO,
    }


def _finish(row):
    row["quantity_difference"] = row["counted_quantity"] - row["expected_quantity"]
    row["value_difference"] = row["counted_value"] - row["expected_value"]
    return row


def stocktake_discrepancies(stocktake):
    """The lines that disagree with the books, with their card and rooms, for resolving."""
    return (
        StocktakeLine.objects.filter(stocktake=stocktake)
        .exclude(MATCHED)
        .select_related("asset", "room__building", "found_room__building", "category")
        .order_by("room_id", "id")
    )
