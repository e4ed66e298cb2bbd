"""The watch on split purchases (化整为零), the reports' figures, and the reminders."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from houqin.core.models import Notification
from houqin.core.services.approvals import approval_decide

from ..models import PurchaseOrder, PurchaseRequest, SupplierCertificate
from ..selectors import Period, cycle_times, procurement_class_for, savings_report, spending_report
from ..services.alerts import alerts_tick, certificates_expiring_notify, orders_late_notify
from ..services.suppliers import certificate_update
from .factories import (
    approve_all,
    decide,
    desk_line,
    inspect,
    make_certificate,
    make_item,
    make_supplier,
    order_all,
    submitted,
    supply_line,
    three_quotes,
)

pytestmark = pytest.mark.usefixtures("categories")


def test_the_classes_of_the_rule_book(school_a):
    assert procurement_class_for(Decimal("1000.00"), school_a) == "direct"
    assert procurement_class_for(Decimal("1000.01"), school_a) == "quotes"
    assert procurement_class_for(Decimal("999999.99"), school_a) == "quotes"
    assert procurement_class_for(Decimal("1000000.00"), school_a) == "government"
    assert procurement_class_for(Decimal("2000000.00"), school_a) == "public_tender"


def test_desks_bought_in_small_lots_are_flagged(
    school_a, school_b, district, teacher_a, head_a, principal_a, head_b, room_a
):
    first = approve_all(
        submitted(school_a, teacher_a, [desk_line(quantity=4, price="200.00", room=room_a)]), head_a
    )
    # Not counted: a rejected request, another school's, and a request that had its quotes.
    rejected = submitted(
        school_a, teacher_a, [desk_line(quantity=4, price="200.00", room=room_a)], title="被退回"
    )
    rejected.refresh_from_db()
    approval_decide(actor=head_a, request=rejected.approval_request, decision="reject", comment="不需要")
    from houqin.core.tests.factories import RoomFactory, member

    teacher_b = member(school_b, "teacher", username="teacher_b")
    submitted(school_b, teacher_b, [desk_line(quantity=4, price="200.00", room=RoomFactory(school=school_b))])
    submitted(school_a, teacher_a, [desk_line(quantity=10, price="300.00", room=room_a)], title="一批")

    second = submitted(
        school_a, teacher_a, [desk_line(quantity=3, price="200.00", room=room_a)], title="又三张"
    )
    assert second.split_flag is True
    assert second.split_detail == [
        {
            "group": "A05010200 台、桌类",
            "rule": "procurement.quote_threshold",
            "threshold": "1000.00",
            "earlier": "800.00",
            "this": "600.00",
            "total": "1400.00",
            "year": timezone.localdate().year,
            "requests": [first.number],
        }
    ]
    # The rejected one was flagged when it was submitted (800.00 + 800.00); that stays on record.
    assert set(PurchaseRequest.objects.filter(split_flag=True)) == {rejected, second}


def test_the_ordered_amount_replaces_the_estimate(school_a, district, head_a, principal_a, staff_a, store_a):
    chalk = make_item(school_a)
    first = approve_all(
        submitted(school_a, head_a, [supply_line(chalk, quantity=64, price="12.50", store=store_a)]),
        principal_a,
    )
    assert first.estimated_total == Decimal("800.00")
    from ..services.orders import purchase_order_create

    purchase_order_create(
        actor=head_a,
        school=school_a,
        supplier=make_supplier(school_a, "文具店"),
        lines=[{"request_line": first.lines.get(), "quantity": 64, "unit_price": "6.25"}],
        buyers=[head_a, staff_a],
        expected_on=timezone.localdate(),
    )
    # 400.00 ordered + 600.00 now = 1000.00: not above the threshold.
    second = submitted(
        school_a, head_a, [supply_line(chalk, quantity=48, price="12.50", store=store_a)], title="粉笔"
    )
    assert second.split_flag is False
    third = submitted(
        school_a, head_a, [supply_line(chalk, quantity=1, price="12.50", store=store_a)], title="粉笔2"
    )
    assert [w["total"] for w in third.split_detail] == ["1012.50"]
    assert third.split_detail[0]["group"] == "粉笔 白色 50支"


def test_reports_of_a_year(
    school_a,
    district,
    teacher_a,
    head_a,
    principal_a,
    keeper_a,
    staff_a,
    dept_a,
    room_a,
    suppliers_a,
    store_a,
):
    request = approve_all(
        submitted(school_a, teacher_a, [desk_line(room=room_a)], department=dept_a), head_a, principal_a
    )
    quotes = three_quotes(request, suppliers_a, [["285.00"], ["298.00"], ["310.00"]], actor=head_a)
    decide(request, quotes[0], head_a, [head_a, principal_a, keeper_a])
    order = order_all(request, head_a, [head_a, staff_a])
    inspect(
        order,
        keeper_a,
        [keeper_a, teacher_a],
        [{"order_line": order.lines.get(), "accepted": 48, "rejected": 2, "reason": "裂", "room": room_a}],
    )
    chalk = make_item(school_a)
    small = approve_all(
        submitted(school_a, head_a, [supply_line(chalk, quantity=8, price="12.50", store=store_a)]),
        principal_a,
    )
    small_order = order_all(small, head_a, [head_a, staff_a], supplier=make_supplier(school_a, "文具店"))
    inspect(small_order, keeper_a, [keeper_a], [{"order_line": small_order.lines.get(), "accepted": 8}])

    year = timezone.localdate().year
    period = Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    spending = spending_report(user=head_a, scope=school_a, period=period)
    assert spending["total"] == Decimal("13780.00")
    assert [(r["supplier"], r["amount"], r["deliveries"]) for r in spending["by_supplier"]] == [
        ("城关家具厂", Decimal("13680.00"), 1),
        ("文具店", Decimal("100.00"), 1),
    ]
    assert [(str(r["department"]), r["amount"]) for r in spending["by_department"]] == [
        ("教务处", Decimal("13680.00")),
        ("No department", Decimal("100.00")),
    ]
    assert [(r["category"], r["amount"]) for r in spending["by_category"]] == [
        ("Equipment · 台、桌类", Decimal("13680.00")),
        ("Supplies · Other", Decimal("100.00")),
    ]
    assert [r["amount"] for r in spending["by_month"]] == [Decimal("13780.00")]
    savings = savings_report(user=head_a, scope=school_a, period=period)
    assert (savings["count"], savings["total"]) == (1, Decimal("650.00"))
    assert savings["by_supplier"] == [{"supplier": "城关家具厂", "count": 1, "saving": Decimal("650.00")}]
    # The other school's head sees none of it.
    from houqin.core.tests.factories import make_school, member

    other = member(make_school("别校", parent=district), "head_of_logistics", username="other_head")
    assert spending_report(user=other, scope=other.memberships.get().school, period=period)[
        "total"
    ] == Decimal("0.00")
    # Last year's period is empty.
    last = Period(datetime.date(year - 1, 1, 1), datetime.date(year - 1, 12, 31))
    assert savings_report(user=head_a, scope=school_a, period=last)["count"] == 0


def test_cycle_times_in_days(
    school_a, district, teacher_a, head_a, principal_a, keeper_a, staff_a, room_a, suppliers_a
):
    request = approve_all(
        submitted(school_a, teacher_a, [desk_line(quantity=2, price="300.00", room=room_a)]), head_a
    )
    order = order_all(request, head_a, [head_a, staff_a], supplier=suppliers_a[0])
    inspect(order, keeper_a, [keeper_a], [{"order_line": order.lines.get(), "accepted": 2, "room": room_a}])
    tz = timezone.get_current_timezone()
    year = timezone.localdate().year
    at = lambda day, hour: datetime.datetime(year, 1, day, hour, tzinfo=tz)  # noqa: E731
    PurchaseRequest.objects.filter(pk=request.pk).update(
        submitted_at=at(5, 9), approved_at=at(7, 9), completed_at=at(18, 21)
    )
    PurchaseOrder.objects.filter(pk=order.pk).update(created_at=at(8, 21))
    times = cycle_times(
        user=head_a, scope=school_a, period=Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    )
    assert times == {
        "requests": 1,
        "approval": Decimal("2.0"),
        "ordering": Decimal("1.5"),
        "delivery": Decimal("10.0"),
        "whole": Decimal("13.5"),
        "completed": 1,
    }


def test_certificates_are_reminded_of_once_per_expiry(school_a, head_a, suppliers_a):
    today = timezone.localdate()
    soon = make_certificate(suppliers_a[0], today + datetime.timedelta(days=30))
    expired = make_certificate(suppliers_a[1], today - datetime.timedelta(days=1), number="X1")
    make_certificate(suppliers_a[2], today + datetime.timedelta(days=31), number="X2")
    assert certificates_expiring_notify(on=today) == 2
    titles = sorted(Notification.objects.filter(user=head_a).values_list("title", flat=True))
    assert titles == [
        f"Expired on {(today - datetime.timedelta(days=1)).isoformat()}: {expired}",
        f"Expires on {(today + datetime.timedelta(days=30)).isoformat()}: {soon}",
    ]
    assert certificates_expiring_notify(on=today) == 0
    # Renewed: a new expiry date, reminded of again when it comes near.
    certificate_update(actor=None, instance=soon, data={"expires_on": today + datetime.timedelta(days=400)})
    assert certificates_expiring_notify(on=today) == 0
    assert certificates_expiring_notify(on=today + datetime.timedelta(days=380)) == 2  # the renewed and X2
    assert SupplierCertificate.objects.filter(reminded_for__isnull=True).count() == 0


def test_late_orders_are_reminded_of_once(school_a, district, head_a, principal_a, staff_a, store_a):
    chalk = make_item(school_a)
    request = approve_all(submitted(school_a, head_a, [supply_line(chalk, store=store_a)]), principal_a)
    order = order_all(
        request,
        head_a,
        [head_a, staff_a],
        supplier=make_supplier(school_a, "文具店"),
        expected_on=timezone.localdate(),
    )
    assert orders_late_notify(on=timezone.localdate()) == 0
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert alerts_tick(on=tomorrow) == {"certificates": 0, "orders": 1}
    assert sorted(
        Notification.objects.filter(title__startswith="Delivery late").values_list(
            "user__username", flat=True
        )
    ) == [
        "head_a",
        "staff_a",
    ]
    assert orders_late_notify(on=tomorrow) == 0
    order.refresh_from_db()
    assert order.late_notified_on == tomorrow
