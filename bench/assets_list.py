"""The asset list and its search at a million cards: one school's, the district's, the city's.

    python -m bench.assets_list [--schools 100] [--database URL] [--repeat 30] [--markdown] [--reseed]

Seeds (or reuses) the scale city as bench/run.py does — `houqin seed-scale` with every app's
steps, so 100 schools carry 10,000 asset cards each, 1,000,000 in all — and times, in-process
with Django's test Client (server time, no network), each request of the asset list page and
its API: one school's list filtered, sorted and paginated as its head of logistics sees it; the
district's list (25 schools, 250,000 cards) and the city's (1,000,000) as their supervisors see
them; and the search box by name, by card number and by pinyin initials, in a school and in
the district. It prints the median, the 95th percentile and the SQL queries of one request,
and checks the query count does not grow with the page size.
"""

import argparse
import sys

from bench.run import (
    check,
    client_for,
    describe,
    measure,
    prepare_database,
    print_markdown,
    print_plain,
    seed,
)


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.assets_list", description=__doc__.split("\n\n")[0])
    p.add_argument("--schools", type=int, default=100, help="schools in the scale city (default 100)")
    p.add_argument("--rooms-per-school", type=int, default=40)
    p.add_argument("--users-per-school", type=int, default=12)
    p.add_argument("--database", help="a PostgreSQL URL; default an SQLite file under bench/out/")
    p.add_argument("--repeat", type=int, default=30, help="timed runs of each measurement (default 30)")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.add_argument("--reseed", action="store_true", help="start from an empty database (see bench/run.py)")
    args = p.parse_args(argv)
    args.core_only = False
    return args


def run(args):
    from django.conf import settings

    from houqin.assets.models import Asset
    from houqin.core.models import Membership, School, SchoolKind, User
    from houqin.core.scale import BUREAU_CODE, CITY_USERNAME

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    bureau = School.objects.get(code=BUREAU_CODE)
    district = School.objects.filter(parent=bureau).order_by("path").first()
    school = School.objects.filter(parent=district, kind=SchoolKind.SCHOOL).order_by("path").first()

    def member(node, role):
        return Membership.objects.filter(school=node, role__code=role).select_related("user").first().user

    head, supervisor = member(school, "head_of_logistics"), member(district, "district_supervisor")
    city = User.objects.get(username=CITY_USERNAME)
    head_c, sup_c, city_c = client_for(head), client_for(supervisor), client_for(city)
    cards = Asset.objects.filter(school=school).count()
    if not cards:
        sys.exit("The scale city has no asset cards; seed it with every app's steps (no --core-only).")
    who_head = f"head of logistics ({cards} cards)"
    who_sup = f"district supervisor ({Asset.objects.in_scope(district).count()} cards)"
    who_city = f"city-wide ({Asset.objects.count()} cards)"
    room = Asset.objects.filter(school=school).values_list("room_id", flat=True).exclude(room=None).first()
    code = Asset.objects.filter(school=school).order_by("code").values_list("code", flat=True)[cards // 2]
    r = args.repeat
    filtered = "status=in_use&sort=-amount"
    api_filtered = "status=in_use&ordering=-amount"
    results = []
    for label, client, who in (("school", head_c, who_head), ("district", sup_c, who_sup)):
        results += [
            measure(
                f"GET /assets/cards/ ({label} list page)", who, lambda c=client: c.get("/assets/cards/"), r
            ),
            measure(
                f"GET /assets/cards/?{filtered}&page=3",
                who,
                lambda c=client: c.get(f"/assets/cards/?{filtered}&page=3"),
                r,
            ),
            measure(
                f"GET /api/assets/cards/ ({label}, page 1)",
                who,
                lambda c=client: c.get("/api/assets/cards/"),
                r,
            ),
            measure(
                f"GET /api/assets/cards/?{api_filtered}&page=3",
                who,
                lambda c=client: c.get(f"/api/assets/cards/?{api_filtered}&page=3"),
                r,
            ),
            measure(
                "GET /api/assets/cards/?q=tyy (pinyin initials)",
                who,
                lambda c=client: c.get("/api/assets/cards/?q=tyy"),
                r,
            ),
            measure(
                "GET /api/assets/cards/?q=显微镜 (name)",
                who,
                lambda c=client: c.get("/api/assets/cards/?q=显微镜"),
                r,
            ),
            measure(
                f"GET /api/assets/cards/?q={code} (number)",
                who,
                lambda c=client: c.get(f"/api/assets/cards/?q={code}"),
                r,
            ),
            measure(
                "GET /assets/cards/?q=tyy (search page)",
                who,
                lambda c=client: c.get("/assets/cards/?q=tyy"),
                r,
            ),
        ]
    results += [
        measure(
            f"GET /api/assets/cards/?room={room}",
            who_head,
            lambda: head_c.get(f"/api/assets/cards/?room={room}"),
            r,
        ),
        measure("GET /assets/cards/ (city list page)", who_city, lambda: city_c.get("/assets/cards/"), r),
        measure(
            "GET /api/assets/cards/ (city, page 1)", who_city, lambda: city_c.get("/api/assets/cards/"), r
        ),
    ]
    # A fixed number of queries whatever the page size.
    sizes = {}
    for size in (25, 50, 100):
        result = measure(
            f"GET /api/assets/cards/?page_size={size}",
            who_head,
            lambda s=size: head_c.get(f"/api/assets/cards/?page_size={s}"),
            3,
        )
        sizes[size] = result.queries
        results.append(result)
        result = measure(
            f"GET /assets/cards/?per_page={size}",
            who_head,
            lambda s=size: head_c.get(f"/assets/cards/?per_page={s}"),
            3,
        )
        sizes[f"page {size}"] = result.queries
        results.append(result)
    check("tyy finds projectors", head_c.get("/api/assets/cards/?q=tyy"), 200)
    if (
        len({v for k, v in sizes.items() if isinstance(k, int)}) != 1
        or len({v for k, v in sizes.items() if isinstance(k, str)}) != 1
    ):
        print(f"warning: query counts vary with the page size: {sizes}", file=sys.stderr)
    return results


def main(argv=None):
    args = parse_args(argv)
    prepare_database(args)
    import django

    django.setup()
    from django.db.models import Count

    from houqin.core.models import School

    seeded = seed(args)
    results = run(args)
    counts = dict(School.objects.values_list("kind").annotate(n=Count("id")))
    info = describe(args, seeded, counts)
    (print_markdown if args.markdown else print_plain)(info, results)


if __name__ == "__main__":
    main()
