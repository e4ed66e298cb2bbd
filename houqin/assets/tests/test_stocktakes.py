"""Stocktakes: the plan's snapshot, counting, discrepancies, closing through approval."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from houqin.assets.choices import AssetStatus, EventKind
from houqin.assets.models import Asset, AssetEvent, Stocktake, StocktakeLine
from houqin.assets.models.stocktakes import StocktakeStatus
from houqin.assets.selectors_stocktakes import stocktake_progress, stocktake_report, stocktake_totals
from houqin.assets.services.stocktakes import (
    find_card,
    stocktake_add_surplus,
    stocktake_close,
    stocktake_count,
    stocktake_create,
    stocktake_recount,
    stocktake_resolve,
    stocktake_scan,
)
from houqin.core.models import ApprovalRequest, Decision
from houqin.core.services.approvals import approval_decide

from .factories import category, make_asset, make_desks

OLD = datetime.date(2000, 1, 10)  # fully depreciated long ago: book value = residual


@pytest.fixture
def cards(categories, school_a, room_a, room_a2):
    """Two PCs in 203, one PC in 204, 50 desks in 203; values chosen so book value is exact."""
    pc1 = make_asset(
        school_a, name="电脑1", room=room_a, unit_price=Decimal("4800.00"), depreciation_class=""
    )
    pc2 = make_asset(school_a, name="电脑2", room=room_a, unit_price=Decimal("4800.00"))
    pc3 = make_asset(school_a, name="电脑3", room=room_a2, unit_price=Decimal("4800.00"))
    desks = make_desks(school_a, room_a, quantity=50)
    return pc1, pc2, pc3, desks


def plan(head, school, **kw):
    return stocktake_create(actor=head, school=school, name="2026 秋季清查", **kw)


def test_create_snapshots_the_books_in_scope(cards, head_a, school_a, room_a, room_a2):
    pc1, pc2, pc3, desks = cards
    st = plan(head_a, school_a)
    lines = {line.asset_id: line for line in st.lines.all()}
    assert set(lines) == {pc1.pk, pc2.pk, pc3.pk, desks.pk}
    assert lines[desks.pk].expected_quantity == 50
    assert lines[desks.pk].is_batch is True
    assert lines[pc3.pk].room_id == room_a2.pk
    assert lines[pc1.pk].book_value == pc1.net_book_value()
    one_room = plan(head_a, school_a, room=room_a)
    assert set(one_room.lines.values_list("asset_id", flat=True)) == {pc1.pk, pc2.pk, desks.pk}
    by_cat = plan(head_a, school_a, category=category("A05010304"))
    assert list(by_cat.lines.values_list("asset_id", flat=True)) == [desks.pk]


def test_create_refuses_teacher_and_empty_name(cards, teacher_a, head_a, school_a):
    with pytest.raises(PermissionDenied):
        plan(teacher_a, school_a)
    with pytest.raises(ValidationError) as e:
        stocktake_create(actor=head_a, school=school_a, name=" ")
    assert e.value.message_dict == {"name": ["This field is required."]}
    assert Stocktake.objects.count() == 0


def test_scan_count_and_progress(cards, head_a, school_a, room_a, room_a2):
    pc1, pc2, pc3, desks = cards
    st = plan(head_a, school_a)
    line = stocktake_scan(
        actor=head_a, stocktake=st, room=room_a, code=f"https://x.example/assets/cards/{pc1.pk}/"
    )
    assert (line.counted_quantity, line.found_room_id, line.discrepancy) == (1, room_a.pk, "")
    stocktake_scan(actor=head_a, stocktake=st, room=room_a, code=pc3.code)  # belongs in 204
    desk_line = st.lines.get(asset=desks)
    stocktake_count(actor=head_a, line=desk_line, quantity="48", room=room_a)
    progress = {p["room_id"]: (p["expected"], p["counted"]) for p in stocktake_progress(st)}
    assert progress == {room_a.pk: (3, 2), room_a2.pk: (1, 0)}
    kinds = {line.asset_id: line.discrepancy for line in st.lines.all()}
    assert kinds == {pc1.pk: "", pc2.pk: "shortage", pc3.pk: "wrong_room", desks.pk: "quantity"}
    desk_line.refresh_from_db()
    assert desk_line.counted_value == (desk_line.book_value * 48 / 50).quantize(Decimal("0.01"))


def test_bad_counts_and_foreign_cards_change_nothing(cards, head_a, school_a, school_b, room_a, room_b):
    pc1, _pc2, _pc3, desks = cards
    foreign = make_asset(school_b, name="外校电脑", room=room_b)
    st = plan(head_a, school_a)
    desk_line = st.lines.get(asset=desks)
    for bad in ("-1", "1.5", "x"):
        with pytest.raises(ValidationError) as e:
            stocktake_count(actor=head_a, line=desk_line, quantity=bad, room=room_a)
        assert e.value.message_dict == {"quantity": ["Enter a whole number, 0 or more."]}
    with pytest.raises(ValidationError) as e:
        stocktake_scan(actor=head_a, stocktake=st, room=room_a, code=f"/assets/cards/{foreign.pk}/")
    assert e.value.message_dict == {"code": [f"{foreign} belongs to another school."]}
    with pytest.raises(ValidationError) as e:
        find_card(school=school_a, text="ZC-1999-9999")
    assert e.value.message_dict == {"code": ["No asset card ZC-1999-9999."]}
    with pytest.raises(ValidationError):
        stocktake_scan(actor=head_a, stocktake=st, room=room_b, code=pc1.code)
    assert st.lines.filter(counted_quantity__isnull=False).count() == 0
    assert st.lines.count() == 4


def test_resolve_rules_and_recount(cards, head_a, school_a, room_a):
    _pc1, pc2, _pc3, _desks = cards
    st = plan(head_a, school_a)
    line = st.lines.get(asset=pc2)
    with pytest.raises(ValidationError) as e:
        stocktake_resolve(actor=head_a, line=line, resolution="move")
    assert e.value.message_dict == {"resolution": ["This resolution does not fit the discrepancy."]}
    stocktake_resolve(actor=head_a, line=line, resolution="write_off", note="找不到")
    line.refresh_from_db()
    assert (line.resolution, line.resolution_note) == ("write_off", "找不到")
    stocktake_scan(actor=head_a, stocktake=st, room=room_a, code=pc2.code)
    line.refresh_from_db()
    assert (line.counted_quantity, line.resolution, line.discrepancy) == (1, "", "")
    with pytest.raises(ValidationError) as e:
        stocktake_resolve(actor=head_a, line=line, resolution="write_off")
    assert e.value.message_dict == {"resolution": ["This line agrees with the books."]}
    stocktake_recount(actor=head_a, line=line)
    line.refresh_from_db()
    assert (line.counted_quantity, line.found_room_id) == (None, None)


def _full_scenario(cards, head_a, school_a, room_a, room_a2):
    pc1, pc2, pc3, desks = cards
    st = plan(head_a, school_a)
    stocktake_scan(actor=head_a, stocktake=st, room=room_a, code=pc1.code)
    stocktake_scan(actor=head_a, stocktake=st, room=room_a, code=pc3.code)
    stocktake_count(actor=head_a, line=st.lines.get(asset=desks), quantity=48, room=room_a)
    surplus = stocktake_add_surplus(
        actor=head_a,
        stocktake=st,
        room=room_a2,
        description="投影仪",
        category=category("A02010100"),
        unit_price="3000.00",
    )
    return st, surplus


def test_close_refused_with_unresolved_then_approved_applies(
    cards, head_a, principal_a, school_a, room_a, room_a2
):
    pc1, pc2, pc3, desks = cards
    st, surplus = _full_scenario(cards, head_a, school_a, room_a, room_a2)
    with pytest.raises(ValidationError) as e:
        stocktake_close(actor=head_a, stocktake=st)
    assert e.value.message_dict == {"__all__": ["4 discrepancies have no resolution yet."]}
    st.refresh_from_db()
    assert st.status == StocktakeStatus.OPEN
    stocktake_resolve(actor=head_a, line=st.lines.get(asset=pc2), resolution="write_off")
    stocktake_resolve(actor=head_a, line=st.lines.get(asset=pc3), resolution="move")
    stocktake_resolve(actor=head_a, line=st.lines.get(asset=desks), resolution="adjust")
    stocktake_resolve(actor=head_a, line=surplus, resolution="register")
    pc2_value = st.lines.get(asset=pc2).book_value
    st = stocktake_close(actor=head_a, stocktake=st)
    assert st.status == StocktakeStatus.SUBMITTED
    assert st.number.startswith("PD-")
    request = st.approval_request
    assert request.amount == pc2_value
    # Read-only while closing; a second close is refused, nothing changed.
    with pytest.raises(ValidationError) as e:
        stocktake_close(actor=head_a, stocktake=st)
    assert e.value.message_dict == {"__all__": [f"Stocktake {st} is already closed or closing."]}
    assert ApprovalRequest.objects.count() == 1
    with pytest.raises(ValidationError):
        stocktake_scan(actor=head_a, stocktake=st, room=room_a, code=pc2.code)
    assert st.lines.get(asset=pc2).counted_quantity is None
    events_before = AssetEvent.objects.count()
    desks_amount = desks.amount
    approval_decide(actor=principal_a, request=request, decision=Decision.APPROVE)
    st.refresh_from_db()
    assert st.status == StocktakeStatus.CLOSED
    pc2.refresh_from_db()
    pc3.refresh_from_db()
    desks.refresh_from_db()
    assert pc2.status == AssetStatus.DISPOSED
    assert pc3.room_id == room_a.pk
    assert (desks.quantity, desks.amount) == (48, (desks_amount * 48 / 50).quantize(Decimal("0.01")))
    new = Asset.objects.get(name="投影仪")
    assert (new.room_id, new.unit_price, new.quantity) == (room_a2.pk, Decimal("3000.00"), 1)
    counted = AssetEvent.objects.filter(kind=EventKind.COUNT)
    assert counted.count() == 3
    assert AssetEvent.objects.count() == events_before + 4  # 3 adjustments + the new card's registration
    move = counted.get(asset=pc3)
    assert (move.from_room_id, move.to_room_id) == (room_a2.pk, room_a.pk)
    assert counted.get(asset=desks).quantity_after == 48
    # Closed: a second close and counting are refused, nothing changed.
    with pytest.raises(ValidationError):
        stocktake_close(actor=head_a, stocktake=st)
    with pytest.raises(ValidationError):
        stocktake_count(actor=head_a, line=st.lines.get(asset=desks), quantity=50, room=room_a)
    assert AssetEvent.objects.count() == events_before + 4
    assert st.lines.get(asset=desks).counted_quantity == 48


def test_rejection_reopens(cards, head_a, principal_a, school_a, room_a, room_a2):
    pc1, pc2, pc3, desks = cards
    st = plan(head_a, school_a, room=room_a)
    for card in (pc1, pc2):
        stocktake_scan(actor=head_a, stocktake=st, room=room_a, code=card.code)
    stocktake_scan(actor=head_a, stocktake=st, room=room_a, code=desks.code)
    st = stocktake_close(actor=head_a, stocktake=st)
    assert st.approval_request.amount == Decimal("0.00")
    approval_decide(actor=principal_a, request=st.approval_request, decision=Decision.REJECT, comment="重点")
    st.refresh_from_db()
    assert (st.status, st.approval_request_id) == (StocktakeStatus.OPEN, None)


def test_report_exact(cards, head_a, school_a, room_a, room_a2):
    pc1, pc2, pc3, desks = cards
    st, _surplus = _full_scenario(cards, head_a, school_a, room_a, room_a2)
    v = {line.asset_id: line.book_value for line in st.lines.exclude(asset=None)}
    report = stocktake_report(st)
    rooms = {r["label"]: r for r in report["rooms"]}
    label_a = f"{room_a.building.name} {room_a.number} {room_a.name}"
    label_a2 = f"{room_a2.building.name} {room_a2.number} {room_a2.name}"
    desk_counted = (v[desks.pk] * 48 / 50).quantize(Decimal("0.01"))
    assert rooms[label_a]["expected_quantity"] == 52
    assert rooms[label_a]["expected_value"] == v[pc1.pk] + v[pc2.pk] + v[desks.pk]
    assert rooms[label_a]["counted_quantity"] == 50
    assert rooms[label_a]["counted_value"] == v[pc1.pk] + v[pc3.pk] + desk_counted
    assert rooms[label_a2]["expected_quantity"] == 1
    assert rooms[label_a2]["counted_quantity"] == 1
    assert rooms[label_a2]["counted_value"] == Decimal("3000.00")
    totals = stocktake_totals(st)
    assert (totals["lines"], totals["matched"], totals["match_rate"]) == (4, 1, Decimal("25.0"))
    assert totals["expected_quantity"] == 53
    assert totals["counted_quantity"] == 51
    assert totals["surplus_value"] == Decimal("3000.00")
    cats = {r["label"].split()[0]: r for r in report["categories"]}
    assert cats["A05010304"]["quantity_difference"] == -2
    assert cats["A02010100"]["expected_quantity"] == 3
    assert cats["A02010100"]["counted_quantity"] == 3
    assert StocktakeLine.objects.filter(stocktake=st).count() == 5
