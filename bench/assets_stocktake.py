"""A 50,000-item stocktake: create the plan, count it, close it and apply the adjustments.

    python -m bench.assets_stocktake [--items 50000] [--rooms 500] [--database URL]

Builds a throw-away database from the models (no migrations, like the tests): an SQLite file
bench/out/stocktake.sqlite3, or with --database a PostgreSQL server URL on which the database
test_houqin_stockbench is created and dropped. Seeds one school with --rooms rooms and --items
cards (bulk-inserted directly, not through the services: the seed is not what is timed; 1 in
50 cards is a batch of 20). Then times, with the SQL queries of each step:

  create   stocktake_create: the snapshot of the books (one read, batched inserts)
  count    every line counted in its room by two UPDATEs (what the phones do one by one),
           then 1% not found (written off), 1% found in the wrong room (moved), the batches
           counted one short (quantities adjusted), each resolved
  close    stocktake_close: the checks, the totals, the approval request
  approve  approval_decide by the principal: the adjustments applied (events + card state)
"""

import argparse
import os
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.assets_stocktake", description=__doc__.split("\n\n")[0])
    p.add_argument("--items", type=int, default=50000)
    p.add_argument("--rooms", type=int, default=500)
    p.add_argument("--database", help="a PostgreSQL server URL; default an SQLite file under bench/out/")
    return p.parse_args(argv)


def setup(args):
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["HOUQIN_TESTING"] = "1"
    os.environ.setdefault("HOUQIN_DATA_DIR", str(OUT / "data"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "houqin.settings")
    if args.database:
        os.environ["HOUQIN_TEST_DATABASE_URL"] = args.database
        os.environ["HOUQIN_TEST_DATABASE_NAME"] = "test_houqin_stockbench"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment

    setup_test_environment()
    connection.settings_dict["TEST"]["MIGRATE"] = False
    if connection.vendor == "sqlite":
        path = OUT / "stocktake.sqlite3"
        path.unlink(missing_ok=True)
        connection.settings_dict["TEST"]["NAME"] = str(path)
    return setup_databases(verbosity=0, interactive=False, serialized_aliases=set())


def seed(args):
    import datetime
    from decimal import Decimal

    from houqin.assets.models import Asset, AssetCategory
    from houqin.assets.services.categories import category_import
    from houqin.core.models import Room, SchoolKind
    from houqin.core.services.org import school_create
    from houqin.core.tests.factories import BuildingFactory, member

    category_import()
    district = school_create(actor=None, kind=SchoolKind.DISTRICT, name="Bench district", code="BD")
    school = school_create(
        actor=None, kind=SchoolKind.SCHOOL, name="Bench school", code="BS", parent=district
    )
    head = member(school, "head_of_logistics", username="bench_head")
    principal = member(school, "principal", username="bench_principal")
    building = BuildingFactory(school=school, name="Main")
    Room.objects.bulk_create(Room(school=school, building=building, number=str(i)) for i in range(args.rooms))
    rooms = list(Room.objects.filter(school=school).values_list("pk", flat=True))
    pc = AssetCategory.objects.get(school__isnull=True, code="A02010100")
    desk = AssetCategory.objects.get(school__isnull=True, code="A05010304")
    day = datetime.date(2024, 9, 1)
    cards = []
    for i in range(args.items):
        batch = i % 50 == 0
        cards.append(
            Asset(
                school=school,
                code=f"ZC-B-{i:06d}",
                name="课桌椅" if batch else "台式计算机",
                category=desk if batch else pc,
                tracking="batch" if batch else "single",
                quantity=20 if batch else 1,
                unit_price=Decimal("260.00") if batch else Decimal("4800.00"),
                amount=Decimal("5200.00") if batch else Decimal("4800.00"),
                depreciation_months=96 if batch else 72,
                depreciation_start=day,
                acquired_on=day,
                room_id=rooms[i % len(rooms)],
            )
        )
    Asset.objects.bulk_create(cards, batch_size=5000)
    return school, head, principal, rooms


def timed(label, fn, results):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - start
    results.append((label, elapsed, len(ctx.captured_queries)))
    return value


def main(argv=None):
    args = parse_args(argv)
    old = setup(args)
    from django.db import connection
    from django.db.models import F
    from django.test.utils import teardown_databases

    try:
        from houqin.assets.choices import EventKind
        from houqin.assets.models import AssetEvent, StocktakeLine
        from houqin.assets.models.stocktakes import Resolution
        from houqin.assets.services.stocktakes import stocktake_close, stocktake_create
        from houqin.core.models import Decision
        from houqin.core.services.approvals import approval_decide

        school, head, principal, rooms = seed(args)
        results = []
        st = timed("create", lambda: stocktake_create(actor=head, school=school, name="bench"), results)

        def count():
            lines = StocktakeLine.objects.filter(stocktake=st)
            lines.update(
                counted_quantity=F("expected_quantity"), counted_value=F("book_value"), found_room=F("room")
            )
            ids = list(lines.filter(is_batch=False).order_by("pk").values_list("pk", flat=True))
            lost, moved = ids[::100], ids[1::100]
            lines.filter(pk__in=lost).update(counted_quantity=None, counted_value=0, found_room=None)
            lines.filter(pk__in=lost).update(resolution=Resolution.WRITE_OFF)
            lines.filter(pk__in=moved).update(found_room_id=rooms[0], resolution=Resolution.MOVE)
            lines.filter(pk__in=moved, room_id=rooms[0]).update(found_room_id=rooms[1])
            lines.filter(is_batch=True).update(counted_quantity=19, resolution=Resolution.ADJUST)

        timed("count (bulk, for the bench)", count, results)
        st = timed("close", lambda: stocktake_close(actor=head, stocktake=st), results)
        timed(
            "approve (adjustments applied)",
            lambda: approval_decide(actor=principal, request=st.approval_request, decision=Decision.APPROVE),
            results,
        )
        st.refresh_from_db()
        events = AssetEvent.objects.filter(kind=EventKind.COUNT).count()
        print(
            f"{connection.vendor}: {args.items} cards in {args.rooms} rooms, {events} adjustment events; status {st.status}"
        )
        for label, elapsed, queries in results:
            print(f"  {label:32s} {elapsed:8.3f} s  {queries:5d} queries")
        close_total = sum(e for label, e, _q in results if label.startswith(("close", "approve")))
        print(f"  {'close + approve':32s} {close_total:8.3f} s")
    finally:
        teardown_databases(old, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
