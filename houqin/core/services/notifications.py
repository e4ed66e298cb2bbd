"""Notifications: in-app always; by email too when SMTP is configured (sent by the worker)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Notification


def notify(*, user, title, body="", url="", school=None):
    """Tell `user` something. The email copy is queued after the transaction commits."""
    n = Notification.objects.create(user=user, school=school, title=str(title)[:200], body=str(body), url=url)
    if settings.HOUQIN_EMAIL_ENABLED and user.email:
        from ..tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.enqueue(n.pk))
    return n


def notification_mark_read(*, user, notification):
    """Mark one of the user's own notifications read (opening it); the first time counts."""
    if notification.user_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        now = timezone.now()
        # Conditional update: two tabs opening it at once keep the first read time.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notification_mark_all_read(*, user):
    """Mark every unread notification of the user read; returns how many were unread."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def _email_text(notification):
    lines = [notification.body] if notification.body else []
    link = notification.local_url
    if link and settings.SITE_URL:
        lines.append(settings.SITE_URL.rstrip("/") + link)
    return "\n\n".join(lines) or notification.title


def notification_send_email(*, notification_id):
    """Send the email copy of a notification, at most once.

    The row is claimed by setting `emailed_at` before sending, so a task run twice (a retry,
    two workers) never sends twice; if sending fails the claim is released for a retry.
    Returns True when this call sent the email.
    """
    if not settings.HOUQIN_EMAIL_ENABLED:
        return False
    n = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if n is None or n.emailed_at is not None or not n.user.email or not n.user.is_active:
        return False
    now = timezone.now()
    claimed = Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=now)
    if not claimed:
        return False
    try:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("[Houqin] %(title)s") % {"title": n.title}
            send_mail(
                subject=subject.replace("\n", " ")[:250],
                message=_email_text(n),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[n.user.email],
                fail_silently=False,
            )
    except Exception:
        Notification.objects.filter(pk=n.pk, emailed_at=now).update(emailed_at=None)
        raise
    return True
