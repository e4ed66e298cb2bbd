"""The stock ledger at a million movements, and 200 parallel issues of the last units.

    python -m bench.supplies [--schools 200] [--database URL] [--repeat 20] [--requests 200]
                             [--stock 150] [--threads 32] [--markdown] [--reseed]

1. Seeds (or reuses) a scale city with core's places and people and the supplies step only
   (houqin/supplies/scale.py: 5,000 stock movements per school, a million for 200 schools; COPY
   on PostgreSQL), in a PostgreSQL database (--database, its name containing "bench") or an
   SQLite file bench/out/supplies-<N>.sqlite3.
2. Times in-process, with Django's test Client, what must not grow with the ledger: one item's
   balance (the selector, the API, the page) and a store's stock list (page and API), next to
   the ledger pages and the sum over a store's ledger that the balance rows spare; median and
   95th percentile server time and the SQL queries of one request.
3. PostgreSQL only: serves the app with waitress on 127.0.0.1 in a thread, sets one balance to
   --stock units and fires --requests parallel `POST /api/supplies/balances/{id}/issue/` of one
   unit each (token auth) from a pool of client threads; reports how many succeeded and how many
   were refused for insufficient stock, the final balance against the ledger, deadlocks counted
   by PostgreSQL, and latency percentiles seen by the clients.
"""

import argparse
import http.client
import json
import logging
import math
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

from bench.run import (
    BACKEND,
    database_version,
    measure,
    migrate,
    prepare_database,
    print_markdown,
    print_plain,
)

CORE_STEPS = ("scale_tree", "scale_people", "scale_places", "scale_semesters")


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.supplies", description=__doc__.split("\n\n")[0])
    p.add_argument("--schools", type=int, default=200, help="schools in the scale city (default 200)")
    p.add_argument("--database", help="a PostgreSQL URL; default an SQLite file under bench/out/")
    p.add_argument("--repeat", type=int, default=20, help="timed runs of each measurement (default 20)")
    p.add_argument("--requests", type=int, default=200, help="parallel issue requests (default 200)")
    p.add_argument("--stock", type=int, default=150, help="units in stock before they start (default 150)")
    p.add_argument("--threads", type=int, default=32, help="waitress worker threads (default 32)")
    p.add_argument("--markdown", action="store_true", help="print Markdown tables")
    p.add_argument("--reseed", action="store_true", help="start from an empty database")
    return p.parse_args(argv)


