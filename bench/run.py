"""Time the pages and functions that grow with the size of the city.

    python -m bench.run [--schools 200] [--database URL] [--repeat 30] [--markdown] [--reseed]
                        [--core-only]

Seeds a scale database as `houqin seed-scale` does, with every app's scale steps (or only
core's with --core-only), or reuses one already seeded with the same number of schools: by
default an SQLite file bench/out/scale-<N>.sqlite3; with --database a PostgreSQL URL (the
database is created when missing). Then, with Django's test Client logged
in as a district supervisor, a school's head of logistics and a city-wide supervisor, it times
each request in-process (server time, no network) and reports the median, the 95th percentile
and the number of SQL queries of one request. --markdown prints the table for bench/RESULTS.md.
"""

import argparse
import itertools
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

OUT = Path(__file__).resolve().parent / "out"
BACKEND = "houqin.core.auth.MembershipBackend"


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--schools", type=int, default=200, help="schools in the scale city (default 200)")
    p.add_argument("--rooms-per-school", type=int, default=40)
    p.add_argument("--users-per-school", type=int, default=12)
    p.add_argument("--database", help="a PostgreSQL URL; default an SQLite file under bench/out/")
    p.add_argument("--repeat", type=int, default=30, help="timed runs of each measurement (default 30)")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.add_argument(
        "--core-only",
        action="store_true",
        help="seed only core's records (organisation, people, places), not every app's",
    )
    p.add_argument(
        "--reseed",
        action="store_true",
        help="start from an empty database (deletes the SQLite file, or drops and re-creates a "
        "PostgreSQL database whose name contains 'bench')",
    )
    return p.parse_args(argv)


def migrate():
    """Bring the benchmark database to the current schema."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def prepare_database(args, sqlite_name=None):
    """Point the settings at the benchmark database, creating (or emptying) it as asked.

    Shared by every benchmark: `args` needs database, reseed and schools; without --database
    each benchmark keeps its own SQLite file under bench/out/ (`sqlite_name`)."""
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("HOUQIN_DATA_DIR", str(OUT / "data"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "houqin.settings")
    if not args.database:
        if sqlite_name is None:
            sqlite_name = f"scale-{args.schools}{'-core' if getattr(args, 'core_only', False) else ''}"
        path = OUT / f"{sqlite_name}.sqlite3"
        if args.reseed:
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                p.unlink(missing_ok=True)
        os.environ["HOUQIN_DATABASE_URL"] = f"sqlite:///{path}"
        return
    url = urlsplit(args.database)
    if url.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("--database must be a postgres:// URL (SQLite is the default without it)")
    name = url.path.lstrip("/")
    if not name:
        sys.exit("--database needs a database name, e.g. postgres://postgres@127.0.0.1:5432/houqin_bench")
    if args.reseed and "bench" not in name:
        sys.exit(f"--reseed drops the database; it only does so for a name containing 'bench', not {name!r}")
    import psycopg

    admin_url = urlunsplit((url.scheme.replace("pgsql", "postgresql"), url.netloc, "/postgres", "", ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and args.reseed:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["HOUQIN_DATABASE_URL"] = args.database


def seed(args):
    """Seed the city unless the database holds it already; refuse a city of another size."""
    from django.db import connection

    from houqin.core.models import School, SchoolKind
    from houqin.core.scale import BUREAU_CODE, CORE_STEPS, scale_exists, seed_scale

    migrate()
    if scale_exists():
        bureau = School.objects.get(code=BUREAU_CODE)
        have = School.objects.in_scope(bureau).filter(kind=SchoolKind.SCHOOL).count()
        if have != args.schools:
            sys.exit(f"This database holds a city of {have} schools, not {args.schools}; add --reseed.")
        return None
    started = time.perf_counter()
    seed_scale(
        schools=args.schools,
        rooms_per_school=args.rooms_per_school,
        users_per_school=args.users_per_school,
        steps=CORE_STEPS if args.core_only else None,
    )
    seconds = time.perf_counter() - started
    # Fresh statistics, so the planner sees the bulk-loaded tables as they are (autovacuum
    # would get there later; a benchmark should not depend on when).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return seconds


class Result:
    def __init__(self, name, who, times, queries):
        self.name = name
        self.who = who
        self.times = sorted(times)
        self.queries = queries

    @property
    def median_ms(self):
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self):
        return self.times[max(0, math.ceil(0.95 * len(self.times)) - 1)] * 1000


def measure(name, who, fn, repeat, expect=200):
    """Run `fn` once to warm up, then `repeat` times; count the queries of the last run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    check(name, fn(), expect)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = fn()
            times.append(time.perf_counter() - started)
    check(name, response, expect)
    return Result(name, who, times, len(ctx.captured_queries))


