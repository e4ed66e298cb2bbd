"""Pages: anonymous → login, no permission → 403, another school's object → 404 (and unchanged),
the permitted user → exact content; the phone forms; the worker's and inspector's pages."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from houqin.core.models import Attachment, Role
from houqin.core.tests.factories import member

from ..models import Checklist, InspectionPlan, InspectionResult, RepairRequest, WorkOrder
from ..services.inspections import checklist_create, inspection_plan_create, inspection_plan_generate
from ..services.orders import work_order_complete
from ..services.requests import repair_request_accept
from .factories import at, png, report

BACKEND = "houqin.core.auth.MembershipBackend"


def login(client, user):
    client.force_login(user, backend=BACKEND)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def flashes(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def guest_a(school_a):
    user = member(school_a, "teacher", username="guest_a")
    user.memberships.update(
        role=Role.objects.create(code="guest", name="Guest", permissions=["core.view_school"])
    )
    return user


@pytest.fixture
def req(teacher_a, room_a):
    return report(teacher_a, room_a, description="前门锁坏了", when=at(2026, 9, 7, 8, 0))


# --- reporting ----------------------------------------------------------------------------------


def test_report_page_access(client, guest_a, teacher_a, room_a):
    url = reverse("maintenance:repairrequest_add")
    assert client.get(url)["Location"] == f"/accounts/login/?next={url}"
    assert login(client, guest_a).get(url).status_code == 403
    response = login(client, teacher_a).get(url, {"room": room_a.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{room_a.pk}" selected>教学楼 301 三年级2班</option>' in html
    assert 'accept="image/jpeg,image/png,image/gif,image/webp"' in html


def test_report_from_a_phone(client, teacher_a, room_a):
    response = login(client, teacher_a).post(
        reverse("maintenance:repairrequest_add"),
        {
            "room": room_a.pk,
            "kind": "doors_windows",
            "urgency": "urgent",
            "description": "门锁坏了",
            "photos": [png()],
        },
    )
    created = RepairRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert (created.reporter, created.urgency, created.room) == (teacher_a, "urgent", room_a)
    assert Attachment.objects.get().object_id == created.pk
    page = client.get(response["Location"])
    assert "Reported as BX-2026-0001. You can follow it here." in flashes(page)


def test_report_of_another_schools_room_is_refused(client, teacher_a, room_b):
    response = login(client, teacher_a).post(
        reverse("maintenance:repairrequest_add"),
        {"room": room_b.pk, "kind": "water", "urgency": "normal", "description": "漏水"},
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert RepairRequest.objects.count() == 0


def test_the_room_page_offers_to_report(client, teacher_a, head_a, room_a):
    html = login(client, teacher_a).get(room_a.get_absolute_url()).content.decode()
    assert f'href="/maintenance/repairrequests/add/?room={room_a.pk}">Report a fault</a>' in html
    assert "Public report link" not in html
    html = login(client, head_a).get(room_a.get_absolute_url()).content.decode()
    assert 'id="public-report" href="/maintenance/r/' in html


# --- the request's page and the office's actions ------------------------------------------------


def test_request_page_access(client, req, teacher_a, head_a, head_b, head_x, guest_a):
    url = req.get_absolute_url()
    assert client.get(url).status_code == 302
    assert login(client, head_b).get(url).status_code == 404
    assert login(client, head_x).get(url).status_code == 404
    assert login(client, guest_a).get(url).status_code == 403
    html = login(client, teacher_a).get(url).content.decode()
    assert "前门锁坏了" in html
    assert 'id="accept-form"' not in html
    html = login(client, head_a).get(url).content.decode()
    assert 'id="accept-form"' in html and 'id="reject-form"' in html


def test_accept_page_action(client, req, teacher_a, head_a, head_x, worker_a):
    url = reverse("maintenance:repairrequest_accept", args=[req.pk])
    data = {"urgency": "urgent", "kind": "doors_windows", "assignee": worker_a.pk}
    assert login(client, teacher_a).post(url, data).status_code == 403
    assert login(client, head_x).post(url, data).status_code == 404
    assert login(client, head_a).get(url).status_code == 405
    assert WorkOrder.objects.count() == 0
    response = login(client, head_a).post(url, data, follow=True)
    order = WorkOrder.objects.get()
    assert (order.assignee, order.urgency, order.due_at) == (worker_a, "urgent", at(2026, 9, 8, 8, 0))
    assert flashes(response) == ["Accepted; the work order is due 2026-09-08 08:00."]


def test_accepting_with_a_foreign_worker_shows_the_error(client, req, head_a, worker_b):
    url = reverse("maintenance:repairrequest_accept", args=[req.pk])
    response = login(client, head_a).post(
        url, {"urgency": "normal", "kind": "doors_windows", "assignee": worker_b.pk}, follow=True
    )
    assert flashes(response) == [
        "Worker: Select a valid choice. That choice is not one of the available choices."
    ]
    assert WorkOrder.objects.count() == 0


def test_reject_page_action(client, req, head_a):
    response = login(client, head_a).post(
        reverse("maintenance:repairrequest_reject", args=[req.pk]), {"reason": "重复报修"}, follow=True
    )
    req.refresh_from_db()
    assert (req.status, req.rejection_reason) == ("rejected", "重复报修")
    assert flashes(response) == ["The request was not accepted; the reporter is told why."]


# --- the worker on a phone ----------------------------------------------------------------------


@pytest.fixture
def order(req, head_a, worker_a):
    return repair_request_accept(actor=head_a, request=req, assignee=worker_a, at=at(2026, 9, 7, 8, 30))


def test_worker_flow_on_pages(client, order, worker_a, teacher_a):
    login(client, worker_a)
    html = client.get(order.get_absolute_url()).content.decode()
    assert 'id="start-form"' in html and 'id="material-form"' in html and 'id="complete-form"' in html
    client.post(reverse("maintenance:workorder_start", args=[order.pk]))
    client.post(
        reverse("maintenance:workorder_material", args=[order.pk]),
        {"item_name": "球形门锁", "quantity": "1", "unit": "把", "unit_cost": "35.00"},
    )
    client.post(
        reverse("maintenance:workorder_photo", args=[order.pk]),
        {"phase": "after", "photos": [png("after.png")]},
    )
    response = client.post(
        reverse("maintenance:workorder_complete", args=[order.pk]),
        {"labour_hours": "1", "labour_cost": "0", "note": "换锁"},
        follow=True,
    )
    assert flashes(response) == [
        "Started.",
        "Recorded: 球形门锁 × 1把.",
        "1 photo(s) added.",
        "Completed; the reporter is asked to confirm.",
    ]
    order.refresh_from_db()
    assert (order.status, order.total_cost, order.photos.count()) == ("completed", Decimal("35.00"), 1)
    # Closing it a second time: a clear error, nothing changed.
    again = client.post(
        reverse("maintenance:workorder_complete", args=[order.pk]),
        {"labour_hours": "5", "note": "x"},
        follow=True,
    )
    assert flashes(again) == ["This order is already Completed, to be confirmed."]
    order.refresh_from_db()
    assert (order.labour_hours, order.completion_note) == (Decimal("1.00"), "换锁")


def test_teacher_confirms_on_the_request_page(client, order, worker_a, teacher_a):
    work_order_complete(actor=worker_a, order=order)
    login(client, teacher_a)
    html = client.get(order.request.get_absolute_url()).content.decode()
    assert 'id="confirm-form"' in html and 'id="reopen-form"' in html
    assert client.get(order.get_absolute_url()).status_code == 403  # the order page is the office's
    response = client.post(
        reverse("maintenance:repairrequest_confirm", args=[order.request.pk]),
        {"rating": "5", "feedback": "好"},
        follow=True,
    )
    assert flashes(response) == ["Thank you: the repair is confirmed and closed."]
    order.refresh_from_db()
    assert order.status == "closed"


def test_another_teacher_cannot_confirm(client, order, worker_a, school_a):
    work_order_complete(actor=worker_a, order=order)
    other = member(school_a, "teacher", username="t2")
    response = login(client, other).post(
        reverse("maintenance:repairrequest_confirm", args=[order.request.pk]), {"rating": "5"}
    )
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "completed"


def test_material_remove_and_assign_pages(client, order, worker_a, head_a, staff_a):
    login(client, worker_a).post(
        reverse("maintenance:workorder_material", args=[order.pk]),
        {"item_name": "锁", "quantity": "1", "unit_cost": "10"},
    )
    line = order.materials.get()
    client.post(reverse("maintenance:workorder_material_remove", args=[order.pk]), {"line": line.pk})
    assert order.materials.count() == 0
    login(client, head_a).post(
        reverse("maintenance:workorder_assign", args=[order.pk]), {"assignee": staff_a.pk}
    )
    order.refresh_from_db()
    assert order.assignee == staff_a


def test_my_pages(client, order, teacher_a, worker_a, head_a, room_a):
    report(head_a, room_a, description="别人的报修")
    html = login(client, teacher_a).get(reverse("maintenance:repairrequest_mine")).content.decode()
    assert "BX-2026-0001" in html and "BX-2026-0002" not in html
    html = login(client, worker_a).get(reverse("maintenance:workorder_mine")).content.decode()
    assert "BX-2026-0001" in html
    assert login(client, teacher_a).get(reverse("maintenance:workorder_mine")).status_code == 403


def test_lists_and_filters(client, order, head_a, teacher_a, room_a):
    report(teacher_a, room_a, kind="water", description="水龙头", when=at(2026, 9, 8, 8, 0))
    login(client, head_a)
    html = client.get(reverse("maintenance:repairrequest_list"), {"kind": "water"}).content.decode()
    assert "BX-2026-0002" in html and "BX-2026-0001" not in html
    html = client.get(reverse("maintenance:workorder_list"), {"overdue": "true"}).content.decode()
    assert "BX-2026-0001" in html  # due 2026-09-10, long past


def test_request_list_query_count_does_not_grow(client, head_a, teacher_a, room_a):
    login(client, head_a)
    url = reverse("maintenance:repairrequest_list")
    report(teacher_a, room_a)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(10):
        report(teacher_a, room_a, description=f"故障{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def test_open_order_list_query_count_does_not_grow(client, head_a, teacher_a, worker_a, room_a):
    login(client, head_a)
    url = reverse("maintenance:workorder_list") + "?open=true"
    repair_request_accept(actor=head_a, request=report(teacher_a, room_a), assignee=worker_a)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(10):
        repair_request_accept(actor=head_a, request=report(teacher_a, room_a), assignee=worker_a)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


# --- checklists, plans, walking a round ---------------------------------------------------------


def test_checklist_form_reads_items_with_their_kinds(client, head_a, school_a):
    response = login(client, head_a).post(
        reverse("maintenance:checklist_add"),
        {
            "name": "宿舍检查",
            "room_kind": "dormitory",
            "is_active": "on",
            "items": "床铺 | Furniture\n水龙头|water\n\n门锁",
        },
    )
    checklist = Checklist.objects.get()
    assert response.status_code == 302
    assert list(checklist.items.values_list("text", "repair_kind")) == [
        ("床铺", "furniture"),
        ("水龙头", "water"),
        ("门锁", "other"),
    ]
    html = client.get(reverse("maintenance:checklist_edit", args=[checklist.pk])).content.decode()
    assert "床铺 | Furniture\n水龙头 | Water\n门锁 | Other" in html


def test_plan_form(client, head_a, school_a, room_a):
    checklist = checklist_create(
        actor=head_a,
        school=school_a,
        data={"name": "教室", "room_kind": "classroom", "items": [("门", "doors_windows")]},
    )
    response = login(client, head_a).post(
        reverse("maintenance:inspectionplan_add"),
        {
            "name": "每周五校园检查",
            "recurrence": "weekly",
            "weekday": "4",
            "checklists": [checklist.pk],
            "starts_on": "2026-09-01",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    plan = InspectionPlan.objects.get()
    assert (plan.weekday, list(plan.checklists.all())) == (4, [checklist])
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "1 of 1 rooms have a checklist" in html


@pytest.fixture
def friday_round(school_a, head_a, staff_a, room_a):
    checklist = checklist_create(
        actor=head_a,
        school=school_a,
        data={
            "name": "教室",
            "room_kind": "classroom",
            "items": [("门锁", "doors_windows"), ("电灯", "electricity")],
        },
    )
    plan = inspection_plan_create(
        actor=head_a,
        school=school_a,
        data={
            "name": "每周五校园检查",
            "recurrence": "weekly",
            "weekday": 4,
            "checklists": [checklist],
            "inspector": staff_a,
            "starts_on": datetime.date(2026, 9, 1),
        },
    )
    return inspection_plan_generate(plan=plan, now=at(2026, 9, 4, 7, 0))[0]


def test_walking_a_round_on_the_phone(client, friday_round, staff_a, teacher_a, head_x, room_a):
    walk = reverse("maintenance:inspectionround_walk", args=[friday_round.pk])
    assert login(client, teacher_a).get(walk, {"room": room_a.pk}).status_code == 403
    assert login(client, head_x).get(walk, {"room": room_a.pk}).status_code == 404
    login(client, staff_a)
    assert client.get(walk)["Location"] == f"{walk}?room={room_a.pk}"
    html = client.get(walk, {"room": room_a.pk}).content.decode()
    lock, light = InspectionResult.objects.filter(round=friday_round).order_by("position")
    assert f'name="outcome_{lock.pk}" value="fail"' in html
    bad = client.post(
        f"{walk}?room={room_a.pk}", {f"outcome_{lock.pk}": "fail", f"outcome_{light.pk}": "pass"}
    )
    assert bad.status_code == 400
    assert "门锁: say what is wrong." in bad.content.decode()
    assert InspectionResult.objects.exclude(outcome="pending").count() == 0
    response = client.post(
        f"{walk}?room={room_a.pk}",
        {
            f"outcome_{lock.pk}": "fail",
            f"note_{lock.pk}": "锁芯坏了",
            f"photo_{lock.pk}": png("lock.png"),
            f"outcome_{light.pk}": "pass",
        },
        follow=True,
    )
    created = RepairRequest.objects.get()
    assert flashes(response) == [f"Saved; reported for repair: {created.number}.", "The round is complete."]
    assert (created.source, created.description) == ("inspection", "门锁: 锁芯坏了")
    friday_round.refresh_from_db()
    assert (friday_round.status, friday_round.items_failed) == ("completed", 1)


def test_round_page(client, friday_round, staff_a, room_a):
    html = login(client, staff_a).get(friday_round.get_absolute_url()).content.decode()
    assert "教学楼 301 三年级2班" in html
    assert f"walk/?room={room_a.pk}" in html
    assert '<dd id="progress">0/2</dd>' in html
