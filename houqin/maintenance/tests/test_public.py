"""Reporting without login from a room's QR code: signed tokens, the form on a phone, the
honeypot, the limits per address and per room, CSRF, photos, and following the report."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from houqin.core.models import Attachment
from houqin.core.qr import qr_svg_document, qr_svg_inline
from houqin.core.services.rules import rule_override_set

from ..models import RepairRequest
from ..services.public import (
    asset_token,
    qr_path,
    request_from_token,
    request_token,
    room_token,
    target_from_token,
)
from .factories import pdf, png

BACKEND = "houqin.core.auth.MembershipBackend"
GOOD = {"kind": "doors_windows", "urgency": "normal", "description": "门锁坏了"}


@pytest.fixture
def en_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def report_url(room):
    return reverse("maintenance:report_public", args=[room_token(room)])


def test_tokens_name_their_room_and_cannot_be_forged(room_a, room_b):
    token = room_token(room_a)
    assert target_from_token(token).room == room_a
    assert target_from_token(str(room_a.pk)) is None
    assert target_from_token(token[:-2] + "xx") is None
    forged = room_token(room_b).split(":")[0] + ":" + token.split(":", 1)[1]
    assert target_from_token(forged) is None
    # A request's tracking token is no room token, and the other way round.
    assert target_from_token(request_token(RepairRequest(pk=room_a.pk))) is None
    assert request_from_token(token) is None


def test_an_inactive_room_has_no_public_form(room_a, client):
    room_a.is_active = False
    room_a.save()
    assert client.get(report_url(room_a)).status_code == 404


def test_the_qr_target_sends_members_to_the_room_page_and_others_to_the_form(
    client, room_a, teacher_a, head_x
):
    url = qr_path(room_a)
    assert url.startswith("/maintenance/r/")
    assert client.get(url)["Location"] == report_url(room_a)
    client.force_login(teacher_a, backend=BACKEND)
    assert client.get(url)["Location"] == room_a.get_absolute_url()
    client.force_login(head_x, backend=BACKEND)  # logged in, but not of this school
    assert client.get(url)["Location"] == report_url(room_a)
    assert client.get(reverse("maintenance:qr_target", args=["nonsense"])).status_code == 404


def test_the_rooms_printed_label_encodes_the_public_entry(client, room_a, head_a, settings):
    settings.SITE_URL = "https://houqin.example.cn"
    client.force_login(head_a, backend=BACKEND)
    html = client.get(reverse("core:room_qr", args=[room_a.pk])).content.decode()
    assert qr_svg_inline(f"https://houqin.example.cn{qr_path(room_a)}") in html
    svg = client.get(reverse("core:room_qr_svg", args=[room_a.pk])).content
    assert svg == qr_svg_document(f"https://houqin.example.cn{qr_path(room_a)}", title=str(room_a))


def test_the_public_form_shows_the_room_and_no_one_else(en_client, room_a):
    response = en_client.get(report_url(room_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert "教学楼 301 三年级2班" in html
    assert "黄竹林学校" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="website"' in html  # the honeypot, hidden by the stylesheet
    assert 'class="m-hp"' in html


def test_an_anonymous_report_with_a_photo(en_client, room_a):
    response = en_client.post(
        report_url(room_a),
        {**GOOD, "reporter_name": "王家长", "reporter_phone": "13900001111", "photos": [png("lock.png")]},
        REMOTE_ADDR="10.0.0.7",
    )
    req = RepairRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("maintenance:track_public", args=[request_token(req)]) + "?new=1"
    assert (req.room, req.source, req.reporter, req.reporter_name, req.submitted_ip) == (
        room_a,
        "public",
        None,
        "王家长",
        "10.0.0.7",
    )
    assert Attachment.objects.get().original_name == "lock.png"
    page = en_client.get(response["Location"])
    html = page.content.decode()
    assert "Thank you: your report is BX-" in html
    assert '<span class="m-status mstatus-submitted" id="status">Submitted</span>' in html


def test_a_photo_that_is_not_an_image_is_refused(en_client, room_a):
    response = en_client.post(report_url(room_a), {**GOOD, "photos": [pdf("scan.pdf")]})
    assert response.status_code == 400
    assert "scan.pdf is not a photo (it is a PDF document)." in response.content.decode()
    assert RepairRequest.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_the_honeypot_thanks_a_robot_and_keeps_nothing(en_client, room_a):
    response = en_client.post(report_url(room_a), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert RepairRequest.objects.count() == 0


def test_a_flood_for_one_room_is_throttled(en_client, room_a):
    for n in range(5):
        assert en_client.post(report_url(room_a), GOOD, REMOTE_ADDR=f"10.0.0.{n}").status_code == 302
    response = en_client.post(report_url(room_a), GOOD, REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 429
    assert "Too many reports from this network or for this room just now." in response.content.decode()
    assert RepairRequest.objects.count() == 5


def test_a_flood_from_one_address_is_throttled_across_rooms(en_client, school_a, room_a):
    from .factories import room

    rule_override_set(
        actor=None,
        school=school_a,
        key="maintenance.anonymous_report_limits",
        value={"per_ip": 3, "per_room": 100, "minutes": 60},
    )
    rooms = [room_a, room(school_a, "302"), room(school_a, "303"), room(school_a, "304")]
    statuses = [en_client.post(report_url(r), GOOD, REMOTE_ADDR="10.9.9.9").status_code for r in rooms]
    assert statuses == [302, 302, 302, 429]
    assert en_client.post(report_url(rooms[3]), GOOD, REMOTE_ADDR="10.9.9.10").status_code == 302
    assert RepairRequest.objects.count() == 4


def test_the_window_passes(en_client, room_a):
    for _ in range(6):
        en_client.post(report_url(room_a), GOOD)
    assert RepairRequest.objects.count() == 5
    cache.clear()  # the window (an hour by default) has passed
    assert en_client.post(report_url(room_a), GOOD).status_code == 302


def test_csrf_stays_on(room_a):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(report_url(room_a), GOOD).status_code == 403
    page = browser.get(report_url(room_a))
    token = page.cookies["csrftoken"].value
    assert browser.post(report_url(room_a), {**GOOD, "csrfmiddlewaretoken": token}).status_code == 302
    assert RepairRequest.objects.count() == 1


def test_bad_input_is_shown_on_the_form(en_client, room_a):
    response = en_client.post(report_url(room_a), {**GOOD, "description": "", "reporter_phone": "call me"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert RepairRequest.objects.count() == 0


def test_the_tracking_page_shows_steps_not_people(en_client, room_a, head_a, worker_a):
    from ..services.requests import repair_request_accept, repair_request_submit

    req = repair_request_submit(actor=None, room=room_a, kind="water", description="漏水")
    repair_request_accept(actor=head_a, request=req, assignee=worker_a, note="马上去")
    html = en_client.get(reverse("maintenance:track_public", args=[request_token(req)])).content.decode()
    assert "<strong>Accepted</strong></li>" in html  # notes may name people: not shown here
    assert "<strong>Assigned</strong>" in html
    assert worker_a.full_name not in html
    assert head_a.username not in html
    assert en_client.get(reverse("maintenance:track_public", args=[str(req.pk)])).status_code == 404


def test_asset_tokens_are_their_own(room_a):
    from houqin.assets.tests.factories import load_categories, make_asset

    load_categories()
    asset = make_asset(room_a.school, room=room_a)
    target = target_from_token(asset_token(asset))
    assert (target.asset, target.room) == (asset, room_a)
    assert qr_path(asset) == reverse("maintenance:qr_target", args=[asset_token(asset)])
