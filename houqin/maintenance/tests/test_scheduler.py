"""The scheduler: the tick does each thing once, survives restarts and double runs; the commands
and the task the worker runs; concurrent ticks and completions on PostgreSQL."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from houqin.core.models.places import RoomKind
from houqin.core.tests.factories import make_school, member

from ..choices import Recurrence
from ..models import InspectionRound, RepairEvent, WorkOrder
from ..services.inspections import checklist_create, inspection_plan_create, inspection_plan_generate
from ..services.orders import work_order_complete
from ..services.requests import repair_request_accept
from ..services.scheduling import schedule_tick
from ..tasks import PERIODIC_TASKS, maintenance_schedule_tick
from .factories import at, report, room


def make_plan(school, actor, weekday, starts_on, name="每周五校园检查"):
    room(school, f"R{weekday}{name[-2:]}")
    checklist = checklist_create(
        actor=actor,
        school=school,
        data={"name": f"{name}清单", "room_kind": RoomKind.CLASSROOM, "items": [("门锁", "doors_windows")]},
    )
    return inspection_plan_create(
        actor=actor,
        school=school,
        data={
            "name": name,
            "recurrence": Recurrence.WEEKLY,
            "weekday": weekday,
            "checklists": [checklist],
            "starts_on": starts_on,
        },
    )


def test_the_tick_does_everything_once(school_a, head_a, teacher_a, worker_a, room_a):
    make_plan(school_a, head_a, 4, datetime.date(2026, 9, 1))
    overdue = repair_request_accept(
        actor=head_a, request=report(teacher_a, room_a, when=at(2026, 9, 1, 8, 0))
    )
    done = repair_request_accept(actor=head_a, request=report(teacher_a, room_a, when=at(2026, 9, 1, 9, 0)))
    work_order_complete(actor=worker_a, order=done, at=at(2026, 9, 1, 10, 0))
    friday = at(2026, 9, 4, 10, 30)  # the first order was due at 8:00; the second completed 3 days ago
    assert schedule_tick(now=friday).as_dict() == {
        "rounds_generated": 1,
        "rounds_missed": 0,
        "orders_overdue": 1,
        "orders_closed": 1,
    }
    assert schedule_tick(now=friday + datetime.timedelta(minutes=1)).as_dict() == {
        "rounds_generated": 0,
        "rounds_missed": 0,
        "orders_overdue": 0,
        "orders_closed": 0,
    }
    # Saturday passes undone: flagged on Sunday, once.
    sunday = at(2026, 9, 6, 0, 1)
    assert schedule_tick(now=sunday).rounds_missed == 1
    assert schedule_tick(now=sunday).rounds_missed == 0
    assert InspectionRound.objects.count() == 1
    overdue.refresh_from_db()
    assert overdue.overdue_notified_at == friday
    assert RepairEvent.objects.filter(kind="overdue").count() == 1


def test_a_broken_plan_does_not_stop_the_others(school_a, school_b, head_a, head_b, monkeypatch):
    make_plan(school_a, head_a, 4, datetime.date(2026, 9, 1))
    good = make_plan(school_b, head_b, 4, datetime.date(2026, 9, 1))
    from ..services import scheduling

    real = scheduling.inspection_plan_generate

    def flaky(*, plan, now):
        if plan.school_id == school_a.pk:
            raise RuntimeError("boom")
        return real(plan=plan, now=now)

    monkeypatch.setattr(scheduling, "inspection_plan_generate", flaky)
    assert schedule_tick(now=at(2026, 9, 4, 7, 0)).rounds_generated == 1
    assert list(InspectionRound.objects.values_list("plan", flat=True)) == [good.pk]


def test_the_command_runs_a_tick(school_a, head_a):
    today = timezone.localdate()
    make_plan(school_a, head_a, today.weekday(), today)
    out = io.StringIO()
    call_command("maintenance_schedule_tick", stdout=out)
    assert out.getvalue().strip() == "rounds_generated=1 rounds_missed=0 orders_overdue=0 orders_closed=0"
    call_command("maintenance_schedule_tick", stdout=io.StringIO())
    assert InspectionRound.objects.count() == 1


def test_the_scheduler_enqueues_the_tick_for_the_worker(school_a, head_a):
    today = timezone.localdate()
    make_plan(school_a, head_a, today.weekday(), today)
    assert (maintenance_schedule_tick, 60) in PERIODIC_TASKS
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)  # tests run tasks at once (immediate backend)
    assert "maintenance_schedule_tick" in out.getvalue()
    assert InspectionRound.objects.count() == 1
    call_command("scheduler", "--once", stdout=io.StringIO())
    assert InspectionRound.objects.count() == 1


def test_the_task_returns_what_it_did(school_a, head_a):
    today = timezone.localdate()
    make_plan(school_a, head_a, today.weekday(), today)
    result = maintenance_schedule_tick.enqueue()
    assert result.return_value == {
        "rounds_generated": 1,
        "rounds_missed": 0,
        "orders_overdue": 0,
        "orders_closed": 0,
    }


def test_the_scheduler_does_not_pile_up_ticks_on_a_stopped_worker(school_a, settings):
    from django_tasks_db.models import DBTaskResult

    from ..management.commands.scheduler import waiting

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert waiting(maintenance_schedule_tick) is False
    call_command("scheduler", "--once", stdout=io.StringIO())
    assert waiting(maintenance_schedule_tick) is True
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)  # the worker has not run the first one yet
    assert "enqueued" not in out.getvalue()
    assert DBTaskResult.objects.filter(task_path=maintenance_schedule_tick.module_path).count() == 1


# --- PostgreSQL: two workers at once ------------------------------------------------------------


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set HOUQIN_TEST_DATABASE_URL)")


def concurrently(count, fn):
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait(timeout=30)
            value = fn()
            with lock:
                results.append(value)
        except Exception as exc:  # noqa: BLE001  (counted by the caller)
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_ticks_generate_one_round(postgres_only):
    school = make_school("并发学校")
    head = member(school, "head_of_logistics", username="conc_head")
    plan = make_plan(school, head, 4, datetime.date(2026, 9, 1))
    results, errors = concurrently(
        8, lambda: len(inspection_plan_generate(plan=plan, now=at(2026, 9, 4, 7, 0)))
    )
    assert errors == []
    assert sorted(results) == [0] * 7 + [1]
    assert InspectionRound.objects.filter(plan=plan).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_completions_at_once_one_wins(postgres_only):
    from django.core.exceptions import ValidationError

    school = make_school("并发学校")
    head = member(school, "head_of_logistics", username="conc_head")
    worker = member(school, "repair_worker", username="conc_worker")
    rm = room(school, "101")
    order = repair_request_accept(actor=head, request=report(head, rm), assignee=worker)
    results, errors = concurrently(6, lambda: work_order_complete(actor=worker, order=order, note="done").pk)
    assert len(results) == 1
    assert len(errors) == 5 and all(isinstance(e, ValidationError) for e in errors)
    assert WorkOrder.objects.get().status == "completed"
    assert RepairEvent.objects.filter(kind="completed").count() == 1
