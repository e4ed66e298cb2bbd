"""Reads of purchasing used by pages, the API, the services and the reports."""

import datetime
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Min, Q, Sum, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core.rulebook import rule

from .choices import COMMITTED, OPEN_ORDER, LineKind, ProcurementClass, RequestStatus, SavingBasis
from .models import (
    Inspection,
    InspectionLine,
    PurchaseOrder,
    PurchaseRequest,
    PurchaseRequestLine,
    QuoteComparison,
    SupplierCertificate,
)
from .rules import CERTIFICATE_WARNING_DAYS, DECENTRALISED_LIMIT, PUBLIC_TENDER, QUOTE_THRESHOLD

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _money(value):
    """A sum from the database as yuan and fen (SQLite's SUM drops the trailing zeros)."""
    return Decimal(value or 0).quantize(CENT)


# ---------------------------------------------------------------------------------------------
# The rule book's view of a purchase


def procurement_class_for(amount, school):
    """Small purchase up to the quote threshold; three quotes above it; government procurement
    from the decentralised limit; public tender from the tender threshold (DOMAIN.md §5.2)."""
    amount = Decimal(amount)
    if amount >= rule(PUBLIC_TENDER, school):
        return ProcurementClass.PUBLIC_TENDER
    if amount >= rule(DECENTRALISED_LIMIT, school):
        return ProcurementClass.GOVERNMENT
    if amount > rule(QUOTE_THRESHOLD, school):
        return ProcurementClass.QUOTES
    return ProcurementClass.DIRECT


def quotes_required(request):
    """Does the request need a signed comparison of quotes before anything is ordered?"""
    return request.estimated_total > rule(QUOTE_THRESHOLD, request.school)


def _year_bounds(year):
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=tz)


SPEND = Case(
    When(ordered_quantity__gt=0, then=F("ordered_amount")),
    default=F("estimated_amount"),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)


def _group_of(line):
    """Supplies are watched per item, equipment per asset category."""
    if line.kind == LineKind.SUPPLY and line.item_id:
        return ("item", line.item_id), str(line.item)
    if line.kind == LineKind.EQUIPMENT and line.asset_category_id:
        return ("category", line.asset_category_id), str(line.asset_category)
    return None, ""


def split_warnings(request, *, when=None):
    """Possible splitting (化整为零) of `request`: for each threshold of the rule book (quotes,
    decentralised limit, public tender) that the request stays within, the same item (supplies)
    or asset category (equipment) bought by the school in the same calendar (fiscal) year by
    other requests that also stayed within it, together with this request, goes over it
    (《政府采购法实施条例》art. 28; DOMAIN.md §5.2, §8.6).

    Spend of a line is its ordered amount once ordered, else its estimate; requests that are
    drafts, rejected, withdrawn or cancelled do not count.
    """
    school = request.school
    when = timezone.localtime(when or request.submitted_at or timezone.now())
    start, end = _year_bounds(when.year)
    total = request.estimated_total
    groups = {}
    for line in request.lines.select_related("item", "asset_category"):
        key, label = _group_of(line)
        if key is None:
            continue
        entry = groups.setdefault(key, {"label": label, "amount": ZERO})
        entry["amount"] += line.estimated_amount
    if not groups:
        return []
    item_ids = [k[1] for k in groups if k[0] == "item"]
    category_ids = [k[1] for k in groups if k[0] == "category"]
    earlier = (
        PurchaseRequestLine.objects.filter(
            request__school=school,
            request__status__in=COMMITTED,
            request__submitted_at__gte=start,
            request__submitted_at__lt=end,
        )
        .exclude(request=request)
        .filter(
            Q(kind=LineKind.SUPPLY, item_id__in=item_ids)
            | Q(kind=LineKind.EQUIPMENT, asset_category_id__in=category_ids)
        )
    )
    warnings = []
    for key in (QUOTE_THRESHOLD, DECENTRALISED_LIMIT, PUBLIC_TENDER):
        threshold = rule(key, school)
        if total > threshold:
            continue  # this purchase goes through the procedure anyway
        rows = earlier.filter(request__estimated_total__lte=threshold).annotate(spend=SPEND)
        sums = {}
        numbers = {}
        for kind, item_id, category_id, spend, number in rows.values_list(
            "kind", "item_id", "asset_category_id", "spend", "request__number"
        ):
            group = ("item", item_id) if kind == LineKind.SUPPLY else ("category", category_id)
            sums[group] = sums.get(group, ZERO) + _money(spend)
            numbers.setdefault(group, set()).add(number)
        for group, entry in groups.items():
            before = sums.get(group, ZERO)
            if before and before + entry["amount"] > threshold:
                warnings.append(
                    {
                        "group": entry["label"],
                        "rule": key,
                        "threshold": str(threshold),
                        "earlier": str(before.quantize(CENT)),
                        "this": str(entry["amount"].quantize(CENT)),
                        "total": str((before + entry["amount"]).quantize(CENT)),
                        "year": when.year,
                        "requests": sorted(numbers.get(group, ())),
                    }
                )
    return warnings


