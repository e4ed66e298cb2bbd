"""API of the asset register: scoping, the list shared with the page, creation and the actions."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from houqin.assets.choices import AssetStatus
from houqin.assets.models import Asset, AssetEvent, AssetIncident, AssetLoan, Disposal
from houqin.core.tests.factories import member

from .factories import category, make_asset, make_desks

TODAY = timezone.localdate()
YEAR = TODAY.year
OLD = datetime.date(2005, 8, 20)


def url(name, *args):
    return reverse(f"assets-api:assets-{name}", args=args)


@pytest.fixture
def api(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def pc(categories, school_a, room_a):
    return make_asset(school_a, name="台式计算机", room=room_a, acquired_on=datetime.date(2025, 3, 10))


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_anonymous_is_refused(client, pc):
    assert client.get(url("asset-list")).status_code in (401, 403)
    assert post(client, url("asset-move", pc.pk), {}).status_code in (401, 403)


def test_the_list_is_the_pages_list(api, pc, school_a, head_a, room_a, school_b):
    make_desks(school_a, room_a)
    make_asset(school_b, name="示范的电脑")
    client = api(head_a)
    data = client.get(url("asset-list"), {"q": "kzy"}).json()
    assert [row["name"] for row in data["results"]] == ["学生课桌椅"]
    page = client.get(reverse("assets:asset_list"), {"q": "kzy"}).content.decode()
    assert "学生课桌椅" in page and "台式计算机" not in page
    everything = client.get(url("asset-list")).json()
    assert [row["code"] for row in everything["results"]] == [f"ZC-{YEAR}-0001", f"ZC-{YEAR}-0002"]
    assert "示范的电脑" not in str(everything)
    row = everything["results"][0]
    months = (TODAY.year - 2025) * 12 + TODAY.month - 3 + 1
    accumulated = (Decimal("4800.00") * months / 72).quantize(Decimal("0.01"))
    assert (row["amount"], row["accumulated_depreciation"], row["net_book_value"]) == (
        "4800.00",
        str(accumulated),
        str(Decimal("4800.00") - accumulated),
    )
    assert (row["category_code"], row["room_name"], row["status"]) == ("A02010100", str(room_a), "in_use")


def test_the_list_query_count_does_not_grow_with_rows(api, categories, school_a, head_a, room_a):
    client = api(head_a)
    for i in range(3):
        make_asset(school_a, name=f"电脑{i}", room=room_a)
    client.get(url("asset-list"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("asset-list")).status_code == 200
    for i in range(10):
        make_asset(school_a, name=f"更多{i}", room=room_a)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url("asset-list")).json()["results"]) == 13
    assert len(many.captured_queries) == len(few.captured_queries)


def test_another_schools_card_is_404(api, pc, head_b, room_b):
    client = api(head_b)
    assert client.get(url("asset-detail", pc.pk)).status_code == 404
    for action in ("move", "lend", "report", "dispose", "split", "status"):
        assert post(client, url(f"asset-{action}", pc.pk), {"room": room_b.pk}).status_code == 404
    assert (
        client.patch(url("asset-detail", pc.pk), {"name": "x"}, content_type="application/json").status_code
        == 404
    )
    pc.refresh_from_db()
    assert (pc.name, pc.events.count()) == ("台式计算机", 1)


def test_register_through_the_api(api, categories, head_a, room_a):
    client = api(head_a)
    body = {
        "name": "投影仪",
        "category": category("A02020200").pk,
        "unit_price": "3200.00",
        "acquired_on": "2024-05-20",
        "room": room_a.pk,
    }
    response = post(client, url("asset-list"), body)
    assert response.status_code == 201, response.json()
    assert (response.json()["code"], response.json()["room"], response.json()["quantity"]) == (
        f"ZC-{YEAR}-0001",
        room_a.pk,
        1,
    )
    bad = post(client, url("asset-list"), {**body, "quantity": 0, "tracking": "batch"})
    assert (bad.status_code, bad.json()) == (400, {"quantity": ["The quantity must be at least 1."]})
    assert Asset.objects.count() == 1


def test_register_refuses_another_schools_room(api, categories, head_a, room_b):
    response = post(
        api(head_a),
        url("asset-list"),
        {
            "name": "x",
            "category": category("A02010100").pk,
            "unit_price": "1",
            "acquired_on": "2024-01-01",
            "room": room_b.pk,
        },
    )
    assert response.status_code == 400
    assert "room" in response.json()
    assert Asset.objects.count() == 0


def test_update_changes_details_only(api, pc, head_a, room_a2):
    response = api(head_a).patch(
        url("asset-detail", pc.pk),
        {"brand": "联想", "room": room_a2.pk, "quantity": 9},
        content_type="application/json",
    )
    assert response.status_code == 200
    pc.refresh_from_db()
    assert (pc.brand, pc.room.number, pc.quantity) == ("联想", "203", 1)


def test_move_split_and_status(api, categories, school_a, head_a, room_a, room_a2, room_b):
    desks = make_desks(school_a, room_a)
    client = api(head_a)
    foreign = post(client, url("asset-move", desks.pk), {"quantity": 5, "room": room_b.pk})
    assert foreign.status_code == 400 and "room" in foreign.json()
    assert Asset.objects.count() == 1
    response = post(client, url("asset-move", desks.pk), {"quantity": 20, "room": room_a2.pk})
    assert response.status_code == 200
    assert (response.json()["quantity"], response.json()["room"], response.json()["amount"]) == (
        20,
        room_a2.pk,
        "5200.00",
    )
    split = post(client, url("asset-split", desks.pk), {"quantity": 10})
    assert (split.status_code, split.json()["quantity"]) == (201, 10)
    idle = post(client, url("asset-status", desks.pk), {"status": "idle"})
    assert (idle.status_code, idle.json()["status"]) == (200, "idle")
    zero = post(client, url("asset-move", desks.pk), {"quantity": 0, "room": room_a2.pk})
    assert (zero.status_code, zero.json()) == (400, {"quantity": ["The quantity must be at least 1."]})
    desks.refresh_from_db()
    assert desks.quantity == 20


def test_actions_are_refused_without_the_right(api, pc, teacher_a, room_a2, principal_a):
    client = api(teacher_a)
    assert client.get(url("asset-detail", pc.pk)).status_code == 200  # teachers read cards
    for action in ("move", "lend", "dispose", "split", "status"):
        assert post(client, url(f"asset-{action}", pc.pk), {"room": room_a2.pk}).status_code == 403
    assert (
        post(api(principal_a), url("asset-report", pc.pk), {"kind": "loss", "description": "x"}).status_code
        == 403
    )
    pc.refresh_from_db()
    assert (pc.room.number, pc.events.count(), AssetIncident.objects.count()) == ("203", 1, 0)


def test_lend_and_return(api, pc, storekeeper_a, teacher_a):
    client = api(storekeeper_a)
    response = post(client, url("asset-lend", pc.pk), {"borrower": teacher_a.pk, "due_on": TODAY.isoformat()})
    assert response.status_code == 201
    loan = AssetLoan.objects.get()
    assert (response.json()["number"], response.json()["overdue"]) == (loan.number, False)
    again = post(client, url("asset-lend", pc.pk), {"borrower": teacher_a.pk, "due_on": TODAY.isoformat()})
    assert (again.status_code, again.json()) == (
        400,
        {"non_field_errors": [f"{pc} is on loan; it cannot be lent now."]},
    )
    back = post(client, url("assetloan-return", loan.pk), {"condition": "good"})
    assert (back.status_code, back.json()["status"]) == (200, "returned")
    assert post(client, url("assetloan-list"), {}).status_code == 405
    pc.refresh_from_db()
    assert pc.status == AssetStatus.IN_USE


def test_the_rooms_teacher_reports_and_the_office_disposes(
    api, categories, school_a, teacher_a, head_a, room_a
):
    old = make_asset(school_a, name="旧电脑", room=room_a, acquired_on=OLD, unit_price=Decimal("3000.00"))
    member(school_a.parent, "district_supervisor")
    report = post(api(teacher_a), url("asset-report", old.pk), {"kind": "damage", "description": "无法开机"})
    assert (report.status_code, report.json()["kind"], report.json()["reported_by"]) == (
        201,
        "damage",
        teacher_a.pk,
    )
    client = api(head_a)
    response = post(
        client,
        url("asset-dispose", old.pk),
        {"method": "scrap", "ground": "obsolete", "reason": "主板损坏，无维修价值"},
    )
    assert response.status_code == 201, response.json()
    disposal = Disposal.objects.get()
    assert (response.json()["number"], response.json()["status"], response.json()["original_value"]) == (
        disposal.number,
        "pending",
        "3000.00",
    )
    twice = post(
        client, url("asset-dispose", old.pk), {"method": "scrap", "ground": "obsolete", "reason": "再来"}
    )
    assert twice.status_code == 400
    assert twice.json() == {"lines": [f"{old} is already awaiting disposal."]}


def test_create_a_disposal_of_several_cards(api, categories, school_a, school_b, head_a):
    a = make_asset(school_a, name="旧电脑甲", acquired_on=OLD)
    b = make_asset(
        school_a,
        name="旧课桌",
        category="A05010304",
        unit_price=Decimal("100.00"),
        quantity=10,
        acquired_on=OLD,
    )
    foreign = make_asset(school_b, name="别校", acquired_on=OLD)
    client = api(head_a)
    body = {
        "method": "scrap",
        "ground": "end_of_life",
        "reason": "到期",
        "lines": [{"asset": a.pk}, {"asset": b.pk, "quantity": 4}],
    }
    refused = post(client, url("disposal-list"), {**body, "lines": [{"asset": foreign.pk}]})
    assert (refused.status_code, refused.json()) == (400, {"lines": [f"Unknown asset: {foreign.pk}"]})
    response = post(client, url("disposal-list"), body)
    assert response.status_code == 201, response.json()
    assert [(line["asset_code"], line["quantity"]) for line in response.json()["lines"]] == [
        (a.code, 1),
        (f"ZC-{YEAR}-0003", 4),
    ]
    assert response.json()["original_value"] == "5200.00"
    assert AssetEvent.objects.filter(kind="disposal_request").count() == 2
