"""Receiving inspection (验收): one delivery checked, and in the same step the accepted supplies
booked into the store and the accepted equipment carded, or nothing at all.

Rules (the rule book's): a bulk delivery (procurement.bulk_delivery_amount) is inspected by at
least procurement.bulk_delivery_min_inspectors distinct people; where
procurement.inspector_other_than_buyer holds, a buyer of the order is never its only inspector;
the inspectors are recorded as the "inspector" duty on the requests' approvals, so a school's
incompatible duties (approval.incompatible_duties) apply. Nothing is accepted beyond what was
ordered; a rejected quantity needs its reason.
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
from houqin.core.services.attachments import attachment_add
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.numbering import document_number_next

from ..choices import OPEN_ORDER, LineKind, OrderStatus, RequestStatus
from ..models import (
    Inspection,
    InspectionLine,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
)
from ..rules import BULK_DELIVERY_AMOUNT, BULK_DELIVERY_INSPECTORS, INSPECTOR_OTHER_THAN_BUYER
from . import links
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
    to_quantity,
    today,
)

INSPECTION_PREFIX = "YS"  # 验收: YS-2026-0001


def _check_lines(order, raw_lines, errors):
    """[(order line, accepted, rejected, reason, store, room, lot, expiry)] of the delivered
    lines; the order's lines are read without locks here and checked again under the lock."""
    order_lines = {
        ol.pk: ol for ol in order.lines.select_related("request_line__item", "request_line__asset_category")
    }
    school = order.school
    checked = []
    seen = set()
    for number, raw in enumerate(raw_lines or [], start=1):
        ol = raw.get("order_line")
        key = ol.pk if isinstance(ol, PurchaseOrderLine) else ol
        if key not in order_lines:
            line_error(errors, "lines", number, _("not a line of order %(order)s.") % {"order": order.number})
            continue
        if key in seen:
            line_error(errors, "lines", number, _("the same order line twice."))
            continue
        seen.add(key)
        ol = order_lines[key]
        accepted, problem = to_quantity(raw.get("accepted") or 0, positive=False)
        if problem:
            line_error(errors, "lines", number, _("accepted: %(p)s") % {"p": problem})
            continue
        rejected, problem = to_quantity(raw.get("rejected") or 0, positive=False)
        if problem:
            line_error(errors, "lines", number, _("rejected: %(p)s") % {"p": problem})
            continue
        if accepted + rejected == 0:
            continue  # nothing of this line in the delivery
        line = ol.request_line
        reason = (raw.get("reason") or "").strip()
        if rejected and not reason:
            line_error(
                errors,
                "lines",
                number,
                _("%(line)s: say why %(n)s were rejected.")
                % {
                    "line": line,
                    "n": number_text(rejected),
                },
            )
        if len(reason) > 200:
            line_error(errors, "lines", number, _("the reason is longer than 200 characters."))
        store = raw.get("store") or line.store
        room = raw.get("room") or line.room
        lot = (raw.get("lot") or "").strip()[:40]
        date_errors = {}
        expiry = to_date(raw.get("expiry_date"), "expiry_date", date_errors)
        if date_errors:
            line_error(errors, "lines", number, _("expiry date: %(p)s") % {"p": date_errors["expiry_date"]})
        if line.kind == LineKind.EQUIPMENT:
            if not is_whole(accepted) or not is_whole(rejected):
                line_error(
                    errors,
                    "lines",
                    number,
                    _("%(line)s: equipment is counted in whole items.") % {"line": line},
                )
            if accepted and room is None:
                line_error(
                    errors,
                    "lines",
                    number,
                    _("%(line)s: choose the room the equipment goes to.") % {"line": line},
                )
            elif room is not None and not same_school(room, school):
                line_error(
                    errors,
                    "lines",
                    number,
                    _("%(obj)s is not a room of %(school)s.") % {"obj": room, "school": school},
                )
            store = None
        else:
            if accepted and store is None:
                line_error(
                    errors, "lines", number, _("%(line)s: choose the store it goes into.") % {"line": line}
                )
            elif store is not None and not (links.is_store(store) and links.store_usable(store, school)):
                line_error(
                    errors,
                    "lines",
                    number,
                    _("%(obj)s is not a store of %(school)s.") % {"obj": store, "school": school},
                )
            room = None
        if accepted > ol.quantity - ol.received_quantity:
            line_error(
                errors,
                "lines",
                number,
                _(
                    "%(line)s: %(accepted)s accepted, but only %(left)s of the %(ordered)s ordered are still due."
                )
                % {
                    "line": line,
                    "accepted": number_text(accepted),
                    "left": number_text(ol.quantity - ol.received_quantity),
                    "ordered": number_text(ol.quantity),
                },
            )
        checked.append([ol, accepted, rejected, reason, store, room, lot, expiry])
    if not checked and "lines" not in errors:
        errors["lines"] = [
            _("Enter what was delivered: an accepted or rejected quantity on at least one line.")
        ]
    return checked


