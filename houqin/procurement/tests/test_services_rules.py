"""Bad input on the purchase path: a clear error and nothing changed. And the rule book's numbers:
quotes, signers, buyers, inspectors, the saving basis, segregation of duties."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from houqin.assets.models import Asset
from houqin.core.models import ChangeLogEntry, DocumentDuty
from houqin.core.services.changelog import snapshot
from houqin.core.services.rules import rule_override_set
from houqin.supplies.models import StockMovement

from ..choices import OrderStatus, RequestStatus
from ..models import Inspection, PurchaseOrder, PurchaseRequest, Quote, QuoteComparison
from ..services.orders import purchase_order_cancel, purchase_order_create
from ..services.quotes import quote_add
from ..services.suppliers import supplier_block
from .factories import (
    approve_all,
    decide,
    desk_line,
    draft,
    inspect,
    make_item,
    make_supplier,
    order_all,
    submitted,
    supply_line,
    three_quotes,
)

pytestmark = pytest.mark.usefixtures("categories")


def messages(exc):
    return exc.value.message_dict


@pytest.fixture
def approved(school_a, district, teacher_a, head_a, principal_a, room_a):
    return approve_all(submitted(school_a, teacher_a, [desk_line(room=room_a)]), head_a, principal_a)


@pytest.fixture
def quoted(approved, suppliers_a, head_a):
    return three_quotes(approved, suppliers_a, [["285.00"], ["298.00"], ["310.00"]], actor=head_a)


@pytest.fixture
def ordered(approved, quoted, head_a, principal_a, keeper_a, staff_a):
    decide(approved, quoted[0], head_a, [head_a, principal_a, keeper_a])
    return order_all(approved, head_a, [head_a, staff_a])


def frozen(*objs):
    return [snapshot(type(o).objects.get(pk=o.pk)) for o in objs]


# --- quotes ---------------------------------------------------------------------------------------


def test_a_dearer_choice_needs_a_reason_and_nothing_is_decided_without(
    approved, quoted, head_a, principal_a, keeper_a
):
    logs = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        decide(approved, quoted[1], head_a, [head_a, principal_a, keeper_a])
    assert messages(exc) == {
        "reason": ["The chosen quote (14900.00) is not the cheapest (14250.00): say why."]
    }
    assert QuoteComparison.objects.count() == 0
    assert ChangeLogEntry.objects.count() == logs
    # With a reason it stands, and the saving is negative: the dearer choice cost 650.00.
    comparison = decide(
        approved, quoted[1], head_a, [head_a, principal_a, keeper_a], reason="城关家具厂交货期晚于开学"
    )
    assert comparison.saving == Decimal("-650.00")
    assert comparison.reference_total == Decimal("14250.00")
    assert comparison.chose_cheapest is False


def test_the_mean_of_the_other_quotes_when_the_rule_book_says_so(
    approved, quoted, head_a, principal_a, keeper_a, district
):
    rule_override_set(actor=None, school=district, key="procurement.saving_basis", value="mean_of_others")
    comparison = decide(approved, quoted[0], head_a, [head_a, principal_a, keeper_a])
    # (14900.00 + 15500.00) / 2 − 14250.00
    assert comparison.saving_basis == "mean_of_others"
    assert comparison.reference_total == Decimal("15200.00")
    assert comparison.saving == Decimal("950.00")


def test_too_few_quotes_or_signers_is_refused(approved, suppliers_a, head_a, principal_a, keeper_a):
    a, b = three_quotes(approved, suppliers_a[:2], [["285.00"], ["298.00"]], actor=head_a)
    with pytest.raises(ValidationError) as exc:
        decide(approved, a, head_a, [head_a, principal_a, keeper_a])
    assert exc.value.messages == ["At least 3 quotes from different suppliers are compared; 2 recorded."]
    with pytest.raises(ValidationError) as exc:
        decide(approved, a, head_a, [head_a, principal_a, principal_a])
    assert messages(exc) == {"signers": ["The comparison is signed by at least 3 different people; 2 given."]}
    assert QuoteComparison.objects.count() == 0


def test_a_quote_on_another_schools_request_changes_nothing(
    approved, head_b, supplier_b, head_a, suppliers_a, school_b
):
    # The head of another school may not quote on this school's request at all.
    with pytest.raises(PermissionDenied):
        quote_add(
            actor=head_b,
            request=approved,
            supplier=supplier_b,
            quoted_on=timezone.localdate(),
            prices={approved.lines.get().pk: "100.00"},
        )
    # Nor may this school's request get a quote of another school's supplier.
    with pytest.raises(ValidationError) as exc:
        quote_add(
            actor=head_a,
            request=approved,
            supplier=supplier_b,
            quoted_on=timezone.localdate(),
            prices={approved.lines.get().pk: "100.00"},
        )
    assert messages(exc) == {"supplier": [f"示范文具店 is not a supplier of {approved.school}."]}
    assert Quote.objects.count() == 0


def test_a_price_for_a_line_of_another_request_is_refused(
    approved, school_a, teacher_a, suppliers_a, head_a, room_a
):
    other = draft(school_a, teacher_a, [desk_line(quantity=1, room=room_a)], title="另一张")
    with pytest.raises(ValidationError) as exc:
        quote_add(
            actor=head_a,
            request=approved,
            supplier=suppliers_a[0],
            quoted_on=timezone.localdate(),
            prices={approved.lines.get().pk: "280.00", other.lines.get().pk: "1.00"},
        )
    assert messages(exc) == {"prices": ["A price is given for a line that is not on this request."]}
    assert Quote.objects.count() == 0


def test_a_quote_from_a_blocked_supplier_or_on_a_draft_is_refused(
    school_a, teacher_a, approved, suppliers_a, head_a, room_a
):
    supplier_block(actor=head_a, supplier=suppliers_a[2], reason="上学期送货以次充好")
    with pytest.raises(ValidationError) as exc:
        quote_add(
            actor=head_a,
            request=approved,
            supplier=suppliers_a[2],
            quoted_on=timezone.localdate(),
            prices={approved.lines.get().pk: "280.00"},
        )
    assert messages(exc) == {"supplier": ["宏达办公家具 is blocked: 上学期送货以次充好"]}
    waiting = draft(school_a, teacher_a, [desk_line(quantity=1, room=room_a)], title="草稿")
    with pytest.raises(ValidationError) as exc:
        quote_add(
            actor=head_a,
            request=waiting,
            supplier=suppliers_a[0],
            quoted_on=timezone.localdate(),
            prices={waiting.lines.get().pk: "280.00"},
        )
    assert exc.value.messages == ["Quotes are collected for an approved request; this one is draft."]
    assert Quote.objects.count() == 0


# --- orders ----------------------------------------------------------------------------------------


def test_ordering_from_a_blocked_supplier_changes_nothing(
    school_a, district, head_a, principal_a, staff_a, store_a
):
    chalk = make_item(school_a)
    request = approve_all(submitted(school_a, head_a, [supply_line(chalk, store=store_a)]), principal_a)
    shop = make_supplier(school_a, "文具店")
    supplier_block(actor=head_a, supplier=shop, reason="营业执照过期")
    before = frozen(request, *request.lines.all())
    logs = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        order_all(request, head_a, [head_a, staff_a], supplier=shop)
    assert messages(exc) == {"supplier": ["文具店 is blocked: 营业执照过期"]}
    assert PurchaseOrder.objects.count() == 0
    assert frozen(request, *request.lines.all()) == before
    assert ChangeLogEntry.objects.count() == logs


def test_an_order_needs_the_comparison_its_supplier_and_its_prices(
    approved, quoted, head_a, principal_a, keeper_a, staff_a, suppliers_a
):
    line = approved.lines.get()
    base = {"actor": head_a, "school": approved.school, "buyers": [head_a, staff_a]}
    base["expected_on"] = timezone.localdate() + datetime.timedelta(days=7)
    with pytest.raises(ValidationError) as exc:
        purchase_order_create(supplier=suppliers_a[0], lines=[{"request_line": line, "quantity": 50}], **base)
    assert messages(exc)["supplier"] == [
        f"{approved} costs more than the quote threshold: decide its comparison of quotes first."
    ]
    decide(approved, quoted[0], head_a, [head_a, principal_a, keeper_a])
    with pytest.raises(ValidationError) as exc:
        purchase_order_create(supplier=suppliers_a[1], lines=[{"request_line": line, "quantity": 50}], **base)
    assert messages(exc)["supplier"] == [
        f"{approved} is ordered from the supplier chosen in its comparison of quotes."
    ]
    with pytest.raises(ValidationError) as exc:
        purchase_order_create(
            supplier=suppliers_a[0],
            lines=[{"request_line": line, "quantity": 50, "unit_price": "280.00"}],
            **base,
        )
    assert messages(exc)["lines"] == ["Line 1: 学生课桌 单人 1200×450: the price is the quoted 285.00."]
    with pytest.raises(ValidationError) as exc:
        purchase_order_create(supplier=suppliers_a[0], lines=[{"request_line": line, "quantity": 51}], **base)
    assert messages(exc)["lines"] == ["Line 1: 学生课桌 单人 1200×450: 51 asked, only 50 left to order."]
    with pytest.raises(ValidationError) as exc:
        purchase_order_create(
            **{**base, "buyers": [head_a]},
            supplier=suppliers_a[0],
            lines=[{"request_line": line, "quantity": 50}],
        )
    assert messages(exc) == {"buyers": ["A purchase is made by at least 2 people; 1 given."]}
    assert PurchaseOrder.objects.count() == 0
    line.refresh_from_db()
    assert line.ordered_quantity == Decimal("0")
    # Part of it now, the rest later: the request is ordered once nothing is left.
    first = purchase_order_create(
        supplier=suppliers_a[0], lines=[{"request_line": line, "quantity": 30}], **base
    )
    approved.refresh_from_db()
    assert (first.total, approved.status) == (Decimal("8550.00"), RequestStatus.APPROVED)
    purchase_order_create(supplier=suppliers_a[0], lines=[{"request_line": line, "quantity": 20}], **base)
    approved.refresh_from_db()
    line.refresh_from_db()
    assert (approved.status, line.ordered_quantity, line.ordered_amount) == (
        RequestStatus.ORDERED,
        Decimal("50.000"),
        Decimal("14250.00"),
    )


def test_an_unapproved_request_is_not_ordered(
    school_a, district, teacher_a, head_a, staff_a, room_a, suppliers_a
):
    request = submitted(school_a, teacher_a, [desk_line(quantity=2, room=room_a)])
    with pytest.raises(ValidationError) as exc:
        purchase_order_create(
            actor=head_a,
            school=school_a,
            supplier=suppliers_a[0],
            lines=[{"request_line": request.lines.get(), "quantity": 2}],
            buyers=[head_a, staff_a],
            expected_on=timezone.localdate(),
        )
    assert messages(exc) == {"lines": [f"{request} is waiting for approval, not approved for ordering."]}
    assert PurchaseOrder.objects.count() == 0


def test_cancelling_an_order_frees_its_lines(ordered, approved, head_a):
    purchase_order_cancel(actor=head_a, order=ordered, reason="供应商无法按期交货")
    ordered.refresh_from_db()
    approved.refresh_from_db()
    assert ordered.status == OrderStatus.CANCELLED
    assert approved.status == RequestStatus.APPROVED
    assert approved.lines.get().ordered_quantity == Decimal("0")


# --- inspections -------------------------------------------------------------------------------------


def test_receiving_more_than_ordered_changes_nothing(ordered, keeper_a, teacher_a, room_a):
    line = ordered.lines.get()
    before = frozen(ordered, line)
    with pytest.raises(ValidationError) as exc:
        inspect(
            ordered, keeper_a, [keeper_a, teacher_a], [{"order_line": line, "accepted": 52, "room": room_a}]
        )
    assert messages(exc) == {
        "lines": ["Line 1: 学生课桌 单人 1200×450: 52 accepted, but only 50 of the 50 ordered are still due."]
    }
    assert (Inspection.objects.count(), Asset.objects.count()) == (0, 0)
    assert frozen(ordered, line) == before


def test_one_inspector_for_a_bulk_delivery_is_refused(ordered, keeper_a, room_a):
    line = ordered.lines.get()
    with pytest.raises(ValidationError) as exc:
        inspect(ordered, keeper_a, [keeper_a], [{"order_line": line, "accepted": 50, "room": room_a}])
    assert messages(exc) == {
        "inspectors": [
            "A bulk delivery (14250.00 yuan) is inspected by at least 2 different people; 1 named."
        ]
    }
    assert (Inspection.objects.count(), Asset.objects.count()) == (0, 0)


def test_the_buyers_alone_do_not_inspect(ordered, head_a, staff_a, room_a):
    line = ordered.lines.get()
    with pytest.raises(ValidationError) as exc:
        inspect(ordered, head_a, [head_a, staff_a], [{"order_line": line, "accepted": 50, "room": room_a}])
    assert messages(exc) == {
        "inspectors": ["A buyer of the order is not its only inspector: add someone else."]
    }
    assert Inspection.objects.count() == 0


def test_a_rejection_needs_its_reason(ordered, keeper_a, teacher_a, room_a):
    line = ordered.lines.get()
    with pytest.raises(ValidationError) as exc:
        inspect(
            ordered,
            keeper_a,
            [keeper_a, teacher_a],
            [{"order_line": line, "accepted": 48, "rejected": 2, "room": room_a}],
        )
    assert messages(exc) == {"lines": ["Line 1: 学生课桌 单人 1200×450: say why 2 were rejected."]}
    assert Inspection.objects.count() == 0


def test_incompatible_duties_of_the_rule_book_apply_to_inspectors(
    ordered, district, head_a, keeper_a, room_a
):
    # A school that forbids the buyer to inspect at all (stricter than the default).
    rule_override_set(
        actor=None,
        school=district,
        key="approval.incompatible_duties",
        value=[["approver", "cashier", "bookkeeper"], ["buyer", "inspector"]],
    )
    line = ordered.lines.get()
    with pytest.raises(ValidationError) as exc:
        inspect(ordered, keeper_a, [keeper_a, head_a], [{"order_line": line, "accepted": 50, "room": room_a}])
    assert exc.value.message_dict["user"][0].endswith(
        "is the buyer of this document; the inspector must be someone else."
    )
    assert Inspection.objects.count() == 0
    assert Asset.objects.count() == 0
    assert not DocumentDuty.objects.filter(duty="inspector").exists()


def test_a_small_delivery_may_have_one_inspector(
    school_a, district, head_a, principal_a, staff_a, keeper_a, store_a
):
    chalk = make_item(school_a)
    request = approve_all(
        submitted(school_a, head_a, [supply_line(chalk, quantity=10, price="12.50", store=store_a)]),
        principal_a,
    )
    order = order_all(request, head_a, [head_a, staff_a], supplier=make_supplier(school_a, "文具店"))
    inspection = inspect(order, keeper_a, [keeper_a], [{"order_line": order.lines.get(), "accepted": 10}])
    assert inspection.accepted_total == Decimal("125.00")
    assert StockMovement.objects.get().quantity == Decimal("10.000")


def test_a_supply_without_a_store_is_refused(school_a, district, head_a, principal_a, staff_a, keeper_a):
    chalk = make_item(school_a)
    request = approve_all(submitted(school_a, head_a, [supply_line(chalk, quantity=10)]), principal_a)
    order = order_all(request, head_a, [head_a, staff_a], supplier=make_supplier(school_a, "文具店"))
    with pytest.raises(ValidationError) as exc:
        inspect(order, keeper_a, [keeper_a], [{"order_line": order.lines.get(), "accepted": 10}])
    assert messages(exc) == {"lines": ["Line 1: 粉笔 白色 50支: choose the store it goes into."]}
    assert StockMovement.objects.count() == 0


def test_nothing_more_is_received_on_a_received_order(ordered, keeper_a, teacher_a, room_a):
    line = ordered.lines.get()
    inspect(ordered, keeper_a, [keeper_a, teacher_a], [{"order_line": line, "accepted": 50, "room": room_a}])
    with pytest.raises(ValidationError) as exc:
        inspect(
            ordered, keeper_a, [keeper_a, teacher_a], [{"order_line": line, "accepted": 1, "room": room_a}]
        )
    assert exc.value.messages == [
        "Line 1: 学生课桌 单人 1200×450: 1 accepted, but only 0 of the 50 ordered are still due."
    ]
    assert Inspection.objects.count() == 1


# --- requests ---------------------------------------------------------------------------------------


def test_lines_of_another_school_are_refused(school_a, school_b, teacher_a, room_a):
    from houqin.core.tests.factories import RoomFactory

    chalk_b = make_item(school_b, name="粉笔B")
    room_b = RoomFactory(school=school_b, number="101")
    with pytest.raises(ValidationError) as exc:
        draft(school_a, teacher_a, [supply_line(chalk_b), desk_line(quantity=2.5, room=room_b)])
    assert messages(exc) == {
        "lines": [
            f"Line 1: 粉笔B 白色 50支 is not an item of {school_a}.",
            "Line 2: equipment is counted in whole items.",
            f"Line 2: {room_b} is not a room of {school_a}.",
        ]
    }
    assert PurchaseRequest.objects.count() == 0


def test_only_a_draft_is_changed_and_only_by_its_requester_or_the_office(
    school_a, district, teacher_a, head_a, room_a
):
    from houqin.core.tests.factories import member

    from ..services.requests import purchase_request_update

    request = draft(school_a, teacher_a, [desk_line(quantity=2, room=room_a)])
    colleague = member(school_a, "teacher", username="colleague")
    with pytest.raises(PermissionDenied):
        purchase_request_update(actor=colleague, instance=request, data={"title": "改"})
    changed = purchase_request_update(
        actor=head_a, instance=request, data={"title": "课桌两张"}, lines=[desk_line(quantity=3, room=room_a)]
    )
    assert (changed.title, changed.estimated_total) == ("课桌两张", Decimal("900.00"))
    submitted_request = __import__(
        "houqin.procurement.services.requests", fromlist=["purchase_request_submit"]
    ).purchase_request_submit(actor=teacher_a, request=changed)
    with pytest.raises(ValidationError) as exc:
        purchase_request_update(actor=teacher_a, instance=submitted_request, data={"title": "再改"})
    assert exc.value.messages == ["Only a draft can be changed; this request is waiting for approval."]
    submitted_request.refresh_from_db()
    assert submitted_request.title == "课桌两张"
