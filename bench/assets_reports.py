"""Time the asset reports for one school and for a whole district.

    python -m bench.assets_reports [--schools 20] [--cards 200000] [--database URL] [--repeat 10]
                                   [--markdown] [--reseed]

Seeds (or reuses) a district of --schools schools — core's organisation, people, rooms and
semesters (houqin/core/scale.py, every school under one central school) — and --cards asset cards
spread evenly over its schools, bulk-inserted directly (the seed is not what is timed): 1 card in
20 a counted batch of 20–50, categories from computers to books, acquired 2010–2026 with their
depreciation terms, about 2% disposed (off the books), 1% lost, 5% damaged or beyond repair,
10% worn; and 1 card in 100 with a damage, loss or theft over the last two semesters, each with
its ledger event in the room it happened in. An SQLite file bench/out/assets-reports-<N>-<cards>.sqlite3,
or a PostgreSQL database (--database; created when missing).

Then it times, in-process (server time, no network), each report's selector and page as a
school's head of logistics and as the district supervisor, the xlsx export and the API, and —
for comparison — the district's net book value summed in Python from a values_list iterator
instead of in SQL. Median and 95th percentile of --repeat runs, and the SQL queries of one run.
"""

import argparse
import datetime
import random
import sys
import time
from decimal import Decimal

from bench.run import (
    Result,
    check,
    client_for,
    database_version,
    migrate,
    prepare_database,
    print_markdown,
    print_plain,
)

CORE_STEPS = ("scale_tree", "scale_people", "scale_places", "scale_semesters")
BATCH = 5000
# (category code, unit price range in yuan, life in months; 0 = not depreciated)
KINDS = [
    ("A02010100", (3000, 7000), 72),  # computers
    ("A02020200", (2000, 6000), 72),  # projectors
    ("A02020600", (5000, 12000), 72),  # whiteboards
    ("A02061800", (2500, 8000), 120),  # air conditioners
    ("A02330000", (1000, 20000), 120),  # teaching instruments
    ("A02350000", (1000, 5000), 120),  # sports equipment
    ("A02300000", (3000, 30000), 120),  # kitchen equipment
    ("A05010200", (200, 600), 180),  # desks
    ("A05010304", (150, 400), 180),  # classroom chairs
    ("A05010100", (400, 1200), 180),  # beds
    ("A05010500", (500, 2000), 180),  # cabinets
    ("A04010000", (20, 80), 0),  # books
]


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.assets_reports", description=__doc__.split("\n\n")[0])
    p.add_argument("--schools", type=int, default=20, help="schools in the district (default 20)")
    p.add_argument("--cards", type=int, default=200000, help="asset cards over them (default 200,000)")
    p.add_argument("--database", help="a PostgreSQL URL; default an SQLite file under bench/out/")
    p.add_argument("--repeat", type=int, default=10, help="timed runs of each measurement (default 10)")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.add_argument("--reseed", action="store_true", help="start from an empty database")
    return p.parse_args(argv)


