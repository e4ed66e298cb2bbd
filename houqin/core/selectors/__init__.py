"""Read queries of the core app used by pages, API, services and reports."""

import datetime

from django.utils import timezone

from ..models import School, Semester
from .changelog import attachments_for, history_for  # noqa: F401  (re-exported)


def semester_current(school, on=None):
    """The semester covering `on` (today) set at the school or its nearest ancestor."""
    if school is None:
        return None
    on = on or timezone.localdate()
    ancestors = list(School.objects.ancestors_of(school).values_list("id", "depth"))
    depth = dict(ancestors)
    candidates = list(
        Semester.objects.filter(school_id__in=depth, start_date__lte=on, end_date__gte=on).select_related(
            "school"
        )
    )
    if not candidates:
        return None
    return max(candidates, key=lambda s: depth[s.school_id])


def semester_for_date(school, day: datetime.date):
    return semester_current(school, on=day)


def object_list(*, entry, user, scope):
    """The scoped list of a registered model within the active scope, with its joins.

    Shared by the list page and the API list endpoint, so both return the same rows.
    """
    qs = entry.model.objects.for_user(user).in_scope(scope)
    if entry.select_related:
        qs = qs.select_related(*entry.select_related)
    if entry.prefetch_related:
        qs = qs.prefetch_related(*entry.prefetch_related)
    return qs


def scope_totals(*, scope, user):
    """Counts for the home page: per school below the scope (district-wide totals) and overall."""
    from django.db.models import Count

    from ..models import Room, School, SchoolKind

    schools = School.objects.for_user(user).in_scope(scope).exclude(kind=SchoolKind.BUREAU).order_by("path")
    rooms = dict(Room.objects.for_user(user).in_scope(scope).values_list("school_id").annotate(n=Count("id")))
    rows = [{"school": s, "rooms": rooms.get(s.pk, 0), "pupils": s.pupils} for s in schools]
    return {
        "rows": rows,
        "schools": sum(1 for s in schools if s.kind != SchoolKind.DISTRICT),
        "rooms": sum(rooms.values()),
        "pupils": sum(r["pupils"] for r in rows),
    }