# ---------------------------------------------------------------------------------------------
# Quotes


def saving_of(quotes, chosen, basis):
    """(reference, saving) of choosing `chosen` among `quotes` (objects with .pk and .total).

    next_cheapest: reference = the lowest total of the other quotes; mean_of_others: their
    mean, to the fen. saving = reference − chosen total (negative for a dearer choice); with no
    other quote there is nothing to compare: (None, 0).
    """
    others = [q.total for q in quotes if q.pk != chosen.pk]
    if not others:
        return None, ZERO
    if basis == SavingBasis.MEAN_OF_OTHERS:
        reference = (sum(others, ZERO) / len(others)).quantize(CENT)
    else:
        reference = min(others)
    return reference, (reference - chosen.total).quantize(CENT)


def comparison_table(request):
    """The side-by-side comparison: one row per request line, one column per quote (cheapest
    first), with totals; the cheapest price of each line is marked."""
    quotes = list(request.quotes.select_related("supplier").prefetch_related("lines").order_by("total", "pk"))
    lines = list(request.lines.order_by("position", "pk"))
    prices = {(ql.quote_id, ql.request_line_id): ql for q in quotes for ql in q.lines.all()}
    rows = []
    for line in lines:
        cells = [prices.get((q.pk, line.pk)) for q in quotes]
        known = [c.unit_price for c in cells if c is not None]
        low = min(known) if known else None
        rows.append(
            {
                "line": line,
                "cells": [
                    {"quote_line": c, "is_lowest": c is not None and c.unit_price == low} for c in cells
                ],
            }
        )
    cheapest = quotes[0].total if quotes else None
    return {
        "quotes": quotes,
        "rows": rows,
        "cheapest_total": cheapest,
        "columns": [{"quote": q, "is_cheapest": q.total == cheapest} for q in quotes],
    }


# ---------------------------------------------------------------------------------------------
# Lists and pages


def request_lines(request):
    return list(
        request.lines.select_related("item", "asset_category", "room__building", "store").order_by(
            "position", "pk"
        )
    )


def orders_of_request(request):
    return (
        PurchaseOrder.objects.filter(lines__request_line__request=request)
        .select_related("supplier")
        .distinct()
        .order_by("ordered_on", "pk")
    )


def requests_of_order(order):
    return (
        PurchaseRequest.objects.filter(lines__order_lines__order=order)
        .select_related("department", "approval_request")
        .distinct()
        .order_by("pk")
    )


def inspections_of_request(request):
    return (
        Inspection.objects.filter(order__lines__request_line__request=request)
        .select_related("order__supplier")
        .distinct()
        .order_by("inspected_on", "pk")
    )


