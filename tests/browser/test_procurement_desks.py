"""Fifty desks, in a real browser: a department's request, approval by the head of logistics and
the principal, three quotes and the signed comparison, the order, an inspection on a phone that
refuses two desks, the asset card of the other 48, and the saving in the purchasing report."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from houqin.assets.models import Asset, AssetCategory
from houqin.assets.services.categories import category_import
from houqin.core.models import Department
from houqin.core.tests.factories import RoomFactory, make_school, member
from houqin.procurement.models import Inspection, PurchaseOrder, PurchaseRequest, QuoteComparison
from houqin.procurement.services.suppliers import supplier_create

from .conftest import open_page

DESKS = "A05010200"


@pytest.fixture
def world(transactional_db):
    category_import()
    district = make_school("太平中心学校", kind="district")
    school = make_school("黄竹林学校", parent=district)
    grade = Department.objects.create(school=school, name="低年级组")
    people = {
        "teacher": member(school, "teacher", username="zhao", full_name="赵晓燕"),
        "head": member(school, "head_of_logistics", username="zhou", full_name="周建国"),
        "principal": member(school, "principal", username="yang", full_name="杨志强"),
        "keeper": member(school, "storekeeper", username="liu", full_name="刘云"),
        "staff": member(school, "logistics_staff", username="tian", full_name="田丽"),
    }
    room = RoomFactory(school=school, number="203", name="三年级2班", responsible=people["teacher"])
    suppliers = [
        supplier_create(actor=None, school=school, data={"name": name})
        for name in ("城关家具厂", "昆明星辉教学设备有限公司", "宏达办公家具")
    ]
    return {"school": school, "grade": grade, "room": room, "suppliers": suppliers, **people}


def approve(page, base_url, login, username, request):
    login(page, username, "pass-1234")
    page.goto(f"{base_url}{request.get_absolute_url()}")
    with page.expect_navigation():
        page.click("#approval-link")
    page.fill("textarea[name=comment]", "同意")
    with page.expect_navigation():
        page.click("button[name=decision][value=approve]")


def test_fifty_desks_from_request_to_report(browser, base_url, login, world):
    school, room = world["school"], world["room"]
    category = AssetCategory.objects.get(school__isnull=True, code=DESKS)

    # 1. The grade group asks (部门申请).
    with open_page(browser, viewport={"width": 1280, "height": 900}) as page:
        login(page, "zhao", "pass-1234")
        page.goto(f"{base_url}/procurement/requests/add/")
        page.fill("#id_title", "三年级新增课桌50张")
        page.select_option("#id_department", str(world["grade"].pk))
        page.fill("#id_reason", "新增一个班，课桌不足。")
        page.select_option("#id_lines-0-kind", "equipment")
        assert page.is_hidden("#id_lines-0-item")  # supplies-only fields hide for equipment
        page.select_option("#id_lines-0-asset_category", str(category.pk))
        page.select_option("#id_lines-0-room", str(room.pk))
        page.fill("#id_lines-0-name", "学生课桌")
        page.fill("#id_lines-0-unit", "张")
        page.fill("#id_lines-0-quantity", "50")
        page.fill("#id_lines-0-estimated_unit_price", "300")
        with page.expect_navigation():
            page.click("#save-request")
        request = PurchaseRequest.objects.get()
        assert page.inner_text("#estimated-total") == "15000.00"
        with page.expect_navigation():
            page.click("#submit-request")
        request.refresh_from_db()
        assert request.status == "pending"
        assert page.inner_text("#request-number") == request.number

    # 2. Approval by authority (权限审批): the head of logistics, then the principal.
    for username in ("zhou", "yang"):
        with open_page(browser) as page:
            approve(page, base_url, login, username, request)
    request.refresh_from_db()
    assert request.status == "approved"

    # 3. The office buys (总务办理) after comparing three suppliers (货比三家).
    line = request.lines.get()
    with open_page(browser, viewport={"width": 1280, "height": 900}) as page:
        login(page, "zhou", "pass-1234")
        for supplier, price in zip(world["suppliers"], ("285.00", "298.00", "310.00"), strict=True):
            page.goto(f"{base_url}{request.get_absolute_url()}")
            with page.expect_navigation():
                page.click("#add-quote")
            page.select_option("#id_supplier", str(supplier.pk))
            page.fill(f"#id_price_{line.pk}", price)
            with page.expect_navigation():
                page.click("#save-quote")
        totals = page.eval_on_selector_all(
            "#comparison-table tfoot th[data-total]", "ths => ths.map(t => t.textContent)"
        )
        assert totals == ["14250.00", "14900.00", "15500.00"]
        cheapest = request.quotes.get(supplier=world["suppliers"][0])
        page.check(f"#decide-form input[name=chosen_quote][value='{cheapest.pk}']")
        for who in ("head", "principal", "keeper"):
            page.check(f"#decide-form input[name=signers][value='{world[who].pk}']")
        with page.expect_navigation():
            page.click("#decide")
        assert page.inner_text("#saving") == "650.00"
        assert page.inner_text("#chosen-supplier") == "城关家具厂"

        with page.expect_navigation():
            page.click("#place-order")
        page.fill("#id_expected_on", (timezone.localdate() + datetime.timedelta(days=14)).isoformat())
        page.check(f"#order-form input[name=buyers][value='{world['staff'].pk}']")
        assert page.is_checked(f"#order-form input[name=buyers][value='{world['head'].pk}']")
        with page.expect_navigation():
            page.click("#save-order")
        order = PurchaseOrder.objects.get()
        assert page.inner_text("#order-number") == order.number
        assert page.inner_text("#order-total") == "14250.00"

    # 4. Inspection before stock-in (先验收入库): the storekeeper, on a phone, refuses two desks.
    with open_page(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=3
    ) as phone:
        login(phone, "liu", "pass-1234")
        phone.goto(f"{base_url}{order.get_absolute_url()}")
        with phone.expect_navigation():
            phone.click("#inspect")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        order_line = order.lines.get()
        phone.fill(f"#id_accepted_{order_line.pk}", "48")
        phone.fill(f"#id_rejected_{order_line.pk}", "2")
        phone.fill(f"#id_reason_{order_line.pk}", "桌面开裂")
        assert phone.input_value(f"#id_room_{order_line.pk}") == str(room.pk)
        phone.check(f"#inspection-form input[name=inspectors][value='{world['teacher'].pk}']")
        phone.fill("#id_delivery_note_number", "CG-0915")
        with phone.expect_navigation():
            phone.click("#save-inspection")
        inspection = Inspection.objects.get()
        assert phone.inner_text("#inspection-number") == inspection.number
        assert phone.inner_text("#inspection-lines td.accepted") == "48"
        assert phone.inner_text("#inspection-lines td.rejected") == "2"
        card = Asset.objects.get()
        assert phone.inner_text("#inspection-lines a.asset-card") == f"{card.code} 学生课桌 × 48"
        assert (card.quantity, card.unit_price, card.supplier, card.room) == (
            48,
            Decimal("285.00"),
            "城关家具厂",
            room,
        )

    # 5. The saving in the report.
    with open_page(browser, viewport={"width": 1280, "height": 900}) as page:
        login(page, "zhou", "pass-1234")
        page.goto(f"{base_url}/procurement/report/")
        assert page.inner_text("#saved") == "650.00"
        assert page.inner_text("#savings-total") == "650.00"
        assert page.inner_text("#spent") == "13680.00"
        assert page.inner_text("#savings-table tbody td.saving") == "650.00"
    assert QuoteComparison.objects.get().saving == Decimal("650.00")
    assert school.pk == request.school_id
