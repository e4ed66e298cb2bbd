"""Repair requests: reporting, accepting, refusing, confirming, reopening — exact values, and
failure paths that change nothing."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from houqin.core.models import Attachment, ChangeAction, ChangeLogEntry, Notification
from houqin.core.services.rules import rule_override_set
from houqin.core.tests.factories import member

from ..choices import EventKind, OrderStatus, RepairKind, RequestSource, RequestStatus, Urgency
from ..models import RepairEvent, RepairRequest, WorkOrder
from ..services.orders import work_order_complete
from ..services.requests import (
    repair_request_accept,
    repair_request_confirm,
    repair_request_reject,
    repair_request_reopen,
    repair_request_submit,
)
from .factories import at, fake_jpeg, pdf, png, report, room


def log_rows(obj):
    return ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).order_by("pk")


def nothing_reported():
    assert RepairRequest.objects.count() == 0
    assert RepairEvent.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert ChangeLogEntry.objects.filter(content_type__app_label="maintenance").count() == 0


# --- reporting ----------------------------------------------------------------------------------


def test_teacher_reports_a_broken_lock_with_a_photo(school_a, teacher_a, room_a):
    teacher_a.phone = "13900001111"
    teacher_a.save()
    req = repair_request_submit(
        actor=teacher_a,
        room=room_a,
        kind=RepairKind.DOORS_WINDOWS,
        urgency=Urgency.URGENT,
        description="  教室门锁坏了，锁不上  ",
        location_detail="前门",
        photos=[png("lock.png")],
        at=at(2026, 9, 7, 8, 15),
    )
    req.refresh_from_db()
    assert req.number == "BX-2026-0001"
    assert req.school == school_a
    assert req.room == room_a
    assert (req.kind, req.urgency, req.status) == ("doors_windows", "urgent", "submitted")
    assert req.description == "教室门锁坏了，锁不上"
    assert req.location_detail == "前门"
    assert req.source == RequestSource.MEMBER
    assert req.reporter == teacher_a
    assert req.reporter_phone == "13900001111"
    assert req.submitted_ip is None
    assert req.reported_at == at(2026, 9, 7, 8, 15)
    assert req.is_repeat is False
    assert [(e.kind, e.actor) for e in req.events.all()] == [(EventKind.SUBMITTED, teacher_a)]
    photo = Attachment.objects.get()
    assert (photo.object_id, photo.original_name, photo.is_image, photo.uploaded_by) == (
        req.pk,
        "lock.png",
        True,
        teacher_a,
    )
    assert [e.action for e in log_rows(req)] == [
        ChangeAction.CREATE,
        ChangeAction.UPDATE,
    ]  # the request, its photo


def test_numbers_follow_per_school_and_year(school_a, school_b, teacher_a, room_a, room_b, head_b):
    first = report(teacher_a, room_a, when=at(2026, 9, 7, 8, 0))
    second = report(teacher_a, room_a, when=at(2026, 9, 8, 8, 0))
    other = report(head_b, room_b, when=at(2026, 9, 8, 9, 0))
    next_year = report(teacher_a, room_a, when=at(2027, 1, 4, 8, 0))
    assert [first.number, second.number, other.number, next_year.number] == [
        "BX-2026-0001",
        "BX-2026-0002",
        "BX-2026-0001",
        "BX-2027-0001",
    ]


def test_urgent_report_notifies_the_office_once_each(school_a, teacher_a, head_a, worker_a, room_a):
    report(teacher_a, room_a, urgency=Urgency.EMERGENCY, description="电线冒火花")
    titles = sorted((n.user.username, n.title) for n in Notification.objects.all())
    assert titles == [
        ("head_a", "New Emergency (danger to people) repair: BX-2026-0001 Doors and windows"),
        ("worker_a", "New Emergency (danger to people) repair: BX-2026-0001 Doors and windows"),
    ]
    report(teacher_a, room_a, urgency=Urgency.NORMAL)
    assert Notification.objects.count() == 2  # normal reports wait on the list


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": "   "}, "description"),
        ({"kind": "plumbing"}, "kind"),
        ({"urgency": "whenever"}, "urgency"),
        ({"reporter_phone": "call me"}, "reporter_phone"),
        ({"location_detail": "x" * 101}, "location_detail"),
        ({"photos": [pdf()]}, "photos"),
        ({"photos": [fake_jpeg()]}, "photos"),
        ({"photos": [png(f"p{i}.png") for i in range(5)]}, "photos"),
    ],
)
def test_bad_reports_are_refused_and_change_nothing(teacher_a, room_a, changes, field):
    args = {"kind": RepairKind.DOORS_WINDOWS, "description": "门锁坏了", "urgency": Urgency.NORMAL, **changes}
    with pytest.raises(ValidationError) as exc:
        repair_request_submit(actor=teacher_a, room=room_a, **args)
    assert list(exc.value.message_dict) == [field]
    nothing_reported()


def test_a_pdf_is_not_a_photo(teacher_a, room_a):
    with pytest.raises(ValidationError) as exc:
        report(teacher_a, room_a, photos=[pdf("scan.pdf")])
    assert exc.value.message_dict == {"photos": ["scan.pdf is not a photo (it is a PDF document)."]}
    nothing_reported()


def test_a_disguised_file_is_refused_by_the_core_check(teacher_a, room_a):
    with pytest.raises(ValidationError) as exc:
        report(teacher_a, room_a, photos=[fake_jpeg("lock.jpg")])
    assert exc.value.message_dict["photos"][0].startswith("lock.jpg: ")
    nothing_reported()


def test_another_schools_room_cannot_be_reported_by_a_member(teacher_a, room_b, head_x, room_a):
    with pytest.raises(ValidationError) as exc:
        report(teacher_a, room_b)
    assert exc.value.message_dict == {"room": ["Choose a room of your school."]}
    with pytest.raises(ValidationError):
        report(head_x, room_a)
    nothing_reported()


def test_a_report_without_a_room_needs_a_place(teacher_a, school_a):
    with pytest.raises(ValidationError) as exc:
        repair_request_submit(actor=teacher_a, school=school_a, kind="water", description="漏水")
    assert exc.value.message_dict == {"room": ["Choose the room, or say where the fault is."]}
    req = repair_request_submit(
        actor=teacher_a, school=school_a, kind="water", description="漏水", location_detail="操场水龙头"
    )
    assert (req.room, req.location_detail, req.school) == (None, "操场水龙头", school_a)


def test_anonymous_report_keeps_name_phone_and_address(room_a):
    req = repair_request_submit(
        actor=None,
        room=room_a,
        kind=RepairKind.WATER,
        description="水龙头漏水",
        reporter_name=" 家长王 ",
        reporter_phone="139 0000 1111",
        ip="10.1.2.3",
    )
    assert (req.source, req.reporter, req.reporter_name, req.reporter_phone, req.submitted_ip) == (
        "public",
        None,
        "家长王",
        "139 0000 1111",
        "10.1.2.3",
    )
    assert str(req.reporter_display) == "家长王"
    assert log_rows(req).get().actor is None


def test_the_third_failure_of_a_room_within_the_window_is_flagged(school_a, teacher_a, head_a, room_a):
    first = report(teacher_a, room_a, when=at(2026, 9, 1, 8, 0))
    second = report(teacher_a, room_a, when=at(2026, 9, 20, 8, 0))
    third = report(teacher_a, room_a, when=at(2026, 9, 30, 8, 0))
    fourth = report(teacher_a, room_a, when=at(2026, 10, 2, 8, 0))
    late = report(teacher_a, room_a, when=at(2026, 11, 20, 8, 0))
    flags = [r.is_repeat for r in RepairRequest.objects.order_by("reported_at")]
    assert flags == [False, False, True, True, False]
    assert (first.is_repeat, second.is_repeat, third.is_repeat, fourth.is_repeat, late.is_repeat) == (
        False,
        False,
        True,
        True,
        False,
    )
    # The office hears of it once, when the room crosses the line.
    assert list(Notification.objects.filter(user=head_a).values_list("title", flat=True)) == [
        "教学楼 301 三年级2班 has failed 3 times in 30 days"
    ]


def test_the_repeat_rule_is_the_schools(school_a, teacher_a, room_a):
    rule_override_set(
        actor=None, school=school_a, key="maintenance.repeat_failure", value={"count": 2, "days": 7}
    )
    report(teacher_a, room_a, when=at(2026, 9, 1, 8, 0))
    assert report(teacher_a, room_a, when=at(2026, 9, 5, 8, 0)).is_repeat is True


# --- accepting and refusing ---------------------------------------------------------------------


def test_accept_makes_an_order_due_by_the_schools_target(school_a, teacher_a, head_a, worker_a, room_a):
    req = report(teacher_a, room_a, urgency=Urgency.NORMAL, when=at(2026, 9, 7, 8, 0))
    order = repair_request_accept(
        actor=head_a, request=req, urgency=Urgency.URGENT, assignee=worker_a, at=at(2026, 9, 7, 9, 0)
    )
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED
    assert req.urgency == Urgency.URGENT
    assert order.status == OrderStatus.ASSIGNED
    assert order.assignee == worker_a
    assert order.due_at == at(2026, 9, 8, 8, 0)  # 24 hours from the report (urgent)
    assert (order.triaged_by, order.triaged_at, order.assigned_at) == (
        head_a,
        at(2026, 9, 7, 9, 0),
        at(2026, 9, 7, 9, 0),
    )
    assert [e.kind for e in req.events.all()] == ["submitted", "accepted", "assigned"]
    assert (
        Notification.objects.filter(user=worker_a).get().title
        == "Repair for you: BX-2026-0001 Doors and windows, due 2026-09-08 08:00"
    )


def test_response_targets_are_overridden_per_school(school_a, teacher_a, head_a, room_a):
    rule_override_set(
        actor=None,
        school=school_a,
        key="maintenance.response_hours",
        value={"emergency": 1, "urgent": 4, "normal": 48, "low": 240},
    )
    req = report(teacher_a, room_a, when=at(2026, 9, 7, 8, 0))
    order = repair_request_accept(actor=head_a, request=req)
    assert order.due_at == at(2026, 9, 9, 8, 0)
    assert order.status == OrderStatus.OPEN


def test_accepting_twice_is_refused(teacher_a, head_a, room_a):
    req = report(teacher_a, room_a)
    repair_request_accept(actor=head_a, request=req)
    with pytest.raises(ValidationError) as exc:
        repair_request_accept(actor=head_a, request=req)
    assert exc.value.message_dict == {"status": ["This request has already been dealt with (Accepted)."]}
    assert WorkOrder.objects.count() == 1


def test_a_teacher_may_not_accept(teacher_a, room_a):
    req = report(teacher_a, room_a)
    with pytest.raises(PermissionDenied):
        repair_request_accept(actor=teacher_a, request=req)
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED
    assert WorkOrder.objects.count() == 0


def test_accepting_with_a_worker_of_another_school_changes_nothing(teacher_a, head_a, worker_b, room_a):
    req = report(teacher_a, room_a)
    before = log_rows(req).count()
    with pytest.raises(ValidationError) as exc:
        repair_request_accept(actor=head_a, request=req, assignee=worker_b)
    assert exc.value.message_dict == {"assignee": ["别校工人 is not a repair worker of 黄竹林学校."]}
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED
    assert WorkOrder.objects.count() == 0
    assert log_rows(req).count() == before
    assert [e.kind for e in req.events.all()] == ["submitted"]


def test_reject_says_why_and_tells_the_reporter(teacher_a, head_a, room_a):
    req = report(teacher_a, room_a)
    with pytest.raises(ValidationError):
        repair_request_reject(actor=head_a, request=req, reason=" ")
    repair_request_reject(actor=head_a, request=req, reason="已有报修 BX-2026-0001")
    req.refresh_from_db()
    assert (req.status, req.rejection_reason) == ("rejected", "已有报修 BX-2026-0001")
    assert (
        Notification.objects.get(user=teacher_a).title == "Your repair request BX-2026-0001 was not accepted"
    )
    with pytest.raises(ValidationError):
        repair_request_accept(actor=head_a, request=req)


# --- confirming and reopening -------------------------------------------------------------------


@pytest.fixture
def completed(teacher_a, head_a, worker_a, room_a):
    req = report(teacher_a, room_a, when=at(2026, 9, 7, 8, 0))
    order = repair_request_accept(actor=head_a, request=req, assignee=worker_a, at=at(2026, 9, 7, 8, 30))
    work_order_complete(
        actor=worker_a, order=order, labour_hours="1.5", note="换了门锁", at=at(2026, 9, 7, 11, 0)
    )
    req.refresh_from_db()
    return req


def test_the_reporter_confirms_and_rates(completed, teacher_a):
    repair_request_confirm(
        actor=teacher_a, request=completed, rating=5, feedback="很及时", at=at(2026, 9, 7, 15, 0)
    )
    completed.refresh_from_db()
    order = completed.order
    assert (completed.status, completed.rating, completed.feedback) == ("closed", 5, "很及时")
    assert (completed.confirmed_by, completed.confirmed_at) == (teacher_a, at(2026, 9, 7, 15, 0))
    assert (order.status, order.closed_at) == ("closed", at(2026, 9, 7, 15, 0))
    assert completed.events.last().note == "★★★★★ 很及时"


@pytest.mark.parametrize("rating", [0, 6, "five", None, True])
def test_a_rating_is_one_to_five_stars(completed, teacher_a, rating):
    with pytest.raises(ValidationError) as exc:
        repair_request_confirm(actor=teacher_a, request=completed, rating=rating)
    assert list(exc.value.message_dict) == ["rating"]
    completed.refresh_from_db()
    assert completed.status == RequestStatus.RESOLVED


def test_confirming_twice_is_refused(completed, teacher_a):
    repair_request_confirm(actor=teacher_a, request=completed, rating=4)
    with pytest.raises(ValidationError) as exc:
        repair_request_confirm(actor=teacher_a, request=completed, rating=1)
    assert exc.value.message_dict == {
        "status": ["Only a completed repair can be confirmed (this one is: Closed)."]
    }
    completed.refresh_from_db()
    assert completed.rating == 4


def test_only_the_reporter_or_the_office_confirms(completed, school_a, head_a):
    other_teacher = member(school_a, "teacher", username="other_teacher")
    with pytest.raises(PermissionDenied):
        repair_request_confirm(actor=other_teacher, request=completed, rating=5)
    repair_request_confirm(actor=head_a, request=completed, rating=3)  # on the reporter's behalf
    completed.refresh_from_db()
    assert (completed.status, completed.confirmed_by) == ("closed", head_a)


def test_reopen_sends_it_back_with_a_new_due_time(completed, teacher_a, worker_a):
    repair_request_reopen(actor=teacher_a, request=completed, reason="还是锁不上", at=at(2026, 9, 8, 8, 0))
    completed.refresh_from_db()
    order = WorkOrder.objects.get()
    assert completed.status == RequestStatus.ACCEPTED
    assert (order.status, order.reopen_count, order.completed_at, order.resolution_seconds) == (
        "assigned",
        1,
        None,
        None,
    )
    assert order.due_at == at(2026, 9, 11, 8, 0)  # 72 hours from the reopening (normal)
    assert completed.events.last().kind == EventKind.REOPENED
    assert (
        Notification.objects.filter(user=worker_a).order_by("pk").last().title
        == "Reopened, not fixed: BX-2026-0001 Doors and windows"
    )
    # Fixed again: the time to repair now runs from the report to the second completion.
    work_order_complete(actor=worker_a, order=order, at=at(2026, 9, 8, 10, 0))
    order.refresh_from_db()
    assert order.resolution_seconds == int(datetime.timedelta(hours=26).total_seconds())


def test_reopening_an_unfinished_request_is_refused(teacher_a, room_a):
    req = report(teacher_a, room_a)
    with pytest.raises(ValidationError) as exc:
        repair_request_reopen(actor=teacher_a, request=req, reason="x")
    assert list(exc.value.message_dict) == ["status"]
    assert [e.kind for e in req.events.all()] == ["submitted"]


def test_a_second_room_of_the_same_number_elsewhere_is_its_own(school_a, teacher_a, room_a):
    other = room(school_a, "301", bld=None)
    report(teacher_a, room_a)
    report(teacher_a, room_a)
    assert report(teacher_a, other).is_repeat is False
