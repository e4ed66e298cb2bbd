"""The asset reports: ledger summary, intact rate, class care over a semester, district totals.

One small school with known figures (net book values on a fixed day, AS_OF), checked in the
selectors, on the pages, in the xlsx exports and over the API; who may read them; and that
another district's people see nothing of it.
"""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from houqin.assets.choices import AssetCondition, AssetStatus, IncidentKind
from houqin.assets.models import Asset
from houqin.assets.selectors_reports import (
    GROUPINGS,
    class_care,
    district_totals,
    figures_by,
    intact_rate,
    ledger_summary,
)
from houqin.assets.services.assets import asset_move
from houqin.assets.services.incidents import (
    incident_compensation_pay,
    incident_compensation_set,
    incident_follow_up,
    incident_repair_finish,
    incident_repair_start,
    incident_report,
)
from houqin.core.models import RoomKind
from houqin.core.tests.factories import DepartmentFactory, SemesterFactory, make_school, member

from .factories import category, make_asset, make_desks, make_room

AS_OF = datetime.date(2026, 6, 30)
TODAY = timezone.localdate()
D = Decimal


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def semester(district):
    """The current semester, set at the central school: began 60 days ago."""
    return SemesterFactory(
        school=district,
        school_year=f"{TODAY.year}-{TODAY.year + 1}",
        term=1,
        start_date=days_ago(60),
        end_date=TODAY + datetime.timedelta(days=60),
    )


@pytest.fixture
def previous_semester(district, semester):
    return SemesterFactory(
        school=district,
        school_year=f"{TODAY.year - 1}-{TODAY.year}",
        term=2,
        start_date=days_ago(240),
        end_date=days_ago(61),
    )


@pytest.fixture
def ledger(categories, school_a, room_a, room_a2, head_a):
    """School A's property:

    room 203 三年级2班 (class head teacher_a): 50 desks (13,000.00), a worn projector (3,000.00)
    room 204 三年级3班: a computer (4,800.00), a worn bookshelf (800.00)
    room 205 三年级4班: a stool (80.00)      room 206 三年级5班: a chair (120.00)
    office 301: a chair (150.00)             no room: 100 books (3,550.00, not depreciated)
    and a copier disposed of (off the books, left out everywhere).
    """
    dept = DepartmentFactory(school=school_a, name="总务处")
    # In 203's building, so the classes that tie are listed by room number.
    room_a3 = make_room(school_a, number="205", name="三年级4班", building=room_a.building)
    room_a4 = make_room(school_a, number="206", name="三年级5班", building=room_a.building)
    office = make_room(school_a, number="301", name="总务处办公室", kind=RoomKind.OFFICE)
    cards = {
        "desks": make_desks(school_a, room_a),
        "projector": make_asset(
            school_a,
            name="投影仪",
            category="A02020200",
            unit_price=D("3000.00"),
            acquired_on=datetime.date(2025, 9, 1),
            room=room_a,
            condition=AssetCondition.WORN,
        ),
        "pc": make_asset(school_a, room=room_a2, department=dept),
        "shelf": make_asset(
            school_a,
            name="书架",
            category="A05010600",
            unit_price=D("800.00"),
            acquired_on=datetime.date(2023, 3, 15),
            room=room_a2,
            condition=AssetCondition.WORN,
        ),
        "stool": make_asset(school_a, name="方凳", category="A05010300", unit_price=D("80.00"), room=room_a3),
        "chair": make_asset(
            school_a, name="椅子", category="A05010300", unit_price=D("120.00"), room=room_a4
        ),
        "office_chair": make_asset(
            school_a,
            name="办公椅",
            category="A05010300",
            unit_price=D("150.00"),
            room=office,
            department=dept,
        ),
        "books": make_asset(
            school_a,
            name="图书",
            category="A04010000",
            unit_price=D("35.50"),
            quantity=100,
            acquired_on=datetime.date(2020, 9, 1),
        ),
        "copier": make_asset(school_a, name="复印机", category="A02020100", unit_price=D("9000.00")),
    }
    # Its disposal was approved: off the books (the disposal workflow is tested elsewhere).
    Asset.objects.filter(pk=cards["copier"].pk).update(status=AssetStatus.DISPOSED)
    return {"rooms": {"a3": room_a3, "a4": room_a4, "office": office}, "dept": dept, **cards}


