"""Read queries of repairs and inspections, shared by pages, API, reports and the dashboard."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from houqin.core import access
from houqin.core.models import Building, Room, School, User
from houqin.core.permissions import model_perm

from .choices import OPEN_ORDER_STATUSES, OrderStatus, Outcome, RepairKind, RequestStatus, RoundStatus
from .models import InspectionResult, InspectionRound, RepairEvent, RepairRequest, WorkOrder
from .permissions import TRIAGE, WORK
from .stats import grouped_times

HOUR = 3600
CENT = Decimal("0.01")
DEFAULT_PERIOD_DAYS = 90  # the dashboard's period when no semester covers today


def people_with(perm, school):
    """Active members covering `school` (at it or above it) who hold `perm` there.

    Only people whose role could grant it are looked at closely (its patterns, or an override
    granting it), so a school of many teachers costs a few permission checks, not one each."""
    from houqin.core.models import Membership, Role, RolePermissionOverride, User
    from houqin.core.permissions import pattern_grants

    paths = school.ancestor_paths()
    roles = {r.pk for r in Role.objects.all() if pattern_grants(r.permissions or [], perm)}
    roles |= set(
        RolePermissionOverride.objects.filter(
            permission=perm, granted=True, school__path__in=paths
        ).values_list("role_id", flat=True)
    )
    user_ids = Membership.objects.filter(
        school__path__in=paths, school__is_active=True, role_id__in=roles
    ).values_list("user_id", flat=True)
    users = User.objects.filter(pk__in=user_ids, is_active=True).order_by("full_name", "username")
    return [u for u in users if access.has_perm(u, perm, school)]


def triagers(school):
    """Who accepts repair requests at `school`: the logistics office."""
    return people_with(TRIAGE, school)


def workers_for(school):
    """Who may be given a work order of `school`."""
    return people_with(WORK, school)


def repair_request_get(*, user, pk):
    """A request the user may read: of a school they see with the view permission, or their own."""
    request = (
        RepairRequest.objects.filter(pk=pk)
        .select_related("school", "room__building", "reporter", "confirmed_by")
        .first()
    )
    if request is None:
        return None
    if request.reporter_id == user.pk:
        return request
    if request.school_id not in access.visible_school_ids(user) and not user.is_superuser:
        return None
    return request


def my_requests(*, user):
    """What the user reported, newest first, with its order."""
    return (
        RepairRequest.objects.filter(reporter=user)
        .select_related("school", "room__building", "order", "order__assignee")
        .order_by("-reported_at", "-id")
    )


def request_events(request):
    return RepairEvent.objects.filter(request=request).select_related("actor").order_by("at", "id")


def open_orders(*, user, scope):
    """Unfinished orders of the scope, most urgent due first (the office's and workers' queue)."""
    return (
        WorkOrder.objects.for_user(user)
        .in_scope(scope)
        .filter(status__in=OPEN_ORDER_STATUSES)
        .select_related("school", "request__room__building", "assignee")
        .order_by("due_at", "pk")
    )


def worker_orders(*, user, scope):
    """The user's own unfinished orders."""
    return open_orders(user=user, scope=scope).filter(assignee=user)


def round_rooms(rnd):
    """Rooms of a round with their progress, in walking order:
    [{"room": Room, "total": n, "done": n, "failed": n}]."""
    rows = (
        InspectionResult.objects.filter(round=rnd)
        .values("room_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=~Q(outcome=Outcome.PENDING)),
            failed=Count("pk", filter=Q(outcome=Outcome.FAIL)),
        )
    )
    counts = {r["room_id"]: r for r in rows}
    rooms = (
        Room.objects.filter(pk__in=counts)
        .select_related("building")
        .order_by("building__name", "floor", "number")
    )
    return [{"room": room, **{k: counts[room.pk][k] for k in ("total", "done", "failed")}} for room in rooms]


def round_room_results(rnd, room):
    return (
        InspectionResult.objects.filter(round=rnd, room=room)
        .select_related("repair_request", "checked_by")
        .order_by("position")
    )


def rounds_for_inspector(*, user, scope):
    """Rounds to walk now: open, in progress or missed, the user's first."""
    return (
        InspectionRound.objects.for_user(user)
        .in_scope(scope)
        .filter(status__in=(RoundStatus.OPEN, RoundStatus.IN_PROGRESS, RoundStatus.MISSED))
        .select_related("plan", "inspector")
        .order_by("due_date", "pk")
    )