def supplier_history(supplier):
    """Orders to the supplier (newest first) and the quotes it gave, for its page."""
    orders = supplier.orders.select_related("school").order_by("-ordered_on", "-pk")
    quotes = supplier.quotes.select_related("request").order_by("-quoted_on", "-pk")
    totals = supplier.orders.exclude(status="cancelled").aggregate(
        ordered=Sum("total"), accepted=Sum("received_total")
    )
    return {
        "orders": orders,
        "quotes": quotes,
        "ordered_total": _money(totals["ordered"]),
        "accepted_total": _money(totals["accepted"]),
        "chosen": QuoteComparison.objects.filter(chosen_quote__supplier=supplier).count(),
    }


def certificates_expiring(*, user, scope, on=None):
    """Certificates of the scope's suppliers expired or expiring within the rule's warning days
    (of the scope's node), soonest first."""
    on = on or timezone.localdate()
    days = rule(CERTIFICATE_WARNING_DAYS, scope)
    return (
        SupplierCertificate.objects.for_user(user)
        .in_scope(scope)
        .filter(expires_on__isnull=False, expires_on__lte=on + datetime.timedelta(days=days))
        .select_related("supplier", "school")
        .order_by("expires_on", "pk")
    )


def orders_late(*, user, scope, on=None):
    on = on or timezone.localdate()
    return (
        PurchaseOrder.objects.for_user(user)
        .in_scope(scope)
        .filter(status__in=OPEN_ORDER, expected_on__lt=on)
        .select_related("supplier", "school")
        .order_by("expected_on", "pk")
    )


def requests_to_order(*, user, scope):
    return (
        PurchaseRequest.objects.for_user(user)
        .in_scope(scope)
        .filter(status=RequestStatus.APPROVED)
        .select_related("department", "school")
        .order_by("-is_urgent", "approved_at", "pk")
    )


