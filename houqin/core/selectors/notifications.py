"""Reads of a user's own notifications. Notifications are per person, never per school."""

from ..models import Notification


def notification_list(*, user, unread_only=False):
    """The user's own notifications, newest first."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def notification_unread_count(user):
    """How many of the user's notifications are unread (the badge in the top bar)."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
