"""A semester of school property in a real browser (the asset issue's "done when"): the office
imports the desks from its Excel ledger, the class head signs for the room on a phone, a
projector is issued to a class and shows on the hand-back list, a lost balance is reported and
paid for, the room is counted by scanning, its shortage is written off through the principal's
approval, and the reconciliation report shows books against count."""

import datetime
from decimal import Decimal

import pytest

from houqin.assets.choices import AssetStatus
from houqin.assets.models import Asset, AssetIncident, AssetLoan, RoomSignoff, Stocktake
from houqin.assets.tests.factories import load_categories, make_asset, make_room
from houqin.assets.tests.ledgers import ledger
from houqin.core.tests.factories import SemesterFactory, make_school, member

from .conftest import open_page

PASSWORD = "pass-1234"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"width": 1280, "height": 900}


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_categories()
    school = make_school("黄竹林学校")
    SemesterFactory(
        school=school,
        start_date=datetime.date.today() - datetime.timedelta(days=60),
        end_date=datetime.date.today() + datetime.timedelta(days=60),
    )
    teacher = member(school, "teacher", username="zhao", full_name="赵晓燕")
    member(school, "storekeeper", username="liu", full_name="刘云")
    member(school, "head_of_logistics", username="zhou", full_name="周建国")
    member(school, "principal", username="yang", full_name="杨志强")
    room = make_room(school, number="203", name="三年级2班", responsible=teacher)
    store = make_room(school, number="102", name="校产仓库")
    projector = make_asset(
        school,
        name="投影仪",
        category="A02020200",
        unit_price=Decimal("3200.00"),
        room=store,
        acquired_on=datetime.date(2023, 8, 20),
    )
    balance = make_asset(
        school,
        name="电子天平",
        category="A02120000",
        unit_price=Decimal("1200.00"),
        room=room,
        acquired_on=datetime.date(2024, 3, 1),
    )
    return {"school": school, "room": room, "projector": projector, "balance": balance, "tmp": tmp_path}


