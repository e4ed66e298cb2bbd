"""Scale data of the supplies app (`houqin seed-scale`): every school gets a store, the demo's
catalogue and a year of stock movements — MOVEMENTS_PER_SCHOOL of them, so the benchmark city of
200 schools holds a million — with balances, lots and lot lines that agree with the ledger.

Like core's steps, speed over ceremony: no services, no change log. On PostgreSQL the ledger
goes in with COPY (ids reserved from the sequences first, so the lot lines can name their
movements); elsewhere with bulk_create in batches. The movements are made school by school, so
memory stays flat whatever the size.
"""

import datetime
import random
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from houqin.core.scale import SCALE_STEPS

from .demo import CATALOGUE
from .models import Item, StockBalance, StockLot, StockMovement, StockMovementLot, Store

MOVEMENTS_PER_SCHOOL = 5000
DAYS = 365
SEED = 1_000_000
CENT = Decimal("0.01")
UNIT_COST = Decimal("0.0001")


def _reserve_ids(model, n):
    """n primary keys of `model`'s table taken from its sequence (PostgreSQL)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model, columns, rows):
    """COPY rows (tuples in the order of `columns`, field names) into `model`'s table."""
    meta = model._meta
    names = ", ".join(connection.ops.quote_name(meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        with raw.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


MOVEMENT_COLUMNS = [
    "id",
    "school",
    "created_at",
    "updated_at",
    "balance",
    "item",
    "store",
    "kind",
    "quantity",
    "unit_cost",
    "value",
    "balance_after",
    "value_after",
    "lot",
    "occurred_at",
    "actor",
    "issued_to",
    "department",
    "reference",
    "note",
]


def _series(rng, n, price, start):
    """A balance's year of `n` movements at about `price` yuan a unit: receipts whenever the
    stock runs low, issues of a few units otherwise, never negative. Returns
    [(kind, quantity, unit cost, value delta in cents, quantity after, value after in cents,
    time)] and the final quantity and value (cents); the average is kept in whole cents the way
    the service keeps it to the cent."""
    rows = []
    quantity, value = 0, 0
    step = datetime.timedelta(days=DAYS) / (n + 1)
    for i in range(n):
        when = start + step * (i + 1)
        if quantity < 15:
            q = rng.choice((60, 100, 150, 200))
            unit_cents = round(price * rng.uniform(0.95, 1.08) * 100)
            delta = q * unit_cents
            quantity += q
            value += delta
            rows.append(("receipt", q, Decimal(unit_cents).scaleb(-2), delta, quantity, value, when))
        else:
            q = rng.randint(1, min(12, quantity))
            average = (Decimal(value) / quantity).scaleb(-2).quantize(UNIT_COST)
            delta = value if q == quantity else round(value * q / quantity)
            quantity -= q
            value -= delta
            rows.append(("issue", -q, average, -delta, quantity, value, when))
    return rows, quantity, value


def scale_supplies(ctx):
    """A store, the catalogue and MOVEMENTS_PER_SCHOOL movements for every school of the city."""
    rng = random.Random(SEED)
    postgres = connection.vendor == "postgresql"
    start = timezone.now() - datetime.timedelta(days=DAYS + 1)
    # The movements of a school, shared out over its items (the first ones get the remainder).
    per_item, extra = divmod(MOVEMENTS_PER_SCHOOL, len(CATALOGUE))
    for school in ctx.schools:
        people = ctx.people.get(school.pk) or []
        keeper = people[2] if len(people) > 2 else (people[0] if people else None)
        receiver = people[-1] if people else None
        office = ctx.departments.get(school.pk, {}).get("教务处")
        store = Store.objects.create(school=school, name="物资仓库", keeper=keeper)
        ctx.counts[Store._meta.label] += 1
        items = ctx.bulk(
            Item,
            [
                Item(
                    school=school,
                    name=name,
                    spec=spec,
                    unit=unit,
                    category=category,
                    min_stock=Decimal(minimum),
                    shelf_life_days=shelf,
                    reference_price=Decimal(price),
                )
                for name, spec, unit, category, minimum, shelf, price in CATALOGUE
            ],
        )
        plans = []
        for n, item in enumerate(items):
            count = per_item + (1 if n < extra else 0)
            series, quantity, value = _series(rng, count, float(item.reference_price), start)
            plans.append((item, series, quantity, value))
        balances = ctx.bulk(
            StockBalance,
            [
                StockBalance(
                    school=school,
                    item=item,
                    store=store,
                    quantity=Decimal(quantity),
                    value=Decimal(value).scaleb(-2),
                    last_movement_at=series[-1][6],
                )
                for item, series, quantity, value in plans
            ],
        )
        lots = ctx.bulk(
            StockLot,
            [StockLot(balance=b, lot="", quantity=b.quantity, received_at=start) for b in balances],
        )
        total = sum(len(series) for _i, series, _q, _v in plans)
        rows, lot_rows = [], []
        ids = iter(_reserve_ids(StockMovement, total)) if postgres else None
        for (item, series, _q, _v), balance, lot in zip(plans, balances, lots, strict=True):
            for kind, q, cost, delta, after, value_after, when in series:
                issue = kind == "issue"
                rows.append(
                    [
                        next(ids) if postgres else None,
                        school.pk,
                        when,
                        when,
                        balance.pk,
                        item.pk,
                        store.pk,
                        kind,
                        Decimal(q),
                        cost,
                        Decimal(delta).scaleb(-2),
                        Decimal(after),
                        Decimal(value_after).scaleb(-2),
                        "",
                        when,
                        keeper.pk if keeper else None,
                        receiver.pk if issue and receiver else None,
                        office.pk if issue and office else None,
                        "规模测试",
                        "",
                    ]
                )
                lot_rows.append((lot.pk, Decimal(q)))
        if postgres:
            _copy(StockMovement, MOVEMENT_COLUMNS, rows)
            _copy(
                StockMovementLot,
                ["movement", "lot", "quantity"],
                ((row[0], lot_id, q) for row, (lot_id, q) in zip(rows, lot_rows, strict=True)),
            )
            ctx.counts[StockMovement._meta.label] += len(rows)
            ctx.counts[StockMovementLot._meta.label] += len(rows)
        else:
            fields = [StockMovement._meta.get_field(c).attname for c in MOVEMENT_COLUMNS[1:]]
            movements = ctx.bulk(
                StockMovement, [StockMovement(**dict(zip(fields, row[1:], strict=True))) for row in rows]
            )
            ctx.bulk(
                StockMovementLot,
                [
                    StockMovementLot(movement_id=m.pk, lot_id=lot_id, quantity=q)
                    for m, (lot_id, q) in zip(movements, lot_rows, strict=True)
                ],
            )
    ctx.log(f"supplies: {ctx.counts[StockMovement._meta.label]} stock movements")


SCALE_STEPS.append(scale_supplies)
