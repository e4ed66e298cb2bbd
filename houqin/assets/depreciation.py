"""Straight-line monthly depreciation as pure functions of a card's columns (no queries).

Government accounting (《政府会计准则第3号——固定资产》, DOMAIN.md §2.4): straight line, monthly,
no residual value unless the rule book says otherwise, from the month of acquisition, stopping
in the month of disposal, and no further depreciation once the asset is fully depreciated.

A card keeps four numbers for this: its original value (`amount`), its `residual_value`, its life
in months (`depreciation_months`, 0 = not depreciated) and the first month depreciated
(`depreciation_start`); disposal sets `depreciation_end`, the first month no longer depreciated.
Everything else — months so far, accumulated depreciation, net book value — follows from those
and the date asked about, so a list of a thousand cards needs no query per card.

Accumulated depreciation after n of L months is (amount − residual) × n / L rounded to the fen,
so the last month takes the rounding remainder and a fully depreciated card is worth exactly its
residual value.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + (day.month - 1) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(start: datetime.date, stop: datetime.date) -> int:
    """Whole months from the month of `start` to the month of `stop` (stop's month excluded)."""
    return (stop.year - start.year) * 12 + (stop.month - start.month)


def first_month(acquired_on: datetime.date, *, starts_month_acquired: bool) -> datetime.date:
    """The first month depreciated: the month of acquisition (当月增加当月计提), or the next one
    where a region keeps the older practice."""
    start = month_start(acquired_on)
    return start if starts_month_acquired else add_months(start, 1)


def end_month(disposed_on: datetime.date, *, starts_month_acquired: bool) -> datetime.date:
    """The first month no longer depreciated after a disposal: the month of disposal itself
    (当月减少当月不提), or the month after it under the older practice (当月减少当月照提)."""
    end = month_start(disposed_on)
    return end if starts_month_acquired else add_months(end, 1)


def depreciated_months(*, start, end, life_months, as_of: datetime.date) -> int:
    """Months depreciated up to and including the month of `as_of`, at most the life."""
    if not life_months or start is None:
        return 0
    stop = add_months(as_of, 1)
    if end is not None and end < stop:
        stop = end
    return max(0, min(int(life_months), months_between(start, stop)))


def accumulated_depreciation(*, amount, residual, life_months, months) -> Decimal:
    if not life_months or months <= 0:
        return ZERO
    base = Decimal(amount) - Decimal(residual or 0)
    if months >= life_months:
        return base.quantize(CENT)
    return (base * months / life_months).quantize(CENT, rounding=ROUND_HALF_UP)


def monthly_depreciation(*, amount, residual, life_months) -> Decimal:
    if not life_months:
        return ZERO
    return ((Decimal(amount) - Decimal(residual or 0)) / life_months).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class BookValue:
    """A card's value on a date: months depreciated, accumulated depreciation, net book value."""

    as_of: datetime.date
    months: int
    life_months: int
    accumulated: Decimal
    net: Decimal
    monthly: Decimal

    @property
    def depreciates(self):
        return bool(self.life_months)

    @property
    def fully_depreciated(self):
        return bool(self.life_months) and self.months >= self.life_months

    @property
    def remaining_months(self):
        return max(0, self.life_months - self.months) if self.life_months else 0


def book_value(*, amount, residual=ZERO, life_months, start, end=None, as_of: datetime.date) -> BookValue:
    months = depreciated_months(start=start, end=end, life_months=life_months, as_of=as_of)
    accumulated = accumulated_depreciation(
        amount=amount, residual=residual, life_months=life_months, months=months
    )
    return BookValue(
        as_of=as_of,
        months=months,
        life_months=int(life_months or 0),
        accumulated=accumulated,
        net=(Decimal(amount) - accumulated).quantize(CENT),
        monthly=monthly_depreciation(amount=amount, residual=residual, life_months=life_months),
    )


def split_amount(total, part_quantity, whole_quantity) -> Decimal:
    """The share of `total` that `part_quantity` of `whole_quantity` like items carries, to the
    fen; the rest stays with the remaining part, so the two always add up to the total."""
    return (Decimal(total) * part_quantity / whole_quantity).quantize(CENT, rounding=ROUND_HALF_UP)