def test_a_semester_of_school_property(browser, base_url, login, world):
    room, projector, balance = world["room"], world["projector"], world["balance"]

    def sign_in(page, username):
        login(page, username, PASSWORD)

    # 1. The storekeeper imports the class's desks from the school's Excel ledger.
    sheet = world["tmp"] / "资产台账.xlsx"
    sheet.write_bytes(
        ledger(
            [
                "",
                "学生课桌椅（单人）",
                "A05010304",
                "可升降",
                "套",
                "260.00",
                "45",
                "11,700.00",
                "2024.8.20",
                "203",
                "赵晓燕",
            ],
            footer=[["合计", "", "", "", "", "", "45", "11700"]],
        )
    )
    with open_page(browser, viewport=DESK) as page:
        sign_in(page, "liu")
        page.goto(f"{base_url}/assets/cards/")
        with page.expect_navigation():
            page.click("a[href='/assets/imports/add/']")
        page.set_input_files("input[name=file]", str(sheet))
        with page.expect_navigation():
            page.click("form.form button[type=submit]")
        assert not Asset.objects.filter(name__startswith="学生课桌椅").exists()  # a dry run so far
        with page.expect_navigation():
            page.click("form[action$='/commit/'] button[type=submit]")
    desks = Asset.objects.get(name__startswith="学生课桌椅")
    assert (desks.quantity, desks.room, desks.amount, desks.tracking) == (
        45,
        room,
        Decimal("11700.00"),
        "batch",
    )

    # 2. The class head signs for the room's property on her phone.
    with open_page(browser, **PHONE) as phone:
        sign_in(phone, "zhao")
        phone.goto(f"{base_url}/assets/rooms/{room.pk}/")
        assert "学生课桌椅" in phone.inner_text("table.room-list")
        with phone.expect_navigation():
            phone.click("form.signoff-form button[type=submit]")
    signoff = RoomSignoff.objects.get()
    assert (signoff.room, signoff.total_quantity) == (room, 46)  # 45 desks and the balance

    # 3. The storekeeper issues the projector to the class for the semester: it is on the
    #    hand-back list until it comes back.
    with open_page(browser, viewport=DESK) as page:
        sign_in(page, "liu")
        page.goto(f"{base_url}{projector.get_absolute_url()}")
        page.click(f".page-head a[href='/assets/cards/{projector.pk}/lend/']")
        page.wait_for_selector("#action-panel form")
        page.select_option("#action-panel select[name=kind]", "issue")
        page.fill("#action-panel input[name=borrower_class]", "三年级2班")
        page.select_option("#action-panel select[name=borrower]", label="赵晓燕")
        with page.expect_navigation():
            page.click("#action-panel button[type=submit]")
        loan = AssetLoan.objects.get()
        assert (loan.kind, loan.asset, loan.borrower_class) == ("issue", projector, "三年级2班")
        page.goto(f"{base_url}/assets/loans/handback/")
        assert projector.code in page.inner_text("main") and "三年级2班" in page.inner_text("main")

    # 4. The class head reports the balance lost; the office names the payer and records the
    #    payment, and the incident closes.
    with open_page(browser, **PHONE) as phone:
        sign_in(phone, "zhao")
        phone.goto(f"{base_url}{balance.get_absolute_url()}")
        phone.click(f".page-head a[href='/assets/cards/{balance.pk}/report/']")
        phone.wait_for_selector("#action-panel form")
        phone.select_option("#action-panel select[name=kind]", "loss")
        phone.fill("#action-panel textarea[name=description]", "实验课后电子天平不见了")
        phone.fill("#action-panel input[name=responsible_party]", "王小明（三年级2班）")
        with phone.expect_navigation():
            phone.click("#action-panel button[type=submit]")
    incident = AssetIncident.objects.get()
    with open_page(browser, viewport=DESK) as page:
        sign_in(page, "zhou")
        page.goto(f"{base_url}{incident.get_absolute_url()}")
        page.click(f"a[href='/assets/incidents/{incident.pk}/compensation/']")
        page.wait_for_selector("#action-panel form")
        page.fill("#action-panel input[name=payer_name]", "王小明家长")
        with page.expect_navigation():
            page.click("#action-panel button[type=submit]")
        incident.refresh_from_db()
        due = incident.compensation_due
        assert due is not None and due > 0
        page.click(f"a[href='/assets/incidents/{incident.pk}/payment/']")
        page.wait_for_selector("#action-panel form")
        page.fill("#action-panel input[name=amount]", str(due))
        page.fill("#action-panel input[name=receipt_number]", "SJ-0012")
        with page.expect_navigation():
            page.click("#action-panel button[type=submit]")
    incident.refresh_from_db()
    assert (incident.compensation_paid, incident.status) == (due, "closed")

    # 5. The semester's stocktake of room 203: the head of logistics plans it and counts on his
    #    phone by scanning; the balance is not there.
    with open_page(browser, viewport=DESK) as page:
        sign_in(page, "zhou")
        page.goto(f"{base_url}/assets/stocktakes/add/")
        page.fill("input[name=name]", "2026秋季学期 203 盘点")
        page.select_option("select[name=room]", str(room.pk))
        with page.expect_navigation():
            page.click("form.form button[type=submit]")
    stocktake = Stocktake.objects.get()
    with open_page(browser, **PHONE) as phone:
        sign_in(phone, "zhou")
        phone.goto(f"{base_url}/assets/stocktakes/{stocktake.pk}/count/?room={room.pk}")
        phone.fill("#scan-code", desks.code)
        phone.press("#scan-code", "Enter")
        line = stocktake.lines.get(asset=desks)
        phone.locator("#room-panel input.qty[value='45']").wait_for()
        line.refresh_from_db()
        assert line.counted_quantity == 45

    # 6. The shortage is written off; closing sends it to the principal, who approves it.
    with open_page(browser, viewport=DESK) as page:
        sign_in(page, "zhou")
        page.goto(f"{base_url}{stocktake.get_absolute_url()}")
        shortage = stocktake.lines.get(asset=balance)
        form = page.locator(f"form:has(input[name=line][value='{shortage.pk}'])")
        form.locator("select[name=resolution]").select_option("write_off")
        form.locator("input[name=note]").fill("已由学生家长赔偿")
        with page.expect_navigation():
            form.locator("button:not([name=recount])").click()
        with page.expect_navigation():
            page.click(f"form[action='/assets/stocktakes/{stocktake.pk}/close/'] button")
    stocktake.refresh_from_db()
    request = stocktake.approval_request
    assert stocktake.status == "submitted" and request is not None
    with open_page(browser, viewport=DESK) as page:
        sign_in(page, "yang")
        page.goto(f"{base_url}/core/inbox/")
        page.locator(f"#inbox-{request.pk} button[value=approve]").click()
        page.locator(f"#inbox-{request.pk} .status-approved").wait_for()
    stocktake.refresh_from_db()
    balance.refresh_from_db()
    assert (stocktake.status, balance.status) == ("closed", AssetStatus.DISPOSED)

    # 7. The reconciliation report: books against count, by room and category.
    with open_page(browser, viewport=DESK) as page:
        sign_in(page, "zhou")
        page.goto(f"{base_url}/assets/stocktakes/{stocktake.pk}/report/")
        report = page.inner_text("main")
        # By category: the balance's class 1 on the books, 0 counted; the desks 45 and 45.
        balance_row = next(r for r in report.splitlines() if r.startswith("A02120000"))
        desks_row = next(r for r in report.splitlines() if r.startswith("A05010304"))
        assert balance_row.split("\t")[1::2][:3] == ["1", "0", "-1"]
        assert desks_row.split("\t")[1::2][:3] == ["45", "45", "0"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