# --- the dashboard ------------------------------------------------------------------------------


@dataclass
class Period:
    start: datetime.date
    end: datetime.date
    label: str = ""

    @property
    def start_at(self):
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_at(self):
        """The first moment after the period."""
        return timezone.make_aware(
            datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        )


def default_period(scope, today=None):
    """The current semester of the scope, or the last DEFAULT_PERIOD_DAYS days."""
    from houqin.core.selectors import semester_current

    today = today or timezone.localdate()
    semester = semester_current(scope, on=today)
    if semester is not None:
        return Period(semester.start_date, min(semester.end_date, today), str(semester))
    return Period(today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today)


def _hours(seconds):
    return None if seconds is None else round(seconds / HOUR, 1)


@dataclass
class TimeRow:
    label: str
    n: int
    median_hours: float | None
    p90_hours: float | None
    on_time: int = 0
    key: object = None

    @property
    def on_time_percent(self):
        return round(100 * self.on_time / self.n, 1) if self.n else None


@dataclass
class Dashboard:
    period: Period
    new_requests: int = 0
    open_orders: int = 0
    overdue_orders: int = 0
    awaiting_confirmation: int = 0
    completed: int = 0
    cost: object = 0
    overall: TimeRow | None = None
    by_kind: list = field(default_factory=list)
    by_building: list = field(default_factory=list)
    by_worker: list = field(default_factory=list)
    by_school: list = field(default_factory=list)
    rounds_due: int = 0
    rounds_on_time: int = 0
    rounds_late: int = 0
    rounds_missed: int = 0
    items_failed: int = 0
    costliest_rooms: list = field(default_factory=list)
    costliest_assets: list = field(default_factory=list)
    repeat_rooms: list = field(default_factory=list)
    average_rating: float | None = None

    @property
    def completion_percent(self):
        return round(100 * self.rounds_on_time / self.rounds_due, 1) if self.rounds_due else None


def _time_rows(stats, labels):
    rows = [
        TimeRow(
            label=str(labels.get(key, key)),
            n=st["n"],
            median_hours=_hours(st[0.5]),
            p90_hours=_hours(st[0.9]),
            on_time=st["on_time"],
            key=key,
        )
        for key, st in stats.items()
    ]
    return sorted(rows, key=lambda r: (-r.n, r.label))


ON_TIME = Q(completed_at__lte=F("due_at"))