def orders_to_receive(*, user, scope):
    return (
        PurchaseOrder.objects.for_user(user)
        .in_scope(scope)
        .filter(status__in=OPEN_ORDER)
        .select_related("supplier", "school")
        .order_by("expected_on", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Reports


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    def datetimes(self):
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return start, end


def _accepted_lines(*, user, scope, period):
    inspections = (
        Inspection.objects.for_user(user)
        .in_scope(scope)
        .filter(inspected_on__gte=period.start, inspected_on__lte=period.end)
    )
    return InspectionLine.objects.filter(inspection__in=inspections.values("pk"), accepted_quantity__gt=0)


def _category_label(kind, item_category, asset_category):
    from houqin.supplies.choices import ItemCategory

    if kind == LineKind.SUPPLY:
        label = ItemCategory(item_category).label if item_category in ItemCategory.values else _("Supplies")
        return f"{_('Supplies')} · {label}"
    equipment, none = _("Equipment"), _("no category")  # outside the f-string, for makemessages
    return f"{equipment} · {asset_category or none}"


def spending_report(*, user, scope, period):
    """Accepted value (what was received into the store or onto asset cards, at order prices)
    in `period` by inspection date: by supplier, department, category and month."""
    lines = _accepted_lines(user=user, scope=scope, period=period)
    total = _money(lines.aggregate(t=Sum("accepted_amount"))["t"])
    by_supplier = list(
        lines.values(
            "inspection__order__supplier_id", "inspection__order__supplier__name", "inspection__school__name"
        )
        .annotate(amount=Sum("accepted_amount"), deliveries=Count("inspection", distinct=True))
        .order_by("-amount", "inspection__order__supplier__name")
    )
    by_department = list(
        lines.values("order_line__request_line__request__department__name")
        .annotate(amount=Sum("accepted_amount"))
        .order_by("-amount")
    )
    raw_categories = lines.values(
        "order_line__request_line__kind",
        "order_line__request_line__item__category",
        "order_line__request_line__asset_category__name",
    ).annotate(amount=Sum("accepted_amount"))
    categories = {}
    for row in raw_categories:
        label = _category_label(
            row["order_line__request_line__kind"],
            row["order_line__request_line__item__category"],
            row["order_line__request_line__asset_category__name"],
        )
        categories[label] = categories.get(label, ZERO) + _money(row["amount"])
    by_month = list(
        lines.annotate(month=TruncMonth("inspection__inspected_on"))
        .values("month")
        .annotate(amount=Sum("accepted_amount"))
        .order_by("month")
    )
    return {
        "total": total,
        "by_supplier": [
            {
                "supplier_id": r["inspection__order__supplier_id"],
                "supplier": r["inspection__order__supplier__name"],
                "school": r["inspection__school__name"],
                "amount": _money(r["amount"]),
                "deliveries": r["deliveries"],
            }
            for r in by_supplier
        ],
        "by_department": [
            {
                "department": r["order_line__request_line__request__department__name"] or _("No department"),
                "amount": _money(r["amount"]),
            }
            for r in by_department
        ],
        "by_category": sorted(
            ({"category": k, "amount": v} for k, v in categories.items()),
            key=lambda r: (-r["amount"], r["category"]),
        ),
        "by_month": [{"month": r["month"], "amount": _money(r["amount"])} for r in by_month],
    }


def savings_report(*, user, scope, period):
    """Quote comparisons decided in `period`: each with how its saving was computed, the total,
    and the total by chosen supplier."""
    start, end = period.datetimes()
    comparisons = list(
        QuoteComparison.objects.for_user(user)
        .in_scope(scope)
        .filter(decided_at__gte=start, decided_at__lt=end)
        .select_related("request", "chosen_quote__supplier", "school")
        .order_by("decided_at", "pk")
    )
    by_supplier = {}
    for c in comparisons:
        key = (c.chosen_quote.supplier_id, c.chosen_quote.supplier.name)
        entry = by_supplier.setdefault(key, {"supplier": key[1], "count": 0, "saving": ZERO})
        entry["count"] += 1
        entry["saving"] += c.saving
    return {
        "comparisons": comparisons,
        "total": sum((c.saving for c in comparisons), ZERO),
        "count": len(comparisons),
        "by_supplier": sorted(by_supplier.values(), key=lambda r: (-r["saving"], r["supplier"])),
    }


def split_flags(*, user, scope, period):
    start, end = period.datetimes()
    return (
        PurchaseRequest.objects.for_user(user)
        .in_scope(scope)
        .filter(split_flag=True, submitted_at__gte=start, submitted_at__lt=end)
        .select_related("department", "school")
        .order_by("submitted_at", "pk")
    )


def _days(a, b):
    return Decimal((b - a).total_seconds() / 86400).quantize(Decimal("0.1"))


def _mean(values):
    return Decimal(statistics.fmean(values)).quantize(Decimal("0.1")) if values else None


def cycle_times(*, user, scope, period):
    """Mean days of each stage of the requests submitted in `period`: approval (submitted →
    approved), ordering (approved → first order), delivery (first order → all received), and
    the whole cycle (submitted → all received). Each mean is over the requests that reached it."""
    start, end = period.datetimes()
    rows = (
        PurchaseRequest.objects.for_user(user)
        .in_scope(scope)
        .filter(submitted_at__gte=start, submitted_at__lt=end)
        .annotate(first_order=Min("lines__order_lines__order__created_at"))
        .values_list("submitted_at", "approved_at", "first_order", "completed_at")
    )
    approval, ordering, delivery, whole = [], [], [], []
    count = 0
    for submitted, approved, ordered, completed in rows:
        count += 1
        if approved:
            approval.append(_days(submitted, approved))
            if ordered:
                ordering.append(_days(approved, ordered))
        if ordered and completed:
            delivery.append(_days(ordered, completed))
        if completed:
            whole.append(_days(submitted, completed))
    return {
        "requests": count,
        "approval": _mean(approval),
        "ordering": _mean(ordering),
        "delivery": _mean(delivery),
        "whole": _mean(whole),
        "completed": len(whole),
    }


def year_period(year):
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