def inspection_record(
    *,
    actor,
    order,
    inspectors,
    lines,
    inspected_on=None,
    delivery_note_number="",
    invoice_number="",
    note="",
    files=(),
):
    """Record the inspection of one delivery of `order`, in one transaction:

    the inspection (验收单 YS-2026-0001) with its lines (accepted and rejected quantities, reasons),
    a stock-in movement for each accepted supply (houqin.supplies stock_receive, into the line's
    store), the asset cards of each accepted piece of equipment (houqin.assets asset_register, in
    the line's room, with the order price and the supplier), the received quantities of the order
    and its requests, the inspectors' duties and the photos and delivery documents (`files`).
    If any part is refused, nothing is saved.

    `lines` are {"order_line", "accepted", "rejected", "reason", "store", "room", "lot",
    "expiry_date"}; a line delivered with nothing accepted or rejected is left out.
    """
    school = order.school
    require(actor, model_perm(Inspection, "add"), school)
    if actor is None:
        raise PermissionDenied
    errors = {}
    inspected_on = to_date(inspected_on, "inspected_on", errors) or today()
    if inspected_on > today():
        errors["inspected_on"] = _("An inspection cannot be dated in the future.")
    elif inspected_on < order.ordered_on:
        errors["inspected_on"] = _("The delivery cannot be inspected before the order date.")
    inspectors = people(inspectors)
    if not inspectors:
        errors["inspectors"] = _("Name the inspectors.")
    check_people(inspectors, school, "inspectors", errors)
    delivery_note_number = (delivery_note_number or "").strip()
    invoice_number = (invoice_number or "").strip()
    if len(delivery_note_number) > 60 or len(invoice_number) > 60:
        errors["delivery_note_number"] = _("At most 60 characters.")
    checked = _check_lines(order, lines, errors)
    delivered_value = money(sum(((c[1] + c[2]) * c[0].unit_price for c in checked), 0))
    if inspectors and "inspectors" not in errors:
        needed = rule(BULK_DELIVERY_INSPECTORS, school)
        if delivered_value >= rule(BULK_DELIVERY_AMOUNT, school) and len(inspectors) < needed:
            errors["inspectors"] = _(
                "A bulk delivery (%(value)s yuan) is inspected by at least %(n)s different people; %(got)s named."
            ) % {"value": delivered_value, "n": needed, "got": len(inspectors)}
        elif rule(INSPECTOR_OTHER_THAN_BUYER, school):
            buyer_ids = set(order.buyers.values_list("pk", flat=True))
            if all(u.pk in buyer_ids for u in inspectors):
                errors["inspectors"] = _("A buyer of the order is not its only inspector: add someone else.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            PurchaseOrder.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=order.pk)
        )
        if locked.status not in OPEN_ORDER:
            raise invalid(
                None,
                _("Order %(order)s is %(status)s; nothing more is received on it.")
                % {
                    "order": locked.number,
                    "status": locked.get_status_display().lower(),
                },
            )
        order_lines = (
            PurchaseOrderLine.objects.select_for_update()
            .order_by("pk")
            .in_bulk(sorted(c[0].pk for c in checked))
        )
        for entry in checked:
            entry[0] = order_lines[entry[0].pk]
            ol, accepted = entry[0], entry[1]
            if accepted > ol.quantity - ol.received_quantity:
                raise invalid(
                    "lines",
                    _("%(line)s: %(accepted)s accepted, but only %(left)s are still due.")
                    % {
                        "line": ol.request_line,
                        "accepted": number_text(accepted),
                        "left": number_text(ol.quantity - ol.received_quantity),
                    },
                )
        order_before = snapshot(locked)
        inspection = Inspection.objects.create(
            school=school,
            number=document_number_next(school=school, prefix=INSPECTION_PREFIX, year=inspected_on.year),
            order=locked,
            inspected_on=inspected_on,
            delivery_note_number=delivery_note_number,
            invoice_number=invoice_number,
            note=(note or "").strip(),
            delivered_total=delivered_value,
            accepted_total=money(sum((c[1] * c[0].unit_price for c in checked), 0)),
            recorded_by=actor,
        )
        inspection.inspectors.set(inspectors)
        request_lines = (
            PurchaseRequestLine.objects.select_for_update(of=("self",))
            .select_related("request", "item", "asset_category")
            .order_by("pk")
            .in_bulk(sorted(c[0].request_line_id for c in checked))
        )
        for ol, accepted, rejected, reason, store, room, lot, expiry in checked:
            line = request_lines[ol.request_line_id]
            row = InspectionLine.objects.create(
                inspection=inspection,
                order_line=ol,
                delivered_quantity=accepted + rejected,
                accepted_quantity=accepted,
                rejected_quantity=rejected,
                rejection_reason=reason,
                store=store,
                room=room,
                lot=lot,
                expiry_date=expiry,
                unit_price=ol.unit_price,
                accepted_amount=money(accepted * ol.unit_price),
            )
            if accepted:
                if line.kind == LineKind.SUPPLY:
                    row.stock_movement = links.receive_supplies(
                        actor=actor,
                        school=school,
                        line=line,
                        quantity=accepted,
                        unit_price=ol.unit_price,
                        store=store,
                        lot=lot,
                        expiry_date=expiry,
                        inspection=inspection,
                    )
                    row.save(update_fields=["stock_movement"])
                else:
                    cards = links.register_equipment(
                        actor=actor,
                        school=school,
                        line=line,
                        quantity=accepted,
                        unit_price=ol.unit_price,
                        room=room,
                        inspection=inspection,
                        order=locked,
                    )
                    row.assets.set(cards)
            PurchaseOrderLine.objects.filter(pk=ol.pk).update(
                received_quantity=F("received_quantity") + accepted,
                rejected_quantity=F("rejected_quantity") + rejected,
            )
            PurchaseRequestLine.objects.filter(pk=line.pk).update(
                received_quantity=F("received_quantity") + accepted
            )
        locked.received_total = money(locked.received_total + inspection.accepted_total)
        if not locked.lines.filter(received_quantity__lt=F("quantity")).exists():
            locked.status = OrderStatus.RECEIVED
            locked.received_at = timezone.now()
        elif locked.lines.filter(received_quantity__gt=0).exists():
            locked.status = OrderStatus.PARTIAL
        locked.save(update_fields=["received_total", "status", "received_at", "updated_at"])
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=order_before)
        requests = PurchaseRequest.objects.select_for_update().filter(
            pk__in={rl.request_id for rl in request_lines.values()}
        )
        for request in requests.order_by("pk"):
            if (
                request.status == RequestStatus.ORDERED
                and not request.lines.filter(received_quantity__lt=F("quantity")).exists()
            ):
                before = snapshot(request)
                request.status = RequestStatus.COMPLETED
                request.completed_at = timezone.now()
                request.save(update_fields=["status", "completed_at", "updated_at"])
                changelog_record(actor=actor, obj=request, action=ChangeAction.UPDATE, before=before)
            if request.approval_request_id:
                for inspector in inspectors:
                    approval_assign_duty(
                        actor=actor, request=request.approval_request, duty=Duty.INSPECTOR, user=inspector
                    )
        for upload in files or ():
            attachment_add(
                actor=actor, obj=inspection, uploaded_file=upload, description=_("Delivery photo or document")
            )
        changelog_record(
            actor=actor,
            obj=inspection,
            action=ChangeAction.CREATE,
            after={
                **snapshot(inspection),
                "inspectors": [str(u) for u in inspectors],
                "lines": [
                    f"{c[0].request_line}: {_('accepted')} {number_text(c[1])}, {_('rejected')} {number_text(c[2])}"
                    + (f" ({c[3]})" if c[3] else "")
                    for c in checked
                ],
            },
        )
    return inspection