@pytest.fixture
def incidents(ledger, semester, previous_semester, head_a, room_a2):
    """This semester: 5 desks damaged and the projector stolen in 203; the computer damaged in
    204 (then moved to the office for repair); the office chair lost. Before it: the stool lost
    in 205. This semester, but found again: the chair of 206."""
    desks = incident_report(
        actor=head_a,
        asset=ledger["desks"],
        kind=IncidentKind.DAMAGE,
        description="桌面断裂",
        quantity=5,
        occurred_on=days_ago(10),
    )
    theft = incident_report(
        actor=head_a,
        asset=ledger["projector"],
        kind=IncidentKind.THEFT,
        description="被盗",
        occurred_on=days_ago(5),
    )
    incident_compensation_set(actor=head_a, incident=theft, payer_name="三年级2班")
    incident_compensation_pay(actor=head_a, incident=theft, amount=D("500.00"))
    pc = incident_report(
        actor=head_a,
        asset=ledger["pc"],
        kind=IncidentKind.DAMAGE,
        description="黑屏",
        occurred_on=days_ago(20),
    )
    asset_move(actor=head_a, asset=ledger["pc"], room=ledger["rooms"]["office"])
    office = incident_report(
        actor=head_a,
        asset=ledger["office_chair"],
        kind=IncidentKind.LOSS,
        description="不见了",
        occurred_on=days_ago(30),
    )
    old = incident_report(
        actor=head_a,
        asset=ledger["stool"],
        kind=IncidentKind.LOSS,
        description="丢失",
        occurred_on=days_ago(100),
    )
    found = incident_report(
        actor=head_a,
        asset=ledger["chair"],
        kind=IncidentKind.LOSS,
        description="找不到",
        occurred_on=days_ago(3),
    )
    incident_follow_up(actor=head_a, incident=found, note="在操场找到", recovered=True)
    return {"desks": desks, "theft": theft, "pc": pc, "office": office, "old": old, "found": found}


def net_on(cards, as_of):
    return sum((c.net_book_value(as_of) for c in cards), D("0.00"))


def on_books(school):
    return list(Asset.objects.filter(school=school).exclude(status__in=("disposed", "transferred")))


# --- the ledger summary ---------------------------------------------------------------------------


def test_ledger_by_top_category(ledger, school_a, head_a):
    report = ledger_summary(user=head_a, scope=school_a, by="category", level=1, as_of=AS_OF)
    rows = {r.code: r.figures for r in report.rows}
    assert list(rows) == ["A02000000", "A04000000", "A05000000"]
    # 设备: projector 3,000.00 (10 of 72 months: 2,583.33) + computer 4,800.00 (16 of 72: 3,733.33).
    assert (rows["A02000000"].cards, rows["A02000000"].quantity) == (2, 2)
    assert rows["A02000000"].original == D("7800.00")
    assert rows["A02000000"].net == D("6316.66")
    # 图书和档案: not depreciated.
    assert (rows["A04000000"].quantity, rows["A04000000"].original, rows["A04000000"].net) == (
        100,
        D("3550.00"),
        D("3550.00"),
    )
    # 家具和用具: 50 desks, shelf, stool, two chairs; the disposed copier (9,000.00) is left out.
    assert (rows["A05000000"].cards, rows["A05000000"].quantity) == (5, 54)
    assert rows["A05000000"].original == D("14150.00")
    assert report.total.cards == 8
    assert report.total.quantity == 156
    assert report.total.original == D("25500.00")
    # The SQL figures are the cards' own net book values, to the fen.
    assert report.total.net == net_on(on_books(school_a), AS_OF)
    assert rows["A05000000"].net == net_on(
        [c for c in on_books(school_a) if c.category.code[:3] == "A05"], AS_OF
    )


def test_ledger_rolls_up_to_the_chosen_level(ledger, school_a, head_a):
    by_class = ledger_summary(user=head_a, scope=school_a, by="category", level=2, as_of=AS_OF)
    assert [(r.code, r.figures.quantity) for r in by_class.rows] == [
        ("A02010000", 1),  # 信息化设备: the computer
        ("A02020000", 1),  # 办公设备: the projector
        ("A04010000", 100),
        ("A05010000", 54),  # 家具
    ]
    own = ledger_summary(user=head_a, scope=school_a, by="category", level=0, as_of=AS_OF)
    assert [r.code for r in own.rows] == [
        "A02010100",
        "A02020200",
        "A04010000",
        "A05010300",
        "A05010304",
        "A05010600",
    ]
    assert own.total.original == by_class.total.original == D("25500.00")
    # Each row opens the asset list on its category (and below), on the books.
    desks = next(r for r in own.rows if r.code == "A05010304")
    assert desks.filters == {"category": category("A05010304").pk, "on_books": "true"}


