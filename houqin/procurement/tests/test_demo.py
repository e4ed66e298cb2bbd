"""The demo district's purchasing: built through the services, once, with a semester of history."""

from decimal import Decimal

from django.utils import timezone

from houqin.assets.models import Asset
from houqin.core.demo import build_demo as build_district
from houqin.core.models import School
from houqin.supplies.models import StockMovement

from ..demo import build_demo
from ..models import Inspection, PurchaseOrder, PurchaseRequest, QuoteComparison, Supplier
from ..selectors import certificates_expiring, cycle_times, orders_late, savings_report, year_period


def test_the_demo_districts_purchasing(db):
    district = build_district().district
    result = build_demo(district)
    assert result.created is True
    assert (result.suppliers, result.requests, result.orders, result.inspections) == (13, 9, 6, 6)
    hzl = School.objects.get(code="TPHZL")
    assert Supplier.objects.get(school=hzl, name="云岭电器商行").is_blocked is True

    desks = PurchaseRequest.objects.get(school=hzl, title="三年级新增课桌50张")
    assert desks.status == "completed"
    assert desks.comparison.saving == Decimal("650.00")
    card_quantities = sorted(
        Asset.objects.filter(school=hzl, contract_number__startswith="DD-", name="学生课桌").values_list(
            "quantity", flat=True
        )
    )
    assert card_quantities == [2, 48]
    assert Inspection.objects.filter(school=hzl, lines__rejected_quantity=2).count() == 1

    paper = PurchaseRequest.objects.get(school=hzl, title="本学期复印纸20箱")
    assert paper.comparison.saving == Decimal("120.00")
    assert StockMovement.objects.filter(school=hzl, reference__startswith="YS-").count() == 3

    third_chalk = PurchaseRequest.objects.get(school=hzl, title="粉笔（第3批）")
    assert third_chalk.status == "pending"
    assert [w["total"] for w in third_chalk.split_detail] == ["1125.00"]

    projector = PurchaseRequest.objects.get(school=hzl, title="多媒体教室投影仪更换")
    assert projector.comparison.saving == Decimal("-130.00")
    head = projector.approval_request.duties.get(duty="buyer", user__username="zhoujianguo").user
    assert [o.supplier.name for o in orders_late(user=head, scope=hzl)] == ["昆明星辉教学设备有限公司"]
    assert [c.supplier.name for c in certificates_expiring(user=head, scope=hzl)] == [
        "昆明星辉教学设备有限公司"
    ]

    year = timezone.localdate().year
    savings = savings_report(user=head, scope=hzl, period=year_period(year))
    assert savings["total"] == Decimal("640.00")  # 650 + 120 − 130
    times = cycle_times(user=head, scope=hzl, period=year_period(year))
    assert times["approval"] is not None and times["approval"] > 0

    zs = School.objects.get(code="TPZS")
    assert sorted(PurchaseRequest.objects.filter(school=zs).values_list("status", flat=True)) == [
        "completed",
        "pending",
        "rejected",
    ]

    again = build_demo(district)
    assert again.created is False
    assert PurchaseOrder.objects.count() == 6
    assert QuoteComparison.objects.count() == 3


def test_every_purchasing_page_of_the_demo_opens(db, client):
    from django.urls import reverse

    district = build_district().district
    build_demo(district)
    hzl = School.objects.get(code="TPHZL")
    from houqin.core.models import User

    client.force_login(User.objects.get(username="zhoujianguo"))
    urls = [
        reverse("procurement:dashboard"),
        reverse("procurement:report"),
        reverse("procurement:purchaserequest_add"),
    ]
    for name in (
        "supplier",
        "suppliercertificate",
        "purchaserequest",
        "quote",
        "purchaseorder",
        "inspection",
    ):
        urls.append(reverse(f"procurement:{name}_list"))
    for obj in [*Supplier.objects.filter(school=hzl), *PurchaseRequest.objects.filter(school=hzl)]:
        urls.append(obj.get_absolute_url())
    for order in PurchaseOrder.objects.filter(school=hzl):
        urls += [order.get_absolute_url(), reverse("procurement:purchaseorder_print", args=[order.pk])]
        if order.is_open:
            urls.append(reverse("procurement:purchaseorder_inspect", args=[order.pk]))
    for inspection in Inspection.objects.filter(school=hzl):
        urls += [inspection.get_absolute_url(), reverse("procurement:inspection_print", args=[inspection.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("procurement:dashboard")).content.decode()
    assert 'id="n-late">1<' in page and 'id="n-expiring">1<' in page
    report = client.get(reverse("procurement:report")).content.decode()
    assert 'id="saved">640.00<' in report
    assert 'id="n-splits">1<' in report
