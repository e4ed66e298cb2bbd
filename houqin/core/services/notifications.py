"""Notifications: in-app always; by email too when SMTP is configured (sent by the worker)."""

from django.conf import settings
from django.db import transaction

from ..models import Notification


def notify(*, user, title, body="", url="", school=None):
    """Tell `user` something. The email copy is queued after the transaction commits."""
    n = Notification.objects.create(user=user, school=school, title=str(title)[:200], body=str(body), url=url)
    if settings.HOUQIN_EMAIL_ENABLED and user.email:
        from ..tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.enqueue(n.pk))
    return n
