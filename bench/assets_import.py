"""Importing a 100,000-row Excel ledger: the dry run (preview) and the commit, timed apart.

    python -m bench.assets_import [--rows 100000] [--database URL] [--reseed] [--markdown]

Prepares the database as every benchmark does (bench.run.prepare_database and migrate): an
SQLite file bench/out/assets-import.sqlite3, or with --database a PostgreSQL URL. Each run adds
a fresh school (a district, rooms in four buildings, departments, twelve people), so runs do not
collide; the national categories come with the migrations.

The ledger is generated once per size and kept (bench/out/ledger-<rows>.xlsx; generating it
with openpyxl takes longer than importing it and is not timed). It is as messy as the sheets
schools send: two title rows, a header over two rows with "金额" merged over 单价/数量/金额, a
blank row and a 小计 row every 1,000 rows, a 合计 row at the end; half the rows carry their own
asset number; categories by GB/T code, 2010 code or name; prices as numbers, "1,200.00" or
"￥1200"; dates as Excel dates, "2019.9.1", "2019-09-01", "2019/9/1", "2019年9月1日" or
"201909"; rooms as "教学楼 203", "203" or the room's name; full-width digits here and there;
one row in fifty a counted batch.

Timed, each in wall time and in the CPU time of this process (the database server's work is
in the wall time only; other load on the machine inflates the wall time), with the SQL
statements it sent and the process's peak memory (ru_maxrss; the Django process itself is about
150 MB before anything is read):

  preview  asset_import_upload: header, mapping, every row checked (nothing registered)
  commit   asset_import_commit: every row checked again and registered, cards and events
"""

import argparse
import datetime
import random
import resource
import sys
import time

from bench.run import OUT, database_version, migrate, prepare_database

BUILDINGS = ("教学楼", "实验楼", "综合楼", "宿舍楼")
PEOPLE = ("刘云", "王芳", "李强", "张伟", "陈静", "杨洋", "赵磊", "黄敏", "周杰", "吴婷", "徐明", "孙丽")
DEPARTMENTS = ("总务处", "教务处", "政教处", "食堂", "一年级组", "二年级组")
# (category as the ledger writes it, name, unit price, unit)
KINDS = (
    ("A02010100", "台式计算机", 4800, "台"),
    ("2010000", "笔记本电脑", 5600, "台"),
    ("A05010304", "学生课桌椅", 260, "套"),
    ("计算机", "教师用计算机", 5200, "台"),
    ("A05010500", "文件柜", 880, "个"),
    ("教学、实验椅凳", "实验凳", 95, "把"),
    ("A05010100", "学生床", 650, "张"),
)
DATE_FORMS = (
    lambda d: d,
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}{d.month:02d}",
)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.assets_import", description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=100_000, help="data rows of the ledger (default 100,000)")
    p.add_argument("--database", help="a PostgreSQL URL; default an SQLite file under bench/out/")
    p.add_argument("--reseed", action="store_true", help="start from an empty database")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = p.parse_args(argv)
    args.schools = 0  # prepare_database's argument; this benchmark makes its own school
    return args


def ledger_path(rows):
    return OUT / f"ledger-{rows}.xlsx"


