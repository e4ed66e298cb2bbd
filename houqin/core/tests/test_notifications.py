"""Notifications: a person's own messages (never anyone else's), read on opening, links that
stay on the site, and the email copy sent exactly once when SMTP is configured."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from houqin.core.models import Notification
from houqin.core.models.notifications import is_local_path
from houqin.core.selectors.notifications import notification_unread_count
from houqin.core.services.notifications import (
    notification_mark_all_read,
    notification_send_email,
    notify,
)

LIST = reverse("core:notification_list")
API = "/api/core/notifications/"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def inbox(head_a, teacher_a, school_a):
    """Three notifications of head A (oldest first in the tuple) and one of teacher A."""
    old = notify(user=head_a, title="采购申请待审批", url="/core/inbox/", school=school_a)
    mid = notify(user=head_a, title="报修已完成", body="三楼走廊灯已修好。")
    new = notify(user=head_a, title="外部链接", url="https://evil.example/phish")
    theirs = notify(user=teacher_a, title="教师的通知")
    base = timezone.now() - datetime.timedelta(days=1)
    for i, n in enumerate((old, mid, new, theirs)):
        Notification.objects.filter(pk=n.pk).update(created_at=base + datetime.timedelta(minutes=i))
    return old, mid, new, theirs


def test_unread_count_selector(head_a, teacher_a, inbox):
    assert notification_unread_count(head_a) == 3
    assert notification_unread_count(teacher_a) == 1
    notification_mark_all_read(user=head_a)
    assert notification_unread_count(head_a) == 0
    assert notification_unread_count(teacher_a) == 1


def test_list_shows_only_own_newest_first_unread_highlighted(client, head_a, inbox):
    old, mid, new, theirs = inbox
    Notification.objects.filter(pk=mid.pk).update(read_at=timezone.now())
    client.force_login(head_a)
    response = client.get(LIST)
    assert response.status_code == 200
    assert list(response.context["notifications"]) == [new, mid, old]
    html = response.content.decode()
    assert "教师的通知" not in html
    assert html.count('<li class="notification unread">') == 2
    assert html.count('<li class="notification">') == 1
    assert '<span class="badge" id="unread-count">2</span>' in html
    assert f'href="{reverse("core:notification_open", args=[old.pk])}"' in html
    unread = client.get(LIST, {"unread": "1"})
    assert list(unread.context["notifications"]) == [new, old]


def test_list_anonymous_redirects_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_opening_marks_read_and_follows_a_local_link(client, head_a, inbox):
    old = inbox[0]
    client.force_login(head_a)
    response = client.get(reverse("core:notification_open", args=[old.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/core/inbox/"
    old.refresh_from_db()
    first_read = old.read_at
    assert first_read is not None
    client.get(reverse("core:notification_open", args=[old.pk]))
    old.refresh_from_db()
    assert old.read_at == first_read  # the first reading counts


def test_opening_never_redirects_off_site(client, head_a, inbox):
    new = inbox[2]
    client.force_login(head_a)
    response = client.get(reverse("core:notification_open", args=[new.pk]))
    assert response.status_code == 200
    assert "外部链接" in response.content.decode()
    new.refresh_from_db()
    assert new.read_at is not None


def test_opening_without_link_shows_the_message(client, head_a, inbox):
    mid = inbox[1]
    client.force_login(head_a)
    response = client.get(reverse("core:notification_open", args=[mid.pk]))
    assert response.status_code == 200
    assert "<p>三楼走廊灯已修好。</p>" in response.content.decode()


@pytest.mark.parametrize(
    "url, local",
    [
        ("/core/rooms/3/?tab=history", True),
        ("", False),
        ("core/rooms/", False),
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("/\t/evil.example/", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
    ],
)
def test_is_local_path(url, local):
    assert is_local_path(url) is local


def test_another_users_notification_is_404(client, head_a, teacher_a, inbox):
    theirs = inbox[3]
    client.force_login(head_a)
    assert client.get(reverse("core:notification_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_own(client, head_a, inbox):
    old, mid, new, theirs = inbox
    client.force_login(head_a)
    assert client.get(reverse("core:notification_read_all")).status_code == 405
    response = client.post(reverse("core:notification_read_all"))
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert Notification.objects.filter(user=head_a, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- email --------------------------------------------------------------------------------


@pytest.fixture
def email_on(settings):
    settings.HOUQIN_EMAIL_ENABLED = True
    settings.SITE_URL = "https://houqin.example"
    settings.DEFAULT_FROM_EMAIL = "houqin@school.example"


def test_email_is_sent_once_after_commit(email_on, head_a, school_a, django_capture_on_commit_callbacks):
    head_a.email = "head@school.example"
    head_a.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        n = notify(user=head_a, title="采购申请待审批", body="请审批。", url="/core/inbox/", school=school_a)
        assert len(mail.outbox) == 0  # nothing before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["head@school.example"]
    assert message.from_email == "houqin@school.example"
    assert message.subject == "[Houqin] 采购申请待审批"
    assert message.body == "请审批。\n\nhttps://houqin.example/core/inbox/"
    n.refresh_from_db()
    assert n.emailed_at is not None
    # A second run (a retried task) sends nothing.
    assert notification_send_email(notification_id=n.pk) is False
    assert len(mail.outbox) == 1


def test_no_email_without_address_or_when_disabled(
    settings, email_on, head_a, teacher_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        n = notify(user=head_a, title="无邮箱")
    assert callbacks == []
    assert notification_send_email(notification_id=n.pk) is False
    teacher_a.email = "t@school.example"
    teacher_a.save()
    settings.HOUQIN_EMAIL_ENABLED = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        m = notify(user=teacher_a, title="未配置邮件")
    assert callbacks == []
    assert notification_send_email(notification_id=m.pk) is False
    assert mail.outbox == []
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 0


def test_failed_send_releases_the_claim(email_on, head_a, monkeypatch):
    from houqin.core.services import notifications as svc

    head_a.email = "head@school.example"
    head_a.save()
    n = Notification.objects.create(user=head_a, title="重试")

    def refuse(**kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(svc, "send_mail", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        notification_send_email(notification_id=n.pk)
    n.refresh_from_db()
    assert n.emailed_at is None
    monkeypatch.undo()
    assert notification_send_email(notification_id=n.pk) is True
    assert len(mail.outbox) == 1


# --- API ----------------------------------------------------------------------------------


def test_api_lists_own_only(client, head_a, teacher_a, inbox):
    old, mid, new, theirs = inbox
    assert client.get(API).status_code in (401, 403)
    client.force_login(head_a)
    data = client.get(API).json()
    assert [r["id"] for r in data["results"]] == [new.pk, mid.pk, old.pk]
    assert data["results"][2] == {
        "id": old.pk,
        "title": "采购申请待审批",
        "body": "",
        "url": "/core/inbox/",
        "school": old.school_id,
        "created_at": data["results"][2]["created_at"],
        "read_at": None,
        "is_read": False,
    }
    Notification.objects.filter(pk=mid.pk).update(read_at=timezone.now())
    assert data["results"][0]["url"] == ""  # the off-site link is not passed on
    unread = client.get(API, {"unread": "true"}).json()
    assert [r["id"] for r in unread["results"]] == [new.pk, old.pk]


def test_api_mark_read_and_read_all(client, head_a, inbox):
    old, mid, new, theirs = inbox
    client.force_login(head_a)
    response = client.post(f"{API}{old.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    response = client.post(f"{API}read-all/")
    assert response.json() == {"marked": 2}
    assert client.post(f"{API}read-all/").json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_another_users_notification_is_404(client, head_a, inbox):
    theirs = inbox[3]
    client.force_login(head_a)
    assert client.get(f"{API}{theirs.pk}/").status_code == 404
    assert client.post(f"{API}{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_is_not_writable(client, head_a, inbox):
    client.force_login(head_a)
    assert client.post(API, {"title": "x"}, content_type="application/json").status_code == 405
    assert client.delete(f"{API}{inbox[0].pk}/").status_code == 405
    assert Notification.objects.filter(pk=inbox[0].pk).exists()
