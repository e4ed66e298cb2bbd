"""Test helpers of purchasing: suppliers, store items, and the purchase path through the services."""

import datetime
from decimal import Decimal

from django.utils import timezone

from houqin.assets.tests.factories import category
from houqin.core.models import Decision
from houqin.core.services.approvals import approval_decide
from houqin.supplies.models import Item, Store

from ..services.inspections import inspection_record
from ..services.orders import order_lines_from_request, purchase_order_create
from ..services.quotes import quote_add, quote_comparison_decide
from ..services.requests import purchase_request_create, purchase_request_submit
from ..services.suppliers import certificate_create, supplier_create

DESKS = "A05010200"  # 台、桌类: large batches of like items, fixed assets whatever the price


def make_supplier(school, name="城关家具厂", **data):
    return supplier_create(actor=None, school=school, data={"name": name, "contact_person": "王经理", **data})


def make_certificate(supplier, expires_on, kind="business_licence", number="91530100MA6K000001"):
    return certificate_create(
        actor=None,
        school=supplier.school,
        data={"supplier": supplier, "kind": kind, "number": number, "expires_on": expires_on},
    )


def make_item(school, name="粉笔", unit="盒", spec="白色 50支"):
    return Item.objects.create(school=school, name=name, unit=unit, spec=spec)


def make_store(school, name="物资仓库"):
    return Store.objects.create(school=school, name=name)


def desk_line(quantity=50, price="300.00", room=None, **extra):
    return {
        "kind": "equipment",
        "asset_category": category(DESKS),
        "name": "学生课桌",
        "specification": "单人 1200×450",
        "unit": "张",
        "quantity": quantity,
        "estimated_unit_price": Decimal(price),
        "room": room,
        **extra,
    }


def supply_line(item, quantity=20, price="12.50", store=None):
    return {
        "kind": "supply",
        "item": item,
        "quantity": quantity,
        "estimated_unit_price": Decimal(price),
        "store": store,
    }


def draft(school, requester, lines, title="采购学生课桌", **data):
    return purchase_request_create(
        actor=requester,
        school=school,
        data={"title": title, "reason": "新生入学，课桌不足。", "budget_line": "公用经费", **data},
        lines=lines,
    )


def submitted(school, requester, lines, **data):
    return purchase_request_submit(actor=requester, request=draft(school, requester, lines, **data))


def approve_all(request, *approvers):
    """Each approver in turn decides the waiting step."""
    approval = request.approval_request
    for approver in approvers:
        approval = approval_decide(
            actor=approver, request=approval, decision=Decision.APPROVE, comment="同意"
        )
    request.refresh_from_db()
    return request


def three_quotes(request, suppliers, prices, actor, quoted_on=None):
    """One quote per supplier; `prices` per supplier: a unit price for every line, in line order."""
    lines = list(request.lines.order_by("position"))
    quoted_on = quoted_on or timezone.localdate()
    return [
        quote_add(
            actor=actor,
            request=request,
            supplier=supplier,
            quoted_on=quoted_on,
            prices={line.pk: Decimal(p) for line, p in zip(lines, unit_prices, strict=True)},
        )
        for supplier, unit_prices in zip(suppliers, prices, strict=True)
    ]


def decide(request, quote, actor, signers, reason=""):
    return quote_comparison_decide(
        actor=actor, request=request, chosen_quote=quote, signers=signers, reason=reason
    )


def order_all(request, actor, buyers, supplier=None, expected_on=None):
    from ..services.orders import chosen_supplier

    return purchase_order_create(
        actor=actor,
        school=request.school,
        supplier=supplier or chosen_supplier(request),
        lines=order_lines_from_request(request),
        buyers=buyers,
        expected_on=expected_on or timezone.localdate() + datetime.timedelta(days=14),
    )


def inspect(order, actor, inspectors, lines):
    return inspection_record(actor=actor, order=order, inspectors=inspectors, lines=lines)