def seed(args):
    """The district, its people and rooms, the cards and the incidents, unless already there."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from houqin.assets.models import Asset
    from houqin.core import scale

    migrate()
    if scale.scale_exists():
        have = Asset.objects.count()
        if have != args.cards:
            sys.exit(f"This database holds {have} asset cards, not {args.cards}; add --reseed.")
        return None
    started = time.perf_counter()
    ctx = scale.ScaleContext(
        schools_count=args.schools,
        rooms_per_school=40,
        users_per_school=12,
        schools_per_district=args.schools,
        password_hash=make_password(scale.PASSWORD),
    )
    with transaction.atomic():
        for name in CORE_STEPS:
            getattr(scale, name)(ctx)
        seed_assets(ctx, args.cards)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def seed_assets(ctx, total):
    from django.utils import timezone

    from houqin.assets import depreciation
    from houqin.assets.choices import (
        AssetCondition,
        AssetStatus,
        EventKind,
        IncidentKind,
        IncidentStatus,
        Tracking,
    )
    from houqin.assets.models import Asset, AssetCategory, AssetEvent, AssetIncident
    from houqin.core.models import Room, Semester

    rnd = random.Random(20261121)
    categories = dict(AssetCategory.objects.filter(school__isnull=True).values_list("code", "pk"))
    kinds = [(categories[code], prices, life) for code, prices, life in KINDS]
    semesters = list(Semester.objects.filter(school=ctx.districts[0]).order_by("start_date"))
    first_day, last_day = semesters[0].start_date, min(semesters[-1].end_date, timezone.localdate())
    per_school = total // len(ctx.schools)
    extra = total - per_school * len(ctx.schools)
    for n, school in enumerate(ctx.schools):
        rooms = list(Room.objects.filter(school=school).values_list("pk", flat=True))
        depts = [d.pk for d in ctx.departments[school.pk].values()]
        head = ctx.people[school.pk][1]
        cards = []
        for i in range(per_school + (extra if n == 0 else 0)):
            category, (low, high), life = kinds[i % len(kinds)]
            batch = i % 20 == 0
            quantity = rnd.randint(20, 50) if batch else 1
            price = Decimal(rnd.randint(low * 100, high * 100)) / 100
            acquired = datetime.date(2010, 1, 1) + datetime.timedelta(days=rnd.randint(0, 6000))
            roll = rnd.random()
            status = AssetStatus.IN_USE
            if roll < 0.02:
                status = AssetStatus.DISPOSED
            elif roll < 0.03:
                status = AssetStatus.LOST
            elif roll < 0.035:
                status = AssetStatus.UNDER_REPAIR
            elif roll < 0.10:
                status = AssetStatus.IDLE
            roll = rnd.random()
            condition = AssetCondition.GOOD
            if status == AssetStatus.UNDER_REPAIR or roll < 0.04:
                condition = AssetCondition.DAMAGED
            elif roll < 0.05:
                condition = AssetCondition.UNREPAIRABLE
            elif roll < 0.15:
                condition = AssetCondition.WORN
            start = depreciation.month_start(acquired) if life else None
            disposed = (
                acquired + datetime.timedelta(days=rnd.randint(30, 3000))
                if status == AssetStatus.DISPOSED
                else None
            )
            cards.append(
                Asset(
                    school=school,
                    code=f"ZC-{n:03d}-{i:07d}",
                    name=f"资产{i}",
                    category_id=category,
                    tracking=Tracking.BATCH if batch else Tracking.SINGLE,
                    unit_price=price,
                    quantity=quantity,
                    amount=price * quantity,
                    depreciation_months=life,
                    depreciation_start=start,
                    depreciation_end=depreciation.month_start(disposed) if disposed else None,
                    disposed_on=disposed,
                    acquired_on=acquired,
                    room_id=rooms[i % len(rooms)],
                    department_id=depts[i % len(depts)],
                    status=status,
                    condition=condition,
                    search_text=f"资产{i} zc{i}",
                )
            )
            if len(cards) >= BATCH:
                ctx.bulk(Asset, cards)
                cards = []
        ctx.bulk(Asset, cards)
        # One card in 100 (on the books) had an incident over the two semesters, with its event.
        chosen = list(
            Asset.objects.filter(school=school)
            .exclude(status=AssetStatus.DISPOSED)
            .order_by("pk")
            .values_list("pk", "room_id", "quantity", "status")[::100]
        )
        incidents = []
        for k, (pk, _room, quantity, status) in enumerate(chosen):
            kind = (IncidentKind.DAMAGE, IncidentKind.LOSS, IncidentKind.THEFT)[k % 3]
            day = first_day + datetime.timedelta(days=rnd.randint(0, (last_day - first_day).days))
            incidents.append(
                AssetIncident(
                    school=school,
                    kind=kind,
                    asset_id=pk,
                    quantity=quantity,
                    occurred_on=day,
                    reported_by=head,
                    description="bench",
                    status=IncidentStatus.REPORTED,
                    status_before=status,
                )
            )
        ctx.bulk(AssetIncident, incidents)
        ctx.bulk(
            AssetEvent,
            [
                AssetEvent(
                    school=school,
                    asset_id=inc.asset_id,
                    kind=EventKind(inc.kind),
                    occurred_on=inc.occurred_on,
                    actor=head,
                    quantity=inc.quantity,
                    quantity_after=inc.quantity,
                    to_room_id=room,
                    incident=inc,
                )
                for inc, (_pk, room, _q, _s) in zip(incidents, chosen, strict=True)
            ],
        )


def measure(name, who, fn, repeat, expect=200):
    """Warm up, time `repeat` runs, then count the queries of one more run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    check(name, fn(), expect)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        check(name, fn(), expect)
    return Result(name, who, times, len(ctx.captured_queries))


def net_in_python(user, scope):
    """The alternative to the SQL expression: every card's terms through a values_list iterator,
    each card's net book value with the depreciation module."""
    from django.utils import timezone

    from houqin.assets import depreciation
    from houqin.assets.selectors_reports import cards_on_books

    today = timezone.localdate()
    total = Decimal("0.00")
    rows = cards_on_books(user=user, scope=scope).values_list(
        "amount", "residual_value", "depreciation_months", "depreciation_start", "depreciation_end"
    )
    for amount, residual, life, start, end in rows.iterator(chunk_size=5000):
        total += depreciation.book_value(
            amount=amount, residual=residual, life_months=life, start=start, end=end, as_of=today
        ).net
    return total