def generate(rows, path):
    """The messy ledger (see the module's docstring), written as a stream."""
    from openpyxl import Workbook

    rng = random.Random(20260901)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("固定资产明细")
    sheet.append(["XX县黄竹林学校固定资产明细表"])
    sheet.append(["单位：元", None, None, None, None, None, None, None, None, "制表日期：2026年9月1日"])
    sheet.append(
        ["资产编号", "资产名称", "分类", "规格型号", "品牌", "计量单位", "金额", None, None]
        + [
            "取得日期",
            "入账日期",
            "存放地点",
            "使用部门",
            "保管人",
            "经费来源",
            "取得方式",
            "使用方向",
            "备注",
        ]
    )
    sheet.append([None] * 6 + ["单价", "数量", "金额"] + [None] * 9)
    start = datetime.date(2012, 9, 1)
    subtotal = 0
    for i in range(rows):
        category, name, price, unit = KINDS[i % len(KINDS)]
        quantity = 20 if i % 50 == 0 else 1
        day = start + datetime.timedelta(days=rng.randrange(4000))
        building, number = BUILDINGS[i % 4], 101 + (i // 4) % 40
        room = (f"{building} {number}", f"{building}{number}", f"{building}-{number}")[i % 3]
        price_cell = (price, f"{price:,.2f}", f"￥{price}")[i % 3]
        amount = price * quantity
        subtotal += amount
        code = f"GD{i:07d}" if i % 2 == 0 else None
        text_date = DATE_FORMS[i % len(DATE_FORMS)](day)
        if isinstance(text_date, str) and i % 7 == 0:
            text_date = text_date.translate(FULL_WIDTH)
        sheet.append(
            [
                code,
                f"{name}{i % 13 + 1:02d}",
                category,
                f"型号{i % 9}",
                ("联想", "华为", "得力", "")[i % 4],
                unit,
                price_cell,
                quantity,
                amount if i % 5 else None,
                text_date,
                day.isoformat() if i % 3 == 0 else None,
                room,
                DEPARTMENTS[i % len(DEPARTMENTS)],
                PEOPLE[i % len(PEOPLE)],
                ("财政拨款", "自筹资金", "捐赠")[i % 3],
                ("购置", "购置", "捐赠", "调拨")[i % 4],
                ("教学", "行政", "生活")[i % 3],
                "" if i % 10 else "旧账迁入",
            ]
        )
        if (i + 1) % 1000 == 0 and i + 1 < rows:
            sheet.append([None] * 18)
            sheet.append(["小计", None, None, None, None, None, None, None, subtotal] + [None] * 9)
    total = sum(KINDS[i % len(KINDS)][2] * (20 if i % 50 == 0 else 1) for i in range(rows))
    sheet.append(["合计", None, None, None, None, None, None, None, total] + [None] * 9)
    sheet.append(["单位负责人：", None, "审核：", None, "制表：刘云"])
    tmp = path.with_suffix(".tmp")
    book.save(tmp)
    tmp.rename(path)


def setup_school(run_id):
    """A district and a school with the rooms, departments and people the ledger names."""
    from houqin.core.models import Building, Campus, Department, Room, SchoolKind
    from houqin.core.services.org import school_create
    from houqin.core.tests.factories import member

    district = school_create(
        actor=None, kind=SchoolKind.DISTRICT, name=f"导入测试中心学校{run_id}", code=f"BI{run_id}"
    )
    school = school_create(
        actor=None, kind=SchoolKind.SCHOOL, name=f"黄竹林学校{run_id}", code=f"BIS{run_id}", parent=district
    )
    head = member(school, "head_of_logistics", username=f"bench_import_{run_id}", full_name="刘云")
    for name in PEOPLE[1:]:
        member(school, "teacher", username=f"bench_{run_id}_{name}", full_name=name)
    campus = Campus.objects.create(school=school, name="本部")
    for name in BUILDINGS:
        building = Building.objects.create(school=school, campus=campus, name=name)
        Room.objects.bulk_create(
            Room(school=school, building=building, number=str(n), name=f"{name}{n}室")
            for n in range(101, 141)
        )
    Department.objects.bulk_create(Department(school=school, name=name) for name in DEPARTMENTS)
    return school, head


class Counter:
    """Counts the SQL statements (without keeping them: a commit sends thousands)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label, fn, results):
    from django.db import connection

    counter = Counter()
    with connection.execute_wrapper(counter):
        started, cpu = time.perf_counter(), time.process_time()
        value = fn()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    results.append((label, seconds, cpu, counter.n, peak_mb()))
    return value


def main(argv=None):
    args = parse_args(argv)
    prepare_database(args, sqlite_name="assets-import")
    import django

    django.setup()
    from django.conf import settings
    from django.core.files import File

    from houqin.assets.models import Asset, AssetEvent
    from houqin.assets.services.imports import asset_import_commit, asset_import_upload

    migrate()
    path = ledger_path(args.rows)
    if not path.exists():
        print(f"generating {path.name} …", file=sys.stderr)
        generate(args.rows, path)
    run_id = time.strftime("%m%d%H%M%S")
    school, head = setup_school(run_id)
    settings.HOUQIN_ASSET_IMPORT_MAX_ROWS = max(args.rows, 100_000)
    baseline = peak_mb()
    results = []
    with path.open("rb") as fh:
        imp = timed(
            "preview (upload, dry run)",
            lambda: asset_import_upload(actor=head, school=school, uploaded_file=File(fh, name=path.name)),
            results,
        )
    if imp.error_count:
        for error in imp.report["errors"][:20]:
            print(error, file=sys.stderr)
        sys.exit(f"the dry run found {imp.error_count} rows with errors")
    imp = timed(
        "commit (checked again, registered)",
        lambda: asset_import_commit(actor=head, asset_import=imp),
        results,
    )
    cards = Asset.objects.filter(school=school).count()
    events = AssetEvent.objects.filter(school=school, asset_import=imp).count()
    info = {
        "database": database_version(),
        "ledger": f"{path.name}: {args.rows} data rows, {path.stat().st_size / 1048576:.1f} MB",
        "registered": f"{cards} cards ({imp.item_count} items, {imp.total_amount} yuan), {events} events",
        "baseline": f"{baseline:.0f} MB peak RSS before the import (Django, the school)",
    }
    if args.markdown:
        for k, v in info.items():
            print(f"- {k}: {v}")
        print()
        print("| step | seconds (wall) | seconds (CPU of this process) | SQL statements | peak RSS MB |")
        print("|---|---:|---:|---:|---:|")
        for label, seconds, cpu, queries, peak in results:
            print(f"| {label} | {seconds:.2f} | {cpu:.2f} | {queries} | {peak:.0f} |")
    else:
        for k, v in info.items():
            print(f"{k:10} {v}")
        for label, seconds, cpu, queries, peak in results:
            print(
                f"  {label:38s} {seconds:7.2f} s wall {cpu:7.2f} s CPU  {queries:6d} statements  "
                f"peak RSS {peak:5.0f} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
