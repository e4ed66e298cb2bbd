"""Reads of the asset register's reports, shared by the pages, their xlsx exports and the API.

- the ledger summary (资产台账汇总): cards on the books grouped by category, room, department or
  school, with card count, quantity, original value and net book value;
- the intact rate (完好率) by category;
- each class's care of its classroom's property over a semester (班级财产爱护): damage, loss
  and theft, with a ranking for the class assessment;
- the district totals: one row per school under a central school.

Everything reads the cards and incidents the user may see in the active scope, and the
figures are aggregated in the database (one GROUP BY per report): a district holds up to a
million cards and no report loads them as model instances. Only the group labels (categories,
rooms, departments, schools — a few hundred rows at most) are read afterwards.

Money is summed in whole fen (integers), so SQLite's floating-point decimals cannot drift. Net
book value is computed per card in SQL with the arithmetic of houqin.assets.depreciation —
months depreciated up to the month of `as_of`, capped at the life and stopped at the month of
disposal; accumulated = (original − residual) × months ÷ life rounded half up to the fen, the
whole depreciable base once fully depreciated — so a report's total is exactly the sum of what
the cards' own pages show.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, Least, Round
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from houqin.core.models import Department, Room, RoomKind, School, Semester
from houqin.core.selectors import semester_current
from houqin.core.selectors.org import semester_list

from . import depreciation
from .choices import OFF_BOOKS, AssetCondition, AssetStatus, EventKind, IncidentKind, IncidentStatus
from .models import Asset, AssetCategory, AssetEvent, AssetIncident

GROUPINGS = {
    "category": gettext_lazy("Category"),
    "room": gettext_lazy("Room"),
    "department": gettext_lazy("Department"),
    "school": gettext_lazy("School"),
}
# Levels of the category tree a report rolls up to; 0 keeps each card's own class.
LEVELS = {
    1: gettext_lazy("Top level (门类)"),
    2: gettext_lazy("Second level (大类)"),
    0: gettext_lazy("Each card's own category"),
}
# 完好率: items in working order. Worn but usable items work; damaged, beyond repair, under
# repair and lost (still on the books until written off) do not.
INTACT_CONDITIONS = (AssetCondition.GOOD, AssetCondition.WORN)
INTACT_DEFINITION = gettext_lazy(
    "Intact rate (完好率) = quantity in working order ÷ quantity on the books. In working order: "
    "condition good or worn but usable, and neither under repair nor lost. Damaged items, items "
    "under repair or beyond repair, and lost or stolen items not yet written off count on the books "
    "but not as intact. Disposed and transferred cards are off the books and not counted."
)
CLASS_CARE_DEFINITION = gettext_lazy(
    "Each classroom stands for its class; the class head is the room's responsible person. An "
    "incident counts for the room the item was in when the damage, loss or theft was reported, and "
    "for the semester its date falls in. Value: the original value of the items concerned. Lost "
    "items found again are not counted. Classes rank by fewest incidents, then least value; equal "
    "classes share a rank. In a central school each school ranks its own classes."
)
LOST = Q(status=AssetStatus.LOST)
BEYOND_REPAIR = ~LOST & Q(condition=AssetCondition.UNREPAIRABLE)
INTACT = ~LOST & ~Q(status=AssetStatus.UNDER_REPAIR) & Q(condition__in=INTACT_CONDITIONS)
INCIDENT_KINDS = (IncidentKind.DAMAGE, IncidentKind.LOSS, IncidentKind.THEFT)
# The ledger entry each report writes; it records the room the item was in.
REPORT_EVENTS = (EventKind.DAMAGE, EventKind.LOSS, EventKind.THEFT)


# --- money and depreciation in SQL ------------------------------------------------------------


def fen_to_yuan(fen) -> Decimal:
    return (Decimal(int(fen or 0)) / 100).quantize(depreciation.CENT)


class MonthIndex(Func):
    """year × 12 + month − 1 of a date column, so that months between two dates subtract."""

    output_field = IntegerField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(CAST(EXTRACT(YEAR FROM {sql}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {sql}) AS INTEGER) - 1)",
            [*params, *params],
        )

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps dates as 'YYYY-MM-DD' text.
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(CAST(substr({sql}, 1, 4) AS INTEGER) * 12 + CAST(substr({sql}, 6, 2) AS INTEGER) - 1)",
            [*params, *params],
        )


def _index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def fen(expression):
    """A money column (or expression) as whole fen."""
    return Cast(Round(expression * Value(100)), BigIntegerField())


def net_book_value_fen(as_of=None):
    """A card's net book value on `as_of` (today) in whole fen, as an SQL expression over its
    columns (see the module's docstring)."""
    as_of = as_of or timezone.localdate()
    life = F("depreciation_months")
    next_month = depreciation.add_months(as_of, 1)
    stop = Case(
        When(depreciation_end__lt=next_month, then=MonthIndex(F("depreciation_end"))),
        default=Value(_index(next_month)),
        output_field=IntegerField(),
    )
    months = ExpressionWrapper(stop - MonthIndex(F("depreciation_start")), output_field=IntegerField())
    amount = fen(F("amount"))
    base = ExpressionWrapper(amount - fen(F("residual_value")), output_field=BigIntegerField())
    # Months depreciated: between 0 and the life.
    counted = Greatest(Value(0), Least(life, months), output_field=IntegerField())
    accumulated = Case(
        When(Q(depreciation_months=0) | Q(depreciation_start__isnull=True), then=Value(0)),
        # Round half up of base × months ÷ life in integers (all terms are non-negative); at the
        # full life it is the whole base, at 0 months nothing.
        default=ExpressionWrapper(
            (base * counted * Value(2) + life) / (life * Value(2)), output_field=BigIntegerField()
        ),
        output_field=BigIntegerField(),
    )
    return ExpressionWrapper(amount - accumulated, output_field=BigIntegerField())


# --- figures -----------------------------------------------------------------------------------


def percent(part, whole):
    """part ÷ whole in per cent to one decimal, rounded half up; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The totals of a group of cards on the books. Money in fen; yuan through the properties."""

    cards: int = 0
    quantity: int = 0
    original_fen: int = 0
    net_fen: int = 0
    intact: int = 0
    beyond_repair: int = 0
    lost: int = 0

    def add(self, other):
        for name in ("cards", "quantity", "original_fen", "net_fen", "intact", "beyond_repair", "lost"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def original(self):
        return fen_to_yuan(self.original_fen)

    @property
    def net(self):
        return fen_to_yuan(self.net_fen)

    @property
    def damaged(self):
        """Damaged or under repair (the rest of what is not intact)."""
        return self.quantity - self.intact - self.beyond_repair - self.lost

    @property
    def intact_rate(self):
        return percent(self.intact, self.quantity)


@dataclass
class Row:
    """One group of a report: its label, the asset list's filters that show its cards, figures."""

    label: str
    figures: Figures
    key: object = None
    code: str = ""
    school: str = ""
    filters: dict = field(default_factory=dict)

    @property
    def query(self):
        """The asset list's query string for this group ('' when the list cannot show it)."""
        return urlencode(self.filters) if self.filters else ""


@dataclass
class Report:
    rows: list
    total: Figures
    as_of: datetime.date
    by: str = "category"
    level: int = 1


def cards_on_books(*, user, scope):
    """The cards the user may see in the scope that are on the books (not disposed or
    transferred out)."""
    return Asset.objects.for_user(user).in_scope(scope).exclude(status__in=OFF_BOOKS)


def figures_by(queryset, key, *, as_of, intact=False):
    """{key value: Figures} over `queryset`, in one GROUP BY query."""
    # Prefixed names: an aggregate named like a column would shadow it for the next one.
    aggregates = {
        "r_cards": Count("id"),
        "r_quantity": Sum("quantity"),
        "r_original_fen": Sum(fen(F("amount"))),
        "r_net_fen": Sum(net_book_value_fen(as_of=as_of)),
    }
    if intact:
        aggregates |= {
            "r_intact": Sum("quantity", filter=INTACT),
            "r_beyond_repair": Sum("quantity", filter=BEYOND_REPAIR),
            "r_lost": Sum("quantity", filter=LOST),
        }
    out = {}
    for row in queryset.order_by().values(key).annotate(**aggregates):
        group = row.pop(key)
        out[group] = Figures(**{name[2:]: int(value or 0) for name, value in row.items()})
    return out


def _total(figures):
    total = Figures()
    for f in figures:
        total.add(f)
    return total


# --- categories --------------------------------------------------------------------------------


def _category_nodes(ids):
    """{pk: (parent_id, level, code, name)} of the categories `ids` and all their ancestors
    (the tree is at most six deep: a query per level)."""
    nodes, todo = {}, set(ids) - {None}
    while todo:
        rows = AssetCategory.objects.filter(pk__in=todo).values_list(
            "pk", "parent_id", "level", "code", "name"
        )
        todo = set()
        for pk, parent, level, code, name in rows:
            nodes[pk] = (parent, level, code, name)
            if parent is not None and parent not in nodes:
                todo.add(parent)
    return nodes


def _rolled_up(pk, nodes, level):
    """The ancestor of category `pk` at `level` (itself when it is at or above it, or level 0)."""
    if not level:
        return pk
    while pk in nodes and nodes[pk][1] > level and nodes[pk][0] is not None:
        pk = nodes[pk][0]
    return pk


def _by_category(groups, level):
    nodes = _category_nodes(groups)
    rolled = {}
    for pk, figures in groups.items():
        rolled.setdefault(_rolled_up(pk, nodes, level), Figures()).add(figures)
    rows = []
    for pk, figures in rolled.items():
        _parent, _level, code, name = nodes[pk]
        filters = {"category": pk, "on_books": "true"}
        rows.append(Row(label=name, code=code, key=pk, figures=figures, filters=filters))
    rows.sort(key=lambda r: r.code)
    return rows


# --- 1. the ledger summary ---------------------------------------------------------------------


# The labels of the groups are read through the same scoping as the cards (a card's room,
# department and school are always the card's school's).


def _by_room(groups, user, scope):
    rooms = {
        r.pk: r
        for r in Room.objects.for_user(user)
        .filter(pk__in=[k for k in groups if k])
        .select_related("building", "school")
    }
    rows = []
    for pk, figures in groups.items():
        room = rooms.get(pk)
        if room is None:
            rows.append(Row(label=_("(no room)"), figures=figures))
            continue
        rows.append(
            Row(
                label=str(room),
                key=pk,
                code=room.number,
                school=room.school.name if room.school_id != scope.pk else "",
                figures=figures,
                filters={"room": pk, "on_books": "true"},
            )
        )
    order = {pk: (r.school.path, r.building.name, r.floor, r.number) for pk, r in rooms.items()}
    rows.sort(key=lambda r: (r.key is None, order.get(r.key, ())))
    return rows


def _by_department(groups, user, scope):
    departments = {
        d.pk: d
        for d in Department.objects.for_user(user)
        .filter(pk__in=[k for k in groups if k])
        .select_related("school")
    }
    rows = []
    for pk, figures in groups.items():
        dept = departments.get(pk)
        if dept is None:
            rows.append(Row(label=_("(no department)"), figures=figures))
            continue
        rows.append(
            Row(
                label=dept.name,
                key=pk,
                school=dept.school.name if dept.school_id != scope.pk else "",
                figures=figures,
                filters={"department": pk, "on_books": "true"},
            )
        )
    order = {pk: (d.school.path, d.sort_order, d.name) for pk, d in departments.items()}
    rows.sort(key=lambda r: (r.key is None, order.get(r.key, ())))
    return rows


def _by_school(groups, user):
    schools = {s.pk: s for s in School.objects.for_user(user).filter(pk__in=list(groups))}
    rows = [
        Row(
            label=schools[pk].name,
            key=pk,
            code=schools[pk].code,
            figures=figures,
            filters={"school": pk, "on_books": "true"},
        )
        for pk, figures in groups.items()
    ]
    rows.sort(key=lambda r: schools[r.key].path)
    return rows


GROUP_COLUMNS = {
    "category": "category_id",
    "room": "room_id",
    "department": "department_id",
    "school": "school_id",
}


def ledger_summary(*, user, scope, by="category", level=1, as_of=None) -> Report:
    """资产台账汇总: the cards on the books grouped `by` category (rolled up to `level` of the
    tree), room, department or school, with card count, quantity, original value and net book
    value on `as_of` (today), and the totals."""
    if by not in GROUP_COLUMNS:
        raise ValueError(by)
    as_of = as_of or timezone.localdate()
    groups = figures_by(cards_on_books(user=user, scope=scope), GROUP_COLUMNS[by], as_of=as_of)
    if by == "category":
        rows = _by_category(groups, level)
    elif by == "room":
        rows = _by_room(groups, user, scope)
    elif by == "department":
        rows = _by_department(groups, user, scope)
    else:
        rows = _by_school(groups, user)
    return Report(rows=rows, total=_total(groups.values()), as_of=as_of, by=by, level=level)


# --- 2. the intact rate ------------------------------------------------------------------------


def intact_rate(*, user, scope, level=1, as_of=None) -> Report:
    """完好率 by category (rolled up to `level`): quantity in working order over quantity on the
    books (see INTACT_DEFINITION), with the damaged, beyond-repair and lost quantities and the
    scope's total."""
    as_of = as_of or timezone.localdate()
    groups = figures_by(cards_on_books(user=user, scope=scope), "category_id", as_of=as_of, intact=True)
    return Report(rows=_by_category(groups, level), total=_total(groups.values()), as_of=as_of, level=level)


# --- 4. district totals ------------------------------------------------------------------------


def district_totals(*, user, scope, as_of=None) -> Report:
    """One row per unit directly under the scope (a central school's schools, each with its
    teaching points), plus the scope's own property when it has any, and the total: cards,
    quantity, original value, net book value and intact rate."""
    as_of = as_of or timezone.localdate()
    groups = figures_by(cards_on_books(user=user, scope=scope), "school_id", as_of=as_of, intact=True)
    # Closed schools too: their cards still on the books are theirs, not the scope's own.
    children = list(School.objects.for_user(user).filter(parent_id=scope.pk).order_by("path"))
    paths = dict(School.objects.for_user(user).filter(pk__in=list(groups)).values_list("pk", "path"))
    own, per_child = Figures(), {c.pk: Figures() for c in children}
    for pk, figures in groups.items():
        path = paths[pk]
        child = next((c for c in children if path.startswith(c.path)), None)
        (per_child[child.pk] if child is not None else own).add(figures)
    rows = []
    if own.cards or not children:
        rows.append(
            Row(
                label=_("%(unit)s (own property)") % {"unit": scope.name} if children else scope.name,
                key=scope.pk,
                code=scope.code,
                figures=own,
                filters={"school": scope.pk, "on_books": "true"},
            )
        )
    for child in children:
        if not child.is_active and not per_child[child.pk].cards:
            continue
        rows.append(
            Row(
                label=child.name,
                key=child.pk,
                code=child.code,
                figures=per_child[child.pk],
                filters={"school": child.pk, "on_books": "true"},
            )
        )
    return Report(rows=rows, total=_total(groups.values()), as_of=as_of, by="school")


# --- 3. class care over a semester -------------------------------------------------------------


def semesters_for(*, user, scope):
    """The semesters the report can be run for, the latest first."""
    return (
        semester_list(user=user, scope=scope)
        .select_related("school")
        .order_by("-start_date", "school__depth")
    )


def default_semester(*, user, scope):
    """The current semester, else the latest one that has started."""
    current = semester_current(scope)
    if current is not None:
        return current
    return semesters_for(user=user, scope=scope).filter(start_date__lte=timezone.localdate()).first()


@dataclass
class ClassRow:
    room: Room
    school: School
    incidents: int = 0
    damages: int = 0
    losses: int = 0
    items: int = 0
    value_fen: int = 0
    compensation_fen: int = 0
    rank: int = 0

    @property
    def class_name(self):
        return self.room.name or self.room.number

    @property
    def head(self):
        return self.room.responsible

    @property
    def value(self):
        return fen_to_yuan(self.value_fen)

    @property
    def compensation(self):
        return fen_to_yuan(self.compensation_fen)

    def add(self, stats):
        for name in ("incidents", "damages", "losses", "items", "value_fen", "compensation_fen"):
            setattr(self, name, getattr(self, name) + int(stats.get(name) or 0))


@dataclass
class ClassCareReport:
    semester: Semester | None
    rows: list
    other: ClassRow | None  # incidents in rooms that are not classrooms, or in no room
    total: ClassRow | None
    several_schools: bool = False


def room_at_incident():
    """The room the item was in when the incident was reported: the room its report event
    recorded; for an incident without one, the card's room now."""
    event = AssetEvent.objects.filter(incident=OuterRef("pk"), kind__in=REPORT_EVENTS)
    return Case(
        When(Exists(event), then=Subquery(event.order_by("pk").values("to_room")[:1])),
        default=F("asset__room"),
        output_field=IntegerField(),
    )


def incident_value_fen():
    """The original value of the incident's items: its share of its card's value, in fen,
    rounded half up."""
    quantity = F("asset__quantity")
    return ExpressionWrapper(
        (fen(F("asset__amount")) * F("quantity") * Value(2) + quantity) / (quantity * Value(2)),
        output_field=BigIntegerField(),
    )


def class_care(*, user, scope, semester) -> ClassCareReport:
    """班级财产爱护: for each classroom (its class) of the scope, the damage, loss and theft of
    property in it during `semester`, their count and value, and the class's rank (fewest,
    then least value, first; per school). See CLASS_CARE_DEFINITION."""
    if semester is None:
        return ClassCareReport(semester=None, rows=[], other=None, total=None)
    incidents = (
        AssetIncident.objects.for_user(user)
        .in_scope(scope)
        .filter(
            kind__in=INCIDENT_KINDS, occurred_on__gte=semester.start_date, occurred_on__lte=semester.end_date
        )
        .exclude(status=IncidentStatus.RECOVERED)
        .annotate(at_room=room_at_incident())
        .order_by()
        .values("at_room")
        .annotate(
            incidents=Count("id"),
            damages=Count("id", filter=Q(kind=IncidentKind.DAMAGE)),
            losses=Count("id", filter=~Q(kind=IncidentKind.DAMAGE)),
            items=Sum("quantity"),
            value_fen=Sum(incident_value_fen()),
            compensation_fen=Sum(fen(F("compensation_paid"))),
        )
    )
    stats = {row.pop("at_room"): row for row in incidents}
    classrooms = (
        Room.objects.for_user(user)
        .in_scope(scope)
        .filter(kind=RoomKind.CLASSROOM)
        .filter(Q(is_active=True) | Q(pk__in=[pk for pk in stats if pk]))
        .select_related("school", "building", "responsible")
    )
    rows = []
    for room in classrooms:
        row = ClassRow(room=room, school=room.school)
        row.add(stats.pop(room.pk, {}))
        rows.append(row)
    other = ClassRow(room=None, school=None)
    for rest in stats.values():
        other.add(rest)
    by_school = {}
    for row in rows:
        by_school.setdefault(row.school.pk, []).append(row)
    ordered = []
    for school_rows in sorted(by_school.values(), key=lambda rs: rs[0].school.path):
        school_rows.sort(
            key=lambda r: (r.incidents, r.value_fen, r.room.building.name, r.room.floor, r.room.number)
        )
        previous, rank = None, 0
        for position, row in enumerate(school_rows, start=1):
            if (row.incidents, row.value_fen) != previous:
                rank, previous = position, (row.incidents, row.value_fen)
            row.rank = rank
        ordered.extend(school_rows)
    total = ClassRow(room=None, school=None)
    for row in [*ordered, other]:
        total.add(
            {
                name: getattr(row, name)
                for name in ("incidents", "damages", "losses", "items", "value_fen", "compensation_fen")
            }
        )
    return ClassCareReport(
        semester=semester, rows=ordered, other=other, total=total, several_schools=len(by_school) > 1
    )
