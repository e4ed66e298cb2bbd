"""The API: the same services as the pages; 401/403/404 and exact payloads; page and API agree."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ..models import RepairRequest, WorkOrder
from ..services.requests import repair_request_accept
from .factories import at, report

BACKEND = "houqin.core.auth.MembershipBackend"


def login(client, user):
    client.force_login(user, backend=BACKEND)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


LIST = "/api/maintenance/repairrequests/"


def test_report_through_the_api(client, teacher_a, room_a, room_b):
    assert client.post(LIST, {}, content_type="application/json").status_code in (401, 403)
    login(client, teacher_a)
    bad = client.post(
        LIST, {"room": room_b.pk, "kind": "water", "description": "漏水"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert RepairRequest.objects.count() == 0
    response = client.post(
        LIST,
        {
            "room": room_a.pk,
            "kind": "water",
            "urgency": "urgent",
            "description": "水管爆了",
            "reporter_phone": "13900000000",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    data = response.json()
    created = RepairRequest.objects.get()
    assert {
        k: data[k] for k in ("id", "number", "room", "kind", "urgency", "status", "source", "reporter_phone")
    } == {
        "id": created.pk,
        "number": "BX-2026-0001",
        "room": room_a.pk,
        "kind": "water",
        "urgency": "urgent",
        "status": "submitted",
        "source": "member",
        "reporter_phone": "13900000000",
    }


def test_a_readers_copy_hides_the_phone(client, teacher_a, room_a, school_a):
    from houqin.core.tests.factories import member

    req = report(teacher_a, room_a, reporter_phone="13900000000")
    other = member(school_a, "teacher", username="t2")
    assert login(client, other).get(f"{LIST}{req.pk}/").json()["reporter_phone"] == ""
    assert login(client, teacher_a).get(f"{LIST}{req.pk}/").json()["reporter_phone"] == "13900000000"


def test_accept_and_work_through_the_api(client, teacher_a, head_a, head_x, worker_a, worker_b, room_a):
    req = report(teacher_a, room_a, when=at(2026, 9, 7, 8, 0))
    accept = f"{LIST}{req.pk}/accept/"
    assert login(client, teacher_a).post(accept, {}, content_type="application/json").status_code == 403
    assert login(client, head_x).post(accept, {}, content_type="application/json").status_code == 404
    foreign = login(client, head_a).post(accept, {"assignee": worker_b.pk}, content_type="application/json")
    assert foreign.status_code == 400
    assert foreign.json() == {"assignee": ["别校工人 is not a repair worker of 黄竹林学校."]}
    assert WorkOrder.objects.count() == 0
    response = client.post(
        accept, {"assignee": worker_a.pk, "urgency": "urgent"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["status"]) == (200, "accepted")
    order = WorkOrder.objects.get()
    base = f"/api/maintenance/workorders/{order.pk}/"
    login(client, worker_a)
    assert client.post(f"{base}start/").json()["status"] == "in_progress"
    line = client.post(
        f"{base}materials/",
        {"item_name": "球形门锁", "quantity": "1", "unit_cost": "35.00"},
        content_type="application/json",
    )
    assert (line.status_code, line.json()["amount"]) == (201, "35.00")
    done = client.post(f"{base}complete/", {"labour_hours": "1.5"}, content_type="application/json")
    assert done.status_code == 200
    assert {k: done.json()[k] for k in ("status", "total_cost", "labour_hours")} == {
        "status": "completed",
        "total_cost": "35.00",
        "labour_hours": "1.50",
    }
    twice = client.post(f"{base}complete/", {}, content_type="application/json")
    assert twice.status_code == 400
    assert twice.json() == {"status": ["This order is already Completed, to be confirmed."]}
    login(client, teacher_a)
    assert client.get(base).status_code == 403
    confirmed = client.post(f"{LIST}{req.pk}/confirm/", {"rating": 5}, content_type="application/json")
    assert (confirmed.status_code, confirmed.json()["status"], confirmed.json()["rating"]) == (
        200,
        "closed",
        5,
    )
    order.refresh_from_db()
    assert (order.status, order.total_cost) == ("closed", Decimal("35.00"))


def test_orders_are_not_created_directly(client, head_a):
    assert (
        login(client, head_a)
        .post("/api/maintenance/workorders/", {}, content_type="application/json")
        .status_code
        == 405
    )


def test_page_and_api_return_the_same_rows(client, teacher_a, head_a, room_a, room_b, head_b):
    for n in range(3):
        report(teacher_a, room_a, kind="water" if n else "network", description=f"故障{n}")
    report(head_b, room_b)
    login(client, head_a)
    api = [r["number"] for r in client.get(LIST, {"kind": "water"}).json()["results"]]
    page = client.get(reverse("maintenance:repairrequest_list"), {"kind": "water"})
    assert sorted(api) == ["BX-2026-0002", "BX-2026-0003"]
    table = page.context["table"]
    assert sorted(r.record.number for r in table.rows) == sorted(api)


def test_rounds_and_plans_read_through_the_api(client, head_a, teacher_a):
    login(client, head_a)
    assert client.get("/api/maintenance/inspectionrounds/").json()["results"] == []
    assert login(client, teacher_a).get("/api/maintenance/inspectionrounds/").status_code == 403


@pytest.mark.parametrize("path", ["workorders", "checklists", "inspectionplans"])
def test_the_teacher_reads_no_office_lists(client, teacher_a, path):
    assert login(client, teacher_a).get(f"/api/maintenance/{path}/").status_code == 403


def test_accepted_through_the_api_equals_the_service(client, teacher_a, head_a, room_a):
    req = report(teacher_a, room_a)
    repair_request_accept(actor=head_a, request=req)
    data = login(client, head_a).get(f"{LIST}{req.pk}/").json()
    assert (data["status"], data["order"]) == ("accepted", WorkOrder.objects.get().pk)


def test_the_order_list_query_count_does_not_grow(client, teacher_a, head_a, worker_a, room_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..services.orders import work_order_material_add

    def add_order():
        order = repair_request_accept(actor=head_a, request=report(teacher_a, room_a), assignee=worker_a)
        work_order_material_add(actor=worker_a, order=order, item_name="锁", quantity=1, unit_cost=10)

    login(client, head_a)
    add_order()
    client.get("/api/maintenance/workorders/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/maintenance/workorders/").status_code == 200
    for _ in range(5):
        add_order()
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/maintenance/workorders/").json()["results"]) == 6
    assert len(many) == len(one)
