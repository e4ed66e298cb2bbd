"""The purchasing API: the same services as the pages, the same refusals."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from houqin.assets.models import Asset
from houqin.assets.tests.factories import category
from houqin.core.tests.factories import member

from ..models import Inspection, PurchaseOrder, PurchaseRequest, Quote, QuoteComparison
from ..services.suppliers import supplier_block
from .factories import DESKS, approve_all, decide, desk_line, order_all, submitted, three_quotes

pytestmark = pytest.mark.usefixtures("categories")
BASE = "/api/procurement"


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def approved(school_a, district, teacher_a, head_a, principal_a, dept_a, room_a):
    return approve_all(
        submitted(school_a, teacher_a, [desk_line(room=room_a)], department=dept_a), head_a, principal_a
    )


@pytest.fixture
def ordered(approved, suppliers_a, head_a, principal_a, keeper_a, staff_a):
    quotes = three_quotes(approved, suppliers_a, [["285.00"], ["298.00"], ["310.00"]], actor=head_a)
    decide(approved, quotes[0], head_a, [head_a, principal_a, keeper_a])
    return order_all(approved, head_a, [head_a, staff_a])


def test_anonymous_and_foreign_people_are_refused(approved, head_b, head_x):
    assert api().get(f"{BASE}/requests/").status_code in (401, 403)
    for user in (head_b, head_x):
        assert api(user).get(f"{BASE}/requests/{approved.pk}/").status_code == 404
        assert api(user).post(f"{BASE}/requests/{approved.pk}/decide/", {}, format="json").status_code == 404
        assert api(user).get(f"{BASE}/requests/").json()["results"] == []


def test_a_teacher_may_not_read_orders(ordered, teacher_a):
    assert api(teacher_a).get(f"{BASE}/orders/").status_code == 403
    assert api(teacher_a).get(f"{BASE}/orders/{ordered.pk}/").status_code == 403


def test_a_request_is_created_and_submitted(school_a, district, teacher_a, dept_a, room_a):
    body = {
        "title": "课桌",
        "department": dept_a.pk,
        "reason": "新增一个班",
        "is_urgent": True,
        "lines": [
            {
                "kind": "equipment",
                "asset_category": category(DESKS).pk,
                "name": "学生课桌",
                "unit": "张",
                "quantity": "50",
                "estimated_unit_price": "300.00",
                "room": room_a.pk,
            }
        ],
    }
    response = api(teacher_a).post(f"{BASE}/requests/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["status"], data["estimated_total"], data["is_urgent"], data["requested_by"]) == (
        "draft",
        "15000.00",
        True,
        teacher_a.pk,
    )
    assert [(line["name"], line["quantity"], line["room"]) for line in data["lines"]] == [
        ("学生课桌", "50.000", room_a.pk)
    ]
    response = api(teacher_a).post(f"{BASE}/requests/{data['id']}/submit/", format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert response.json()["procurement_class"] == "quotes"


def test_a_line_naming_another_schools_room_is_unknown(school_a, school_b, teacher_a):
    from houqin.core.tests.factories import RoomFactory

    room_b = RoomFactory(school=school_b)
    body = {
        "title": "课桌",
        "reason": "x",
        "lines": [
            {
                "kind": "equipment",
                "asset_category": category(DESKS).pk,
                "name": "桌",
                "quantity": 1,
                "estimated_unit_price": 1,
                "room": room_b.pk,
            }
        ],
    }
    response = api(teacher_a).post(f"{BASE}/requests/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"room": [f"Unknown room: {room_b.pk}."]}
    assert PurchaseRequest.objects.count() == 0


def test_quotes_and_the_decision_through_the_api(approved, head_a, principal_a, keeper_a, suppliers_a):
    line = approved.lines.get()
    for supplier, price in zip(suppliers_a, ("285.00", "298.00", "310.00"), strict=True):
        response = api(head_a).post(
            f"{BASE}/quotes/",
            {
                "request": approved.pk,
                "supplier": supplier.pk,
                "quoted_on": timezone.localdate().isoformat(),
                "prices": [{"line": line.pk, "unit_price": price}],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
    cheapest = Quote.objects.get(supplier=suppliers_a[0])
    response = api(head_a).post(
        f"{BASE}/requests/{approved.pk}/decide/",
        {"chosen_quote": cheapest.pk, "signers": [head_a.pk, principal_a.pk, keeper_a.pk]},
        format="json",
    )
    assert response.status_code == 200
    comparison = response.json()["comparison"]
    assert (comparison["saving"], comparison["reference_total"], comparison["chosen_supplier"]) == (
        "650.00",
        "14900.00",
        "城关家具厂",
    )


def test_a_quote_on_another_schools_request_changes_nothing(approved, head_b, supplier_b, district):
    line = approved.lines.get()
    body = {
        "request": approved.pk,
        "supplier": supplier_b.pk,
        "quoted_on": timezone.localdate().isoformat(),
        "prices": [{"line": line.pk, "unit_price": "100.00"}],
    }
    response = api(head_b).post(f"{BASE}/quotes/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"request": [f"Unknown request: {approved.pk}."]}
    # Someone of the central school's office sees both schools; still, a school's request takes
    # quotes of its own suppliers only.
    office = member(district, "head_of_logistics", username="district_office")
    response = api(office).post(f"{BASE}/quotes/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"supplier": [f"示范文具店 is not a supplier of {approved.school}."]}
    assert Quote.objects.count() == 0


def test_ordering_from_a_blocked_supplier_is_refused(
    approved, head_a, principal_a, keeper_a, staff_a, suppliers_a
):
    quotes = three_quotes(approved, suppliers_a, [["285.00"], ["298.00"], ["310.00"]], actor=head_a)
    decide(approved, quotes[0], head_a, [head_a, principal_a, keeper_a])
    supplier_block(actor=head_a, supplier=suppliers_a[0], reason="停业整顿")
    response = api(head_a).post(
        f"{BASE}/orders/",
        {
            "supplier": suppliers_a[0].pk,
            "expected_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
            "buyers": [head_a.pk, staff_a.pk],
            "lines": [{"request_line": approved.lines.get().pk, "quantity": "50"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"supplier": ["城关家具厂 is blocked: 停业整顿"]}
    assert PurchaseOrder.objects.count() == 0


def test_an_inspection_through_the_api(ordered, keeper_a, teacher_a, room_a):
    line = ordered.lines.get()
    too_many = {
        "order": ordered.pk,
        "inspectors": [keeper_a.pk, teacher_a.pk],
        "lines": [{"order_line": line.pk, "accepted": "51", "room": room_a.pk}],
    }
    response = api(keeper_a).post(f"{BASE}/inspections/", too_many, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "lines": ["Line 1: 学生课桌 单人 1200×450: 51 accepted, but only 50 of the 50 ordered are still due."]
    }
    assert (Inspection.objects.count(), Asset.objects.count()) == (0, 0)
    body = {
        **too_many,
        "lines": [
            {
                "order_line": line.pk,
                "accepted": "48",
                "rejected": "2",
                "reason": "桌面开裂",
                "room": room_a.pk,
            }
        ],
    }
    response = api(keeper_a).post(f"{BASE}/inspections/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    card = Asset.objects.get()
    assert data["accepted_total"] == "13680.00"
    assert data["lines"][0]["assets"] == [card.pk]
    assert sorted(data["inspectors"]) == sorted([keeper_a.pk, teacher_a.pk])


def test_the_request_list_has_a_fixed_number_of_queries(
    school_a, district, teacher_a, head_a, principal_a, room_a, suppliers_a, keeper_a
):
    for n in range(3):
        request = approve_all(
            submitted(school_a, teacher_a, [desk_line(room=room_a)], title=f"第{n}批"), head_a, principal_a
        )
        quotes = three_quotes(request, suppliers_a, [["285.00"], ["298.00"], ["310.00"]], actor=head_a)
        decide(request, quotes[0], head_a, [head_a, principal_a, keeper_a])
    client = api(head_a)
    client.get(f"{BASE}/requests/")  # warm the caches (rule book, access)
    with CaptureQueriesContext(connection) as three:
        response = client.get(f"{BASE}/requests/")
    assert response.json()["count"] == 3
    request = approve_all(
        submitted(school_a, teacher_a, [desk_line(room=room_a)], title="第四批"), head_a, principal_a
    )
    quotes = three_quotes(request, suppliers_a, [["285.00"], ["298.00"], ["310.00"]], actor=head_a)
    decide(request, quotes[0], head_a, [head_a, principal_a, keeper_a])
    with CaptureQueriesContext(connection) as four:
        response = client.get(f"{BASE}/requests/")
    assert response.json()["count"] == 4
    assert len(four) == len(three)
    assert [r["comparison"]["saving"] for r in response.json()["results"]] == ["650.00"] * 4
    assert QuoteComparison.objects.count() == 4
    assert Decimal(response.json()["results"][0]["estimated_total"]) == Decimal("15000.00")
