"""Repair requests: report, accept or refuse, confirm and rate, reopen."""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import access
from houqin.core.models import ChangeAction, Room
from houqin.core.rulebook import rule
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.notifications import notify
from houqin.core.services.numbering import document_number_next

from ..choices import EventKind, OrderStatus, RepairKind, RequestSource, RequestStatus, Urgency
from ..models import RepairRequest, WorkOrder
from ..permissions import TRIAGE
from ..rules import REPEAT_FAILURE
from . import assets as asset_link
from .common import event_add, now_or, require, triagers
from .photos import photos_attach, photos_check

NUMBER_PREFIX = "BX"  # 报修
DESCRIPTION_MAX = 2000
PHONE_RE = re.compile(r"^[0-9+\- ()]{5,20}$")
NOTIFY_NEW = (Urgency.EMERGENCY, Urgency.URGENT)


def may_report(user, school):
    """Any member of the school (or of a node above it) may report a fault there."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or school.pk in access.visible_school_ids(user)


def may_follow(user, request):
    """The reporter, and whoever may read the school's repair requests."""
    from houqin.core.permissions import model_perm

    if request.reporter_id and user.pk == request.reporter_id:
        return True
    return access.has_perm(user, model_perm(RepairRequest, "view"), request.school)


def may_confirm(actor, request):
    return actor is None or actor.pk == request.reporter_id or access.has_perm(actor, TRIAGE, request.school)


def _clean_report(
    *, room, school, kind, urgency, description, location_detail, reporter_name, reporter_phone
):
    errors = {}
    if room is None and not (location_detail or "").strip():
        errors["room"] = _("Choose the room, or say where the fault is.")
    if room is not None and school is not None and room.school_id != school.pk:
        errors["room"] = _("This room belongs to another school.")
    if kind not in RepairKind.values:
        errors["kind"] = _("Choose what kind of fault it is.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose how urgent it is.")
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Describe the fault.")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("At most %(n)s characters.") % {"n": DESCRIPTION_MAX}
    location_detail = (location_detail or "").strip()
    if len(location_detail) > 100:
        errors["location_detail"] = _("At most %(n)s characters.") % {"n": 100}
    reporter_name = (reporter_name or "").strip()
    if len(reporter_name) > 50:
        errors["reporter_name"] = _("At most %(n)s characters.") % {"n": 50}
    reporter_phone = (reporter_phone or "").strip()
    if reporter_phone and not PHONE_RE.match(reporter_phone):
        errors["reporter_phone"] = _("Enter a phone number (digits, spaces, + and - only).")
    if errors:
        raise ValidationError(errors)
    return description, location_detail, reporter_name, reporter_phone


def _repeat_state(room, asset, school, at):
    """(is a repeat, first of its streak, what failed, reports in the window) for a new report:
    its room or its asset has failed `count` times within `days` (rule maintenance.repeat_failure)."""
    limits = rule(REPEAT_FAILURE, school)
    since = at - datetime.timedelta(days=int(limits["days"]))
    recent_window = RepairRequest.objects.filter(reported_at__gt=since, reported_at__lte=at)
    for thing, window in (
        (asset, recent_window.filter(asset=asset)),
        (room, recent_window.filter(room=room)),
    ):
        if thing is None:
            continue
        recent = window.count() + 1
        if recent >= int(limits["count"]):
            return True, not window.filter(is_repeat=True).exists(), thing, recent
    return False, False, None, 0


def _tell_repeat(request, thing, recent):
    limits = rule(REPEAT_FAILURE, request.school)
    title = _("%(room)s has failed %(n)s times in %(days)s days") % {
        "room": thing,
        "n": recent,
        "days": limits["days"],
    }
    for user in triagers(request.school):
        notify(user=user, title=title, url=request.get_absolute_url(), school=request.school)


