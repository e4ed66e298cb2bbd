"""Straight-line monthly depreciation: month arithmetic, full depreciation, disposal month."""

import datetime
from decimal import Decimal

import pytest

from houqin.assets import depreciation as dep
from houqin.assets.models import Asset

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 3, 15), 0, D(2026, 3, 1)),
        (D(2026, 3, 31), 1, D(2026, 4, 1)),
        (D(2026, 11, 30), 2, D(2027, 1, 1)),
        (D(2026, 12, 1), 1, D(2027, 1, 1)),
        (D(2026, 1, 31), -1, D(2025, 12, 1)),
        (D(2026, 3, 1), 72, D(2032, 3, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert dep.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "stop", "expected"),
    [
        (D(2026, 3, 1), D(2026, 3, 1), 0),
        (D(2026, 3, 1), D(2026, 4, 1), 1),
        (D(2025, 11, 1), D(2027, 2, 1), 15),
    ],
)
def test_months_between(start, stop, expected):
    assert dep.months_between(start, stop) == expected


@pytest.mark.parametrize(
    ("starts_month_acquired", "acquired", "disposed", "first", "end"),
    [
        # 当月增加当月计提, 当月减少当月不提
        (True, D(2026, 3, 15), D(2027, 6, 30), D(2026, 3, 1), D(2027, 6, 1)),
        # the older practice: 当月增加当月不提, 当月减少当月照提
        (False, D(2026, 3, 15), D(2027, 6, 30), D(2026, 4, 1), D(2027, 7, 1)),
    ],
)
def test_first_and_end_month(starts_month_acquired, acquired, disposed, first, end):
    assert dep.first_month(acquired, starts_month_acquired=starts_month_acquired) == first
    assert dep.end_month(disposed, starts_month_acquired=starts_month_acquired) == end


# A computer bought for 6000.00 on 15 March 2026, life 72 months (6 years), first month March 2026.
START = D(2026, 3, 1)


@pytest.mark.parametrize(
    ("as_of", "end", "months", "accumulated", "net"),
    [
        (D(2026, 2, 28), None, 0, "0.00", "6000.00"),  # before it was bought
        (D(2026, 3, 1), None, 1, "83.33", "5916.67"),  # the month of acquisition counts
        (D(2026, 3, 31), None, 1, "83.33", "5916.67"),
        (D(2026, 12, 15), None, 10, "833.33", "5166.67"),
        (D(2027, 2, 28), None, 12, "1000.00", "5000.00"),
        (D(2032, 1, 31), None, 71, "5916.67", "83.33"),
        (D(2032, 2, 1), None, 72, "6000.00", "0.00"),  # fully depreciated in its 72nd month
        (D(2040, 1, 1), None, 72, "6000.00", "0.00"),  # and no further
        (D(2030, 1, 1), D(2027, 6, 1), 15, "1250.00", "4750.00"),  # disposed in June 2027: Mar 2026–May 2027
        (D(2027, 5, 31), D(2027, 6, 1), 15, "1250.00", "4750.00"),
        (D(2027, 4, 30), D(2027, 6, 1), 14, "1166.67", "4833.33"),
    ],
)
def test_book_value_table(as_of, end, months, accumulated, net):
    value = dep.book_value(amount=Decimal("6000.00"), life_months=72, start=START, end=end, as_of=as_of)
    assert (value.months, value.accumulated, value.net) == (months, Decimal(accumulated), Decimal(net))
    assert value.monthly == Decimal("83.33")
    assert value.fully_depreciated is (months == 72)


def test_rounding_remainder_falls_on_the_last_month():
    # 1000.00 over 3 months: 333.33, 666.67, then exactly 1000.00.
    rows = [
        dep.book_value(
            amount=Decimal("1000.00"), life_months=3, start=START, as_of=dep.add_months(START, n)
        ).accumulated
        for n in range(4)
    ]
    assert rows == [Decimal("333.33"), Decimal("666.67"), Decimal("1000.00"), Decimal("1000.00")]


def test_residual_value_is_never_depreciated():
    value = dep.book_value(
        amount=Decimal("10000.00"),
        residual=Decimal("500.00"),
        life_months=120,
        start=START,
        as_of=D(2050, 1, 1),
    )
    assert (value.accumulated, value.net) == (Decimal("9500.00"), Decimal("500.00"))


@pytest.mark.parametrize("life", [0, None])
def test_not_depreciated(life):
    value = dep.book_value(amount=Decimal("25.00"), life_months=life, start=None, as_of=D(2040, 1, 1))
    assert (value.months, value.accumulated, value.net, value.depreciates) == (
        0,
        Decimal("0.00"),
        Decimal("25.00"),
        False,
    )


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(20, 50, "5200.00"), (1, 3, "333.33"), (2, 3, "666.67"), (49, 50, "12740.00")],
)
def test_split_amount(part, whole, expected):
    total = Decimal("13000.00") if whole == 50 else Decimal("1000.00")
    assert dep.split_amount(total, part, whole) == Decimal(expected)


def test_card_computes_its_value_without_queries(db, django_assert_num_queries):
    card = Asset(
        amount=Decimal("6000.00"),
        residual_value=Decimal("0.00"),
        depreciation_months=72,
        depreciation_start=START,
    )
    with django_assert_num_queries(0):
        assert card.net_book_value(D(2027, 2, 28)) == Decimal("5000.00")
        assert card.book_value(D(2032, 2, 1)).fully_depreciated is True