def dashboard(*, user, scope, period=None, now=None):
    """Open and overdue orders now; time to repair (median, 90th percentile, share on time) of
    the orders completed in the period, overall and by kind, building, worker and school;
    inspection rounds due in the period and how many were done on time; the costliest rooms."""
    now = now or timezone.now()
    period = period or default_period(scope, timezone.localdate(now))
    requests = RepairRequest.objects.for_user(user).in_scope(scope)
    orders = WorkOrder.objects.for_user(user).in_scope(scope)
    board = Dashboard(period=period)
    board.new_requests = requests.filter(status=RequestStatus.SUBMITTED).count()
    live = orders.filter(status__in=OPEN_ORDER_STATUSES).aggregate(
        n=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now))
    )
    board.open_orders, board.overdue_orders = live["n"], live["overdue"]
    board.awaiting_confirmation = orders.filter(status=OrderStatus.COMPLETED).count()

    done = orders.filter(completed_at__gte=period.start_at, completed_at__lt=period.end_at)
    totals = done.aggregate(n=Count("pk"), cost=Sum("total_cost"))
    board.completed = totals["n"]
    board.cost = (totals["cost"] or Decimal("0")).quantize(CENT)
    groups = {
        "kind": "request__kind",
        "building": "request__room__building_id",
        "worker": "assignee_id",
        "contractor": "contractor_name",
    }
    if scope.kind != "school":
        groups["school"] = "school_id"
    stats = grouped_times(done, groups, value="resolution_seconds", on_time=ON_TIME)
    if stats[None]:
        single = stats[None]
        board.overall = TimeRow(
            label="",
            n=single["n"],
            median_hours=_hours(single[0.5]),
            p90_hours=_hours(single[0.9]),
            on_time=single["on_time"],
        )
    board.by_kind = _time_rows(stats["kind"], dict(RepairKind.choices))
    buildings = {
        b.pk: f"{b.school.short_name or b.school.name} · {b.name}" if scope.kind != "school" else b.name
        for b in Building.objects.filter(pk__in=[k for k in stats["building"] if k]).select_related("school")
    }
    buildings[None] = "—"
    board.by_building = _time_rows(stats["building"], buildings)
    workers = {u.pk: u.display_name for u in User.objects.filter(pk__in=[k for k in stats["worker"] if k])}
    contractors = {k: v for k, v in stats["contractor"].items() if k}
    # Orders done by a contractor have no worker: they are listed under the contractor's name.
    in_house = {k: v for k, v in stats["worker"].items() if k is not None}
    board.by_worker = sorted(
        _time_rows(in_house, workers) + _time_rows(contractors, {}), key=lambda r: (-r.n, r.label)
    )
    if "school" in stats:
        schools = dict(School.objects.filter(pk__in=list(stats["school"])).values_list("pk", "name"))
        board.by_school = _time_rows(stats["school"], schools)
    rating = requests.filter(confirmed_at__gte=period.start_at, confirmed_at__lt=period.end_at).aggregate(
        n=Count("rating"), total=Sum("rating")
    )
    board.average_rating = round(rating["total"] / rating["n"], 1) if rating["n"] else None

    today = timezone.localdate(now)
    # A round belongs to the period of its date; it counts once due, or once done.
    rounds = (
        InspectionRound.objects.for_user(user)
        .in_scope(scope)
        .filter(occurrence_date__gte=period.start, occurrence_date__lte=period.end)
    )
    due = rounds.filter(Q(due_date__lt=today) | Q(status=RoundStatus.COMPLETED)).aggregate(
        n=Count("pk"),
        on_time=Count("pk", filter=Q(status=RoundStatus.COMPLETED, missed_at__isnull=True)),
        late=Count("pk", filter=Q(status=RoundStatus.COMPLETED, missed_at__isnull=False)),
        missed=Count("pk", filter=Q(status=RoundStatus.MISSED)),
        failed=Sum("items_failed"),
    )
    board.rounds_due, board.rounds_on_time = due["n"], due["on_time"]
    board.rounds_late, board.rounds_missed = due["late"], due["missed"]
    board.items_failed = due["failed"] or 0

    costly = (
        done.filter(request__room__isnull=False)
        .values("request__room_id")
        .annotate(cost=Sum("total_cost"), n=Count("pk"))
        .order_by("-cost", "request__room_id")[:10]
    )
    costly = [row for row in costly if row["cost"]]
    rooms = Room.objects.select_related("building").in_bulk([row["request__room_id"] for row in costly])
    board.costliest_rooms = [
        {"room": rooms[row["request__room_id"]], "cost": row["cost"].quantize(CENT), "n": row["n"]}
        for row in costly
    ]
    board.costliest_assets = _costliest_assets(done)
    board.repeat_rooms = list(
        requests.filter(is_repeat=True, reported_at__gte=period.start_at, reported_at__lt=period.end_at)
        .values("room_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "room_id")[:10]
    )
    repeat_rooms = Room.objects.select_related("building").in_bulk([r["room_id"] for r in board.repeat_rooms])
    for row in board.repeat_rooms:
        row["room"] = repeat_rooms.get(row["room_id"])
    return board


def _costliest_assets(done, limit=10):
    """Asset cards whose repairs in the period cost most: [{"asset", "cost", "n"}]."""
    from houqin.assets.models import Asset

    rows = [
        row
        for row in done.filter(request__asset__isnull=False)
        .values("request__asset_id")
        .annotate(cost=Sum("total_cost"), n=Count("pk"))
        .order_by("-cost", "request__asset_id")[:limit]
        if row["cost"]
    ]
    assets = Asset.objects.select_related("room__building").in_bulk(
        [row["request__asset_id"] for row in rows]
    )
    return [
        {"asset": assets[row["request__asset_id"]], "cost": row["cost"].quantize(CENT), "n": row["n"]}
        for row in rows
    ]


def may_see_dashboard(user, scope):
    from .permissions import DASHBOARD

    return bool(scope) and (
        access.has_perm(user, DASHBOARD, scope) or access.has_perm(user, model_perm(WorkOrder, "view"), scope)
    )