def check(name, response, expect):
    status = getattr(response, "status_code", None)
    if status is not None and status != expect:
        sys.exit(f"{name}: expected HTTP {expect}, got {status}")


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def run(args):
    from django.conf import settings
    from django.core.cache import cache
    from django.db.models import Count

    from houqin.core import access
    from houqin.core.models import Membership, Room, School, SchoolKind, User
    from houqin.core.rulebook import RULES, rule
    from houqin.core.scale import BUREAU_CODE, CITY_USERNAME

    # WhiteNoise warns on every start when the (uncollected) static root does not exist.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    bureau = School.objects.get(code=BUREAU_CODE)
    district = School.objects.filter(parent=bureau).order_by("path").first()
    city = User.objects.get(username=CITY_USERNAME)
    supervisor = (
        Membership.objects.filter(school=district, role__code="district_supervisor")
        .select_related("user")
        .first()
        .user
    )
    school = School.objects.filter(parent=district, kind=SchoolKind.SCHOOL).order_by("path").first()
    head = (
        Membership.objects.filter(school=school, role__code="head_of_logistics")
        .select_related("user")
        .first()
        .user
    )
    another = School.objects.filter(parent=district, kind=SchoolKind.SCHOOL).order_by("path")[1]
    sup_c, head_c, city_c = client_for(supervisor), client_for(head), client_for(city)
    rooms_in_district = Room.objects.in_scope(district).count()
    r = args.repeat
    who_sup = f"district supervisor ({rooms_in_district} rooms)"
    who_head = f"head of logistics ({Room.objects.filter(school=school).count()} rooms)"
    who_city = f"city-wide ({Room.objects.count()} rooms)"
    filtered = "/api/core/rooms/?kind=classroom&q=年级&ordering=-capacity"
    results = [
        measure("GET /core/rooms/ (room list page)", who_sup, lambda: sup_c.get("/core/rooms/"), r),
        measure("GET /core/rooms/ (room list page)", who_head, lambda: head_c.get("/core/rooms/"), r),
        measure(
            "GET /core/rooms/?page=20 (room list page)", who_sup, lambda: sup_c.get("/core/rooms/?page=20"), r
        ),
        measure("GET /api/core/rooms/ (page 1)", who_sup, lambda: sup_c.get("/api/core/rooms/"), r),
        measure("GET /api/core/rooms/ (page 1)", who_city, lambda: city_c.get("/api/core/rooms/"), r),
        measure("GET /api/core/rooms/?kind=…&q=…&ordering=…", who_sup, lambda: sup_c.get(filtered), r),
        measure("GET /api/core/rooms/?kind=…&q=…&ordering=…", who_city, lambda: city_c.get(filtered), r),
        measure("GET / (home, district totals)", who_sup, lambda: sup_c.get("/"), r),
        measure("GET / (home, city totals)", who_city, lambda: city_c.get("/"), r),
        measure("GET / (home, one school)", who_head, lambda: head_c.get("/"), r),
        measure(
            "POST /scope/ (school switcher)",
            who_sup,
            lambda: sup_c.post("/scope/", {"scope": another.pk, "next": "/"}),
            r,
            expect=302,
        ),
        measure(
            "POST /scope/ (school switcher)",
            who_city,
            lambda: city_c.post("/scope/", {"scope": another.pk, "next": "/"}),
            r,
            expect=302,
        ),
    ]
    # Put the switcher back, so the scope of later runs is the user's own node again.
    sup_c.post("/scope/", {"scope": district.pk, "next": "/"})
    city_c.post("/scope/", {"scope": bureau.pk, "next": "/"})

    def visible():
        access.clear_access_cache(city)
        return access.visible_school_ids(city)

    results.append(measure(f"access.visible_school_ids ({len(visible())} nodes)", who_city, visible, r))
    schools = itertools.cycle(School.objects.filter(kind=SchoolKind.SCHOOL).order_by("?")[: r + 1])
    key = "approval.incompatible_duties" if "approval.incompatible_duties" in RULES else next(iter(RULES))

    def rule_uncached():
        cache.clear()  # the rule book caches resolved values; this is the first look-up
        return rule(key, next(schools))

    results.append(measure(f"rule({key!r}, school), not cached", "-", rule_uncached, r))
    results.append(measure(f"rule({key!r}, school), cached", "-", lambda: rule(key, school), r))
    counts = dict(School.objects.values_list("kind").annotate(n=Count("id")))
    return results, counts


def database_version():
    """ "postgresql 15.20 (…)" or "sqlite 3.40.1": what the figures were measured on."""
    from django.db import connection

    vendor = connection.vendor
    if vendor == "sqlite":
        return f"sqlite {'.'.join(map(str, connection.Database.sqlite_version_info))}"
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        return f"{vendor} {cur.fetchone()[0]}"


def describe(args, seeded, counts):
    import django

    from houqin.core.models import Membership, Room, User

    return {
        "database": database_version(),
        "city": (
            f"{counts.get('school', 0)} schools, {counts.get('teaching_point', 0)} teaching points, "
            f"{counts.get('district', 0)} districts; {Room.objects.count()} rooms, {User.objects.count()} users, "
            f"{Membership.objects.count()} memberships"
        ),
        "seeded": f"{seeded:.1f} s" if seeded is not None else "reused",
        "python": f"Python {platform.python_version()}, Django {django.get_version()}",
        "repeat": str(args.repeat),
    }


def print_plain(info, results):
    for k, v in info.items():
        print(f"{k:9} {v}")
    print()
    width = max(len(r.name) for r in results)
    who_w = max(len(r.who) for r in results)
    print(f"{'measurement':{width}}  {'as':{who_w}}  {'median ms':>9}  {'p95 ms':>8}  {'queries':>7}")
    for r in results:
        print(f"{r.name:{width}}  {r.who:{who_w}}  {r.median_ms:9.2f}  {r.p95_ms:8.2f}  {r.queries:7d}")


def print_markdown(info, results):
    for k, v in info.items():
        print(f"- {k}: {v}")
    print()
    print("| measurement | as | median ms | p95 ms | queries |")
    print("|---|---|---:|---:|---:|")
    for r in results:
        print(f"| {r.name} | {r.who} | {r.median_ms:.2f} | {r.p95_ms:.2f} | {r.queries} |")


def main(argv=None):
    args = parse_args(argv)
    prepare_database(args)
    import django

    django.setup()
    seeded = seed(args)
    results, counts = run(args)
    info = describe(args, seeded, counts)
    (print_markdown if args.markdown else print_plain)(info, results)


if __name__ == "__main__":
    main()
