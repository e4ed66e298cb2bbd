"""Scale data: a store, the catalogue and MOVEMENTS_PER_SCHOOL movements per school, whose
balances, lots and lot lines agree with the ledger (COPY on PostgreSQL, bulk inserts elsewhere)."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from houqin.core import scale

from ..models import Item, StockBalance, StockLot, StockMovement, StockMovementLot, Store
from ..scale import MOVEMENTS_PER_SCHOOL
from ..selectors import balance_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return scale.seed_scale(schools=2, rooms_per_school=20, users_per_school=8, schools_per_district=2)


def test_counts(city):
    assert (
        Store.objects.count(),
        Item.objects.count(),
        StockBalance.objects.count(),
        StockLot.objects.count(),
    ) == (
        2,
        48,
        48,
        48,
    )
    assert StockMovement.objects.count() == StockMovementLot.objects.count() == 2 * MOVEMENTS_PER_SCHOOL
    assert city.counts["supplies.StockMovement"] == 2 * MOVEMENTS_PER_SCHOOL
    per_school = dict(StockMovement.objects.values_list("school__code").annotate(n=Count("id")))
    assert sorted(per_school.values()) == [MOVEMENTS_PER_SCHOOL, MOVEMENTS_PER_SCHOOL]


def test_the_ledger_agrees_with_the_balances(city):
    sums = {
        b: (q.quantize(Decimal("0.001")), v.quantize(Decimal("0.01")))
        for b, q, v in StockMovement.objects.values_list("balance_id").annotate(
            q=Sum("quantity"), v=Sum("value")
        )
    }
    for balance in StockBalance.objects.all():
        assert sums[balance.pk] == (balance.quantity, balance.value)
        assert balance.quantity >= 0 and balance.value >= 0
        assert balance.lots.get().quantity == balance.quantity
    assert not StockMovement.objects.filter(balance_after__lt=0).exists()
    last = (
        StockMovement.objects.filter(balance_id=StockBalance.objects.first().pk)
        .order_by("-occurred_at")
        .first()
    )
    assert last.balance_after == StockBalance.objects.first().quantity


def test_a_balance_is_found_and_issued_from(city):
    from ..services.stock import stock_issue

    balance = StockBalance.objects.filter(quantity__gt=0).select_related("item", "store", "school").first()
    assert balance_get(item=balance.item, store=balance.store) == balance
    receiver = city.people[balance.school_id][-1]
    movement = stock_issue(
        school=balance.school,
        item=balance.item,
        store=balance.store,
        quantity=1,
        issued_to=receiver,
        actor=None,
    )
    assert movement.balance_after == balance.quantity - 1
