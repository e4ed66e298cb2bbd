"""Repairs on a phone, end to end: a teacher scans a room's QR code and reports a broken lock with
a photo; the head of logistics assigns it; the worker takes a lock from the store and closes the
order; the teacher confirms. The task worker generates the Friday round; one failed item becomes a
repair request; the dashboard shows the times. And the same QR code without a login."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from PIL import Image

from houqin.core.services.rules import rule_override_set
from houqin.core.tests.factories import BuildingFactory, CampusFactory, RoomFactory, make_school, member
from houqin.maintenance.choices import RequestStatus
from houqin.maintenance.models import InspectionRound, RepairRequest, WorkOrder
from houqin.maintenance.services.inspections import checklist_create, inspection_plan_create
from houqin.maintenance.services.public import qr_path
from houqin.supplies.models import StockBalance
from houqin.supplies.tests import factories as supplies_factories

from .conftest import open_page

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
}
PASSWORD = "pass-1234"


def photo(name):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(buffer, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


@pytest.fixture
def school(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    school = make_school("黄竹林学校")
    teacher = member(school, "teacher", username="zhao", full_name="赵晓燕")
    member(school, "head_of_logistics", username="zhou", full_name="周建国")
    member(school, "repair_worker", username="huang", full_name="黄大伟")
    inspector = member(school, "logistics_staff", username="tian", full_name="田丽")
    building = BuildingFactory(school=school, name="教学楼", campus=CampusFactory(school=school, name="本部"))
    room = RoomFactory(school=school, building=building, number="301", name="三年级2班", responsible=teacher)
    checklist = checklist_create(
        actor=None,
        school=school,
        data={
            "name": "校舍检查表",
            "room_kind": "",
            "items": [("门窗、门锁完好", "doors_windows"), ("电灯正常", "electricity")],
        },
    )
    today = timezone.localdate()
    last_friday = today - datetime.timedelta(days=(today.weekday() - 4) % 7)
    # The round may be walked within the week, whichever day the test runs on.
    rule_override_set(actor=None, school=school, key="maintenance.inspection_grace_days", value=7)
    inspection_plan_create(
        actor=None,
        school=school,
        data={
            "name": "每周五校园校舍全面检查",
            "recurrence": "weekly",
            "weekday": 4,
            "checklists": [checklist],
            "inspector": inspector,
            "starts_on": last_friday,
        },
    )
    locks = supplies_factories.item(school, name="球形门锁", unit="把", category="hardware")
    supplies_factories.receive(school, locks, supplies_factories.store(school, name="维修仓库"), 5, "35.00")
    return {"school": school, "room": room, "friday": last_friday, "locks": locks}


def chinese(text):
    """What the page shows for a translatable text (the browsers here ask for Chinese)."""
    with translation.override("zh-hans"):
        return str(text)


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_report_assign_repair_confirm_inspect_dashboard(browser, base_url, login, school, settings):
    room = school["room"]
    # 1. The teacher scans the room's QR code on her phone: the room's page, "report a fault".
    with open_page(browser, **PHONE) as phone:
        login(phone, "zhao", PASSWORD)
        phone.goto(f"{base_url}{qr_path(room)}")
        assert phone.url == f"{base_url}{room.get_absolute_url()}"
        phone.click("#report-fault")
        assert phone.input_value("#id_room") == str(room.pk)
        fits_the_phone(phone)
        phone.select_option("#id_kind", "doors_windows")
        phone.check("input[name=urgency][value=urgent]")
        phone.fill("#id_description", "教室前门锁坏了，锁不上")
        phone.set_input_files("#id_photos", [photo("lock.png")])
        with phone.expect_navigation():
            phone.click("#report-form button[type=submit]")
        request = RepairRequest.objects.get()
        assert phone.url == f"{base_url}{request.get_absolute_url()}"
        assert phone.inner_text("#status") == chinese(RequestStatus.SUBMITTED.label)
        assert phone.locator("#photos img").count() == 1
        fits_the_phone(phone)

    # 2. The head of logistics assigns it to the worker (at the office's computer).
    with open_page(browser, viewport={"width": 1280, "height": 800}) as desk:
        login(desk, "zhou", PASSWORD)
        desk.goto(f"{base_url}{request.get_absolute_url()}")
        desk.select_option("#accept-form select[name=assignee]", label="黄大伟")
        with desk.expect_navigation():
            desk.click("#accept-form button[type=submit]")
        order = WorkOrder.objects.get()
        assert (order.assignee.username, order.status) == ("huang", "assigned")

    # 3. The worker takes a lock from the store and closes the order, on his phone.
    with open_page(browser, **PHONE) as phone:
        login(phone, "huang", PASSWORD)
        phone.goto(f"{base_url}/maintenance/workorders/mine/")
        with phone.expect_navigation():
            phone.click(f"#my-orders a[href='{order.get_absolute_url()}']")
        with phone.expect_navigation():
            phone.click("#start-form button[type=submit]")
        balance = StockBalance.objects.get(item=school["locks"])
        phone.select_option("#store-material-form select[name=balance]", str(balance.pk))
        phone.fill("#store-material-form input[name=quantity]", "1")
        with phone.expect_navigation():
            phone.click("#store-material-form button[type=submit]")
        assert "球形门锁" in phone.inner_text("#materials")
        balance.refresh_from_db()
        assert str(balance.quantity.normalize()) == "4"  # the store's books follow
        phone.fill("#complete-form input[name=labour_hours]", "1")
        phone.fill("#complete-form input[name=note]", "换了新门锁")
        with phone.expect_navigation():
            phone.click("#complete-form button[type=submit]")
        fits_the_phone(phone)
        order.refresh_from_db()
        assert (order.status, str(order.total_cost)) == ("completed", "35.00")

    # 4. The teacher confirms and rates the repair.
    with open_page(browser, **PHONE) as phone:
        login(phone, "zhao", PASSWORD)
        phone.goto(f"{base_url}{request.get_absolute_url()}")
        phone.check("#confirm-form input[name=rating][value='5']")
        phone.fill("#confirm-form input[name=feedback]", "修得很快")
        with phone.expect_navigation():
            phone.click("#confirm-form button[type=submit]")
        assert phone.inner_text("#rating").startswith("★★★★★")
        request.refresh_from_db()
        assert (request.status, request.rating) == ("closed", 5)

    # 5. The task worker generates the Friday round: the scheduler queues the tick in the
    # database, `houqin worker` (db_worker) runs it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("scheduler", "--once", stdout=io.StringIO())
    assert InspectionRound.objects.count() == 0  # queued, not run yet
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    rnd = InspectionRound.objects.get()
    assert rnd.occurrence_date == school["friday"]

    # 6. The inspector walks it on her phone; the lock fails, with a photo and a note.
    with open_page(browser, **PHONE) as phone:
        login(phone, "tian", PASSWORD)
        phone.goto(f"{base_url}{rnd.get_absolute_url()}")
        with phone.expect_navigation():
            phone.click(f"#rooms a[href*='room={room.pk}']")
        lock, light = rnd.results.order_by("position")
        phone.check(f"input[name=outcome_{lock.pk}][value=fail]")
        assert phone.is_visible(f"#note_{lock.pk}")
        phone.fill(f"#note_{lock.pk}", "后门锁也松了")
        phone.set_input_files(f"#photo_{lock.pk}", [photo("door.png")])
        phone.check(f"input[name=outcome_{light.pk}][value=pass]")
        fits_the_phone(phone)
        with phone.expect_navigation():
            phone.click("#walk-form button[type=submit]")
        assert phone.url == f"{base_url}{rnd.get_absolute_url()}"
        assert phone.inner_text("#progress").startswith("2/2")
    found = RepairRequest.objects.get(source="inspection")
    assert (found.room, found.kind, found.description) == (
        room,
        "doors_windows",
        "门窗、门锁完好: 后门锁也松了",
    )
    rnd.refresh_from_db()
    assert (rnd.status, rnd.items_failed) == ("completed", 1)

    # 7. The dashboard shows the times.
    with open_page(browser, viewport={"width": 1280, "height": 800}) as desk:
        login(desk, "zhou", PASSWORD)
        desk.goto(f"{base_url}/maintenance/")
        hours = round(WorkOrder.objects.get(pk=order.pk).resolution_seconds / 3600, 1)
        assert desk.inner_text("#completed") == "1"
        assert desk.inner_text("#ttr-median") == str(hours)
        assert desk.inner_text("#ttr-p90") == str(hours)
        assert desk.inner_text("#new-requests") == "1"  # the one the inspection found
        assert desk.inner_text("#completion-rate") == "100.0%"
        assert "球形门锁" not in desk.inner_text("main")


def test_a_visitor_reports_through_the_qr_code_without_login(browser, base_url, school):
    room = school["room"]
    with open_page(browser, **PHONE) as phone:
        phone.goto(f"{base_url}{qr_path(room)}")
        assert "/maintenance/report/" in phone.url
        assert phone.inner_text("#room .m-room-name") == "教学楼 301 三年级2班"
        # The honeypot is there for robots, off the screen for people.
        box = phone.locator("#id_website").bounding_box()
        assert box is None or box["x"] + box["width"] <= 0
        fits_the_phone(phone)
        phone.select_option("#id_kind", "water")
        phone.fill("#id_description", "走廊水龙头漏水")
        phone.fill("#id_reporter_phone", "13900001111")
        phone.set_input_files("#id_photos", [photo("tap.png")])
        with phone.expect_navigation():
            phone.click("#report-form button[type=submit]")
        assert "/maintenance/track/" in phone.url
        assert phone.is_visible("#reported")
        assert phone.inner_text("#track-link") == phone.url.split("?")[0]
        fits_the_phone(phone)
    request = RepairRequest.objects.get()
    assert (request.source, request.reporter, request.reporter_phone, request.room) == (
        "public",
        None,
        "13900001111",
        room,
    )
