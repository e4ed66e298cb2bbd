"""Concurrent takes of the last units, on PostgreSQL (SQLite serialises writers anyway): the
balance lock makes exactly the right number of issues succeed, stock never goes negative and
nobody deadlocks, also when transfers and multi-item issues lock several balances."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from houqin.core.tests.factories import make_school, member

from ..exceptions import InsufficientStock
from ..models import StockBalance, StockLot, StockMovement
from ..services.requisitions import requisition_create, requisition_issue, requisition_submit
from ..services.stock import stock_issue, stock_transfer
from .factories import item, receive, store

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set HOUQIN_TEST_DATABASE_URL)")


def run_together(jobs):
    """Start every job at the same moment in its own thread (own connection); their outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(i, job):
        try:
            barrier.wait()
            outcomes[i] = ("ok", job())
        except InsufficientStock as exc:
            outcomes[i] = ("short", exc)
        except Exception as exc:  # a deadlock or anything else fails the test below
            outcomes[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


@pytest.fixture
def world():
    school = make_school("黄竹林学校")
    keeper = member(school, "storekeeper", username="keeper")
    teacher = member(school, "teacher", username="teacher")
    paper = item(school, "复印纸", spec="A4")
    main = store(school, "物资仓库")
    return school, keeper, teacher, paper, main


def kinds(outcomes):
    return sorted(kind for kind, _ in outcomes)


def test_two_issues_of_6_from_10_one_succeeds(world):
    school, keeper, teacher, paper, main = world
    balance = receive(school, paper, main, 10, "20.00").balance

    def take():
        return stock_issue(
            school=school, item=paper, store=main, quantity=6, issued_to=teacher, actor=keeper
        ).pk

    outcomes = run_together([take, take])
    assert kinds(outcomes) == ["ok", "short"]
    balance.refresh_from_db()
    assert (balance.quantity, balance.value) == (D("4.000"), D("80.00"))
    assert StockMovement.objects.filter(kind="issue").count() == 1


def test_many_threads_for_the_last_units(world):
    school, keeper, teacher, paper, main = world
    receive(school, paper, main, 15, "20.00", lot="A")
    balance = receive(school, paper, main, 10, "22.00", lot="B").balance

    def take():
        return stock_issue(
            school=school, item=paper, store=main, quantity=1, issued_to=teacher, actor=keeper
        ).pk

    outcomes = run_together([take] * 40)
    assert [o for o in outcomes if o[0] == "error"] == []
    assert kinds(outcomes) == ["ok"] * 25 + ["short"] * 15
    balance.refresh_from_db()
    assert (balance.quantity, balance.value) == (D("0.000"), D("0.00"))
    issued = StockMovement.objects.filter(kind="issue").order_by("pk")
    assert issued.count() == 25
    # Each issue saw the balance the one before left: 24, 23, … 0, none negative.
    assert [m.balance_after for m in issued] == [D(n) for n in range(24, -1, -1)]
    assert list(StockLot.objects.values_list("quantity", flat=True)) == [D("0.000"), D("0.000")]


def test_transfers_both_ways_do_not_deadlock(world):
    school, keeper, teacher, paper, main = world
    other = store(school, "教学楼储物间")
    receive(school, paper, main, 50, "20.00")
    receive(school, paper, other, 50, "20.00")

    def there():
        return stock_transfer(
            school=school, item=paper, from_store=main, to_store=other, quantity=1, actor=keeper
        )

    def back():
        return stock_transfer(
            school=school, item=paper, from_store=other, to_store=main, quantity=1, actor=keeper
        )

    outcomes = run_together([there, back] * 10)
    assert kinds(outcomes) == ["ok"] * 20
    assert sorted(StockBalance.objects.values_list("quantity", flat=True)) == [D("50.000"), D("50.000")]


def test_requisitions_locking_items_in_either_order_do_not_deadlock(world):
    school, keeper, teacher, paper, main = world
    chalk = item(school, "粉笔", unit="盒")
    receive(school, paper, main, 100, "20.00")
    receive(school, chalk, main, 100, "3.50")
    jobs = []
    for n in range(12):
        order = [(paper, 1), (chalk, 1)] if n % 2 else [(chalk, 1), (paper, 1)]
        requisition = requisition_create(
            actor=teacher,
            school=school,
            purpose=f"第{n}次",
            lines=[{"item": it, "quantity": D(q)} for it, q in order],
        )
        requisition_submit(actor=teacher, requisition=requisition)
        ids = [line.pk for line in requisition.lines.order_by("-pk")]

        def job(requisition=requisition, ids=ids):
            return requisition_issue(
                actor=keeper, requisition=requisition, store=main, quantities=dict.fromkeys(ids, D(1))
            )

        jobs.append(job)
    outcomes = run_together(jobs)
    assert kinds(outcomes) == ["ok"] * 12
    assert dict(StockBalance.objects.values_list("item__name", "quantity")) == {
        "复印纸": D("88.000"),
        "粉笔": D("88.000"),
    }
