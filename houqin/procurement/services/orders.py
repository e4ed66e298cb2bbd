"""Purchase orders (总务办理): to one supplier, from approved request lines.

An order takes each line's quantity off what its request still has to order. Where the request
needed quotes, only the chosen supplier is ordered from, at the quoted prices. The buyers are
recorded as the "buyer" duty on each request's approval, so the rule book's segregation of
duties applies to them.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core.models import ChangeAction, Duty
from houqin.core.permissions import model_perm
from houqin.core.rulebook import rule
from houqin.core.services.approvals import approval_assign_duty
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.numbering import document_number_next

from ..choices import OPEN_ORDER, LineKind, OrderStatus, RequestStatus
from ..models import PurchaseOrder, PurchaseOrderLine, PurchaseRequest, PurchaseRequestLine, QuoteComparison
from ..rules import MIN_BUYERS
from ..selectors import quotes_required
from .common import (
    check_people,
    invalid,
    is_whole,
    line_error,
    money,
    number_text,
    people,
    require,
    same_school,
    to_date,
    to_money,
    to_quantity,
    today,
)
from .quotes import _check_supplier, lock_supplier

ORDER_PREFIX = "DD"  # 订单: DD-2026-0001


def _quoted_prices(request):
    """{request line id: unit price} of the chosen quote, or None when nothing is chosen."""
    comparison = QuoteComparison.objects.filter(request=request).select_related("chosen_quote").first()
    if comparison is None:
        return None, None
    quote = comparison.chosen_quote
    return quote.supplier_id, {ql.request_line_id: ql.unit_price for ql in quote.lines.all()}


def order_lines_from_request(request):
    """Lines for an order of everything `request` still has to order, at the chosen quote's
    prices (or the estimates where no quote was needed): what the order form starts from."""
    _supplier, prices = _quoted_prices(request)
    out = []
    for line in request.lines.order_by("position", "pk"):
        remaining = line.quantity - line.ordered_quantity
        if remaining > 0:
            price = prices.get(line.pk) if prices else line.estimated_unit_price
            out.append({"request_line": line, "quantity": remaining, "unit_price": price})
    return out


def chosen_supplier(request):
    supplier_id, _prices = _quoted_prices(request)
    if supplier_id is None:
        return None
    return request.comparison.chosen_quote.supplier


def _lines_repr(order):
    return [
        f"{line.request_line} × {number_text(line.quantity)} @ {line.unit_price}"
        for line in order.lines.select_related("request_line").order_by("pk")
    ]


def purchase_order_create(
    *, actor, school, supplier, lines, buyers, expected_on, ordered_on=None, delivery_place="", note=""
):
    """Order approved request lines from one supplier.

    `lines` are {"request_line", "quantity", "unit_price"} (unit price optional: the chosen
    quote's, or the estimate). Refused, with nothing changed: a blocked supplier or another
    school's; a line of a request that is not approved, or more than it still has to order; a
    request that needed quotes without its decided comparison, another supplier than the chosen
    one, or another price than quoted; fewer buyers than procurement.min_buyers.
    """
    require(actor, model_perm(PurchaseOrder, "add"), school)
    if actor is None:
        raise PermissionDenied
    errors = {}
    _check_supplier(supplier, school, errors)
    ordered_on = to_date(ordered_on, "ordered_on", errors) or today()
    expected_on = to_date(expected_on, "expected_on", errors, required=True)
    if expected_on and expected_on < ordered_on:
        errors["expected_on"] = _("Delivery cannot be expected before the order date.")
    buyers = people(buyers)
    min_buyers = rule(MIN_BUYERS, school)
    if len(buyers) < min_buyers:
        errors["buyers"] = _("A purchase is made by at least %(n)s people; %(got)s given.") % {
            "n": min_buyers,
            "got": len(buyers),
        }
    check_people(buyers, school, "buyers", errors)
    delivery_place = (delivery_place or "").strip()
    if len(delivery_place) > 200:
        errors["delivery_place"] = _("At most 200 characters.")
    wanted = []
    for number, raw in enumerate(lines or [], start=1):
        line = raw.get("request_line")
        if not isinstance(line, PurchaseRequestLine) or not same_school(line.request, school):
            line_error(
                errors, "lines", number, _("not a line of a request of %(school)s.") % {"school": school}
            )
            continue
        quantity, problem = to_quantity(raw.get("quantity"))
        if problem:
            line_error(errors, "lines", number, _("quantity: %(p)s") % {"p": problem})
            continue
        if line.kind == LineKind.EQUIPMENT and not is_whole(quantity):
            line_error(errors, "lines", number, _("equipment is counted in whole items."))
        price = None
        if raw.get("unit_price") not in (None, ""):
            price, problem = to_money(raw.get("unit_price"))
            if problem:
                line_error(errors, "lines", number, _("unit price: %(p)s") % {"p": problem})
                continue
        wanted.append((number, line, quantity, price))
    if not wanted and "lines" not in errors:
        errors["lines"] = [_("Order at least one line.")]
    if len({w[1].pk for w in wanted}) != len(wanted):
        errors["lines"] = [_("Each request line appears once on an order.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        supplier = lock_supplier(supplier)
        request_ids = sorted({w[1].request_id for w in wanted})
        requests = {
            r.pk: r
            for r in PurchaseRequest.objects.select_for_update().filter(pk__in=request_ids).order_by("pk")
        }
        locked_lines = (
            PurchaseRequestLine.objects.select_for_update()
            .order_by("pk")
            .in_bulk(sorted(w[1].pk for w in wanted))
        )
        comparisons = {}
        for request in requests.values():
            if request.status != RequestStatus.APPROVED:
                errors.setdefault("lines", []).append(
                    _("%(request)s is %(status)s, not approved for ordering.")
                    % {"request": request, "status": request.get_status_display().lower()}
                )
                continue
            if quotes_required(request):
                supplier_id, prices = _quoted_prices(request)
                if supplier_id is None:
                    errors.setdefault("supplier", []).append(
                        _(
                            "%(request)s costs more than the quote threshold: decide its comparison of quotes first."
                        )
                        % {"request": request}
                    )
                elif supplier_id != supplier.pk:
                    errors.setdefault("supplier", []).append(
                        _("%(request)s is ordered from the supplier chosen in its comparison of quotes.")
                        % {"request": request}
                    )
                comparisons[request.pk] = prices
        if errors:
            raise ValidationError(errors)
        built = []
        for number, line, quantity, price in wanted:
            line = locked_lines[line.pk]
            remaining = line.quantity - line.ordered_quantity
            if quantity > remaining:
                line_error(
                    errors,
                    "lines",
                    number,
                    _("%(line)s: %(asked)s asked, only %(left)s left to order.")
                    % {"line": line, "asked": number_text(quantity), "left": number_text(remaining)},
                )
                continue
            quoted = comparisons.get(line.request_id)
            if quoted is not None:
                if price is not None and price != quoted.get(line.pk):
                    line_error(
                        errors,
                        "lines",
                        number,
                        _("%(line)s: the price is the quoted %(price)s.")
                        % {"line": line, "price": quoted.get(line.pk)},
                    )
                    continue
                price = quoted.get(line.pk)
            elif price is None:
                price = line.estimated_unit_price
            built.append((line, quantity, price, money(quantity * price)))
        if errors:
            raise ValidationError(errors)
        order = PurchaseOrder.objects.create(
            school=school,
            number=document_number_next(school=school, prefix=ORDER_PREFIX, year=ordered_on.year),
            supplier=supplier,
            ordered_on=ordered_on,
            expected_on=expected_on,
            delivery_place=delivery_place,
            note=(note or "").strip(),
            total=money(sum((b[3] for b in built), 0)),
            created_by=actor,
        )
        order.buyers.set(buyers)
        PurchaseOrderLine.objects.bulk_create(
            [
                PurchaseOrderLine(order=order, request_line=rl, quantity=q, unit_price=p, amount=a)
                for rl, q, p, a in built
            ]
        )
        for line, quantity, _price, amount in built:
            line.ordered_quantity += quantity
            line.ordered_amount += amount
            line.save(update_fields=["ordered_quantity", "ordered_amount"])
        for request in requests.values():
            if not request.lines.filter(ordered_quantity__lt=F("quantity")).exists():
                before = snapshot(request)
                request.status = RequestStatus.ORDERED
                request.save(update_fields=["status", "updated_at"])
                changelog_record(actor=actor, obj=request, action=ChangeAction.UPDATE, before=before)
            if request.approval_request_id:
                for buyer in buyers:
                    approval_assign_duty(
                        actor=actor, request=request.approval_request, duty=Duty.BUYER, user=buyer
                    )
        changelog_record(
            actor=actor,
            obj=order,
            action=ChangeAction.CREATE,
            after={**snapshot(order), "buyers": [str(u) for u in buyers], "lines": _lines_repr(order)},
        )
    return order


def purchase_order_cancel(*, actor, order, reason):
    """Cancel an order nothing of which was delivered; its lines may be ordered again."""
    require(actor, model_perm(PurchaseOrder, "change"), order.school)
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("Say why the order is cancelled."))
    if len(reason) > 200:
        raise invalid("reason", _("At most 200 characters."))
    with transaction.atomic():
        locked = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
        if locked.status not in OPEN_ORDER or locked.inspections.exists():
            raise invalid(None, _("Only an order of which nothing was delivered can be cancelled."))
        before = snapshot(locked)
        order_lines = list(locked.lines.order_by("request_line_id"))
        request_lines = (
            PurchaseRequestLine.objects.select_for_update()
            .order_by("pk")
            .in_bulk(sorted(ol.request_line_id for ol in order_lines))
        )
        requests = set()
        for ol in order_lines:
            line = request_lines[ol.request_line_id]
            line.ordered_quantity -= ol.quantity
            line.ordered_amount -= ol.amount
            line.save(update_fields=["ordered_quantity", "ordered_amount"])
            requests.add(line.request_id)
        for request in PurchaseRequest.objects.select_for_update().filter(
            pk__in=requests, status=RequestStatus.ORDERED
        ):
            request_before = snapshot(request)
            request.status = RequestStatus.APPROVED
            request.save(update_fields=["status", "updated_at"])
            changelog_record(actor=actor, obj=request, action=ChangeAction.UPDATE, before=request_before)
        locked.status = OrderStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason
        locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before)
    return locked
