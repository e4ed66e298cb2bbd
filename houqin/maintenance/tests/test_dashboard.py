"""Time to repair (median, 90th percentile) in the database or in Python — the same numbers;
the dashboard's figures for a known set of repairs and rounds; its page and API."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from ..models import WorkOrder
from ..selectors import Period, dashboard
from ..services.inspections import inspection_plan_generate, inspection_rounds_flag_missed
from ..services.orders import work_order_complete, work_order_material_add
from ..services.requests import repair_request_accept, repair_request_confirm
from ..stats import grouped_percentiles, percentile_cont
from .factories import at, building, report, room
from .test_inspections import walk_all

BACKEND = "houqin.core.auth.MembershipBackend"
SEPT = Period(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], 0.5, None),
        ([7], 0.9, 7.0),
        ([1, 2, 3, 4], 0.5, 2.5),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1),
        ([10, 20], 0.9, 19.0),
        ([3, 3, 3], 0.5, 3.0),
    ],
)
def test_percentile_cont_interpolates_like_postgresql(values, fraction, expected):
    result = percentile_cont(values, fraction)
    assert result == (pytest.approx(expected) if expected is not None else None)


@pytest.fixture
def repairs(school_a, teacher_a, head_a, worker_a, staff_a):
    """Five repairs in September: hours to repair 2, 4, 6, 10 and 30 (the last one late)."""
    teaching, dorms = building(school_a, "教学楼"), building(school_a, "学生宿舍楼")
    c301, d101 = room(school_a, "301", bld=teaching), room(school_a, "101", kind="dormitory", bld=dorms)
    plan = [
        (c301, "doors_windows", worker_a, 2, "35.00"),
        (c301, "doors_windows", worker_a, 4, "0"),
        (d101, "water", staff_a, 6, "12.50"),
        (d101, "water", worker_a, 10, "0"),
        (c301, "electricity", staff_a, 30, "80.00"),  # urgent: due after 24 h, done after 30 h
    ]
    orders = []
    for n, (rm, kind, who, hours, cost) in enumerate(plan):
        start = at(2026, 9, 7 + n, 8, 0)
        req = report(teacher_a, rm, kind=kind, urgency="urgent" if hours == 30 else "normal", when=start)
        order = repair_request_accept(actor=head_a, request=req, assignee=who, at=start)
        if cost != "0":
            work_order_material_add(actor=who, order=order, item_name="材料", quantity=1, unit_cost=cost)
        work_order_complete(actor=who, order=order, at=start + datetime.timedelta(hours=hours))
        orders.append(order)
    repair_request_confirm(actor=teacher_a, request=orders[0].request, rating=5, at=at(2026, 9, 15, 8, 0))
    repair_request_confirm(actor=teacher_a, request=orders[1].request, rating=4, at=at(2026, 9, 15, 9, 0))
    open_one = repair_request_accept(
        actor=head_a, request=report(teacher_a, c301, when=at(2026, 9, 20, 8, 0))
    )
    report(teacher_a, d101, when=at(2026, 9, 21, 8, 0))
    return {"orders": orders, "open": open_one, "c301": c301, "d101": d101}


def test_grouped_percentiles_in_the_database(repairs):
    done = WorkOrder.objects.filter(completed_at__isnull=False)
    overall = grouped_percentiles(done, "resolution_seconds")
    assert overall[None]["n"] == 5
    assert overall[None][0.5] == pytest.approx(6 * 3600)
    assert overall[None][0.9] == pytest.approx((10 + 0.6 * 20) * 3600)  # 22 h
    by_kind = grouped_percentiles(done, "resolution_seconds", "request__kind")
    assert {k: (v["n"], v[0.5]) for k, v in by_kind.items()} == {
        "doors_windows": (2, pytest.approx(3 * 3600)),
        "water": (2, pytest.approx(8 * 3600)),
        "electricity": (1, pytest.approx(30 * 3600)),
    }


def test_the_dashboard_figures(repairs, school_a, head_a, worker_a, staff_a):
    board = dashboard(user=head_a, scope=school_a, period=SEPT, now=at(2026, 9, 25, 12, 0))
    assert (board.new_requests, board.open_orders, board.overdue_orders, board.awaiting_confirmation) == (
        1,
        1,
        1,
        3,
    )
    assert (board.completed, board.cost, board.average_rating) == (5, Decimal("127.50"), 4.5)
    assert (board.overall.n, board.overall.median_hours, board.overall.p90_hours, board.overall.on_time) == (
        5,
        6.0,
        22.0,
        4,
    )
    assert [(r.label, r.n, r.median_hours, r.p90_hours, r.on_time_percent) for r in board.by_kind] == [
        ("Doors and windows", 2, 3.0, 3.8, 100.0),
        ("Water", 2, 8.0, 9.6, 100.0),
        ("Electricity", 1, 30.0, 30.0, 0.0),
    ]
    assert [(r.label, r.n, r.median_hours) for r in board.by_building] == [
        ("教学楼", 3, 4.0),
        ("学生宿舍楼", 2, 8.0),
    ]
    assert [(r.label, r.n, r.median_hours) for r in board.by_worker] == [
        ("黄大伟", 3, 4.0),
        ("田丽", 2, 18.0),
    ]
    assert [(str(r["room"]), r["cost"], r["n"]) for r in board.costliest_rooms] == [
        ("教学楼 301", Decimal("115.00"), 3),
        ("学生宿舍楼 101", Decimal("12.50"), 2),
    ]
    assert board.by_school == []


def test_the_district_sees_its_schools(repairs, district, supervisor):
    board = dashboard(user=supervisor, scope=district, period=SEPT, now=at(2026, 9, 25, 12, 0))
    assert [(r.label, r.n) for r in board.by_school] == [("黄竹林学校", 5)]
    assert [r.label for r in board.by_building] == ["黄竹林学校 · 教学楼", "黄竹林学校 · 学生宿舍楼"]


def test_inspection_completion_rate(school_a, head_a, staff_a):
    from houqin.core.models.places import RoomKind

    from ..services.inspections import checklist_create, inspection_plan_create

    room(school_a, "301")
    checklist = checklist_create(
        actor=head_a,
        school=school_a,
        data={"name": "教室", "room_kind": RoomKind.CLASSROOM, "items": [("门", "doors_windows")]},
    )
    plan = inspection_plan_create(
        actor=head_a,
        school=school_a,
        data={
            "name": "周一",
            "recurrence": "weekly",
            "weekday": 0,
            "checklists": [checklist],
            "inspector": staff_a,
            "starts_on": datetime.date(2026, 9, 1),
        },
    )
    rounds = {}
    for day in (7, 14, 21, 28):
        rounds[day] = inspection_plan_generate(plan=plan, now=at(2026, 9, day, 0, 5))[0]
    walk_all(rounds[7], staff_a, at(2026, 9, 7, 10, 0))  # on time
    inspection_rounds_flag_missed(now=at(2026, 9, 16, 0, 1))  # the 14th is missed …
    walk_all(rounds[14], staff_a, at(2026, 9, 16, 9, 0))  # … and done late
    inspection_rounds_flag_missed(now=at(2026, 9, 23, 0, 1))  # the 21st is missed
    board = dashboard(user=head_a, scope=school_a, period=SEPT, now=at(2026, 9, 28, 12, 0))
    # The 28th is not due yet: three rounds were due, one done on time.
    assert (board.rounds_due, board.rounds_on_time, board.rounds_late, board.rounds_missed) == (3, 1, 1, 1)
    assert board.completion_percent == 33.3


# --- the page and the API -----------------------------------------------------------------------


def login(client, user):
    client.force_login(user, backend=BACKEND)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_dashboard_page(client, repairs, head_a, teacher_a, head_x):
    url = reverse("maintenance:dashboard")
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")
    login(client, teacher_a)
    assert client.get(url).status_code == 403
    login(client, head_x)
    html = client.get(url, {"start": "2026-09-01", "end": "2026-09-30"}).content.decode()
    assert "No repair was completed in this period." in html
    assert "教学楼 301" not in html
    login(client, head_a)
    response = client.get(url, {"start": "2026-09-01", "end": "2026-09-30"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="num" id="completed">5</div>' in html
    assert '<div class="num" id="ttr-median">6.0</div>' in html
    assert '<div class="num" id="ttr-p90">22.0</div>' in html
    assert '<div class="num" id="cost">127.50</div>' in html


def test_dashboard_api(client, repairs, head_a, teacher_a):
    url = reverse("maintenance-api:dashboard")
    assert client.get(url).status_code in (401, 403)
    login(client, teacher_a)
    assert client.get(url).status_code == 403
    login(client, head_a)
    data = client.get(url).json()
    assert data["open_orders"] == 1
    assert data["new_requests"] == 1
    assert data["overdue_orders"] == 1
    assert data["inspection"] == {
        "rounds_due": 0,
        "on_time": 0,
        "late": 0,
        "missed": 0,
        "completion_percent": None,
        "items_failed": 0,
    }
