"""Helpers the maintenance services share: permission checks, progress events, who to tell."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import access

from ..models import RepairEvent
from ..selectors import people_with, triagers  # noqa: F401  (used by the services)


def require(actor, perm, school):
    """PermissionDenied unless `actor` holds `perm` at `school` (None is the system: allowed)."""
    if actor is not None and not access.has_perm(actor, perm, school):
        raise PermissionDenied(_("You may not do this at %(school)s.") % {"school": school})


def now_or(at):
    return at or timezone.now()


def event_add(*, request, kind, actor=None, note="", at=None):
    """Append a progress step to a request (append-only: events are never changed)."""
    return RepairEvent.objects.create(
        request=request, kind=kind, actor=actor, note=str(note)[:300], at=now_or(at)
    )
