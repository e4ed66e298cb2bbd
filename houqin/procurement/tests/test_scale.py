"""Purchasing's step of the synthetic city: counts, consistent sums, and pages that still load."""

from decimal import Decimal

from django.db.models import Count

from houqin.core import scale
from houqin.procurement.scale import scale_procurement

from ..models import PurchaseOrder, PurchaseRequest, Quote, QuoteComparison, Supplier, SupplierCertificate


def test_the_scale_city_gets_its_purchases(db, client):
    assert scale_procurement in scale.SCALE_STEPS
    ctx = scale.seed_scale(schools=2, rooms_per_school=3, users_per_school=8)
    assert Supplier.objects.count() == 10
    assert SupplierCertificate.objects.count() == 10
    assert PurchaseRequest.objects.count() == 40
    assert dict(PurchaseRequest.objects.values_list("status").annotate(n=Count("pk")).order_by()) == {
        "draft": 14,
        "approved": 14,
        "ordered": 12,
    }
    assert Quote.objects.count() == 78
    assert QuoteComparison.objects.count() == 26
    assert PurchaseOrder.objects.count() == 12
    for order in PurchaseOrder.objects.prefetch_related("lines"):
        line = order.lines.get()
        assert line.amount == order.total == (line.quantity * line.unit_price).quantize(Decimal("0.01"))
        assert line.request_line.ordered_amount == order.total
        assert order.buyers.count() == 2
    head = ctx.people[ctx.schools[0].pk][1]
    client.force_login(head)
    assert client.get("/procurement/requests/").status_code == 200
    assert client.get("/procurement/report/").status_code == 200
    assert client.get("/api/procurement/requests/").json()["count"] == 20
