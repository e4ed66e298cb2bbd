"""Checklists, plans, the schedule (occurrences, generation once per date), walking a round."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from houqin.core.models import Notification
from houqin.core.models.places import RoomKind
from houqin.core.services.rules import rule_override_set
from houqin.core.tests.factories import SemesterFactory, member

from ..choices import Outcome, Recurrence, RequestSource, RoundStatus
from ..models import Checklist, InspectionPlan, InspectionResult, InspectionRound, RepairRequest
from ..services.inspections import (
    checklist_create,
    checklist_delete,
    checklist_update,
    inspection_plan_create,
    inspection_plan_delete,
    inspection_plan_generate,
    inspection_plan_update,
    inspection_room_record,
    inspection_rounds_flag_missed,
    plan_occurrences,
)
from .factories import at, building, pdf, png, room

D = datetime.date


@pytest.fixture
def rooms(school_a):
    teaching, dorms = building(school_a, "教学楼"), building(school_a, "学生宿舍楼")
    return {
        "c301": room(school_a, "301", bld=teaching),
        "c302": room(school_a, "302", bld=teaching),
        "d101": room(school_a, "101", kind=RoomKind.DORMITORY, bld=dorms),
        "o201": room(school_a, "201", kind=RoomKind.OFFICE, bld=teaching),
    }


@pytest.fixture
def classroom_list(school_a, head_a):
    return checklist_create(
        actor=head_a,
        school=school_a,
        data={
            "name": "教室检查",
            "room_kind": RoomKind.CLASSROOM,
            "is_active": True,
            "items": [("门窗", "doors_windows"), ("玻璃", "doors_windows"), ("电灯", "electricity")],
        },
    )


@pytest.fixture
def dorm_list(school_a, head_a):
    return checklist_create(
        actor=head_a,
        school=school_a,
        data={
            "name": "宿舍检查",
            "room_kind": RoomKind.DORMITORY,
            "is_active": True,
            "items": [("床铺", "furniture"), ("水龙头", "water")],
        },
    )


@pytest.fixture
def monday_plan(school_a, head_a, staff_a, rooms, classroom_list, dorm_list):
    return inspection_plan_create(
        actor=head_a,
        school=school_a,
        data={
            "name": "每周一教室宿舍检查",
            "recurrence": Recurrence.WEEKLY,
            "weekday": 0,
            "room_kinds": [RoomKind.DORMITORY, RoomKind.CLASSROOM],
            "checklists": [classroom_list, dorm_list],
            "inspector": staff_a,
            "starts_on": D(2026, 9, 1),
        },
    )


# --- checklists and plans -----------------------------------------------------------------------


def test_checklist_items_are_replaced_on_update(classroom_list, head_a):
    checklist_update(
        actor=head_a,
        instance=classroom_list,
        data={"items": [("门锁", "doors_windows"), ("课桌椅", "furniture")]},
    )
    assert list(classroom_list.items.values_list("position", "text", "repair_kind")) == [
        (1, "门锁", "doors_windows"),
        (2, "课桌椅", "furniture"),
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "空", "items": []}, "items"),
        ({"name": "空", "items": [("  ", "water")]}, "items"),
        ({"name": "错", "items": [("门", "plumbing")]}, "items"),
        ({"name": "", "items": [("门", "water")]}, "name"),
        ({"name": "教室检查", "items": [("门", "water")]}, "name"),
    ],
)
def test_bad_checklists_are_refused(school_a, head_a, classroom_list, data, field):
    with pytest.raises(ValidationError) as exc:
        checklist_create(actor=head_a, school=school_a, data=data)
    assert field in exc.value.message_dict
    assert Checklist.objects.count() == 1


def test_a_checklist_in_use_cannot_be_deleted(monday_plan, classroom_list, head_a):
    with pytest.raises(ValidationError):
        checklist_delete(actor=head_a, instance=classroom_list)
    assert Checklist.objects.filter(pk=classroom_list.pk).exists()


def test_a_teacher_may_not_make_checklists(school_a, teacher_a):
    with pytest.raises(PermissionDenied):
        checklist_create(actor=teacher_a, school=school_a, data={"name": "x", "items": [("门", "water")]})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weekday": None}, "weekday"),
        ({"recurrence": Recurrence.MONTHLY}, "day_of_month"),
        ({"recurrence": Recurrence.MONTHLY, "day_of_month": 32}, "day_of_month"),
        ({"recurrence": Recurrence.BEFORE_SEMESTER}, "days_before"),
        ({"recurrence": "daily"}, "recurrence"),
        ({"ends_on": D(2026, 8, 1)}, "ends_on"),
        ({"room_kinds": ["garage"]}, "room_kinds"),
        ({"checklists": []}, "checklists"),
        ({"room_kinds": [RoomKind.OFFICE]}, "checklists"),  # no checklist for offices
    ],
)
def test_bad_plans_are_refused(school_a, head_a, rooms, classroom_list, changes, field):
    data = {
        "name": "周五检查",
        "recurrence": Recurrence.WEEKLY,
        "weekday": 4,
        "checklists": [classroom_list],
        "starts_on": D(2026, 9, 1),
        **changes,
    }
    with pytest.raises(ValidationError) as exc:
        inspection_plan_create(actor=head_a, school=school_a, data=data)
    assert field in exc.value.message_dict
    assert InspectionPlan.objects.count() == 0


def test_a_plan_refuses_another_schools_checklist_building_and_inspector(
    school_a, school_b, head_a, head_b, rooms, classroom_list, worker_b
):
    foreign_list = checklist_create(
        actor=head_b, school=school_b, data={"name": "B", "room_kind": "", "items": [("门", "water")]}
    )
    base = {"name": "x", "recurrence": Recurrence.WEEKLY, "weekday": 4, "starts_on": D(2026, 9, 1)}
    for extra, field in (
        ({"checklists": [foreign_list]}, "checklists"),
        ({"checklists": [classroom_list], "buildings": [building(school_b)]}, "buildings"),
        ({"checklists": [classroom_list], "inspector": worker_b}, "inspector"),
    ):
        with pytest.raises(ValidationError) as exc:
            inspection_plan_create(actor=head_a, school=school_a, data={**base, **extra})
        assert list(exc.value.message_dict) == [field]
    assert InspectionPlan.objects.count() == 0


def test_plan_update_and_delete(monday_plan, head_a):
    inspection_plan_update(actor=head_a, instance=monday_plan, data={"weekday": 4, "name": "每周五检查"})
    monday_plan.refresh_from_db()
    assert (monday_plan.weekday, monday_plan.name) == (4, "每周五检查")
    inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 4, 7, 0))
    with pytest.raises(ValidationError):
        inspection_plan_delete(actor=head_a, instance=monday_plan)


# --- occurrences --------------------------------------------------------------------------------


def test_weekly_occurrences_on_fridays(monday_plan):
    monday_plan.weekday = 4
    assert plan_occurrences(monday_plan, D(2026, 9, 1), D(2026, 9, 30)) == [
        (D(2026, 9, 4), D(2026, 9, 5)),
        (D(2026, 9, 11), D(2026, 9, 12)),
        (D(2026, 9, 18), D(2026, 9, 19)),
        (D(2026, 9, 25), D(2026, 9, 26)),
    ]


def test_monthly_on_the_31st_falls_on_the_last_day(monday_plan, school_a):
    monday_plan.recurrence, monday_plan.day_of_month = Recurrence.MONTHLY, 31
    rule_override_set(actor=None, school=school_a, key="maintenance.inspection_grace_days", value=0)
    assert plan_occurrences(monday_plan, D(2027, 1, 1), D(2027, 4, 30)) == [
        (D(2027, 1, 31), D(2027, 1, 31)),
        (D(2027, 2, 28), D(2027, 2, 28)),
        (D(2027, 3, 31), D(2027, 3, 31)),
        (D(2027, 4, 30), D(2027, 4, 30)),
    ]


def test_before_each_semester_uses_the_nearest_nodes_terms(monday_plan, district, school_a):
    SemesterFactory(
        school=district, school_year="2026-2027", term=1, start_date=D(2026, 9, 1), end_date=D(2027, 1, 20)
    )
    SemesterFactory(
        school=district, school_year="2026-2027", term=2, start_date=D(2027, 2, 22), end_date=D(2027, 7, 9)
    )
    # The school starts its second term a week later than the district.
    SemesterFactory(
        school=school_a, school_year="2026-2027", term=2, start_date=D(2027, 3, 1), end_date=D(2027, 7, 9)
    )
    monday_plan.recurrence, monday_plan.days_before, monday_plan.starts_on = (
        Recurrence.BEFORE_SEMESTER,
        7,
        D(2026, 1, 1),
    )
    assert plan_occurrences(monday_plan, D(2026, 1, 1), D(2027, 12, 31)) == [
        (D(2026, 8, 25), D(2026, 8, 31)),
        (D(2027, 2, 22), D(2027, 2, 28)),
    ]


# --- generation: once per date ------------------------------------------------------------------


def test_the_round_is_generated_on_its_day_with_every_room_and_item(monday_plan, staff_a, rooms):
    assert inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 6, 23, 0)) == []
    created = inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 7, 0, 5))
    assert len(created) == 1
    rnd = created[0]
    assert (rnd.title, rnd.occurrence_date, rnd.due_date, rnd.status, rnd.inspector) == (
        "每周一教室宿舍检查 2026-09-07",
        D(2026, 9, 7),
        D(2026, 9, 8),
        RoundStatus.OPEN,
        staff_a,
    )
    # Two classrooms × 3 items, one dormitory × 2; the office has no checklist and is left out.
    assert rnd.items_total == 8
    assert list(
        InspectionResult.objects.filter(round=rnd).values_list("room__number", "position", "item_text")
    ) == [
        ("301", 1, "门窗"),
        ("301", 2, "玻璃"),
        ("301", 3, "电灯"),
        ("302", 1, "门窗"),
        ("302", 2, "玻璃"),
        ("302", 3, "电灯"),
        ("101", 1, "床铺"),
        ("101", 2, "水龙头"),
    ]
    monday_plan.refresh_from_db()
    assert monday_plan.generated_through == D(2026, 9, 7)
    assert (
        Notification.objects.get(user=staff_a).title
        == "Inspection round to walk: 每周一教室宿舍检查 2026-09-07, by 2026-09-08"
    )


def test_a_double_tick_generates_one_round(monday_plan):
    inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 7, 0, 5))
    assert inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 7, 0, 6)) == []
    assert InspectionRound.objects.count() == 1
    assert InspectionResult.objects.count() == 8


def test_a_restart_that_lost_the_cursor_creates_no_duplicate(monday_plan):
    inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 7, 0, 5))
    # The worker restarts with its cursor lost (or a second worker never saw it).
    InspectionPlan.objects.filter(pk=monday_plan.pk).update(generated_through=None)
    assert inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 7, 9, 0)) == []
    assert InspectionRound.objects.count() == 1


def test_the_database_refuses_a_second_round_of_a_date(monday_plan):
    rnd = inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 7, 0, 5))[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionRound.objects.create(
            school=rnd.school,
            plan=monday_plan,
            title="dup",
            occurrence_date=rnd.occurrence_date,
            due_date=rnd.due_date,
        )


def test_after_an_outage_the_missed_dates_are_caught_up_and_flagged(monday_plan):
    inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 7, 0, 5))
    # Down until the 23rd: the rounds of the 14th and the 21st are created, once.
    created = inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 23, 10, 0))
    assert [r.occurrence_date for r in created] == [D(2026, 9, 14), D(2026, 9, 21)]
    assert inspection_rounds_flag_missed(now=at(2026, 9, 23, 10, 0)) == 3
    assert (
        list(InspectionRound.objects.order_by("occurrence_date").values_list("status", flat=True))
        == ["missed"] * 3
    )
    assert inspection_rounds_flag_missed(now=at(2026, 9, 23, 10, 5)) == 0


def test_an_inactive_or_ended_plan_generates_nothing(monday_plan, head_a):
    inspection_plan_update(actor=head_a, instance=monday_plan, data={"ends_on": D(2026, 9, 10)})
    assert [
        r.occurrence_date for r in inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 20, 1, 0))
    ] == [D(2026, 9, 7)]
    inspection_plan_update(actor=head_a, instance=monday_plan, data={"ends_on": None, "is_active": False})
    assert inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 28, 1, 0)) == []


# --- walking a round ----------------------------------------------------------------------------


@pytest.fixture
def monday_round(monday_plan):
    return inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 7, 0, 5))[0]


def results_of(rnd, rm):
    return list(InspectionResult.objects.filter(round=rnd, room=rm).order_by("position"))


def test_a_failed_item_becomes_a_repair_request_with_its_photo(monday_round, staff_a, rooms):
    door, glass, light = results_of(monday_round, rooms["c301"])
    created = inspection_room_record(
        actor=staff_a,
        round=monday_round,
        room=rooms["c301"],
        outcomes={
            door.pk: {"outcome": "pass"},
            glass.pk: {"outcome": "fail", "note": "后窗玻璃裂了", "photo": png("glass.png")},
            light.pk: {"outcome": "pass"},
        },
        at=at(2026, 9, 7, 9, 0),
    )
    assert len(created) == 1
    req = RepairRequest.objects.get()
    assert (req.room, req.kind, req.source, req.reporter, req.description) == (
        rooms["c301"],
        "doors_windows",
        RequestSource.INSPECTION,
        staff_a,
        "玻璃: 后窗玻璃裂了",
    )
    assert [a.original_name for a in req_attachments(req)] == ["glass.png"]
    glass.refresh_from_db()
    assert (glass.outcome, glass.note, glass.repair_request, glass.checked_by) == (
        "fail",
        "后窗玻璃裂了",
        req,
        staff_a,
    )
    monday_round.refresh_from_db()
    assert (
        monday_round.status,
        monday_round.items_done,
        monday_round.items_failed,
        monday_round.started_at,
    ) == (
        RoundStatus.IN_PROGRESS,
        3,
        1,
        at(2026, 9, 7, 9, 0),
    )


def req_attachments(req):
    from houqin.core.models import Attachment

    return Attachment.objects.filter(object_id=req.pk, content_type__model="repairrequest")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"outcome": "fail", "note": ""}, "玻璃: say what is wrong."),
        ({"outcome": "maybe"}, "玻璃: choose pass or fail."),
        ({"outcome": "pass", "photo": "x"}, "玻璃: a photo goes with a failed item."),
    ],
)
def test_a_bad_item_records_nothing_of_the_room(monday_round, staff_a, rooms, answer, message):
    door, glass, _light = results_of(monday_round, rooms["c301"])
    if answer.get("photo"):
        answer = {**answer, "photo": png()}
    with pytest.raises(ValidationError) as exc:
        inspection_room_record(
            actor=staff_a,
            round=monday_round,
            room=rooms["c301"],
            outcomes={door.pk: {"outcome": "pass"}, glass.pk: answer},
        )
    assert exc.value.message_dict == {"outcomes": [message]}
    assert InspectionResult.objects.exclude(outcome=Outcome.PENDING).count() == 0
    assert RepairRequest.objects.count() == 0
    monday_round.refresh_from_db()
    assert (monday_round.status, monday_round.items_done) == ("open", 0)


def test_a_failed_items_photo_must_be_a_picture(monday_round, staff_a, rooms):
    _door, glass, _light = results_of(monday_round, rooms["c301"])
    with pytest.raises(ValidationError) as exc:
        inspection_room_record(
            actor=staff_a,
            round=monday_round,
            room=rooms["c301"],
            outcomes={glass.pk: {"outcome": "fail", "note": "裂了", "photo": pdf("glass.pdf")}},
        )
    assert exc.value.message_dict == {"outcomes": ["玻璃: glass.pdf is not a photo (it is a PDF document)."]}
    assert RepairRequest.objects.count() == 0


def test_items_of_another_room_or_round_are_refused(monday_round, staff_a, rooms):
    other = results_of(monday_round, rooms["c302"])[0]
    with pytest.raises(ValidationError) as exc:
        inspection_room_record(
            actor=staff_a, round=monday_round, room=rooms["c301"], outcomes={other.pk: {"outcome": "pass"}}
        )
    assert exc.value.message_dict == {"outcomes": ["An item that is not part of this room was sent."]}
    with pytest.raises(ValidationError):
        inspection_room_record(actor=staff_a, round=monday_round, room=rooms["o201"], outcomes={})


def test_a_reported_item_cannot_be_changed(monday_round, staff_a, rooms):
    _door, glass, _light = results_of(monday_round, rooms["c301"])
    inspection_room_record(
        actor=staff_a,
        round=monday_round,
        room=rooms["c301"],
        outcomes={glass.pk: {"outcome": "fail", "note": "裂了"}},
    )
    with pytest.raises(ValidationError):
        inspection_room_record(
            actor=staff_a, round=monday_round, room=rooms["c301"], outcomes={glass.pk: {"outcome": "pass"}}
        )
    assert RepairRequest.objects.count() == 1


def test_a_teacher_may_not_walk_a_round(monday_round, teacher_a, rooms):
    with pytest.raises(PermissionDenied):
        inspection_room_record(actor=teacher_a, round=monday_round, room=rooms["c301"], outcomes={})


def walk_all(rnd, actor, when):
    for rm_id in (
        InspectionResult.objects.filter(round=rnd)
        .values_list("room_id", flat=True)
        .order_by("room_id")
        .distinct()
    ):
        results = InspectionResult.objects.filter(round=rnd, room_id=rm_id)
        inspection_room_record(
            actor=actor,
            round=rnd,
            room=results[0].room,
            outcomes={r.pk: {"outcome": "pass"} for r in results},
            at=when,
        )


def test_the_last_item_completes_the_round_and_a_late_one_stays_flagged(monday_plan, staff_a):
    first = inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 7, 0, 5))[0]
    walk_all(first, staff_a, at(2026, 9, 7, 10, 0))
    first.refresh_from_db()
    assert (first.status, first.completed_at, first.missed_at) == ("completed", at(2026, 9, 7, 10, 0), None)
    second = inspection_plan_generate(plan=monday_plan, now=at(2026, 9, 14, 0, 5))[0]
    assert inspection_rounds_flag_missed(now=at(2026, 9, 16, 0, 1)) == 1
    walk_all(second, staff_a, at(2026, 9, 16, 9, 0))
    second.refresh_from_db()
    assert (second.status, second.missed_at) == ("completed", at(2026, 9, 16, 0, 1))
    with pytest.raises(ValidationError):
        walk_all(second, staff_a, at(2026, 9, 16, 10, 0))


def test_a_missed_round_is_told_to_the_inspector_and_the_office(monday_round, staff_a, head_a, worker_a):
    Notification.objects.all().delete()
    inspection_rounds_flag_missed(now=at(2026, 9, 9, 8, 0))
    assert sorted(Notification.objects.values_list("user__username", "title")) == [
        ("head_a", "Inspection round missed: 每周一教室宿舍检查 2026-09-07"),
        ("staff_a", "Inspection round missed: 每周一教室宿舍检查 2026-09-07"),
        ("worker_a", "Inspection round missed: 每周一教室宿舍检查 2026-09-07"),
    ]


def test_the_inspector_must_be_allowed_to_inspect(school_a, head_a, rooms, classroom_list):
    guest = member(school_a, "teacher", username="guest")
    with pytest.raises(ValidationError) as exc:
        inspection_plan_create(
            actor=head_a,
            school=school_a,
            data={
                "name": "x",
                "recurrence": Recurrence.WEEKLY,
                "weekday": 4,
                "checklists": [classroom_list],
                "inspector": guest,
                "starts_on": D(2026, 9, 1),
            },
        )
    assert list(exc.value.message_dict) == ["inspector"]
