"""Work orders: assignment, materials and costs, photos, completion (once), the deadlines the
scheduler keeps: overdue notices and closing unconfirmed repairs."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from houqin.core.models import Attachment, ChangeLogEntry, Notification
from houqin.core.services.rules import rule_override_set
from houqin.core.tests.factories import member

from ..choices import OrderStatus, RequestStatus, Urgency
from ..models import RepairEvent, WorkOrder, WorkOrderMaterial, WorkOrderPhoto
from ..services.orders import (
    work_order_assign,
    work_order_complete,
    work_order_material_add,
    work_order_material_remove,
    work_order_photo_add,
    work_order_start,
    work_orders_auto_close,
    work_orders_flag_overdue,
)
from ..services.requests import repair_request_accept
from .factories import at, pdf, png, report


@pytest.fixture
def order(teacher_a, head_a, room_a):
    req = report(teacher_a, room_a, when=at(2026, 9, 7, 8, 0))
    return repair_request_accept(actor=head_a, request=req, at=at(2026, 9, 7, 8, 30))


def test_assign_to_a_worker_then_a_contractor(order, head_a, worker_a):
    work_order_assign(actor=head_a, order=order, assignee=worker_a, at=at(2026, 9, 7, 9, 0))
    order.refresh_from_db()
    assert (order.status, order.assignee, order.contractor_name, order.assigned_at) == (
        "assigned",
        worker_a,
        "",
        at(2026, 9, 7, 9, 0),
    )
    work_order_assign(
        actor=head_a, order=order, contractor_name="县水电维修部", contractor_phone="0871-1234567"
    )
    order.refresh_from_db()
    assert (order.assignee, order.contractor_name, order.contractor_phone) == (
        None,
        "县水电维修部",
        "0871-1234567",
    )
    assert [e.note for e in RepairEvent.objects.filter(kind="assigned")] == ["黄大伟", "县水电维修部"]


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        ({}, {"assignee": ["Choose a worker, or name an outside contractor."]}),
        ({"contractor_name": "  "}, {"assignee": ["Choose a worker, or name an outside contractor."]}),
    ],
)
def test_assign_needs_someone(order, head_a, kwargs, errors):
    with pytest.raises(ValidationError) as exc:
        work_order_assign(actor=head_a, order=order, **kwargs)
    assert exc.value.message_dict == errors


def test_assigning_a_worker_of_another_school_changes_nothing(order, head_a, worker_b, head_x):
    before = ChangeLogEntry.objects.count()
    for foreign in (worker_b, head_x):
        with pytest.raises(ValidationError) as exc:
            work_order_assign(actor=head_a, order=order, assignee=foreign)
        assert list(exc.value.message_dict) == ["assignee"]
    order.refresh_from_db()
    assert (order.status, order.assignee, order.assigned_at) == ("open", None, None)
    assert ChangeLogEntry.objects.count() == before
    assert not RepairEvent.objects.filter(kind="assigned").exists()


def test_a_teacher_is_not_a_worker(order, head_a, teacher_a):
    with pytest.raises(ValidationError) as exc:
        work_order_assign(actor=head_a, order=order, assignee=teacher_a)
    assert exc.value.message_dict == {"assignee": [f"{teacher_a} is not a repair worker of 黄竹林学校."]}


def test_a_worker_takes_up_an_unassigned_order(order, worker_a):
    work_order_start(actor=worker_a, order=order, at=at(2026, 9, 7, 10, 0))
    order.refresh_from_db()
    assert (order.status, order.assignee, order.started_at) == (
        "in_progress",
        worker_a,
        at(2026, 9, 7, 10, 0),
    )
    with pytest.raises(ValidationError):
        work_order_start(actor=worker_a, order=order)


def test_materials_make_the_cost(order, worker_a):
    lock = work_order_material_add(
        actor=worker_a, order=order, item_name="球形门锁", quantity="1", unit="把", unit_cost="35.50"
    )
    glass = work_order_material_add(
        actor=worker_a, order=order, item_name="玻璃", quantity="2.5", unit="㎡", unit_cost="40"
    )
    order.refresh_from_db()
    assert (lock.amount, glass.amount) == (Decimal("35.50"), Decimal("100.00"))
    assert (order.materials_cost, order.labour_cost, order.total_cost) == (
        Decimal("135.50"),
        Decimal("0.00"),
        Decimal("135.50"),
    )
    assert [e.note for e in RepairEvent.objects.filter(kind="material")] == ["球形门锁 × 1把", "玻璃 × 2.5㎡"]
    work_order_material_remove(actor=worker_a, line=glass)
    order.refresh_from_db()
    assert (order.materials_cost, order.total_cost) == (Decimal("35.50"), Decimal("35.50"))
    assert list(WorkOrderMaterial.objects.values_list("item_name", flat=True)) == ["球形门锁"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"item_name": "", "quantity": "1", "unit_cost": "1"}, "item_name"),
        ({"item_name": "锁", "quantity": "0", "unit_cost": "1"}, "quantity"),
        ({"item_name": "锁", "quantity": "-1", "unit_cost": "1"}, "quantity"),
        ({"item_name": "锁", "quantity": "1", "unit_cost": "-5"}, "unit_cost"),
        ({"item_name": "锁", "quantity": "1", "unit_cost": "1.234"}, "unit_cost"),
        ({"item_name": "锁", "quantity": "abc", "unit_cost": "1"}, "quantity"),
        ({"item_name": "锁", "quantity": "NaN", "unit_cost": "1"}, "quantity"),
    ],
)
def test_bad_material_lines_change_nothing(order, worker_a, fields, field):
    with pytest.raises(ValidationError) as exc:
        work_order_material_add(actor=worker_a, order=order, **fields)
    assert list(exc.value.message_dict) == [field]
    order.refresh_from_db()
    assert (WorkOrderMaterial.objects.count(), order.materials_cost, order.total_cost) == (
        0,
        Decimal("0"),
        Decimal("0"),
    )


def test_a_teacher_cannot_add_materials(order, teacher_a):
    with pytest.raises(PermissionDenied):
        work_order_material_add(actor=teacher_a, order=order, item_name="锁", quantity=1, unit_cost=10)
    assert WorkOrderMaterial.objects.count() == 0


def test_photos_before_and_after(order, worker_a):
    marks = work_order_photo_add(actor=worker_a, order=order, photos=[png("before.png")], phase="before")
    work_order_photo_add(
        actor=worker_a, order=order, photos=[png("after1.png"), png("after2.png")], phase="after"
    )
    assert [(p.phase, p.attachment.original_name) for p in WorkOrderPhoto.objects.order_by("pk")] == [
        ("before", "before.png"),
        ("after", "after1.png"),
        ("after", "after2.png"),
    ]
    assert marks[0].attachment.object_id == order.pk
    with pytest.raises(ValidationError) as exc:
        work_order_photo_add(actor=worker_a, order=order, photos=[pdf()], phase="after")
    assert list(exc.value.message_dict) == ["photos"]
    with pytest.raises(ValidationError):
        work_order_photo_add(actor=worker_a, order=order, photos=[png()], phase="during")
    assert WorkOrderPhoto.objects.count() == 3
    assert Attachment.objects.count() == 3


def test_complete_counts_the_time_from_the_report(order, worker_a, teacher_a):
    work_order_assign(actor=None, order=order, assignee=worker_a)
    work_order_material_add(actor=worker_a, order=order, item_name="门锁", quantity=1, unit_cost="35.00")
    work_order_complete(
        actor=worker_a,
        order=order,
        labour_hours="1.25",
        labour_cost="0",
        note="换锁",
        at=at(2026, 9, 7, 11, 30),
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert order.completed_at == at(2026, 9, 7, 11, 30)
    assert order.resolution_seconds == 3 * 3600 + 30 * 60
    assert (order.labour_hours, order.total_cost, order.completion_note) == (
        Decimal("1.25"),
        Decimal("35.00"),
        "换锁",
    )
    assert order.request.status == RequestStatus.RESOLVED
    assert (
        Notification.objects.get(user=teacher_a).title
        == "Repaired: BX-2026-0001 Doors and windows — please confirm"
    )


def test_closing_an_order_twice_is_refused_and_changes_nothing(order, worker_a):
    work_order_complete(actor=worker_a, order=order, note="first", at=at(2026, 9, 7, 11, 0))
    order.refresh_from_db()
    logs, events = ChangeLogEntry.objects.count(), RepairEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        work_order_complete(actor=worker_a, order=order, note="second", at=at(2026, 9, 7, 12, 0))
    assert exc.value.message_dict == {"status": ["This order is already Completed, to be confirmed."]}
    order.refresh_from_db()
    assert (order.completion_note, order.completed_at) == ("first", at(2026, 9, 7, 11, 0))
    assert (ChangeLogEntry.objects.count(), RepairEvent.objects.count()) == (logs, events)
    with pytest.raises(ValidationError):
        work_order_material_add(actor=worker_a, order=order, item_name="锁", quantity=1, unit_cost=1)


def test_a_completion_before_the_report_is_refused(order, worker_a):
    with pytest.raises(ValidationError) as exc:
        work_order_complete(actor=worker_a, order=order, at=at(2026, 9, 6, 8, 0))
    assert list(exc.value.message_dict) == ["at"]
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN


def test_overdue_orders_are_flagged_once(order, head_a, worker_a, staff_a):
    # Normal urgency: due 72 h after the 8:00 report.
    assert work_orders_flag_overdue(now=at(2026, 9, 10, 7, 59)) == 0
    assert work_orders_flag_overdue(now=at(2026, 9, 10, 8, 1)) == 1
    assert work_orders_flag_overdue(now=at(2026, 9, 10, 9, 0)) == 0
    order.refresh_from_db()
    assert order.overdue_notified_at == at(2026, 9, 10, 8, 1)
    # Unassigned: the office hears of it.
    assert sorted(
        Notification.objects.filter(title__startswith="Overdue").values_list("user__username", flat=True)
    ) == [
        "head_a",
        "staff_a",
        "worker_a",
    ]


def test_unconfirmed_repairs_close_after_the_schools_days(order, worker_a, school_a):
    work_order_complete(actor=worker_a, order=order, at=at(2026, 9, 7, 11, 0))
    assert work_orders_auto_close(now=at(2026, 9, 10, 10, 59)) == 0
    assert work_orders_auto_close(now=at(2026, 9, 10, 11, 0)) == 1
    order.refresh_from_db()
    assert (order.status, order.closed_at, order.request.status) == (
        "closed",
        at(2026, 9, 10, 11, 0),
        "closed",
    )
    assert order.request.confirmed_at is None
    assert order.request.events.last().kind == "auto_closed"
    assert work_orders_auto_close(now=at(2026, 9, 20, 0, 0)) == 0


def test_confirm_days_are_the_schools(order, worker_a, school_a):
    rule_override_set(actor=None, school=school_a, key="maintenance.confirm_days", value=7)
    work_order_complete(actor=worker_a, order=order, at=at(2026, 9, 7, 11, 0))
    assert work_orders_auto_close(now=at(2026, 9, 10, 12, 0)) == 0
    assert work_orders_auto_close(now=at(2026, 9, 14, 11, 0)) == 1


def test_an_emergency_is_due_in_two_hours(teacher_a, head_a, room_a):
    req = report(teacher_a, room_a, urgency=Urgency.EMERGENCY, when=at(2026, 9, 7, 8, 0))
    assert repair_request_accept(actor=head_a, request=req).due_at == at(2026, 9, 7, 10, 0)


def test_a_district_worker_may_work_on_a_schools_order(order, district, head_a):
    district_worker = member(district, "repair_worker", username="district_worker")
    work_order_assign(actor=head_a, order=order, assignee=district_worker)
    assert WorkOrder.objects.get().assignee == district_worker
