"""The purchase path through the services: 50 desks from a department's request through approval,
three quotes, an order, an inspection that rejects two, and the asset card of the other 48."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from houqin.assets.models import Asset
from houqin.core.models import ApprovalRequest, ApprovalStatus, ChangeLogEntry, DocumentDuty, Notification
from houqin.supplies.models import StockMovement

from ..choices import OrderStatus, ProcurementClass, RequestStatus
from ..models import Inspection, InspectionLine, PurchaseOrder, QuoteComparison
from ..services.requests import REQUEST_KIND, purchase_request_submit
from .factories import (
    approve_all,
    decide,
    desk_line,
    draft,
    inspect,
    make_item,
    order_all,
    submitted,
    supply_line,
    three_quotes,
)

pytestmark = pytest.mark.usefixtures("categories")


@pytest.fixture
def desks_approved(school_a, district, teacher_a, head_a, principal_a, dept_a, room_a):
    request = submitted(school_a, teacher_a, [desk_line(room=room_a)], department=dept_a)
    return approve_all(request, head_a, principal_a)


def test_submit_takes_the_approval_number_class_and_steps(school_a, district, teacher_a, dept_a, room_a):
    request = draft(school_a, teacher_a, [desk_line(room=room_a)], department=dept_a)
    assert request.status == RequestStatus.DRAFT
    assert request.estimated_total == Decimal("15000.00")
    submitted_request = purchase_request_submit(actor=teacher_a, request=request)
    assert submitted_request.status == RequestStatus.PENDING
    assert submitted_request.number.startswith("CG-") and submitted_request.number.endswith("-0001")
    assert submitted_request.procurement_class == ProcurementClass.QUOTES
    approval = submitted_request.approval_request
    assert approval.kind == REQUEST_KIND
    assert approval.amount == Decimal("15000.00")
    assert approval.number == submitted_request.number
    # Rule-book bands: head of logistics ≤ 2000, principal ≤ 20000 — 15000 ends at the principal.
    assert [s["role_code"] for s in approval.steps] == ["head_of_logistics", "principal"]
    assert submitted_request.split_flag is False


def test_the_whole_path_of_fifty_desks(
    school_a, desks_approved, head_a, principal_a, teacher_a, keeper_a, staff_a, suppliers_a, room_a
):
    request = desks_approved
    assert request.status == RequestStatus.APPROVED
    assert request.approved_at is not None
    # The head of logistics is told to buy (the requester, a teacher, is not the office).
    assert Notification.objects.filter(user=head_a, title__startswith="Approved, to be bought").count() == 1

    a, b, c = three_quotes(request, suppliers_a, [["285.00"], ["298.00"], ["310.00"]], actor=head_a)
    assert (a.total, b.total, c.total) == (Decimal("14250.00"), Decimal("14900.00"), Decimal("15500.00"))

    comparison = decide(request, a, head_a, [head_a, principal_a, keeper_a])
    # Saving against the cheapest of the other quotes: 14900.00 − 14250.00.
    assert comparison.saving_basis == "next_cheapest"
    assert comparison.reference_total == Decimal("14900.00")
    assert comparison.saving == Decimal("650.00")
    assert comparison.quote_count == 3
    assert set(comparison.signers.values_list("username", flat=True)) == {"head_a", "principal_a", "keeper_a"}

    order = order_all(request, head_a, [head_a, staff_a])
    assert order.number.startswith("DD-") and order.number.endswith("-0001")
    assert order.supplier == suppliers_a[0]
    assert order.total == Decimal("14250.00")
    line = order.lines.get()
    assert (line.quantity, line.unit_price, line.amount) == (
        Decimal("50.000"),
        Decimal("285.00"),
        Decimal("14250.00"),
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.ORDERED
    duties = set(
        DocumentDuty.objects.filter(request=request.approval_request).values_list("duty", "user__username")
    )
    assert ("buyer", "head_a") in duties and ("buyer", "staff_a") in duties

    inspection = inspect(
        order,
        keeper_a,
        [keeper_a, teacher_a],
        [{"order_line": line, "accepted": 48, "rejected": 2, "reason": "桌面开裂", "room": room_a}],
    )
    assert inspection.number.startswith("YS-") and inspection.number.endswith("-0001")
    assert inspection.delivered_total == Decimal("14250.00")
    assert inspection.accepted_total == Decimal("13680.00")
    row = inspection.lines.get()
    assert (row.accepted_quantity, row.rejected_quantity, row.rejection_reason) == (
        Decimal("48.000"),
        Decimal("2.000"),
        "桌面开裂",
    )
    card = row.assets.get()
    assert card.quantity == 48
    assert card.unit_price == Decimal("285.00")
    assert card.amount == Decimal("13680.00")
    assert card.supplier == "城关家具厂"
    assert card.room == room_a
    assert card.tracking == "batch"
    assert card.contract_number == order.number
    assert card.asset_class == "fixed"
    assert Asset.objects.filter(school=request.school).count() == 1

    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIAL
    assert order.received_total == Decimal("13680.00")
    line.refresh_from_db()
    assert (line.received_quantity, line.rejected_quantity) == (Decimal("48.000"), Decimal("2.000"))
    request.refresh_from_db()
    assert request.status == RequestStatus.ORDERED  # two desks still to come
    assert ("inspector", "keeper_a") in set(
        DocumentDuty.objects.filter(request=request.approval_request).values_list("duty", "user__username")
    )

    # The supplier replaces the two: the second delivery completes the order and the request.
    second = inspect(
        order, keeper_a, [keeper_a, teacher_a], [{"order_line": line, "accepted": 2, "room": room_a}]
    )
    assert second.accepted_total == Decimal("570.00")
    order.refresh_from_db()
    request.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED
    assert order.received_total == Decimal("14250.00")
    assert request.status == RequestStatus.COMPLETED
    assert Asset.objects.filter(school=request.school).count() == 2


def test_supplies_go_into_the_store_in_the_same_step(
    school_a, district, head_a, principal_a, keeper_a, staff_a, store_a
):
    chalk = make_item(school_a)
    request = submitted(
        school_a, head_a, [supply_line(chalk, quantity=40, price="12.50", store=store_a)], title="粉笔"
    )
    # 500 yuan: within the head's band, but the head asked, so it goes on to the principal.
    assert [s["role_code"] for s in request.approval_request.steps] == ["principal"]
    assert request.procurement_class == ProcurementClass.DIRECT
    request = approve_all(request, principal_a)
    from .factories import make_supplier

    shop = make_supplier(school_a, "文具店")
    order = order_all(request, head_a, [head_a, staff_a], supplier=shop)
    assert order.total == Decimal("500.00")
    line = order.lines.get()
    inspection = inspect(
        order, keeper_a, [keeper_a], [{"order_line": line, "accepted": 40, "lot": "2026-03"}]
    )
    movement = inspection.lines.get().stock_movement
    assert movement.kind == "receipt"
    assert movement.quantity == Decimal("40.000")
    assert movement.unit_cost == Decimal("12.5000")
    assert movement.store == store_a
    assert movement.reference == inspection.number
    assert StockMovement.objects.count() == 1


def test_a_failure_in_the_asset_register_leaves_nothing(
    school_a,
    desks_approved,
    head_a,
    principal_a,
    keeper_a,
    staff_a,
    teacher_a,
    suppliers_a,
    room_a,
    monkeypatch,
):
    request = desks_approved
    a, _b, _c = three_quotes(request, suppliers_a, [["285.00"], ["298.00"], ["310.00"]], actor=head_a)
    decide(request, a, head_a, [head_a, principal_a, keeper_a])
    order = order_all(request, head_a, [head_a, staff_a])
    line = order.lines.get()

    def refuse(**kwargs):
        raise ValidationError({"category": "The asset register refused."})

    monkeypatch.setattr("houqin.procurement.services.links.asset_register", refuse)
    logs = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError):
        inspect(
            order,
            keeper_a,
            [keeper_a, teacher_a],
            [{"order_line": line, "accepted": 48, "rejected": 2, "reason": "x", "room": room_a}],
        )
    assert Inspection.objects.count() == 0
    assert InspectionLine.objects.count() == 0
    assert Asset.objects.count() == 0
    line.refresh_from_db()
    order.refresh_from_db()
    assert line.received_quantity == Decimal("0") and order.status == OrderStatus.OPEN
    assert ChangeLogEntry.objects.count() == logs
    assert not DocumentDuty.objects.filter(duty="inspector").exists()


def test_the_requester_never_approves_their_own_request(school_a, district, head_a, principal_a, room_a):
    request = submitted(school_a, head_a, [desk_line(quantity=5, price="300.00", room=room_a)])
    approval = request.approval_request
    # The head asked: the head's own step is passed over, the principal decides.
    assert [s["role_code"] for s in approval.steps] == ["principal"]
    from houqin.core.services.approvals import approval_decide

    with pytest.raises(ValidationError) as exc:
        approval_decide(actor=head_a, request=approval, decision="approve")
    assert exc.value.messages == ["Nobody decides their own request."]
    approval.refresh_from_db()
    request.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING
    assert request.status == RequestStatus.PENDING
    assert approval.decisions.count() == 0


def test_rejection_and_withdrawal_move_the_request(school_a, district, teacher_a, head_a, room_a):
    from houqin.core.services.approvals import approval_decide

    from ..services.requests import purchase_request_withdraw

    request = submitted(school_a, teacher_a, [desk_line(quantity=2, price="300.00", room=room_a)])
    approval_decide(actor=head_a, request=request.approval_request, decision="reject", comment="预算不足")
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED

    other = submitted(
        school_a, teacher_a, [desk_line(quantity=2, price="300.00", room=room_a)], title="再申请"
    )
    purchase_request_withdraw(actor=teacher_a, request=other)
    other.refresh_from_db()
    assert other.status == RequestStatus.DRAFT
    assert ApprovalRequest.objects.get(pk=other.approval_request_id).status == ApprovalStatus.WITHDRAWN


def test_quote_comparison_is_kept_and_cannot_be_decided_twice(
    school_a, desks_approved, head_a, principal_a, keeper_a, suppliers_a
):
    a, b, _c = three_quotes(desks_approved, suppliers_a, [["285.00"], ["298.00"], ["310.00"]], actor=head_a)
    decide(desks_approved, a, head_a, [head_a, principal_a, keeper_a])
    with pytest.raises(ValidationError) as exc:
        decide(desks_approved, b, head_a, [head_a, principal_a, keeper_a])
    assert exc.value.messages == ["The comparison of this request is already decided."]
    assert QuoteComparison.objects.get().chosen_quote == a
    assert PurchaseOrder.objects.count() == 0