def repair_request_submit(
    *,
    actor,
    kind,
    description,
    room=None,
    school=None,
    urgency=Urgency.NORMAL,
    location_detail="",
    photos=(),
    reporter_name="",
    reporter_phone="",
    source=None,
    ip=None,
    at=None,
    asset=None,
):
    """Report a fault in a room, or of an asset card (its room is taken when none is given).
    `actor` None is a report without login (through a QR code: the caller has checked the token
    and the limits). The request takes the room's (or the asset's) school; a request without a
    room needs `school` and a location."""
    at = now_or(at)
    if room is None and asset is not None and asset.room_id is not None:
        room = asset.room
    if room is not None:
        room = Room.objects.select_related("school", "building").get(pk=room.pk)
        school = room.school
    elif asset is not None:
        school = asset.school
    if school is None:
        raise ValidationError({"room": _("Choose the room, or say where the fault is.")})
    if actor is not None and not may_report(actor, school):
        # The same answer whether the room exists or not: another school's rooms are not there.
        raise ValidationError({"room": _("Choose a room of your school.")})
    description, location_detail, reporter_name, reporter_phone = _clean_report(
        room=room,
        school=school,
        kind=kind,
        urgency=urgency,
        description=description,
        location_detail=location_detail,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
    )
    asset = asset_link.check_asset(asset=asset, school=school, room=room, actor=actor)
    photos = photos_check(photos)
    if source is None:
        source = RequestSource.MEMBER if actor is not None else RequestSource.PUBLIC
    if actor is not None:
        reporter_name = reporter_name or actor.display_name
        reporter_phone = reporter_phone or actor.phone
    with transaction.atomic():
        is_repeat, first_repeat, failing, recent = _repeat_state(room, asset, school, at)
        request = RepairRequest(
            school=school,
            asset=asset,
            number=document_number_next(
                school=school, prefix=NUMBER_PREFIX, year=timezone.localtime(at).year
            ),
            room=room,
            location_detail=location_detail,
            kind=kind,
            urgency=urgency,
            description=description,
            source=source,
            reporter=actor,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            submitted_ip=ip if actor is None else None,
            reported_at=at,
            status=RequestStatus.SUBMITTED,
            is_repeat=is_repeat,
        )
        request.save()
        changelog_record(actor=actor, obj=request, action=ChangeAction.CREATE)
        event_add(request=request, kind=EventKind.SUBMITTED, actor=actor, at=at)
        photos_attach(obj=request, photos=photos, uploaded_by=actor)
        if first_repeat:
            _tell_repeat(request, failing, recent)
        if urgency in NOTIFY_NEW:
            title = _("New %(urgency)s repair: %(request)s") % {
                "urgency": request.get_urgency_display(),
                "request": request,
            }
            for user in triagers(school):
                notify(
                    user=user,
                    title=title,
                    body=description[:200],
                    url=request.get_absolute_url(),
                    school=school,
                )
    return request


def response_hours(school, urgency):
    """The school's repair time target for `urgency` (rule maintenance.response_hours)."""
    from ..rules import RESPONSE_HOURS

    return int(rule(RESPONSE_HOURS, school)[urgency])


def due_time(school, urgency, start):
    return start + datetime.timedelta(hours=response_hours(school, urgency))


def _locked(request):
    from .orders import REQUEST_JOINS

    return (
        RepairRequest.objects.select_for_update(of=("self",))
        .select_related(*REQUEST_JOINS)
        .get(pk=request.pk)
    )


def repair_request_accept(
    *,
    actor,
    request,
    urgency=None,
    kind=None,
    assignee=None,
    contractor_name="",
    contractor_phone="",
    note="",
    at=None,
):
    """Accept a submitted request: it becomes a work order, due by the school's target for its
    urgency counted from the report. A worker or contractor may be named at once."""
    from .orders import assign_apply, assign_checks

    require(actor, TRIAGE, request.school)
    at = now_or(at)
    urgency = urgency or request.urgency
    kind = kind or request.kind
    errors = {}
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose how urgent it is.")
    if kind not in RepairKind.values:
        errors["kind"] = _("Choose what kind of fault it is.")
    if errors:
        raise ValidationError(errors)
    naming = assignee is not None or (contractor_name or "").strip()
    if naming:
        assign_checks(
            school=request.school,
            assignee=assignee,
            contractor_name=contractor_name,
            contractor_phone=contractor_phone,
        )
    with transaction.atomic():
        request = _locked(request)
        if request.status != RequestStatus.SUBMITTED:
            raise ValidationError(
                {
                    "status": _("This request has already been dealt with (%(status)s).")
                    % {"status": request.get_status_display()}
                }
            )
        before = snapshot(request)
        request.status = RequestStatus.ACCEPTED
        request.urgency = urgency
        request.kind = kind
        request.save(update_fields=["status", "urgency", "kind", "updated_at"])
        changelog_record(actor=actor, obj=request, action=ChangeAction.UPDATE, before=before)
        order = WorkOrder(
            school=request.school,
            request=request,
            urgency=urgency,
            due_at=due_time(request.school, urgency, request.reported_at),
            status=OrderStatus.OPEN,
            triaged_by=actor,
            triaged_at=at,
        )
        order.save()
        changelog_record(actor=actor, obj=order, action=ChangeAction.CREATE)
        event_add(request=request, kind=EventKind.ACCEPTED, actor=actor, note=note, at=at)
        if naming:
            assign_apply(
                actor=actor,
                order=order,
                assignee=assignee,
                contractor_name=contractor_name,
                contractor_phone=contractor_phone,
                at=at,
            )
        asset_link.repair_started(order=order, actor=actor, at=at)
    return order