def selector_calls(user, scope):
    """(name, function) of each report's selector for `user` in `scope`."""
    from houqin.assets.selectors_reports import (
        class_care,
        default_semester,
        district_totals,
        intact_rate,
        ledger_summary,
    )

    semester = default_semester(user=user, scope=scope)
    return [
        ("ledger_summary(by=category, level=1)", lambda: ledger_summary(user=user, scope=scope)),
        ("ledger_summary(by=category, level=0)", lambda: ledger_summary(user=user, scope=scope, level=0)),
        ("ledger_summary(by=room)", lambda: ledger_summary(user=user, scope=scope, by="room")),
        ("ledger_summary(by=department)", lambda: ledger_summary(user=user, scope=scope, by="department")),
        ("ledger_summary(by=school)", lambda: ledger_summary(user=user, scope=scope, by="school")),
        ("intact_rate(level=1)", lambda: intact_rate(user=user, scope=scope)),
        ("class_care(current semester)", lambda: class_care(user=user, scope=scope, semester=semester)),
        ("district_totals", lambda: district_totals(user=user, scope=scope)),
        ("net book value in Python (values_list iterator)", lambda: net_in_python(user, scope)),
    ]


def run(args):
    from django.conf import settings

    from houqin.assets.models import Asset
    from houqin.assets.selectors_reports import ledger_summary
    from houqin.core.models import Membership, School, SchoolKind
    from houqin.core.scale import BUREAU_CODE

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    bureau = School.objects.get(code=BUREAU_CODE)
    district = School.objects.filter(parent=bureau).order_by("path").first()
    school = School.objects.filter(parent=district, kind=SchoolKind.SCHOOL).order_by("path").first()

    def holder(node, role):
        return Membership.objects.filter(school=node, role__code=role).select_related("user").first().user

    people = [
        (
            f"school ({Asset.objects.in_scope(school).count()} cards)",
            school,
            holder(school, "head_of_logistics"),
        ),
        (
            f"district ({Asset.objects.in_scope(district).count()} cards)",
            district,
            holder(district, "district_supervisor"),
        ),
    ]
    r = args.repeat
    results = []
    for who, scope, user in people:
        selectors = selector_calls(user, scope)
        for name, fn in selectors:
            results.append(measure(name, who, fn, r))
        c = client_for(user)
        pages = [
            ("GET /assets/reports/ (ledger by category)", "/assets/reports/"),
            ("GET /assets/reports/?by=room", "/assets/reports/?by=room"),
            ("GET /assets/reports/?by=room&export=xlsx", "/assets/reports/?by=room&export=xlsx"),
            ("GET /assets/reports/intact/", "/assets/reports/intact/"),
            ("GET /assets/reports/class-care/", "/assets/reports/class-care/"),
            ("GET /assets/reports/district/", "/assets/reports/district/"),
            ("GET /api/assets/reports/ledger/", "/api/assets/reports/ledger/"),
        ]
        for name, url in pages:
            results.append(measure(name, who, lambda c=c, url=url: c.get(url), r))
    # The SQL and the Python sums agree (a benchmark that measures a wrong figure is no use).
    _who, scope, user = people[1]
    sql = ledger_summary(user=user, scope=scope).total.net
    python = net_in_python(user, scope)
    if sql != python:
        sys.exit(f"net book value: SQL {sql} != Python {python}")
    return results, {"net": sql, "cards": Asset.objects.count()}


def describe(args, seeded, facts):
    import platform

    import django

    return {
        "database": database_version(),
        "data": f"{args.schools} schools under one central school, {facts['cards']} asset cards, "
        f"district net book value {facts['net']} yuan (SQL = Python)",
        "seeded": f"{seeded:.1f} s" if seeded is not None else "reused",
        "python": f"Python {platform.python_version()}, Django {django.get_version()}",
        "repeat": str(args.repeat),
    }


def main(argv=None):
    args = parse_args(argv)
    prepare_database(args, sqlite_name=f"assets-reports-{args.schools}-{args.cards}")
    import django

    django.setup()
    seeded = seed(args)
    results, facts = run(args)
    info = describe(args, seeded, facts)
    (print_markdown if args.markdown else print_plain)(info, results)


if __name__ == "__main__":
    main()