def test_ledger_by_room_department_and_school(ledger, school_a, head_a, room_a, room_a2):
    rooms = ledger_summary(user=head_a, scope=school_a, by="room", as_of=AS_OF)
    by_room = {r.key: r.figures for r in rooms.rows}
    assert (by_room[room_a.pk].cards, by_room[room_a.pk].quantity, by_room[room_a.pk].original) == (
        2,
        51,
        D("16000.00"),
    )
    assert by_room[room_a2.pk].original == D("5600.00")
    assert by_room[None].original == D("3550.00")  # the books, in no room
    assert rooms.rows[-1].label == "(no room)" and rooms.rows[-1].query == ""
    assert rooms.total.original == D("25500.00")

    depts = ledger_summary(user=head_a, scope=school_a, by="department", as_of=AS_OF)
    by_dept = {r.key: r.figures for r in depts.rows}
    assert by_dept[ledger["dept"].pk].original == D("4950.00")  # computer + office chair
    assert by_dept[None].original == D("20550.00")

    schools = ledger_summary(user=head_a, scope=school_a, by="school", as_of=AS_OF)
    assert [(r.label, r.figures.cards, r.figures.original) for r in schools.rows] == [
        ("黄竹林学校", 8, D("25500.00"))
    ]
    assert schools.rows[0].query == f"school={school_a.pk}&on_books=true"


def test_net_book_value_in_sql_matches_the_cards(categories, school_a, head_a):
    """Every branch of the depreciation arithmetic: not depreciated, not started, part way,
    fully depreciated, disposed mid-life (stopped), with a residual value, odd amounts whose
    rounding lands on half a fen — on a range of days."""
    pc = category("A02010100")
    cards = []
    for n, (amount, life, start, end, residual) in enumerate(
        itertools.product(
            (D("4800.00"), D("1000.01"), D("0.05"), D("333.33"), D("12345.67")),
            (0, 7, 72, 180),
            (None, datetime.date(2019, 12, 1), datetime.date(2025, 3, 1), datetime.date(2026, 7, 1)),
            (None, datetime.date(2026, 1, 1)),
            (D("0.00"), D("0.03")),
        )
    ):
        cards.append(
            Asset(
                school=school_a,
                code=f"T-{n:05d}",
                name="测试",
                category=pc,
                unit_price=amount,
                amount=amount,
                residual_value=residual,
                depreciation_months=life,
                depreciation_start=start,
                depreciation_end=end,
                acquired_on=start or datetime.date(2019, 1, 1),
            )
        )
    Asset.objects.bulk_create(cards)
    cards = list(Asset.objects.filter(school=school_a))
    for as_of in (
        datetime.date(2019, 11, 30),
        datetime.date(2020, 1, 31),
        datetime.date(2025, 12, 31),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 6, 30),
        datetime.date(2040, 5, 5),
    ):
        totals = figures_by(Asset.objects.filter(school=school_a), "school_id", as_of=as_of)
        assert totals[school_a.pk].net == net_on(cards, as_of), as_of
        assert totals[school_a.pk].original == sum((c.amount for c in cards), D("0.00"))