def seed(args):
    """The city's core rows and the supplies ledger, unless the database holds them already."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from houqin.core import scale
    from houqin.supplies.models import StockMovement
    from houqin.supplies.scale import scale_supplies

    migrate()
    if scale.scale_exists():
        if not StockMovement.objects.exists():
            sys.exit("This database holds a city without a stock ledger; add --reseed.")
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
        scale_supplies(ctx)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return seconds


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def holder(node, role):
    from houqin.core.models import Membership

    return (
        Membership.objects.filter(school=node, role__code=role)
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )


def run_timings(args):
    from django.conf import settings
    from django.db.models import Sum

    from houqin.core.models import School, SchoolKind
    from houqin.core.scale import BUREAU_CODE
    from houqin.supplies.models import StockBalance, StockMovement
    from houqin.supplies.selectors import balance_get

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    bureau = School.objects.get(code=BUREAU_CODE)
    district = School.objects.filter(parent=bureau).order_by("path").first()
    school = School.objects.filter(parent=district, kind=SchoolKind.SCHOOL).order_by("path").first()
    head, sup = holder(school, "head_of_logistics"), holder(district, "district_supervisor")
    head_c, sup_c = client_for(head), client_for(sup)
    balance = (
        StockBalance.objects.filter(school=school).select_related("item", "store").order_by("pk").first()
    )
    item, store = balance.item, balance.store
    total = StockMovement.objects.count()
    in_store = StockMovement.objects.filter(store=store).count()
    in_district = StockMovement.objects.in_scope(district).count()
    who_head = f"head of logistics ({in_store} movements in the store)"
    who_sup = f"district supervisor ({in_district} movements)"
    r = args.repeat
    results = [
        measure(
            f"balance_get(item, store) ({total} movements in all)",
            "-",
            lambda: balance_get(item=item, store=store),
            r,
        ),
        measure(
            "GET /api/supplies/balances/{id}/ (one balance)",
            who_head,
            lambda: head_c.get(f"/api/supplies/balances/{balance.pk}/"),
            r,
        ),
        measure(
            "GET /supplies/balances/{id}/ (balance page, last 50 entries)",
            who_head,
            lambda: head_c.get(f"/supplies/balances/{balance.pk}/"),
            r,
        ),
        measure(
            "GET /supplies/stores/{id}/ (store page, its stock list)",
            who_head,
            lambda: head_c.get(f"/supplies/stores/{store.pk}/"),
            r,
        ),
        measure(
            "GET /api/supplies/balances/?store={id} (stock list API)",
            who_head,
            lambda: head_c.get(f"/api/supplies/balances/?store={store.pk}"),
            r,
        ),
        measure(
            "GET /supplies/balances/?store={id} (stock list page)",
            who_head,
            lambda: head_c.get(f"/supplies/balances/?store={store.pk}"),
            r,
        ),
        measure(
            "GET /api/supplies/balances/ (district stock list)",
            who_sup,
            lambda: sup_c.get("/api/supplies/balances/"),
            r,
        ),
        measure(
            "GET /supplies/movements/ (ledger page 1)",
            who_head,
            lambda: head_c.get("/supplies/movements/"),
            r,
        ),
        measure(
            "GET /api/supplies/movements/ (ledger page 1)",
            who_sup,
            lambda: sup_c.get("/api/supplies/movements/"),
            r,
        ),
        measure(
            f"Stock value of the city from the balances ({StockBalance.objects.count()} rows)",
            "-",
            lambda: StockBalance.objects.aggregate(v=Sum("value")),
            r,
        ),
        measure(
            f"The same summed over the ledger ({total} rows; what the balance rows spare)",
            "-",
            lambda: StockMovement.objects.aggregate(v=Sum("value")),
            r,
        ),
    ]
    return results, {"movements": total, "balances": StockBalance.objects.count()}


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def deadlocks():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def run_parallel_issues(args):
    """--requests parallel issues of one unit against a balance of --stock units, over HTTP."""
    from django.core.wsgi import get_wsgi_application
    from django.db import connections
    from django.db.models import Sum
    from rest_framework.authtoken.models import Token
    from waitress.server import create_server

    from houqin.core.models import School, SchoolKind
    from houqin.core.scale import BUREAU_CODE
    from houqin.supplies.models import StockBalance, StockMovement
    from houqin.supplies.services.stock import stock_adjust, stock_receive

    bureau = School.objects.get(code=BUREAU_CODE)
    school = School.objects.filter(parent__parent=bureau, kind=SchoolKind.SCHOOL).order_by("path").first()
    keeper, teacher = holder(school, "storekeeper"), holder(school, "teacher")
    balance = (
        StockBalance.objects.filter(school=school).select_related("item", "store").order_by("-pk").first()
    )
    if balance.quantity == 0:
        stock_receive(
            school=school, item=balance.item, store=balance.store, quantity=1, unit_cost="1.00", actor=None
        )
        balance.refresh_from_db()
    if balance.quantity != args.stock:
        stock_adjust(
            school=school,
            item=balance.item,
            store=balance.store,
            counted=args.stock,
            actor=None,
            reason="benchmark: set the stock before the parallel issues",
        )
    balance.refresh_from_db()
    before_movements = StockMovement.objects.filter(balance=balance).count()
    token = Token.objects.get_or_create(user=keeper)[0].key
    deadlocks_before = deadlocks()
    connections.close_all()

    application = get_wsgi_application()
    # The refused issues (400) and waitress's queue depth would fill the screen (set after the
    # application is made: making it configures logging again).
    for name in ("django.request", "waitress", "waitress.queue"):
        logging.getLogger(name).setLevel(logging.ERROR)
    server = create_server(application, host="127.0.0.1", port=0, threads=args.threads)
    port = server.effective_port
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()

    body = json.dumps({"quantity": "1", "issued_to": teacher.pk, "reference": "bench"})
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}", "Accept-Language": "en"}
    path = f"/api/supplies/balances/{balance.pk}/issue/"
    barrier = threading.Barrier(args.requests)

    def one(_n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        started = time.perf_counter()
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        elapsed = time.perf_counter() - started
        conn.close()
        return response.status, text, elapsed

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.requests) as pool:
        outcomes = list(pool.map(one, range(args.requests)))
    wall = time.perf_counter() - started
    server.close()

    balance.refresh_from_db()
    created = StockMovement.objects.filter(balance=balance).count() - before_movements
    ledger = StockMovement.objects.filter(balance=balance).aggregate(q=Sum("quantity"))["q"]
    ok = sum(1 for status, _t, _e in outcomes if status == 201)
    short = sum(1 for status, text, _e in outcomes if status == 400 and "available" in text)
    other = [
        (status, text[:200])
        for status, text, _e in outcomes
        if status not in (201,) and not (status == 400 and "available" in text)
    ]
    latencies = [e * 1000 for _s, _t, e in outcomes]
    return {
        "requests": args.requests,
        "stock before": args.stock,
        "issued (201)": ok,
        "refused, insufficient stock (400)": short,
        "other answers": len(other),
        "first other answer": other[0] if other else "",
        "issue movements written": created,
        "final balance": f"{balance.quantity.normalize():f}",
        "ledger sum": f"{Decimal(ledger).quantize(Decimal('0.001')).normalize():f}",
        "negative balance_after": StockMovement.objects.filter(balance=balance, balance_after__lt=0).count(),
        "deadlocks (pg_stat_database)": deadlocks() - deadlocks_before,
        "latency ms p50 / p95 / p99 / max": " / ".join(
            f"{v:.0f}"
            for v in (
                statistics.median(latencies),
                percentile(latencies, 95),
                percentile(latencies, 99),
                max(latencies),
            )
        ),
        "wall time s": f"{wall:.2f}",
        "server threads": args.threads,
    }


def describe(args, seeded, counts):
    import platform

    import django

    return {
        "database": database_version(),
        "data": f"{args.schools} schools; {counts['movements']} stock movements, {counts['balances']} balances",
        "seeded": f"{seeded:.1f} s (core places and people, then the ledger)"
        if seeded is not None
        else "reused",
        "python": f"Python {platform.python_version()}, Django {django.get_version()}",
        "repeat": str(args.repeat),
    }


def main(argv=None):
    args = parse_args(argv)
    prepare_database(args, sqlite_name=f"supplies-{args.schools}")
    import django

    django.setup()
    seeded = seed(args)
    results, counts = run_timings(args)
    info = describe(args, seeded, counts)
    (print_markdown if args.markdown else print_plain)(info, results)
    from django.db import connection

    if connection.vendor != "postgresql":
        print("\n(The parallel issues need PostgreSQL: --database postgres://…/houqin_bench_supplies)")
        return
    parallel = run_parallel_issues(args)
    print()
    if args.markdown:
        print("| parallel issues over HTTP | |")
        print("|---|---|")
        for k, v in parallel.items():
            print(f"| {k} | {v} |")
    else:
        for k, v in parallel.items():
            print(f"{k:36} {v}")


if __name__ == "__main__":
    main()