def repair_request_reject(*, actor, request, reason, at=None):
    """Refuse a submitted request (not a fault, a duplicate, not the school's to repair), saying why."""
    require(actor, TRIAGE, request.school)
    at = now_or(at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the request is not accepted.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": 200}})
    with transaction.atomic():
        request = _locked(request)
        if request.status != RequestStatus.SUBMITTED:
            raise ValidationError(
                {
                    "status": _("This request has already been dealt with (%(status)s).")
                    % {"status": request.get_status_display()}
                }
            )
        before = snapshot(request)
        request.status = RequestStatus.REJECTED
        request.rejection_reason = reason
        request.save(update_fields=["status", "rejection_reason", "updated_at"])
        changelog_record(actor=actor, obj=request, action=ChangeAction.UPDATE, before=before)
        event_add(request=request, kind=EventKind.REJECTED, actor=actor, note=reason, at=at)
        if request.reporter_id:
            notify(
                user=request.reporter,
                title=_("Your repair request %(number)s was not accepted") % {"number": request.number},
                body=reason,
                url=request.get_absolute_url(),
                school=request.school,
            )
    return request


def _close(*, actor, request, order, at, kind, rating=None, feedback=""):
    """Close a completed order and its request (confirmation or the confirmation deadline)."""
    before_order, before_request = snapshot(order), snapshot(request)
    order.status = OrderStatus.CLOSED
    order.closed_at = at
    order.save(update_fields=["status", "closed_at", "updated_at"])
    request.status = RequestStatus.CLOSED
    if kind == EventKind.CONFIRMED:
        request.rating = rating
        request.feedback = feedback
        request.confirmed_at = at
        request.confirmed_by = actor
    request.save(update_fields=["status", "rating", "feedback", "confirmed_at", "confirmed_by", "updated_at"])
    changelog_record(actor=actor, obj=order, action=ChangeAction.UPDATE, before=before_order)
    changelog_record(actor=actor, obj=request, action=ChangeAction.UPDATE, before=before_request)
    note = f"{'★' * rating} {feedback}".strip() if rating else ""
    event_add(request=request, kind=kind, actor=actor, note=note, at=at)


def _clean_rating(rating):
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = None
    if value is None or isinstance(rating, bool) or not 1 <= value <= 5:
        raise ValidationError({"rating": _("Rate the repair from 1 to 5 stars.")})
    return value


def repair_request_confirm(*, actor, request, rating, feedback="", at=None):
    """The reporter confirms the repair and rates it (or the office does on an anonymous
    reporter's behalf); the order closes."""
    if not may_confirm(actor, request):
        raise PermissionDenied(_("Only the reporter or the logistics office may confirm this repair."))
    at = now_or(at)
    rating = _clean_rating(rating)
    feedback = (feedback or "").strip()
    if len(feedback) > 200:
        raise ValidationError({"feedback": _("At most %(n)s characters.") % {"n": 200}})
    with transaction.atomic():
        request = _locked(request)
        order = (
            WorkOrder.objects.select_for_update(of=("self",))
            .select_related("school", "assignee", "triaged_by", "asset_incident")
            .filter(request=request)
            .first()
        )
        if request.status != RequestStatus.RESOLVED or order is None or order.status != OrderStatus.COMPLETED:
            raise ValidationError(
                {
                    "status": _("Only a completed repair can be confirmed (this one is: %(status)s).")
                    % {"status": request.get_status_display()}
                }
            )
        _close(
            actor=actor,
            request=request,
            order=order,
            at=at,
            kind=EventKind.CONFIRMED,
            rating=rating,
            feedback=feedback,
        )
    return request


def repair_request_reopen(*, actor, request, reason, at=None):
    """Not fixed: the order goes back to its worker with a new due time from now."""
    from .orders import reopen_order

    if not may_confirm(actor, request):
        raise PermissionDenied(_("Only the reporter or the logistics office may reopen this repair."))
    at = now_or(at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is still wrong.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": 200}})
    with transaction.atomic():
        request = _locked(request)
        order = (
            WorkOrder.objects.select_for_update(of=("self",))
            .select_related("school", "assignee", "triaged_by", "asset_incident")
            .filter(request=request)
            .first()
        )
        if request.status not in (RequestStatus.RESOLVED, RequestStatus.CLOSED) or order is None:
            raise ValidationError(
                {
                    "status": _("Only a completed repair can be reopened (this one is: %(status)s).")
                    % {"status": request.get_status_display()}
                }
            )
        before = snapshot(request)
        request.status = RequestStatus.ACCEPTED
        request.rating = None
        request.feedback = ""
        request.confirmed_at = None
        request.confirmed_by = None
        request.save(
            update_fields=["status", "rating", "feedback", "confirmed_at", "confirmed_by", "updated_at"]
        )
        changelog_record(actor=actor, obj=request, action=ChangeAction.UPDATE, before=before)
        event_add(request=request, kind=EventKind.REOPENED, actor=actor, note=reason, at=at)
        reopen_order(actor=actor, order=order, reason=reason, at=at)
    return request