def queries_of(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_report_queries_do_not_grow_with_the_cards(incidents, ledger, school_a, head_a, semester):
    def counts():
        return [
            *(
                queries_of(lambda by=by: ledger_summary(user=head_a, scope=school_a, by=by))
                for by in GROUPINGS
            ),
            queries_of(lambda: intact_rate(user=head_a, scope=school_a)),
            queries_of(lambda: class_care(user=head_a, scope=school_a, semester=semester)),
            queries_of(lambda: district_totals(user=head_a, scope=school_a)),
        ]

    counts()  # the user's memberships, read once per request
    before = counts()
    for n in range(20):
        card = make_asset(school_a, name=f"电脑{n}", category="A02010400", room=ledger["rooms"]["a3"])
        incident_report(
            actor=head_a, asset=card, kind=IncidentKind.DAMAGE, description="坏", occurred_on=days_ago(2)
        )
    assert counts() == before
    # One GROUP BY, the labels, the category tree a level at a time (4 levels here).
    assert max(before) <= 6


# --- the intact rate ------------------------------------------------------------------------------


def test_worn_counts_as_intact_damaged_does_not(categories, school_a, room_a, head_a):
    make_desks(school_a, room_a, quantity=10)
    make_asset(school_a, name="书架", category="A05010600", room=room_a, condition=AssetCondition.WORN)
    before = intact_rate(user=head_a, scope=school_a, as_of=AS_OF).total
    assert (before.quantity, before.intact, before.intact_rate) == (11, 11, D("100.0"))
    incident_report(
        actor=head_a,
        asset=Asset.objects.get(name="学生课桌椅"),
        kind=IncidentKind.DAMAGE,
        description="断腿",
        quantity=3,
    )
    after = intact_rate(user=head_a, scope=school_a, as_of=AS_OF).total
    assert (after.quantity, after.intact, after.damaged, after.intact_rate) == (11, 8, 3, D("72.7"))


def test_intact_rate_by_category(incidents, ledger, school_a, head_a):
    report = intact_rate(user=head_a, scope=school_a, level=1, as_of=AS_OF)
    rows = {r.code: r.figures for r in report.rows}
    equipment, books, furniture = rows["A02000000"], rows["A04000000"], rows["A05000000"]
    # 设备: the computer is damaged, the (worn) projector was stolen: nothing intact.
    assert (equipment.quantity, equipment.intact, equipment.damaged, equipment.lost) == (2, 0, 1, 1)
    assert equipment.intact_rate == D("0.0")
    assert (books.quantity, books.intact, books.intact_rate) == (100, 100, D("100.0"))
    # 家具: 45 good desks, the worn shelf and the chair found again are intact; 5 desks damaged;
    # the stool and the office chair lost.
    assert (furniture.quantity, furniture.intact, furniture.damaged, furniture.lost) == (54, 47, 5, 2)
    assert furniture.intact_rate == D("87.0")
    assert (report.total.quantity, report.total.intact, report.total.intact_rate) == (156, 147, D("94.2"))


def test_beyond_repair_is_not_intact(categories, school_a, room_a, head_a):
    pc = make_asset(school_a, room=room_a)
    damage = incident_report(actor=head_a, asset=pc, kind=IncidentKind.DAMAGE, description="主板烧坏")
    incident_repair_start(actor=head_a, incident=damage)
    incident_repair_finish(actor=head_a, incident=damage, repaired=False)
    total = intact_rate(user=head_a, scope=school_a).total
    assert (total.quantity, total.intact, total.beyond_repair, total.damaged, total.intact_rate) == (
        1,
        0,
        1,
        0,
        D("0.0"),
    )


# --- class care over the semester ---------------------------------------------------------------


def test_class_care_counts_ranks_and_leaves_out(
    incidents, ledger, school_a, head_a, semester, room_a, room_a2
):
    report = class_care(user=head_a, scope=school_a, semester=semester)
    got = [(r.rank, r.class_name, r.incidents, r.damages, r.losses, r.items, r.value) for r in report.rows]
    assert got == [
        # 205: its stool went before the semester; 206: its chair was found again.
        (1, "三年级4班", 0, 0, 0, 0, D("0.00")),
        (1, "三年级5班", 0, 0, 0, 0, D("0.00")),
        # 204: the computer, counted where it was when damaged, though it is in the office now.
        (3, "三年级3班", 1, 1, 0, 1, D("4800.00")),
        # 203: 5 of the 50 desks (5/50 of 13,000.00) and the projector.
        (4, "三年级2班", 2, 1, 1, 6, D("4300.00")),
    ]
    top = report.rows[-1]
    assert top.room == room_a and top.head.username == "teacher_a"
    assert top.compensation == D("500.00")
    # The office is not a classroom: its lost chair is under "other rooms".
    assert (report.other.incidents, report.other.value) == (1, D("150.00"))
    assert (report.total.incidents, report.total.value) == (4, D("9250.00"))
    assert not report.several_schools


def test_class_care_of_another_semester(incidents, school_a, head_a, previous_semester):
    report = class_care(user=head_a, scope=school_a, semester=previous_semester)
    assert [(r.rank, r.class_name, r.incidents, r.value) for r in report.rows if r.incidents] == [
        (4, "三年级4班", 1, D("80.00"))
    ]
    assert report.total.incidents == 1


def test_class_care_ties_share_a_rank_by_count_then_value(categories, school_a, head_a, semester):
    first = make_room(school_a, number="301", name="五年级1班")
    rooms = [first] + [
        make_room(school_a, number=str(300 + n), name=f"五年级{n}班", building=first.building) for n in (2, 3)
    ]
    for room, price in zip(rooms, ("200.00", "100.00", "100.00"), strict=True):
        card = make_asset(school_a, name="椅子", category="A05010300", unit_price=D(price), room=room)
        incident_report(
            actor=head_a, asset=card, kind=IncidentKind.DAMAGE, description="坏了", occurred_on=days_ago(1)
        )
    report = class_care(user=head_a, scope=school_a, semester=semester)
    assert [(r.rank, r.class_name) for r in report.rows] == [
        (1, "五年级2班"),
        (1, "五年级3班"),
        (3, "五年级1班"),
    ]


def test_class_care_without_a_semester(ledger, school_a, head_a):
    report = class_care(user=head_a, scope=school_a, semester=None)
    assert report.rows == [] and report.total is None


# --- district totals ------------------------------------------------------------------------------


def test_district_totals(ledger, district, school_a, school_b, supervisor, head_a, room_b):
    make_asset(school_b, name="复印机", category="A02020100", unit_price=D("6000.00"), room=room_b)
    make_desks(school_b, room_b, quantity=10, condition=AssetCondition.WORN)
    point = make_school("竹林教学点", kind="teaching_point", parent=school_a)
    make_asset(point, name="讲台", category="A05010200", unit_price=D("500.00"))
    make_asset(district, name="中心校公车", category="A02030000", unit_price=D("120000.00"))
    report = district_totals(user=supervisor, scope=district, as_of=AS_OF)
    got = [
        (r.label, r.figures.cards, r.figures.quantity, r.figures.original, r.figures.intact_rate)
        for r in report.rows
    ]
    assert got == [
        ("太平中心学校 (own property)", 1, 1, D("120000.00"), D("100.0")),
        # School A with its teaching point's lectern.
        ("黄竹林学校", 9, 157, D("26000.00"), D("100.0")),
        ("示范小学", 2, 11, D("8600.00"), D("100.0")),
    ]
    assert (report.total.cards, report.total.quantity, report.total.original) == (12, 169, D("154600.00"))
    everything = on_books(district) + on_books(school_a) + on_books(point) + on_books(school_b)
    assert report.total.net == net_on(everything, AS_OF)
    # A school's head sees their own school only.
    own = district_totals(user=head_a, scope=school_a, as_of=AS_OF)
    assert [(r.label, r.figures.cards) for r in own.rows] == [
        ("黄竹林学校 (own property)", 8),
        ("竹林教学点", 1),
    ]
    # A school that has closed keeps its row while cards are still on its books (they are not
    # the central school's own); without cards it is left out.
    school_b.is_active = False
    school_b.save()
    closed = district_totals(user=supervisor, scope=district, as_of=AS_OF)
    assert [(r.label, r.figures.cards) for r in closed.rows] == [
        ("太平中心学校 (own property)", 1),
        ("黄竹林学校", 9),
        ("示范小学", 2),
    ]
    empty = make_school("已撤并小学", parent=district)
    empty.is_active = False
    empty.save()
    assert "已撤并小学" not in [r.label for r in district_totals(user=supervisor, scope=district).rows]


def test_district_class_care_ranks_each_school(
    incidents, district, school_b, head_b, supervisor, semester, room_b
):
    chair = make_asset(school_b, name="椅子", category="A05010300", unit_price=D("90.00"), room=room_b)
    incident_report(
        actor=head_b, asset=chair, kind=IncidentKind.DAMAGE, description="坏了", occurred_on=days_ago(1)
    )
    report = class_care(user=supervisor, scope=district, semester=semester)
    assert report.several_schools
    assert [(r.school.name, r.rank, r.class_name) for r in report.rows] == [
        ("黄竹林学校", 1, "三年级4班"),
        ("黄竹林学校", 1, "三年级5班"),
        ("黄竹林学校", 3, "三年级3班"),
        ("黄竹林学校", 4, "三年级2班"),
        ("示范小学", 1, "示范一年级1班"),
    ]
    assert report.total.value == D("9340.00")


# --- nothing of another district -----------------------------------------------------------------


def test_another_district_sees_none_of_it(incidents, school_a, district, school_x, head_x, semester):
    make_asset(school_x, name="外区电脑", unit_price=D("3000.00"))
    assert ledger_summary(user=head_x, scope=school_x).total.original == D("3000.00")
    assert intact_rate(user=head_x, scope=school_x).total.quantity == 1
    assert [r.label for r in district_totals(user=head_x, scope=school_x).rows] == ["外区学校"]
    # Even pointed at the other school or district itself, the user's rights hide everything.
    for scope in (school_a, district):
        assert ledger_summary(user=head_x, scope=scope).rows == []
        assert intact_rate(user=head_x, scope=scope).total.quantity == 0
        assert district_totals(user=head_x, scope=scope).total.cards == 0
        care = class_care(user=head_x, scope=scope, semester=semester)
        assert care.rows == [] and care.total.incidents == 0


# --- pages, exports, API ----------------------------------------------------------------------------

PAGES = ("assets:report_ledger", "assets:report_intact", "assets:report_class_care", "assets:report_district")


def login(client, user):
    client.force_login(user)
    return client


def workbook(response):
    """The sheet's rows, empty cells as ""."""
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if c is None else c for c in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_goes_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", PAGES)
def test_no_view_right_is_refused(client, ledger, school_a, name):
    worker = member(school_a, "repair_worker", username="worker_a")
    assert login(client, worker).get(reverse(name)).status_code == 403


def test_teacher_reads_the_ledger_but_not_the_incidents_nor_exports(client, ledger, teacher_a):
    login(client, teacher_a)
    assert client.get(reverse("assets:report_ledger")).status_code == 200
    assert client.get(reverse("assets:report_ledger"), {"export": "xlsx"}).status_code == 403
    assert client.get(reverse("assets:report_class_care")).status_code == 403


def test_ledger_page_and_export(client, ledger, head_a, school_a):
    login(client, head_a)
    response = client.get(reverse("assets:report_ledger"), {"by": "category", "level": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    report = ledger_summary(user=head_a, scope=school_a)
    assert 'id="total-original">25500.00<' in html
    assert f'id="total-net">{report.total.net}<' in html
    assert 'id="total-cards">8<' in html
    assert f'href="/assets/cards/?category={category("A05000000").pk}&amp;on_books=true"' in html
    assert "家具和用具" in html

    rows = workbook(client.get(reverse("assets:report_ledger"), {"by": "category", "export": "xlsx"}))
    assert rows[0] == [
        "Code",
        "Category",
        "Cards",
        "Quantity",
        "Original value (yuan)",
        "Net book value (yuan)",
    ]
    assert rows[1][:4] == ["A02000000", "设备", 2, 2]
    assert rows[-1][0] == "Total" and rows[-1][2:5] == [8, 156, 25500]
    assert rows[-1][5] == pytest.approx(float(report.total.net))

    rooms = workbook(client.get(reverse("assets:report_ledger"), {"by": "room", "export": "xlsx"}))
    assert rooms[0][:2] == ["Room", "School"]
    assert ["(no room)", "", 1, 100, 3550, 3550] in rooms


def test_intact_page_and_export(client, incidents, head_a):
    login(client, head_a)
    html = client.get(reverse("assets:report_intact")).content.decode()
    assert 'id="total-rate">94.2<' in html
    assert "worn but usable" in html  # the definition is on the page
    rows = workbook(client.get(reverse("assets:report_intact"), {"export": "xlsx"}))
    assert rows[0][-1] == "Intact rate (%)"
    assert ["A05000000", "家具和用具", 54, 47, 5, 0, 2, 87] in rows
    assert ["Total", "", 156, 147, 6, 0, 3, 94.2] in rows


def test_class_care_page_and_export(client, incidents, head_a, semester, previous_semester):
    login(client, head_a)
    html = client.get(reverse("assets:report_class_care")).content.decode()
    assert 'id="total-incidents">4<' in html and 'id="total-value">9250.00<' in html
    assert html.index("三年级4班") < html.index("三年级3班") < html.index("三年级2班")
    assert f'<option value="{semester.pk}" selected>' in html
    earlier = client.get(reverse("assets:report_class_care"), {"semester": previous_semester.pk})
    assert 'id="total-incidents">1<' in earlier.content.decode()
    rows = workbook(client.get(reverse("assets:report_class_care"), {"export": "xlsx"}))
    assert rows[0][:3] == ["Rank", "School", "Class"]
    assert [r[0] for r in rows[1:5]] == [1, 1, 3, 4]
    assert rows[4][2] == "三年级2班" and rows[4][5:] == [2, 1, 1, 6, 4300, 500]
    assert rows[5] == ["", "", "Other rooms or no room", "", "", 1, 0, 1, 1, 150, 0]


def test_a_foreign_semester_falls_back_to_the_current_one(client, incidents, head_a, other_district):
    foreign = SemesterFactory(school=other_district, start_date=days_ago(30), end_date=TODAY)
    login(client, head_a)
    html = client.get(reverse("assets:report_class_care"), {"semester": foreign.pk}).content.decode()
    assert 'id="total-incidents">4<' in html


def test_district_page_and_export(client, ledger, supervisor, school_b, room_b):
    make_asset(school_b, name="复印机", category="A02020100", unit_price=D("6000.00"), room=room_b)
    login(client, supervisor)
    html = client.get(reverse("assets:report_district")).content.decode()
    assert "黄竹林学校" in html and "示范小学" in html
    assert 'id="total-original">31500.00<' in html
    rows = workbook(client.get(reverse("assets:report_district"), {"export": "xlsx"}))
    assert rows[0][0] == "School"
    assert [r[:5] for r in rows[1:]] == [
        ["黄竹林学校", 8, 156, 25500, rows[1][4]],
        ["示范小学", 1, 1, 6000, rows[2][4]],
        ["Total", 9, 157, 31500, rows[3][4]],
    ]


def test_another_districts_user_sees_nothing_here(client, incidents, head_x, school_x):
    make_asset(school_x, name="外区电脑", unit_price=D("3000.00"))
    login(client, head_x)
    for name in PAGES:
        for params in ({}, {"export": "xlsx"}, {"by": "room"}, {"by": "school"}):
            response = client.get(reverse(name), params)
            assert response.status_code == 200
            text = (
                "".join(str(c) for row in workbook(response) for c in row)
                if params.get("export")
                else response.content.decode()
            )
            for marker in ("黄竹林学校", "三年级2班", "25500", "9250", "学生课桌椅"):
                assert marker not in text, (name, params, marker)


def test_api_reports(client, incidents, head_a, semester):
    login(client, head_a)
    ledger = client.get("/api/assets/reports/ledger/", {"by": "category", "level": 1}).json()
    assert ledger["total"] == {
        "cards": 9,  # the 5 damaged desks were split off their batch
        "quantity": 156,
        "original_value": "25500.00",
        "net_book_value": ledger["total"]["net_book_value"],
    }
    assert [r["code"] for r in ledger["rows"]] == ["A02000000", "A04000000", "A05000000"]
    intact = client.get("/api/assets/reports/intact/").json()
    assert intact["total"]["intact_rate"] == "94.2" and intact["total"]["lost"] == 3
    care = client.get("/api/assets/reports/class-care/").json()
    assert care["semester"]["id"] == semester.pk
    assert [(r["rank"], r["class"], r["value"]) for r in care["rows"]][-1] == (4, "三年级2班", "4300.00")
    district = client.get("/api/assets/reports/district/").json()
    assert district["total"]["original_value"] == "25500.00"
    assert client.get("/api/assets/reports/ledger/", {"by": "colour"}).status_code == 400


def test_api_refuses_without_rights(client, ledger, school_a, teacher_a):
    assert client.get("/api/assets/reports/ledger/").status_code in (401, 403)
    login(client, member(school_a, "repair_worker", username="worker_a"))
    for path in ("ledger", "intact", "class-care", "district"):
        assert client.get(f"/api/assets/reports/{path}/").status_code == 403
    login(client, teacher_a)
    assert client.get("/api/assets/reports/ledger/").status_code == 200
    assert client.get("/api/assets/reports/class-care/").status_code == 403
