"""Samples of the maintenance models for the route-walking leak test (tests/samples.py)."""

from django.utils import timezone

from houqin.core.models import Room
from houqin.core.models.places import RoomKind

from ..choices import Recurrence, RepairKind
from ..models import Checklist, InspectionPlan, InspectionRound, RepairRequest, WorkOrder

PREFIX = "LEAK-"


def _marker(model):
    return f"{PREFIX}{model._meta.app_label}-{model._meta.model_name}"


def _room(school, name):
    from tests.samples import _room as core_room

    room = core_room(school, name)
    room.kind = RoomKind.CLASSROOM
    room.save(update_fields=["kind"])
    return room


def build_repair_request(school, user):
    from ..services.requests import repair_request_submit

    return repair_request_submit(
        actor=None,
        room=_room(school, f"{_marker(RepairRequest)}-room"),
        kind=RepairKind.DOORS_WINDOWS,
        description=_marker(RepairRequest),
        reporter_name=_marker(RepairRequest),
        reporter_phone="13800000000",
    )


def build_work_order(school, user):
    from ..services.requests import repair_request_accept, repair_request_submit

    request = repair_request_submit(
        actor=user,
        room=_room(school, f"{_marker(WorkOrder)}-room"),
        kind=RepairKind.WATER,
        description=f"{_marker(WorkOrder)}-request",
    )
    return repair_request_accept(actor=user, request=request, contractor_name=_marker(WorkOrder))


def _checklist(school, user, name):
    from ..services.inspections import checklist_create

    return checklist_create(
        actor=user,
        school=school,
        data={
            "name": name,
            "room_kind": RoomKind.CLASSROOM,
            "is_active": True,
            "items": [("门锁", "doors_windows")],
        },
    )


def build_checklist(school, user):
    return _checklist(school, user, _marker(Checklist))


def _plan(school, user, name):
    from ..services.inspections import inspection_plan_create

    if not Room.objects.filter(school=school, kind=RoomKind.CLASSROOM).exists():
        _room(school, f"{name}-room")
    today = timezone.localdate()
    return inspection_plan_create(
        actor=user,
        school=school,
        data={
            "name": name,
            "recurrence": Recurrence.WEEKLY,
            "weekday": today.weekday(),
            "starts_on": today,
            "checklists": [_checklist(school, user, f"{name}-checklist")],
            "notes": name,
        },
    )


def build_inspection_plan(school, user):
    return _plan(school, user, _marker(InspectionPlan))


def build_inspection_round(school, user):
    from ..services.inspections import inspection_plan_generate

    plan = _plan(school, user, _marker(InspectionRound))
    return inspection_plan_generate(plan=plan)[0]


SAMPLES = {
    RepairRequest: build_repair_request,
    WorkOrder: build_work_order,
    Checklist: build_checklist,
    InspectionPlan: build_inspection_plan,
    InspectionRound: build_inspection_round,
}
