"""Time the repairs dashboard and the open-orders list at 100,000 repair requests.

    python -m bench.maintenance [--schools 200] [--database URL] [--repeat 20] [--markdown] [--reseed]

Seeds (or reuses) a scale city with core's places and people and the maintenance step only
(houqin/maintenance/scale.py: 500 requests per school, 100,000 for 200 schools), in an SQLite
file bench/out/maintenance-<N>.sqlite3 or a PostgreSQL database (--database). Then, with
Django's test Client, it times each page in-process as a school's head of logistics, a district
supervisor and a city-wide supervisor, and reports median and 95th percentile server time and
the SQL queries of one request.
"""

import argparse
import sys
import time

from bench.run import (
    BACKEND,
    Result,
    check,
    database_version,
    migrate,
    prepare_database,
    print_markdown,
    print_plain,
)

CORE_STEPS = ("scale_tree", "scale_people", "scale_places", "scale_semesters")


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.maintenance", description=__doc__.split("\n\n")[0])
    p.add_argument("--schools", type=int, default=200, help="schools in the scale city (default 200)")
    p.add_argument("--database", help="a PostgreSQL URL; default an SQLite file under bench/out/")
    p.add_argument("--repeat", type=int, default=20, help="timed runs of each measurement (default 20)")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.add_argument("--reseed", action="store_true", help="start from an empty database")
    return p.parse_args(argv)


def seed(args):
    """The city's core rows and the repairs, unless the database holds them already."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from houqin.core import scale
    from houqin.maintenance.models import RepairRequest
    from houqin.maintenance.scale import scale_maintenance

    migrate()
    if scale.scale_exists():
        if not RepairRequest.objects.exists():
            sys.exit("This database holds a city without repairs; add --reseed.")
        return None
    started = time.perf_counter()
    ctx = scale.ScaleContext(
        schools_count=args.schools,
        rooms_per_school=40,
        users_per_school=12,
        schools_per_district=25,
        password_hash=make_password(scale.PASSWORD),
    )
    with transaction.atomic():
        for name in CORE_STEPS:
            getattr(scale, name)(ctx)
        scale_maintenance(ctx)
    return time.perf_counter() - started


def measure(name, who, fn, repeat, expect=200):
    """Warm up, time `repeat` runs, then count the queries of one more run (the query log is
    emptied first: it keeps only the last 9000 queries, which a long run fills)."""
    import time as clock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    check(name, fn(), expect)
    times = []
    for _ in range(repeat):
        started = clock.perf_counter()
        fn()
        times.append(clock.perf_counter() - started)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        check(name, fn(), expect)
    return Result(name, who, times, len(ctx.captured_queries))


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def run(args):
    from django.conf import settings

    from houqin.core.models import Membership, School, SchoolKind, User
    from houqin.core.scale import BUREAU_CODE, CITY_USERNAME
    from houqin.maintenance.models import RepairRequest, WorkOrder
    from houqin.maintenance.selectors import dashboard

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    bureau = School.objects.get(code=BUREAU_CODE)
    district = School.objects.filter(parent=bureau).order_by("path").first()
    school = School.objects.filter(parent=district, kind=SchoolKind.SCHOOL).order_by("path").first()

    def holder(node, role):
        return Membership.objects.filter(school=node, role__code=role).select_related("user").first().user

    head, sup, city = holder(school, "head_of_logistics"), holder(district, "district_supervisor"), None
    city = User.objects.get(username=CITY_USERNAME)
    clients = {
        f"head of logistics ({RepairRequest.objects.filter(school=school).count()} requests)": client_for(
            head
        ),
        f"district supervisor ({RepairRequest.objects.in_scope(district).count()} requests)": client_for(sup),
        f"city-wide ({RepairRequest.objects.count()} requests)": client_for(city),
    }
    r = args.repeat
    results = []
    for who, c in clients.items():
        results.append(measure("GET /maintenance/ (dashboard)", who, lambda c=c: c.get("/maintenance/"), r))
    for who, c in clients.items():
        results.append(
            measure(
                "GET /maintenance/workorders/?open=true (open orders)",
                who,
                lambda c=c: c.get("/maintenance/workorders/?open=true"),
                r,
            )
        )
    sup_who, sup_c = list(clients.items())[1]
    results.append(
        measure(
            "GET /api/maintenance/workorders/?open=true",
            sup_who,
            lambda: sup_c.get("/api/maintenance/workorders/?open=true"),
            r,
        )
    )
    results.append(
        measure(
            "GET /maintenance/repairrequests/", sup_who, lambda: sup_c.get("/maintenance/repairrequests/"), r
        )
    )
    results.append(
        measure(
            "selectors.dashboard(city)",
            list(clients)[2],
            lambda: dashboard(user=city, scope=bureau),
            r,
        )
    )
    counts = {
        "requests": RepairRequest.objects.count(),
        "orders": WorkOrder.objects.count(),
        "open": WorkOrder.objects.filter(status__in=("open", "assigned", "in_progress")).count(),
    }
    return results, counts


def describe(args, seeded, counts):
    import platform

    import django

    return {
        "database": database_version(),
        "data": f"{args.schools} schools; {counts['requests']} repair requests, {counts['orders']} work orders, "
        f"{counts['open']} unfinished",
        "seeded": f"{seeded:.1f} s" if seeded is not None else "reused",
        "python": f"Python {platform.python_version()}, Django {django.get_version()}",
        "repeat": str(args.repeat),
    }


def main(argv=None):
    args = parse_args(argv)
    prepare_database(args, sqlite_name=f"maintenance-{args.schools}")
    import django

    django.setup()
    seeded = seed(args)
    results, counts = run(args)
    info = describe(args, seeded, counts)
    (print_markdown if args.markdown else print_plain)(info, results)
    return results


if __name__ == "__main__":
    main()
