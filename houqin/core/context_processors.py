"""Template context every page needs: the scope, its switcher, the semester, unread counts."""

from django.utils.functional import SimpleLazyObject

from . import access
from .selectors import semester_current


def houqin(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = getattr(request, "scope", None)

    def unread():
        from .models import Notification

        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    def inbox():
        from .selectors.approvals import approval_inbox_count

        return approval_inbox_count(user=user)

    return {
        "scope": scope,
        "scope_choices": SimpleLazyObject(lambda: access.scope_choices(user)),
        "current_semester": SimpleLazyObject(lambda: semester_current(scope) if scope else None),
        "unread_count": SimpleLazyObject(unread),
        "inbox_count": SimpleLazyObject(inbox),
    }
