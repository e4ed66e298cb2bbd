"""The classroom cleaning kit in a real browser: the head of logistics allots it to the classes,
the storekeeper issues it in one action (the store is a mop short, so the last class waits on the
shortage list), and a class head signs for her class's kit from her phone."""

from decimal import Decimal

import pytest
from django.utils import timezone

from houqin.core.tests.factories import BuildingFactory, CampusFactory, RoomFactory, make_school, member
from houqin.supplies.models import Allotment, AllotmentTarget, Item, StockBalance, Store
from houqin.supplies.services.allotments import kit_create
from houqin.supplies.services.stock import stock_receive

from .conftest import open_page


@pytest.fixture
def school_world(transactional_db):
    school = make_school("黄竹林学校")
    head = member(school, "head_of_logistics", username="zhoujianguo", full_name="周建国")
    keeper = member(school, "storekeeper", username="liuyun", full_name="刘云")
    heads = [
        member(school, "teacher", username="zhaoxiaoyan", full_name="赵晓燕"),
        member(school, "teacher", username="wanghongmei", full_name="王红梅"),
        member(school, "teacher", username="lizhihua", full_name="李志华"),
    ]
    building = BuildingFactory(school=school, name="教学楼", campus=CampusFactory(school=school, name="本部"))
    rooms = [
        RoomFactory(school=school, building=building, number=f"{n}", name=name, responsible=h, capacity=45)
        for n, name, h in (
            (201, "三年级2班", heads[0]),
            (202, "三年级1班", heads[1]),
            (301, "四年级1班", heads[2]),
        )
    ]
    store = Store.objects.create(school=school, name="物资仓库", keeper=keeper)
    lines = []
    for name, unit, per_class, stocked in (
        ("扫帚", "把", 2, 6),
        ("拖把", "把", 1, 2),
        ("水桶", "个", 1, 3),
        ("簸箕", "个", 1, 3),
    ):
        item = Item.objects.create(school=school, name=name, unit=unit, category="cleaning")
        stock_receive(
            school=school, item=item, store=store, quantity=stocked, unit_cost=Decimal("12.00"), actor=None
        )
        lines.append({"item": item, "quantity": Decimal(per_class)})
    kit = kit_create(actor=head, school=school, name="教室清洁工具", lines=lines)
    return {
        "school": school,
        "head": head,
        "keeper": keeper,
        "heads": heads,
        "rooms": rooms,
        "store": store,
        "kit": kit,
    }


def test_cleaning_kit_from_allotment_to_the_class_heads_signature(browser, base_url, login, school_world):
    w = school_world
    # 1. The head of logistics allots the kit to the classes (all preselected) from the store.
    with open_page(browser, viewport={"width": 1280, "height": 800}) as page:
        login(page, "zhoujianguo", "pass-1234")
        page.goto(f"{base_url}/supplies/allotments/add/?kit={w['kit'].pk}")
        assert page.input_value("#id_kit") == str(w["kit"].pk)
        assert page.locator("#allotment-form input[name=rooms]:checked").count() == 3
        page.fill("#id_title", "2026年秋季学期教室清洁工具")
        page.select_option("#id_store", str(w["store"].pk))
        with page.expect_navigation():
            page.click("#allotment-form button[type=submit]")
        allotment = Allotment.objects.get()
        assert page.url == f"{base_url}/supplies/allotments/{allotment.pk}/"
        assert page.locator("#targets tbody tr").count() == 3

    # 2. The storekeeper issues it to every class in one action; one class comes up short.
    with open_page(browser, viewport={"width": 1280, "height": 800}) as page:
        login(page, "liuyun", "pass-1234")
        page.goto(f"{base_url}/supplies/allotments/{allotment.pk}/")
        page.on("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation():
            page.click("#issue-form button[type=submit]")
        assert page.locator(".flash").count() == 2  # the warning about the short class, and the success
        shortage = page.inner_text("#shortage")
        assert "拖把" in shortage
        statuses = dict(AllotmentTarget.objects.values_list("room__name", "status"))
        assert statuses == {"三年级2班": "issued", "三年级1班": "issued", "四年级1班": "short"}
        assert StockBalance.objects.get(item__name="拖把").quantity == Decimal("0.000")
        # All or nothing: the short class took no broom, bucket or dustpan.
        assert StockBalance.objects.get(item__name="扫帚").quantity == Decimal("2.000")

    # 3. The class head of 三年级2班 signs for her class's kit on her phone.
    with open_page(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=3
    ) as phone:
        login(phone, "zhaoxiaoyan", "pass-1234")
        phone.goto(f"{base_url}/supplies/receipts/")
        target = AllotmentTarget.objects.get(room__name="三年级2班")
        link = phone.locator(f"#receipts a[href='/supplies/allotmenttargets/{target.pk}/']")
        assert "三年级2班" in link.inner_text()
        with phone.expect_navigation():
            link.click()
        slip = phone.inner_text(f"#slip-{target.pk}")
        assert "扫帚" in slip and "拖把" in slip and "三年级2班" in slip
        with phone.expect_navigation():
            phone.click("#confirm-form button[type=submit]")
        signed = phone.inner_text(f"#signed-{target.pk}")
        target.refresh_from_db()
        assert target.status == "confirmed" and target.confirmed_by == w["heads"][0]
        assert timezone.localtime(target.confirmed_at).strftime("%Y-%m-%d %H:%M") in signed
        assert phone.locator("#confirm-form").count() == 0
        # The page fits the phone: nothing scrolls sideways.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
