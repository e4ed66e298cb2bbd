"""Samples of the purchasing models for the route-walking leak test (tests/samples.py).

Each goes through the real services: a request approved by a helper head of logistics, quotes,
an open order and an inspected one. Helper objects carry "LEAK-" in their names."""

import datetime
from decimal import Decimal

from django.utils import timezone

from houqin.core.models import Decision, Membership, Role
from houqin.core.services.approvals import approval_decide
from houqin.core.tests.factories import UserFactory, role

from ..models import Inspection, PurchaseOrder, PurchaseRequest, Quote, Supplier, SupplierCertificate

PREFIX = "LEAK-"


def _marker(model):
    return f"{PREFIX}{model._meta.app_label}-{model._meta.model_name}"


def _helper(school, code):
    """A member of the victim school holding `code` (an approver, a second buyer)."""
    username = f"leak-proc-{code}"
    from houqin.core.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = UserFactory(username=username, full_name=f"{PREFIX}{code}")
        role(code)
        Membership.objects.create(user=user, school=school, role=Role.objects.get(code=code))
    return user


def _supplier(school, name):
    from ..services.suppliers import supplier_create

    existing = Supplier.objects.filter(school=school, name=name).first()
    return existing or supplier_create(actor=None, school=school, data={"name": name})


def _item_and_store(school):
    from houqin.supplies.models import Item, Store

    item, _ = Item.objects.get_or_create(
        school=school, name=f"{PREFIX}proc-item", spec="", defaults={"unit": "盒"}
    )
    store, _ = Store.objects.get_or_create(school=school, name=f"{PREFIX}proc-store")
    return item, store


def _approved(school, user, title):
    from ..services.requests import purchase_request_create, purchase_request_submit

    role("principal")
    role("district_supervisor")
    head = _helper(school, "head_of_logistics")
    item, store = _item_and_store(school)
    request = purchase_request_create(
        actor=user,
        school=school,
        data={"title": title, "reason": f"{PREFIX}reason", "budget_line": f"{PREFIX}budget"},
        lines=[
            {
                "kind": "supply",
                "item": item,
                "store": store,
                "quantity": 10,
                "estimated_unit_price": Decimal("12.50"),
            }
        ],
    )
    request = purchase_request_submit(actor=user, request=request)
    approval_decide(actor=head, request=request.approval_request, decision=Decision.APPROVE)
    request.refresh_from_db()
    return request


def _order(school, user, place):
    from ..services.orders import order_lines_from_request, purchase_order_create

    request = _approved(school, user, f"{place}-request")
    return purchase_order_create(
        actor=user,
        school=school,
        supplier=_supplier(school, f"{place}-supplier"),
        lines=order_lines_from_request(request),
        buyers=[user, _helper(school, "logistics_staff")],
        expected_on=timezone.localdate() + datetime.timedelta(days=7),
        delivery_place=place,
    )


def build_supplier(school, user):
    from ..services.suppliers import supplier_create

    return supplier_create(
        actor=user, school=school, data={"name": _marker(Supplier), "note": _marker(Supplier)}
    )


def build_certificate(school, user):
    from ..services.suppliers import certificate_create

    return certificate_create(
        actor=user,
        school=school,
        data={
            "supplier": _supplier(school, f"{PREFIX}cert-supplier"),
            "kind": "business_licence",
            "number": _marker(SupplierCertificate),
            "expires_on": timezone.localdate() + datetime.timedelta(days=10),
        },
    )


def build_request(school, user):
    return _approved(school, user, _marker(PurchaseRequest))


def build_quote(school, user):
    from ..services.quotes import quote_add

    request = _approved(school, user, f"{PREFIX}quote-request")
    return quote_add(
        actor=user,
        request=request,
        supplier=_supplier(school, f"{PREFIX}quote-supplier"),
        quoted_on=timezone.localdate(),
        prices={line.pk: Decimal("12.00") for line in request.lines.all()},
        note=_marker(Quote),
    )


def build_order(school, user):
    return _order(school, user, _marker(PurchaseOrder))


def build_inspection(school, user):
    from ..services.inspections import inspection_record

    order = _order(school, user, f"{PREFIX}inspected-order")
    return inspection_record(
        actor=user,
        order=order,
        inspectors=[user, _helper(school, "storekeeper")],
        lines=[{"order_line": line, "accepted": line.quantity} for line in order.lines.all()],
        delivery_note_number=_marker(Inspection),
    )


SAMPLES = {
    Supplier: build_supplier,
    SupplierCertificate: build_certificate,
    PurchaseRequest: build_request,
    Quote: build_quote,
    PurchaseOrder: build_order,
    Inspection: build_inspection,
}
