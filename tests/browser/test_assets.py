"""School property in a real browser: a teacher on a phone reports damage from the card page (the
form opens in place with htmx), the office moves part of a batch, the class head signs the room."""

import datetime
from decimal import Decimal

import pytest

from houqin.assets.models import Asset, AssetIncident, RoomSignoff
from houqin.assets.tests.factories import load_categories, make_asset, make_desks, make_room
from houqin.core.tests.factories import make_school, member


@pytest.fixture
def world(transactional_db):
    load_categories()
    school = make_school("黄竹林学校")
    teacher = member(school, "teacher", username="zhao", full_name="赵晓燕")
    keeper = member(school, "storekeeper", username="liu", full_name="刘云")
    room = make_room(school, number="203", name="三年级2班", responsible=teacher)
    store = make_room(school, number="102", name="校产仓库")
    desks = make_desks(school, room)
    board = make_asset(
        school,
        name="交互式电子白板一体机",
        category="A02020600",
        unit_price=Decimal("9800.00"),
        room=room,
        acquired_on=datetime.date(2021, 8, 28),
    )
    return {
        "teacher": teacher,
        "keeper": keeper,
        "room": room,
        "store": store,
        "desks": desks,
        "board": board,
    }


def test_a_teacher_reports_damage_on_a_phone(phone_page, base_url, login, world):
    page = phone_page
    login(page, "zhao", "pass-1234")
    board = world["board"]
    page.goto(f"{base_url}{board.get_absolute_url()}")
    assert page.inner_text(".asset-code") == board.code
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click(f".page-head a[href='/assets/cards/{board.pk}/report/']")
    page.wait_for_selector("#action-panel form")
    assert page.url == f"{base_url}{board.get_absolute_url()}"  # the form came in place
    page.fill("#action-panel textarea[name=description]", "屏幕右下角有裂纹")
    with page.expect_navigation():
        page.click("#action-panel button[type=submit]")
    assert page.url == f"{base_url}{board.get_absolute_url()}"
    assert "屏幕右下角有裂纹" in page.inner_text("#timeline")
    incident = AssetIncident.objects.get()
    assert (incident.reported_by, incident.kind) == (world["teacher"], "damage")


def test_the_office_moves_part_of_a_batch(page, base_url, login, world):
    login(page, "liu", "pass-1234")
    desks = world["desks"]
    page.goto(f"{base_url}{desks.get_absolute_url()}")
    page.click(f".page-head a[href='/assets/cards/{desks.pk}/move/']")
    page.wait_for_selector("#action-panel form")
    page.fill("#action-panel input[name=quantity]", "60")
    page.select_option("#action-panel select[name=room]", str(world["store"].pk))
    page.click("#action-panel button[type=submit]")
    page.wait_for_selector("#action-panel .error")
    assert Asset.objects.count() == 2
    page.fill("#action-panel input[name=quantity]", "2")
    with page.expect_navigation():
        page.click("#action-panel button[type=submit]")
    moved = Asset.objects.exclude(pk__in=[desks.pk, world["board"].pk]).get()
    assert page.url == f"{base_url}{moved.get_absolute_url()}"
    assert (moved.quantity, moved.room) == (2, world["store"])


def test_the_class_head_signs_the_rooms_list(phone_page, base_url, login, world):
    page = phone_page
    login(page, "zhao", "pass-1234")
    page.goto(f"{base_url}/assets/rooms/{world['room'].pk}/")
    assert "学生课桌椅" in page.inner_text("table.room-list")
    with page.expect_navigation():
        page.click("form.signoff-form button[type=submit]")
    signoff = RoomSignoff.objects.get()
    assert (signoff.signed_by, signoff.total_quantity) == (world["teacher"], 51)
    assert "赵晓燕" in page.inner_text("#signoff-state")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
