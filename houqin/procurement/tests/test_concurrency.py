"""Two people at once, on PostgreSQL (SQLite serialises writers anyway): two orders of what is
left on a request, two inspections of the last desks due, two decisions on one comparison —
in each case exactly one succeeds and nothing is counted twice."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from houqin.assets.models import Asset

from ..models import Inspection, PurchaseOrder, QuoteComparison
from ..services.orders import purchase_order_create
from .factories import approve_all, decide, desk_line, inspect, order_all, submitted, three_quotes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


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
        except ValidationError as exc:
            outcomes[i] = ("refused", exc)
        except Exception as exc:  # a deadlock or anything else fails the test
            outcomes[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return sorted(kind for kind, _ in outcomes), outcomes


@pytest.fixture
def approved(categories, school_a, district, teacher_a, head_a, principal_a, room_a):
    return approve_all(submitted(school_a, teacher_a, [desk_line(room=room_a)]), head_a, principal_a)


@pytest.fixture
def quoted(approved, suppliers_a, head_a):
    return three_quotes(approved, suppliers_a, [["285.00"], ["298.00"], ["310.00"]], actor=head_a)


def test_two_decisions_on_one_comparison(approved, quoted, head_a, principal_a, keeper_a):
    kinds, _ = run_together(
        [
            lambda q=q: decide(approved, q, head_a, [head_a, principal_a, keeper_a], reason="x").pk
            for q in quoted[:2]
        ]
    )
    assert kinds == ["ok", "refused"]
    assert QuoteComparison.objects.count() == 1


def test_two_orders_of_the_whole_request(
    approved, quoted, head_a, principal_a, keeper_a, staff_a, suppliers_a
):
    decide(approved, quoted[0], head_a, [head_a, principal_a, keeper_a])
    line = approved.lines.get()

    def order():
        return purchase_order_create(
            actor=head_a,
            school=approved.school,
            supplier=suppliers_a[0],
            lines=[{"request_line": line, "quantity": 50}],
            buyers=[head_a, staff_a],
            expected_on=timezone.localdate() + datetime.timedelta(days=7),
        ).pk

    kinds, _ = run_together([order, order])
    assert kinds == ["ok", "refused"]
    assert PurchaseOrder.objects.count() == 1
    line.refresh_from_db()
    assert line.ordered_quantity == Decimal("50.000")


def test_two_inspections_of_the_last_desks(
    approved, quoted, head_a, principal_a, keeper_a, staff_a, teacher_a, room_a
):
    decide(approved, quoted[0], head_a, [head_a, principal_a, keeper_a])
    order = order_all(approved, head_a, [head_a, staff_a])
    order_line = order.lines.get()

    def receive():
        return inspect(
            order,
            keeper_a,
            [keeper_a, teacher_a],
            [{"order_line": order_line, "accepted": 30, "room": room_a}],
        ).pk

    kinds, _ = run_together([receive, receive])
    assert kinds == ["ok", "refused"]
    order_line.refresh_from_db()
    assert order_line.received_quantity == Decimal("30.000")
    assert Inspection.objects.count() == 1
    assert list(Asset.objects.values_list("quantity", flat=True)) == [30]
