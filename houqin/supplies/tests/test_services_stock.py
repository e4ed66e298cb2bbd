"""The stock ledger: receipts and the moving average, issues (oldest expiry first), transfers,
count adjustments, returns and reversals. Exact values; failures change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from houqin.core.models import ChangeLogEntry, Notification
from houqin.core.tests.factories import RoomFactory, member

from ..exceptions import InsufficientStock
from ..models import StockBalance, StockLot, StockMovement, StockMovementLot
from ..services.stock import (
    stock_adjust,
    stock_issue,
    stock_receive,
    stock_return,
    stock_reverse,
    stock_transfer,
)
from .factories import item, receive

D = Decimal


def state(balance):
    """(quantity, value, movements, change-log rows) of a balance, read fresh."""
    balance.refresh_from_db()
    logs = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(StockBalance), object_id=str(balance.pk)
    ).count()
    return balance.quantity, balance.value, balance.movements.count(), logs


def ledger_agrees(balance):
    """The balance is the sum of its movements, and of its lots."""
    balance.refresh_from_db()
    sums = balance.movements.aggregate(q=Sum("quantity"), v=Sum("value"))
    lots = balance.lots.aggregate(q=Sum("quantity"))["q"] or D(0)
    # (SQLite sums decimals in floating point: compare at the columns' places.)
    milli, cent = D("0.001"), D("0.01")
    got = ((sums["q"] or D(0)).quantize(milli), (sums["v"] or D(0)).quantize(cent), lots.quantize(milli))
    return got == (balance.quantity, balance.value, balance.quantity)


# --- receiving -------------------------------------------------------------------------------


def test_receive_books_the_goods_in(school_a, paper, store_a, keeper_a):
    movement = stock_receive(
        school=school_a,
        item=paper,
        store=store_a,
        quantity=D("10"),
        unit_cost=D("20.00"),
        actor=keeper_a,
        reference="送货单 0012",
    )
    balance = movement.balance
    assert state(balance) == (D("10.000"), D("200.00"), 1, 1)
    movement.refresh_from_db()
    assert (
        movement.kind,
        movement.quantity,
        movement.unit_cost,
        movement.value,
        movement.balance_after,
        movement.value_after,
        movement.actor,
        movement.reference,
    ) == (
        "receipt",
        D("10.000"),
        D("20.0000"),
        D("200.00"),
        D("10.000"),
        D("200.00"),
        keeper_a,
        "送货单 0012",
    )
    assert [(lot.lot, lot.expiry_date, lot.quantity) for lot in balance.lots.all()] == [
        ("", None, D("10.000"))
    ]
    entry = ChangeLogEntry.objects.get(object_id=str(balance.pk), content_type__model="stockbalance")
    assert entry.actor == keeper_a
    assert entry.changes["quantity"] == ["0.000", "10.000"]
    assert entry.changes["value"] == ["0.00", "200.00"]
    assert entry.changes["movement"] == [None, "Stock in 复印纸 A4 70g +10包"]


def test_moving_average_and_the_last_unit_takes_the_rest(school_a, paper, store_a, keeper_a, teacher_a):
    receive(school_a, paper, store_a, 10, "20.00")
    receive(school_a, paper, store_a, 5, "21.10")  # average (200 + 105.50) / 15 = 20.3666…
    balance = StockBalance.objects.get(item=paper, store=store_a)
    assert (balance.quantity, balance.value, balance.unit_cost) == (D("15.000"), D("305.50"), D("20.3667"))
    first = stock_issue(
        school=school_a, item=paper, store=store_a, quantity=4, issued_to=teacher_a, actor=keeper_a
    )
    assert (first.value, first.unit_cost, first.balance_after, first.value_after) == (
        D("-81.47"),
        D("20.3667"),
        D("7.000") + 4,
        D("224.03"),
    )
    last = stock_issue(
        school=school_a, item=paper, store=store_a, quantity=11, issued_to=teacher_a, actor=keeper_a
    )
    assert (last.value, last.balance_after, last.value_after) == (D("-224.03"), D("0.000"), D("0.00"))
    assert state(balance)[:2] == (D("0.000"), D("0.00"))
    assert ledger_agrees(balance)


def test_an_item_with_a_shelf_life_expires_from_the_receipt(school_a, store_a):
    disinfectant = item(school_a, "84消毒液", unit="瓶", category="hygiene", shelf_life_days=365)
    when = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    movement = receive(school_a, disinfectant, store_a, 12, "8.50", lot="B2603", occurred_at=when)
    assert movement.expiry_date == datetime.date(2027, 3, 2)
    assert [(lot.lot, lot.expiry_date) for lot in movement.balance.lots.all()] == [
        ("B2603", datetime.date(2027, 3, 2))
    ]


def test_receive_from_another_apps_document_needs_no_supplies_permission(school_a, paper, store_a, teacher_a):
    inspection = RoomFactory(school=school_a)  # stands in for procurement's receiving inspection
    movement = stock_receive(
        school=school_a,
        item=paper,
        store=store_a,
        quantity=3,
        unit_cost="19.80",
        actor=teacher_a,
        source=inspection,
    )
    assert (movement.source, movement.source_type.model, movement.source_id) == (
        inspection,
        "room",
        inspection.pk,
    )
    with pytest.raises(PermissionDenied):
        stock_receive(
            school=school_a, item=paper, store=store_a, quantity=3, unit_cost="19.80", actor=teacher_a
        )
    assert StockMovement.objects.count() == 1


# --- issuing ---------------------------------------------------------------------------------


def test_issue_takes_exactly_what_was_asked(school_a, paper, store_a, stocked, keeper_a, teacher_a):
    logs = ChangeLogEntry.objects.count()
    movement = stock_issue(
        school=school_a,
        item=paper,
        store=store_a,
        quantity=D("3"),
        issued_to=teacher_a,
        actor=keeper_a,
        reference="LY-2026-0001",
    )
    assert state(stocked) == (D("7.000"), D("140.00"), 2, 2)
    assert list(
        StockMovement.objects.filter(kind="issue").values_list("quantity", "value", "balance_after")
    ) == [(D("-3.000"), D("-60.00"), D("7.000"))]
    assert (movement.issued_to, movement.actor, movement.reference) == (teacher_a, keeper_a, "LY-2026-0001")
    assert ChangeLogEntry.objects.count() == logs + 1
    entry = ChangeLogEntry.objects.latest("pk")
    assert (entry.changes["quantity"], entry.changes["value"]) == (["10.000", "7.000"], ["200.00", "140.00"])


def test_issuing_more_than_the_balance_changes_nothing(
    school_a, paper, store_a, stocked, keeper_a, teacher_a
):
    before = state(stocked)
    with pytest.raises(InsufficientStock) as exc:
        stock_issue(
            school=school_a, item=paper, store=store_a, quantity=11, issued_to=teacher_a, actor=keeper_a
        )
    assert exc.value.message_dict == {"quantity": ["复印纸 A4 70g: requested 11, 10 available in 物资仓库."]}
    assert (exc.value.requested, exc.value.available) == (D("11"), D("10.000"))
    assert state(stocked) == before == (D("10.000"), D("200.00"), 1, 1)


def test_issuing_what_was_never_in_the_store(school_a, chalk, store_a, keeper_a, teacher_a):
    with pytest.raises(InsufficientStock) as exc:
        stock_issue(
            school=school_a, item=chalk, store=store_a, quantity=1, issued_to=teacher_a, actor=keeper_a
        )
    assert exc.value.messages == ["粉笔: requested 1, 0 available in 物资仓库."]
    assert (StockBalance.objects.count(), StockMovement.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -1}, "quantity"),
        ({"quantity": "abc"}, "quantity"),
        ({"quantity": "1.0001"}, "quantity"),
        ({"quantity": "1e20"}, "quantity"),
        ({"item": "paper_b"}, "item"),
        ({"store": "store_b"}, "store"),
        ({"issued_to": "head_b"}, "issued_to"),
        ({"issued_to": "head_x"}, "issued_to"),
        ({"issued_to": None}, "issued_to"),
        ({"room": "room_b"}, "room"),
    ],
)
def test_bad_issues_change_nothing(
    request, change, field, school_a, school_b, paper, store_a, stocked, keeper_a, teacher_a
):
    kwargs = {
        "school": school_a,
        "item": paper,
        "store": store_a,
        "quantity": 2,
        "issued_to": teacher_a,
        "actor": keeper_a,
    }
    for key, value in change.items():
        if value == "room_b":
            value = RoomFactory(school=school_b)
        elif isinstance(value, str) and value in ("paper_b", "store_b", "head_b", "head_x"):
            value = request.getfixturevalue(value)
        kwargs[key] = value
    before = state(stocked)
    with pytest.raises(ValidationError) as exc:
        stock_issue(**kwargs)
    assert list(exc.value.message_dict) == [field]
    assert state(stocked) == before


def test_a_teacher_may_not_issue(school_a, paper, store_a, stocked, teacher_a):
    with pytest.raises(PermissionDenied):
        stock_issue(
            school=school_a, item=paper, store=store_a, quantity=1, issued_to=teacher_a, actor=teacher_a
        )
    assert state(stocked) == (D("10.000"), D("200.00"), 1, 1)


def test_issue_takes_the_oldest_expiry_first(school_a, store_a, keeper_a, teacher_a):
    soap = item(school_a, "洗手液", unit="瓶", category="hygiene")
    receive(school_a, soap, store_a, 5, "6.00", lot="L-DEC", expiry_date=datetime.date(2026, 12, 1))
    receive(school_a, soap, store_a, 5, "6.00", lot="L-OCT", expiry_date=datetime.date(2026, 10, 1))
    receive(school_a, soap, store_a, 5, "6.00")
    movement = stock_issue(
        school=school_a, item=soap, store=store_a, quantity=7, issued_to=teacher_a, actor=keeper_a
    )
    assert [(line.lot.lot, line.quantity) for line in movement.lot_lines.order_by("pk")] == [
        ("L-OCT", D("-5.000")),
        ("L-DEC", D("-2.000")),
    ]
    assert movement.lot == "L-OCT, L-DEC"
    assert sorted((lot.lot, lot.quantity) for lot in StockLot.objects.all()) == [
        ("", D("5.000")),
        ("L-DEC", D("3.000")),
        ("L-OCT", D("0.000")),
    ]
    assert ledger_agrees(movement.balance)


def test_an_entry_cannot_be_dated_before_the_last_one(school_a, paper, store_a, stocked, keeper_a, teacher_a):
    earlier = stocked.last_movement_at - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        stock_issue(
            school=school_a,
            item=paper,
            store=store_a,
            quantity=1,
            issued_to=teacher_a,
            actor=keeper_a,
            occurred_at=earlier,
        )
    assert list(exc.value.message_dict) == ["occurred_at"]
    assert state(stocked) == (D("10.000"), D("200.00"), 1, 1)


def test_the_database_refuses_a_negative_balance(stocked):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(pk=stocked.pk).update(quantity=D("-1"))


def test_going_below_the_minimum_tells_the_storekeeper_after_the_commit(
    school_a, store_a, keeper_a, teacher_a, django_capture_on_commit_callbacks
):
    toner = item(school_a, "硒鼓", unit="个", min_stock=D("3"))
    receive(school_a, toner, store_a, 5, "180.00")
    with django_capture_on_commit_callbacks(execute=True):
        stock_issue(
            school=school_a, item=toner, store=store_a, quantity=1, issued_to=teacher_a, actor=keeper_a
        )
    assert Notification.objects.count() == 0  # 4 left: not below 3
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        stock_issue(
            school=school_a, item=toner, store=store_a, quantity=2, issued_to=teacher_a, actor=keeper_a
        )
    assert len(callbacks) == 1
    assert list(Notification.objects.values_list("user__username", "title")) == [
        ("keeper_a", "Low stock: 硒鼓, 2 个 left (minimum 3)")
    ]


# --- transfers -------------------------------------------------------------------------------


def test_transfer_moves_quantity_value_and_lots(school_a, paper, store_a, store_a2, keeper_a):
    receive(school_a, paper, store_a, 10, "20.00", lot="P1")
    out, inbound = stock_transfer(
        school=school_a, item=paper, from_store=store_a, to_store=store_a2, quantity=4, actor=keeper_a
    )
    assert (out.kind, out.quantity, out.value, out.balance_after) == (
        "transfer_out",
        D("-4.000"),
        D("-80.00"),
        D("6.000"),
    )
    assert (inbound.kind, inbound.quantity, inbound.value, inbound.balance_after) == (
        "transfer_in",
        D("4.000"),
        D("80.00"),
        D("4.000"),
    )
    out.refresh_from_db()
    assert (out.counterpart_id, inbound.counterpart_id) == (inbound.pk, out.pk)
    target = StockBalance.objects.get(item=paper, store=store_a2)
    assert [(lot.lot, lot.quantity) for lot in target.lots.all()] == [("P1", D("4.000"))]
    assert ledger_agrees(out.balance) and ledger_agrees(target)


@pytest.mark.parametrize(
    ("target", "quantity", "field"),
    [("same", 1, "to_store"), ("other", 1, "to_store"), ("a2", 11, "quantity")],
)
def test_bad_transfers_change_nothing(
    target, quantity, field, school_a, paper, store_a, store_a2, store_b, stocked, keeper_a
):
    to_store = {"same": store_a, "other": store_b, "a2": store_a2}[target]
    with pytest.raises(ValidationError) as exc:
        stock_transfer(
            school=school_a,
            item=paper,
            from_store=store_a,
            to_store=to_store,
            quantity=quantity,
            actor=keeper_a,
        )
    assert list(exc.value.message_dict) == [field]
    assert state(stocked) == (D("10.000"), D("200.00"), 1, 1)
    assert not StockBalance.objects.filter(store=store_a2, quantity__gt=0).exists()
    assert StockMovement.objects.count() == 1


# --- count adjustments -----------------------------------------------------------------------


def test_count_adjustments_both_ways(school_a, paper, store_a, stocked, keeper_a):
    short = stock_adjust(
        school=school_a, item=paper, store=store_a, counted=8, actor=keeper_a, reason="期末盘点"
    )
    assert (short.kind, short.quantity, short.value, short.note) == (
        "adjustment",
        D("-2.000"),
        D("-40.00"),
        "期末盘点",
    )
    surplus = stock_adjust(
        school=school_a, item=paper, store=store_a, counted="8.5", actor=keeper_a, reason="复盘"
    )
    assert (surplus.quantity, surplus.value, surplus.unit_cost) == (D("0.500"), D("10.00"), D("20.0000"))
    assert state(stocked)[:2] == (D("8.500"), D("170.00"))
    assert ledger_agrees(stocked)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"counted": 10, "reason": "盘点"}, "counted"),
        ({"counted": -1, "reason": "盘点"}, "counted"),
        ({"counted": 9, "reason": "  "}, "reason"),
    ],
)
def test_bad_count_adjustments_change_nothing(kwargs, field, school_a, paper, store_a, stocked, keeper_a):
    with pytest.raises(ValidationError) as exc:
        stock_adjust(school=school_a, item=paper, store=store_a, actor=keeper_a, **kwargs)
    assert list(exc.value.message_dict) == [field]
    assert state(stocked) == (D("10.000"), D("200.00"), 1, 1)


def test_a_surplus_of_an_item_never_in_stock_needs_a_unit_cost(school_a, chalk, store_a, keeper_a):
    with pytest.raises(ValidationError) as exc:
        stock_adjust(school=school_a, item=chalk, store=store_a, counted=3, actor=keeper_a, reason="盘盈")
    assert list(exc.value.message_dict) == ["unit_cost"]
    assert StockMovement.objects.count() == 0
    found = stock_adjust(
        school=school_a, item=chalk, store=store_a, counted=3, actor=keeper_a, reason="盘盈", unit_cost="2.50"
    )
    assert (found.quantity, found.value) == (D("3.000"), D("7.50"))


# --- returns and reversals -------------------------------------------------------------------


def test_a_return_comes_back_at_the_cost_it_left_with(school_a, paper, store_a, stocked, keeper_a, teacher_a):
    issue = stock_issue(
        school=school_a, item=paper, store=store_a, quantity=4, issued_to=teacher_a, actor=keeper_a
    )
    receive(school_a, paper, store_a, 6, "26.00")  # the average moves to (120 + 156) / 12 = 23
    back = stock_return(issue=issue, quantity=3, actor=keeper_a, reason="用不完")
    assert (back.kind, back.quantity, back.value, back.unit_cost, back.issued_to, back.returns_of) == (
        "return",
        D("3.000"),
        D("60.00"),
        D("20.0000"),
        teacher_a,
        issue,
    )
    with pytest.raises(ValidationError) as exc:
        stock_return(issue=issue, quantity=2, actor=keeper_a)
    assert exc.value.message_dict == {"quantity": ["1 of this issue may still come back; 2 is more."]}
    last = stock_return(issue=issue, quantity=1, actor=keeper_a)
    assert last.value == D("20.00")
    assert state(stocked)[:2] == (D("16.000"), D("356.00"))
    assert ledger_agrees(stocked)


def test_only_an_issue_comes_back(school_a, paper, store_a, stocked, keeper_a):
    receipt = stocked.movements.get()
    with pytest.raises(ValidationError) as exc:
        stock_return(issue=receipt, quantity=1, actor=keeper_a)
    assert list(exc.value.message_dict) == ["issue"]


def test_reversing_a_receipt(school_a, paper, store_a, keeper_a):
    receive(school_a, paper, store_a, 10, "20.00")
    wrong = receive(school_a, paper, store_a, 5, "23.00")
    reversal = stock_reverse(movement=wrong, actor=keeper_a, reason="送错货，已退回")
    assert (reversal.kind, reversal.quantity, reversal.value, reversal.reverses, reversal.balance_after) == (
        "reversal",
        D("-5.000"),
        D("-115.00"),
        wrong,
        D("10.000"),
    )
    assert state(wrong.balance)[:2] == (D("10.000"), D("200.00"))
    with pytest.raises(ValidationError) as exc:
        stock_reverse(movement=wrong, actor=keeper_a, reason="again")
    assert exc.value.message_dict == {"movement": ["This entry has already been reversed."]}
    with pytest.raises(ValidationError):
        stock_reverse(movement=reversal, actor=keeper_a, reason="back")
    assert ledger_agrees(wrong.balance)


def test_an_issue_is_not_reversed_and_used_stock_not_unreceived(
    school_a, paper, store_a, keeper_a, teacher_a
):
    receipt = receive(school_a, paper, store_a, 10, "20.00")
    issue = stock_issue(
        school=school_a, item=paper, store=store_a, quantity=6, issued_to=teacher_a, actor=keeper_a
    )
    with pytest.raises(ValidationError) as exc:
        stock_reverse(movement=issue, actor=keeper_a, reason="wrong")
    assert exc.value.message_dict == {
        "movement": ["An issue is corrected by returning the goods to the store."]
    }
    with pytest.raises(InsufficientStock):
        stock_reverse(movement=receipt, actor=keeper_a, reason="wrong")
    assert state(receipt.balance) == (D("4.000"), D("80.00"), 2, 2)


def test_reversing_a_transfer_reverses_both_stores(school_a, paper, store_a, store_a2, stocked, keeper_a):
    out, inbound = stock_transfer(
        school=school_a, item=paper, from_store=store_a, to_store=store_a2, quantity=4, actor=keeper_a
    )
    stock_reverse(movement=inbound, actor=keeper_a, reason="调错仓库")
    assert state(stocked)[:2] == (D("10.000"), D("200.00"))
    assert state(inbound.balance)[:2] == (D("0.000"), D("0.00"))
    assert StockMovement.objects.filter(kind="reversal").count() == 2
    assert ledger_agrees(stocked) and ledger_agrees(inbound.balance)


def test_the_ledger_always_agrees_with_the_balance(school_a, paper, store_a, store_a2, keeper_a, teacher_a):
    receive(school_a, paper, store_a, 7, "19.99", lot="A")
    receive(school_a, paper, store_a, 3, "21.37", lot="B", expiry_date=datetime.date(2026, 9, 1))
    issue = stock_issue(
        school=school_a, item=paper, store=store_a, quantity="4.5", issued_to=teacher_a, actor=keeper_a
    )
    stock_transfer(
        school=school_a, item=paper, from_store=store_a, to_store=store_a2, quantity=2, actor=keeper_a
    )
    stock_return(issue=issue, quantity="1.25", actor=keeper_a)
    stock_adjust(school=school_a, item=paper, store=store_a, counted=4, actor=keeper_a, reason="盘点")
    for balance in StockBalance.objects.all():
        assert ledger_agrees(balance)
    assert StockMovementLot.objects.filter(movement__kind="issue").aggregate(q=Sum("quantity"))["q"] == D(
        "-4.500"
    )


def test_a_store_that_is_closed_takes_nothing_in(school_a, paper, store_a, keeper_a):
    store_a.is_active = False
    store_a.save()
    with pytest.raises(ValidationError) as exc:
        receive(school_a, paper, store_a, 1)
    assert list(exc.value.message_dict) == ["store"]


def test_permissions_of_the_other_operations(school_a, paper, store_a, store_a2, stocked, teacher_a):
    for call in (
        lambda: stock_transfer(
            school=school_a, item=paper, from_store=store_a, to_store=store_a2, quantity=1, actor=teacher_a
        ),
        lambda: stock_adjust(
            school=school_a, item=paper, store=store_a, counted=1, actor=teacher_a, reason="x"
        ),
        lambda: stock_reverse(movement=stocked.movements.get(), actor=teacher_a, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert state(stocked) == (D("10.000"), D("200.00"), 1, 1)


def test_head_of_logistics_of_another_school_may_not_issue_here(
    school_a, paper, store_a, stocked, head_b, teacher_a
):
    member(school_a, "teacher", user=head_b)  # a member of A too, but only as a teacher
    with pytest.raises(PermissionDenied):
        stock_issue(school=school_a, item=paper, store=store_a, quantity=1, issued_to=teacher_a, actor=head_b)
