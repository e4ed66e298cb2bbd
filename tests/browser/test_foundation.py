"""The foundation's done-when walk, in a real browser on the demo district: the head of logistics
of 黄竹林学校 logs in, switches to another school they belong to and back, opens a room and prints
its QR label, decides an approval waiting in their inbox, edits the room and reads its History."""

import re

from houqin.core.demo import DEMO_PASSWORD, build_demo
from houqin.core.models import ApprovalRequest, ChangeLogEntry, Room


def test_head_of_logistics_walks_the_foundation(page, base_url, login):
    build_demo()
    login(page, "zhoujianguo", DEMO_PASSWORD)

    # The home page is in Chinese and works in his own school.
    switcher = page.locator("#scope-select")
    assert switcher.locator("option:checked").inner_text().startswith("黄竹林学校")

    # Switch to 示范小学 (he looks after its property too), then back.
    with page.expect_navigation():
        switcher.select_option(label="示范小学")
    assert page.locator("#scope-select option:checked").inner_text().startswith("示范小学")
    page.goto(f"{base_url}/core/rooms/")
    assert "示范小学" in page.locator("#results").inner_text()
    with page.expect_navigation():
        page.locator("#scope-select").select_option(label="黄竹林学校")

    # Open a room of his school from the list, then its printable QR label.
    room = Room.objects.filter(school__name="黄竹林学校", kind="classroom").order_by("pk").first()
    page.goto(f"{base_url}/core/rooms/?q={room.number}")
    page.locator(f"#results a[href='/core/rooms/{room.pk}/']").first.click()
    page.wait_for_url(re.compile(rf"/core/rooms/{room.pk}/$"))
    assert page.locator("#room-qr svg").count() == 1
    page.locator(f"a[href='/core/rooms/{room.pk}/qr/']").click()
    page.wait_for_url(re.compile(r"/qr/$"))
    assert page.locator("[data-print]").is_visible()
    assert page.locator("svg").count() >= 1
    pdf = page.pdf(format="A4")  # what the print button sends to the printer
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000

    # The inbox holds the teacher's window-glass request; approve it with a comment.
    pending = ApprovalRequest.objects.get(title="申请更换三年级2班损坏的窗户玻璃")
    page.goto(f"{base_url}/core/inbox/")
    item = page.locator(f"#inbox-{pending.pk}")
    item.locator("textarea[name=comment]").fill("同意，尽快更换。")
    item.locator("button[value=approve]").click()
    page.locator(f"#inbox-{pending.pk} .status-approved").wait_for()
    pending.refresh_from_db()
    assert pending.status == "approved"
    assert pending.decisions.get().comment == "同意，尽快更换。"

    # Edit the room, then read the History tab: his change, before and after.
    new_capacity = room.capacity + 2
    page.goto(f"{base_url}/core/rooms/{room.pk}/edit/")
    page.fill("#id_capacity", str(new_capacity))
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert Room.objects.get(pk=room.pk).capacity == new_capacity
    page.locator("nav.tabs a[href='?tab=history']").click()
    history = page.locator("#tab-body")
    page.wait_for_url(re.compile(r"tab=history"))
    history.locator("text=周建国").first.wait_for()
    text = history.inner_text()
    assert f"{room.capacity} → {new_capacity}" in text
    entry = ChangeLogEntry.objects.filter(object_id=str(room.pk), actor__username="zhoujianguo").get()
    assert entry.changes["capacity"] == [room.capacity, new_capacity]
