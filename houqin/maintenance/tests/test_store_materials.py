"""Materials taken from the store for a repair: the store issues them through the supplies
service in the same transaction as the order's line, and takes them back when the line goes."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from houqin.core.tests.factories import member
from houqin.supplies.choices import MovementKind
from houqin.supplies.models import StockBalance, StockMovement
from houqin.supplies.services.stock import stock_return
from houqin.supplies.tests.factories import item, receive, store

from ..models import RepairEvent, WorkOrderMaterial
from ..services.orders import (
    work_order_assign,
    work_order_complete,
    work_order_material_remove,
    work_order_material_take,
)
from ..services.requests import repair_request_accept
from .factories import at, report


@pytest.fixture
def order(teacher_a, head_a, worker_a, room_a):
    req = report(teacher_a, room_a, when=at(2026, 9, 7, 8, 0))
    order = repair_request_accept(actor=head_a, request=req, at=at(2026, 9, 7, 8, 30))
    return work_order_assign(actor=head_a, order=order, assignee=worker_a, at=at(2026, 9, 7, 9, 0))


@pytest.fixture
def locks(school_a):
    lock = item(school_a, name="球形门锁", unit="把", category="hardware")
    st = store(school_a, name="维修仓库")
    receive(school_a, lock, st, 3, unit_cost="35.50")
    return StockBalance.objects.get(item=lock, store=st)


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def balance_of(b):
    b.refresh_from_db()
    return b.quantity, b.value


def test_worker_takes_a_lock_from_the_store(order, worker_a, locks, room_a):
    line = work_order_material_take(actor=worker_a, order=order, balance=locks, quantity="1")
    order.refresh_from_db()
    assert (line.item_name, line.quantity, line.unit, line.unit_cost, line.amount) == (
        "球形门锁",
        Decimal("1"),
        "把",
        Decimal("35.50"),
        Decimal("35.50"),
    )
    assert (order.materials_cost, order.total_cost) == (Decimal("35.50"), Decimal("35.50"))
    assert balance_of(locks) == (Decimal("2"), Decimal("71.00"))
    issue = line.stock_movement
    assert (issue.kind, issue.quantity, issue.issued_to, issue.room, issue.reference, issue.source) == (
        MovementKind.ISSUE,
        Decimal("-1"),
        worker_a,
        room_a,
        order.request.number,
        order,
    )
    assert [e.note for e in RepairEvent.objects.filter(kind="material")] == ["球形门锁 × 1把"]


def test_removing_the_line_returns_the_lock(order, worker_a, locks):
    line = work_order_material_take(actor=worker_a, order=order, balance=locks, quantity="2")
    assert balance_of(locks) == (Decimal("1"), Decimal("35.50"))
    work_order_material_remove(actor=worker_a, line=line)
    order.refresh_from_db()
    assert balance_of(locks) == (Decimal("3"), Decimal("106.50"))
    assert (WorkOrderMaterial.objects.count(), order.materials_cost) == (0, Decimal("0.00"))
    back = StockMovement.objects.get(kind=MovementKind.RETURN)
    assert (back.returns_of, back.quantity) == (line.stock_movement, Decimal("2"))


def test_more_than_the_store_holds_changes_nothing(order, worker_a, locks):
    with pytest.raises(ValidationError) as exc:
        work_order_material_take(actor=worker_a, order=order, balance=locks, quantity="4")
    assert "requested 4, 3 available" in exc.value.message_dict["quantity"][0]
    order.refresh_from_db()
    assert (WorkOrderMaterial.objects.count(), order.materials_cost, balance_of(locks)) == (
        0,
        Decimal("0"),
        (Decimal("3"), Decimal("106.50")),
    )
    assert not StockMovement.objects.filter(kind=MovementKind.ISSUE).exists()


def test_another_schools_store_is_refused(order, worker_a, school_b):
    tap = item(school_b, name="水龙头", unit="个")
    st = store(school_b)
    receive(school_b, tap, st, 5)
    other = StockBalance.objects.get(item=tap)
    with pytest.raises(ValidationError) as exc:
        work_order_material_take(actor=worker_a, order=order, balance=other, quantity="1")
    assert list(exc.value.message_dict) == ["balance"]
    assert (WorkOrderMaterial.objects.count(), balance_of(other)[0]) == (0, Decimal("5"))


def test_a_teacher_cannot_take_from_the_store(order, teacher_a, locks):
    with pytest.raises(PermissionDenied):
        work_order_material_take(actor=teacher_a, order=order, balance=locks, quantity="1")
    assert balance_of(locks)[0] == Decimal("3")


def test_nothing_is_taken_for_a_finished_order(order, worker_a, locks):
    work_order_complete(actor=worker_a, order=order)
    with pytest.raises(ValidationError) as exc:
        work_order_material_take(actor=worker_a, order=order, balance=locks, quantity="1")
    assert list(exc.value.message_dict) == ["status"]
    assert balance_of(locks)[0] == Decimal("3")


def test_a_second_removal_is_refused_and_changes_nothing(order, worker_a, locks):
    line = work_order_material_take(actor=worker_a, order=order, balance=locks, quantity="1")
    work_order_material_remove(actor=worker_a, line=line)
    with pytest.raises(ValidationError) as exc:
        work_order_material_remove(actor=worker_a, line=line)  # the second tap on the phone
    assert exc.value.message_dict == {"line": ["This line has already been removed."]}
    assert balance_of(locks) == (Decimal("3"), Decimal("106.50"))
    assert StockMovement.objects.filter(kind=MovementKind.RETURN).count() == 1


def test_removal_returns_only_what_the_store_has_not_taken_back(order, worker_a, locks, school_a):
    line = work_order_material_take(actor=worker_a, order=order, balance=locks, quantity="2")
    keeper = member(school_a, "storekeeper", username="keeper_a")
    stock_return(issue=line.stock_movement, quantity="1", actor=keeper, reason="多领了一把")
    work_order_material_remove(actor=worker_a, line=line)
    order.refresh_from_db()
    assert balance_of(locks) == (Decimal("3"), Decimal("106.50"))
    returns = StockMovement.objects.filter(kind=MovementKind.RETURN).order_by("pk")
    assert [r.quantity for r in returns] == [Decimal("1"), Decimal("1")]
    assert (WorkOrderMaterial.objects.count(), order.materials_cost) == (0, Decimal("0.00"))


def test_the_remove_page_refuses_a_line_it_cannot_read(client, order, worker_a, locks):
    line = work_order_material_take(actor=worker_a, order=order, balance=locks, quantity="1")
    client.force_login(worker_a)
    url = reverse("maintenance:workorder_material_remove", args=[order.pk])
    for junk in ("²", "abc", "", "99999999"):
        response = client.post(url, {"line": junk}, follow=True)
        assert response.status_code == 200
        assert "Choose a material line of this order." in response.content.decode()
    assert WorkOrderMaterial.objects.get() == line and balance_of(locks)[0] == Decimal("2")


def test_the_page_takes_from_the_store(client, order, worker_a, locks):
    client.force_login(worker_a)
    url = reverse("maintenance:workorder_detail", args=[order.pk])
    html = client.get(url).content.decode()
    assert 'id="store-material-form"' in html and "球形门锁 (维修仓库, 3把 in stock)" in html
    response = client.post(
        reverse("maintenance:workorder_material_take", args=[order.pk]),
        {"balance": locks.pk, "quantity": "1"},
    )
    assert response.status_code == 302
    assert balance_of(locks)[0] == Decimal("2")
    html = client.get(url).content.decode()
    assert "from 维修仓库" in html


def test_the_page_shows_the_shortage(client, order, worker_a, locks):
    client.force_login(worker_a)
    response = client.post(
        reverse("maintenance:workorder_material_take", args=[order.pk]),
        {"balance": locks.pk, "quantity": "9"},
        follow=True,
    )
    assert "requested 9, 3 available" in response.content.decode()
    assert balance_of(locks)[0] == Decimal("3")
