"""Work orders: assign, start, materials, photos, complete; the deadlines the worker keeps."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import access
from houqin.core.models import ChangeAction
from houqin.core.rulebook import rule
from houqin.core.selectors.org import people_of_school
from houqin.core.services.attachments import attachment_add
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.notifications import notify
from houqin.supplies.models import StockBalance
from houqin.supplies.selectors import issue_returned
from houqin.supplies.services.stock import stock_issue, stock_return

from ..choices import OPEN_ORDER_STATUSES, EventKind, OrderStatus, PhotoPhase, RequestStatus
from ..models import WorkOrder, WorkOrderMaterial, WorkOrderPhoto
from ..permissions import ASSIGN, WORK
from ..rules import CONFIRM_DAYS
from . import assets as asset_link
from .common import event_add, now_or, require, triagers
from .photos import photos_check

CENT = Decimal("0.01")
# What a snapshot of an order (or of its request) reads: joined once, not one query per field.
ORDER_JOINS = (
    "school",
    "request__school",
    "request__room__building",
    "assignee",
    "triaged_by",
    "asset_incident",
)
REQUEST_JOINS = ("school", "room__building", "reporter", "confirmed_by", "asset")
MONEY_MAX = Decimal("9999999999.99")


def _decimal(value, field, errors, *, positive=False, maximum=MONEY_MAX):
    try:
        number = Decimal(str(value).strip()) if value not in (None, "") else Decimal("0")
    except InvalidOperation:
        errors[field] = _("Enter a number.")
        return None
    if not number.is_finite():
        errors[field] = _("Enter a number.")
        return None
    if number.as_tuple().exponent < -2:
        errors[field] = _("Use at most 2 decimal places.")
        return None
    if positive and number <= 0:
        errors[field] = _("Enter a number greater than zero.")
        return None
    if number < 0:
        errors[field] = _("The value may not be negative.")
        return None
    if number > maximum:
        errors[field] = _("The value is too large.")
        return None
    return number.quantize(CENT)


def _not_finished(order):
    if order.status not in OPEN_ORDER_STATUSES:
        raise ValidationError(
            {"status": _("This order is already %(status)s.") % {"status": order.get_status_display()}}
        )


def _locked(order):
    return WorkOrder.objects.select_for_update(of=("self",)).select_related(*ORDER_JOINS).get(pk=order.pk)


def is_worker(user, school):
    """An active member of the school (or of a node above it) who may work on its repairs."""
    return (
        user is not None
        and user.is_active
        and people_of_school(school).filter(pk=user.pk).exists()
        and access.has_perm(user, WORK, school)
    )


def assign_checks(*, school, assignee, contractor_name, contractor_phone):
    """A worker of the school, or an outside contractor — exactly one of them."""
    contractor_name = (contractor_name or "").strip()
    contractor_phone = (contractor_phone or "").strip()
    errors = {}
    if assignee is None and not contractor_name:
        errors["assignee"] = _("Choose a worker, or name an outside contractor.")
    elif assignee is not None and contractor_name:
        errors["contractor_name"] = _("Choose a worker or a contractor, not both.")
    elif assignee is not None and not is_worker(assignee, school):
        errors["assignee"] = _("%(user)s is not a repair worker of %(school)s.") % {
            "user": assignee,
            "school": school,
        }
    if len(contractor_name) > 100:
        errors["contractor_name"] = _("At most %(n)s characters.") % {"n": 100}
    if len(contractor_phone) > 20:
        errors["contractor_phone"] = _("At most %(n)s characters.") % {"n": 20}
    if errors:
        raise ValidationError(errors)
    return contractor_name, contractor_phone


def assign_apply(*, actor, order, assignee, contractor_name, contractor_phone, at):
    """Set the worker (inside the caller's transaction, after assign_checks)."""
    contractor_name, contractor_phone = (contractor_name or "").strip(), (contractor_phone or "").strip()
    before = snapshot(order)
    order.assignee = assignee
    order.contractor_name = "" if assignee is not None else contractor_name
    order.contractor_phone = "" if assignee is not None else contractor_phone
    order.assigned_at = at
    if order.status == OrderStatus.OPEN:
        order.status = OrderStatus.ASSIGNED
    order.save(
        update_fields=[
            "assignee",
            "contractor_name",
            "contractor_phone",
            "assigned_at",
            "status",
            "updated_at",
        ]
    )
    changelog_record(actor=actor, obj=order, action=ChangeAction.UPDATE, before=before)
    event_add(request=order.request, kind=EventKind.ASSIGNED, actor=actor, note=order.worker_display, at=at)
    if assignee is not None and (actor is None or assignee.pk != actor.pk):
        notify(
            user=assignee,
            title=_("Repair for you: %(order)s, due %(due)s")
            % {"order": order.request, "due": timezone.localtime(order.due_at).strftime("%Y-%m-%d %H:%M")},
            body=order.request.description[:200],
            url=order.get_absolute_url(),
            school=order.school,
        )


def work_order_assign(*, actor, order, assignee=None, contractor_name="", contractor_phone="", at=None):
    """Give an unfinished order to a worker of its school or to an outside contractor."""
    require(actor, ASSIGN, order.school)
    at = now_or(at)
    assign_checks(
        school=order.school,
        assignee=assignee,
        contractor_name=contractor_name,
        contractor_phone=contractor_phone,
    )
    with transaction.atomic():
        order = _locked(order)
        _not_finished(order)
        assign_apply(
            actor=actor,
            order=order,
            assignee=assignee,
            contractor_name=contractor_name,
            contractor_phone=contractor_phone,
            at=at,
        )
    return order


def work_order_start(*, actor, order, at=None):
    """The worker is on it. A worker may take up an order nobody was assigned to (随叫随到)."""
    require(actor, WORK, order.school)
    at = now_or(at)
    with transaction.atomic():
        order = _locked(order)
        if order.status not in (OrderStatus.OPEN, OrderStatus.ASSIGNED):
            raise ValidationError(
                {"status": _("This order is already %(status)s.") % {"status": order.get_status_display()}}
            )
        if order.status == OrderStatus.OPEN and actor is not None:
            assign_apply(
                actor=actor, order=order, assignee=actor, contractor_name="", contractor_phone="", at=at
            )
        before = snapshot(order)
        order.status = OrderStatus.IN_PROGRESS
        order.started_at = at
        order.save(update_fields=["status", "started_at", "updated_at"])
        changelog_record(actor=actor, obj=order, action=ChangeAction.UPDATE, before=before)
        event_add(request=order.request, kind=EventKind.STARTED, actor=actor, at=at)
    return order


def _recost(order):
    materials = sum((m.amount for m in order.materials.all()), Decimal("0.00"))
    order.materials_cost = materials
    order.total_cost = materials + order.labour_cost


def _line_written(*, actor, order, line, at):
    """The bookkeeping every new material line needs: change log, the order's costs, the event
    the requester sees. Inside the caller's transaction, with the order locked."""
    changelog_record(actor=actor, obj=line, action=ChangeAction.CREATE, school=order.school)
    before = snapshot(order)
    _recost(order)
    order.save(update_fields=["materials_cost", "total_cost", "updated_at"])
    changelog_record(actor=actor, obj=order, action=ChangeAction.UPDATE, before=before)
    event_add(request=order.request, kind=EventKind.MATERIAL, actor=actor, note=str(line), at=at)


def work_order_material_add(*, actor, order, item_name, quantity, unit_cost, unit="", at=None):
    """Record a material bought or brought for the repair (not from the store: see
    `work_order_material_take`) as a line of the order; the order's costs follow."""
    require(actor, WORK, order.school)
    at = now_or(at)
    errors = {}
    item_name = (item_name or "").strip()
    unit = (unit or "").strip()
    if not item_name:
        errors["item_name"] = _("Name the material.")
    elif len(item_name) > 100:
        errors["item_name"] = _("At most %(n)s characters.") % {"n": 100}
    if len(unit) > 10:
        errors["unit"] = _("At most %(n)s characters.") % {"n": 10}
    quantity = _decimal(quantity, "quantity", errors, positive=True, maximum=Decimal("99999999.99"))
    unit_cost = _decimal(unit_cost, "unit_cost", errors)
    if errors:
        raise ValidationError(errors)
    amount = (quantity * unit_cost).quantize(CENT)
    if amount > MONEY_MAX:
        raise ValidationError({"quantity": _("The value is too large.")})
    with transaction.atomic():
        order = _locked(order)
        _not_finished(order)
        line = WorkOrderMaterial.objects.create(
            order=order,
            item_name=item_name,
            quantity=quantity,
            unit=unit,
            unit_cost=unit_cost,
            amount=amount,
            added_by=actor,
            added_at=at,
        )
        _line_written(actor=actor, order=order, line=line, at=at)
    return line


def work_order_material_take(*, actor, order, balance, quantity, at=None):
    """Take a material from the school's store for the repair (a lock, a tap): the store issues
    it through the supplies service, at its average cost, to the order's worker and the room of
    the fault, and the line carries that issue — one transaction, so the store and the order
    agree. The worker needs no storekeeper's right: the order is the document it is issued
    against. "Requested 2, 1 available" when the store holds less; nothing is written then."""
    require(actor, WORK, order.school)
    at = now_or(at)
    errors = {}
    if not isinstance(balance, StockBalance) or balance.school_id != order.school_id:
        errors["balance"] = _("Choose an item held in a store of %(school)s.") % {"school": order.school}
    quantity = _decimal(quantity, "quantity", errors, positive=True, maximum=Decimal("99999999.99"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order = _locked(order)
        _not_finished(order)
        item = balance.item
        movement = stock_issue(
            school=order.school,
            item=item,
            store=balance.store,
            quantity=quantity,
            issued_to=order.assignee or actor,
            actor=actor,
            room=order.request.room,
            reference=order.request.number,
            source=order,
            occurred_at=at,
        )
        amount = -movement.value
        line = WorkOrderMaterial.objects.create(
            order=order,
            item_name=item.name[:100],
            quantity=quantity,
            unit=(item.unit or "")[:10],
            unit_cost=(amount / quantity).quantize(CENT),
            amount=amount,
            added_by=actor,
            added_at=at,
            stock_movement=movement,
        )
        _line_written(actor=actor, order=order, line=line, at=at)
    return line


def work_order_material_remove(*, actor, line, at=None):
    """Take back a line entered by mistake, while the order is unfinished; what came from the
    store goes back into it (a return of that issue)."""
    order = line.order
    require(actor, WORK, order.school)
    at = now_or(at)
    with transaction.atomic():
        order = _locked(order)
        _not_finished(order)
        line = (
            WorkOrderMaterial.objects.select_for_update(of=("self",))
            .select_related("stock_movement")
            .filter(pk=line.pk, order=order)
            .first()
        )
        if line is None:  # removed meanwhile (a second tap on the phone)
            raise ValidationError({"line": _("This line has already been removed.")})
        issue = line.stock_movement
        # Part of it may have gone back through the store's own pages: return only the rest.
        still_out = -issue.quantity - issue_returned(issue)[0] if issue is not None else 0
        if still_out > 0:
            stock_return(
                issue=issue,
                quantity=still_out,
                actor=actor,
                reason=_("Not used on work order %(number)s.") % {"number": order.request.number},
                source=order,
                occurred_at=at,
            )
        before_line = snapshot(line)
        pk = line.pk
        line.delete()
        line.pk = pk
        changelog_record(
            actor=actor, obj=line, action=ChangeAction.DELETE, before=before_line, school=order.school
        )
        before = snapshot(order)
        _recost(order)
        order.save(update_fields=["materials_cost", "total_cost", "updated_at"])
        changelog_record(actor=actor, obj=order, action=ChangeAction.UPDATE, before=before)
        event_add(request=order.request, kind=EventKind.MATERIAL_REMOVED, actor=actor, note=str(line), at=at)
    return order


def work_order_photo_add(*, actor, order, photos, phase, at=None):
    """Photos before or after the repair, kept with the order."""
    require(actor, WORK, order.school)
    at = now_or(at)
    if phase not in PhotoPhase.values:
        raise ValidationError({"phase": _("Say whether the photo is from before or after the repair.")})
    photos = photos_check(photos)
    if not photos:
        raise ValidationError({"photos": _("Choose a photo.")})
    with transaction.atomic():
        order = _locked(order)
        if order.status == OrderStatus.CLOSED:
            raise ValidationError({"status": _("This order is closed.")})
        marks = []
        for photo in photos:
            attachment = attachment_add(
                actor=actor, obj=order, uploaded_file=photo, description=str(PhotoPhase(phase).label)
            )
            marks.append(WorkOrderPhoto.objects.create(order=order, attachment=attachment, phase=phase))
        event_add(
            request=order.request,
            kind=EventKind.PHOTO,
            actor=actor,
            note=f"{PhotoPhase(phase).label} × {len(marks)}",
            at=at,
        )
    return marks


def work_order_complete(*, actor, order, labour_hours=0, labour_cost=0, note="", at=None):
    """The repair is done: the time to repair is counted from the report, the reporter is asked
    to confirm. Completing an order twice is refused and changes nothing."""
    require(actor, WORK, order.school)
    at = now_or(at)
    errors = {}
    labour_hours = _decimal(labour_hours, "labour_hours", errors, maximum=Decimal("9999.99"))
    labour_cost = _decimal(labour_cost, "labour_cost", errors)
    note = (note or "").strip()
    if len(note) > 300:
        errors["note"] = _("At most %(n)s characters.") % {"n": 300}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order = _locked(order)
        _not_finished(order)
        if order.status == OrderStatus.OPEN:
            if actor is None:
                raise ValidationError({"assignee": _("Assign the order before completing it.")})
            assign_apply(
                actor=actor, order=order, assignee=actor, contractor_name="", contractor_phone="", at=at
            )
        request = order.request
        if at < request.reported_at:
            raise ValidationError({"at": _("A repair cannot be completed before it was reported.")})
        before = snapshot(order)
        order.status = OrderStatus.COMPLETED
        order.completed_at = at
        order.resolution_seconds = int((at - request.reported_at).total_seconds())
        order.labour_hours = labour_hours
        order.labour_cost = labour_cost
        order.completion_note = note
        _recost(order)
        order.save(
            update_fields=[
                "status",
                "completed_at",
                "resolution_seconds",
                "labour_hours",
                "labour_cost",
                "materials_cost",
                "total_cost",
                "completion_note",
                "updated_at",
            ]
        )
        changelog_record(actor=actor, obj=order, action=ChangeAction.UPDATE, before=before)
        before_request = snapshot(request)
        request.status = RequestStatus.RESOLVED
        request.save(update_fields=["status", "updated_at"])
        changelog_record(actor=actor, obj=request, action=ChangeAction.UPDATE, before=before_request)
        event_add(request=request, kind=EventKind.COMPLETED, actor=actor, note=note, at=at)
        asset_link.repair_finished(order=order, actor=actor, at=at)
        if request.reporter_id and (actor is None or request.reporter_id != actor.pk):
            notify(
                user=request.reporter,
                title=_("Repaired: %(request)s — please confirm") % {"request": request},
                body=note,
                url=request.get_absolute_url(),
                school=order.school,
            )
    return order


def reopen_order(*, actor, order, reason, at):
    """Back to the worker (inside repair_request_reopen's transaction)."""
    from .requests import due_time

    before = snapshot(order)
    order.status = OrderStatus.ASSIGNED if (order.assignee_id or order.contractor_name) else OrderStatus.OPEN
    order.completed_at = None
    order.closed_at = None
    order.started_at = None
    order.resolution_seconds = None
    order.overdue_notified_at = None
    order.reopen_count += 1
    order.due_at = due_time(order.school, order.urgency, at)
    order.save()
    changelog_record(actor=actor, obj=order, action=ChangeAction.UPDATE, before=before)
    asset_link.repair_started(order=order, actor=actor, at=at)
    if order.assignee_id:
        notify(
            user=order.assignee,
            title=_("Reopened, not fixed: %(request)s") % {"request": order.request},
            body=reason,
            url=order.get_absolute_url(),
            school=order.school,
        )


def work_orders_auto_close(*, now=None):
    """Close completed orders whose reporter did not answer within the school's confirmation
    days (rule maintenance.confirm_days). Returns how many were closed."""
    from .requests import _close

    now = now_or(now)
    closed = 0
    school_ids = (
        WorkOrder.objects.filter(status=OrderStatus.COMPLETED).values_list("school_id", flat=True).distinct()
    )
    from houqin.core.models import School

    for school in School.objects.filter(pk__in=list(school_ids)):
        cutoff = now - datetime.timedelta(days=rule(CONFIRM_DAYS, school))
        for pk in WorkOrder.objects.filter(
            school=school, status=OrderStatus.COMPLETED, completed_at__lte=cutoff
        ).values_list("pk", flat=True):
            with transaction.atomic():
                order = (
                    WorkOrder.objects.select_for_update(of=("self",)).select_related(*ORDER_JOINS).get(pk=pk)
                )
                if order.status != OrderStatus.COMPLETED:
                    continue  # confirmed or reopened meanwhile
                request = (
                    type(order.request)
                    .objects.select_for_update(of=("self",))
                    .select_related(*REQUEST_JOINS)
                    .get(pk=order.request_id)
                )
                _close(actor=None, request=request, order=order, at=now, kind=EventKind.AUTO_CLOSED)
                closed += 1
    return closed


def work_orders_flag_overdue(*, now=None):
    """Tell the worker (or the office, for an unassigned order) once when an order passes its
    due time unfinished. Returns how many were flagged."""
    now = now_or(now)
    flagged = 0
    pks = list(
        WorkOrder.objects.filter(
            status__in=OPEN_ORDER_STATUSES, due_at__lt=now, overdue_notified_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for pk in pks:
        with transaction.atomic():
            order = (
                WorkOrder.objects.select_for_update(of=("self",))
                .select_related("request", "school", "assignee")
                .get(pk=pk)
            )
            if order.status not in OPEN_ORDER_STATUSES or order.overdue_notified_at is not None:
                continue
            WorkOrder.objects.filter(pk=pk).update(overdue_notified_at=now)
            event_add(request=order.request, kind=EventKind.OVERDUE, at=now)
            people = [order.assignee] if order.assignee_id else triagers(order.school)
            for user in people:
                notify(
                    user=user,
                    title=_("Overdue repair: %(request)s") % {"request": order.request},
                    url=order.get_absolute_url(),
                    school=order.school,
                )
            flagged += 1
    return flagged
