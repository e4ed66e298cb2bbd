"""Scale data: a large synthetic city for benchmarks (`houqin seed-scale --schools N`).

A bureau (市教育局) over several central schools (districts) over N schools; each school has
departments, a campus with five buildings, rooms, people and their memberships, and every
third school a teaching point. Every district has the current and the previous semester, and
one city-wide supervisor holds a role at the bureau.

Speed over ceremony, on purpose: rows are written with `bulk_create` in batches and tree paths
are computed directly with `services.org.child_path` (the helper `school_create` uses), not
through the per-row services. The services' per-row validation and change-log entries would
make 500 schools take minutes, and synthetic benchmark data has no history worth recording:
no change-log rows are written for the bulk rows. Only the bureau and the districts (a
handful) go through `school_create`. Never load real data this way.

Later apps add their records by appending a step, a function of the ScaleContext:

    # houqin/assets/scale.py
    from houqin.core.scale import SCALE_STEPS

    def scale_assets(ctx):
        ctx.bulk(Asset, [Asset(school=s, ...) for s in ctx.schools])

    SCALE_STEPS.append(scale_assets)

`seed_scale` imports every installed app's `scale` module first, then runs the steps in order
inside one transaction; `houqin seed-scale --core-only` runs only core's (CORE_STEPS).
"""

import datetime
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from .models import (
    Building,
    Campus,
    Department,
    Membership,
    Role,
    Room,
    RoomKind,
    School,
    SchoolKind,
    Semester,
    User,
)
from .services.org import child_path, school_create
from .services.roles import roles_ensure_defaults

BUREAU_CODE = "SC"
BATCH = 2000
PASSWORD = "houqin2026"  # the demo password, so a benchmark login can be tried by hand
CITY_USERNAME = "sc_city"

DISTRICT_PLACES = [
    "城东",
    "城西",
    "城南",
    "城北",
    "河口",
    "青山",
    "白塔",
    "柳溪",
    "石门",
    "龙泉",
    "桃源",
    "松林",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡林何高罗郑"
GIVEN = [
    "红梅",
    "志华",
    "秀英",
    "建平",
    "丽华",
    "海燕",
    "永刚",
    "晓东",
    "桂芳",
    "明亮",
    "春花",
    "文杰",
    "玉梅",
]
GRADES = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"]
# The people of a school, in this order and always all of them; any further ones are teachers.
SCHOOL_ROLES = [
    "principal",
    "head_of_logistics",
    "storekeeper",
    "canteen_manager",
    "safety_officer",
    "repair_worker",
    "logistics_staff",
]
DEPARTMENTS = [("总务处", True), ("教务处", False), ("政教处", False), ("安全办", False), ("食堂", False)]
BUILDINGS = ["教学楼", "办公楼", "学生宿舍楼", "食堂", "仓库"]
# Twenty rooms of a school, by kind, repeated to the number asked for.
ROOM_PATTERN = (
    [RoomKind.CLASSROOM] * 10
    + [RoomKind.LAB, RoomKind.FUNCTIONAL, RoomKind.FUNCTIONAL]
    + [RoomKind.OFFICE] * 3
    + [RoomKind.DORMITORY] * 2
    + [RoomKind.CANTEEN, RoomKind.STORE]
)
ROOM_BUILDING = {
    RoomKind.CLASSROOM: "教学楼",
    RoomKind.LAB: "教学楼",
    RoomKind.FUNCTIONAL: "教学楼",
    RoomKind.OFFICE: "办公楼",
    RoomKind.DORMITORY: "学生宿舍楼",
    RoomKind.CANTEEN: "食堂",
    RoomKind.STORE: "仓库",
}
ROOM_NAMES = {
    RoomKind.LAB: "科学实验室",
    RoomKind.FUNCTIONAL: "多媒体教室",
    RoomKind.OFFICE: "办公室",
    RoomKind.DORMITORY: "学生宿舍",
    RoomKind.CANTEEN: "就餐大厅",
    RoomKind.STORE: "物资仓库",
}
ROOMS_PER_FLOOR = 10


@dataclass
class ScaleContext:
    """What the steps share: the options, the nodes and people created so far, and counts."""

    schools_count: int
    rooms_per_school: int
    users_per_school: int
    schools_per_district: int
    stdout: object = None
    bureau: School = None
    districts: list = field(default_factory=list)
    schools: list = field(default_factory=list)  # kind "school", in path order
    teaching_points: list = field(default_factory=list)
    roles: dict = field(default_factory=dict)  # code -> Role
    people: dict = field(default_factory=dict)  # school id -> [User], in SCHOOL_ROLES order
    district_people: dict = field(default_factory=dict)  # district id -> [supervisor, accountant]
    city_user: User = None
    departments: dict = field(default_factory=dict)  # school id -> {name: Department}
    counts: Counter = field(default_factory=Counter)
    password_hash: str = ""

    def bulk(self, model, objs):
        """Insert `objs` in batches; their primary keys are set (SQLite 3.35+, PostgreSQL)."""
        objs = list(objs)
        model.objects.bulk_create(objs, batch_size=BATCH)
        self.counts[model._meta.label] += len(objs)
        return objs

    def log(self, message):
        if self.stdout is not None:
            self.stdout.write(message)


def scale_exists():
    return School.objects.filter(code=BUREAU_CODE).exists()


def _name(n):
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)]


def scale_tree(ctx):
    """The bureau and districts through the service; the schools and points in bulk."""
    ctx.bureau = school_create(
        actor=None,
        kind=SchoolKind.BUREAU,
        name="市教育局（规模测试）",
        code=BUREAU_CODE,
        short_name="市教育局",
    )
    count = -(-ctx.schools_count // ctx.schools_per_district)
    for k in range(1, count + 1):
        place = DISTRICT_PLACES[k - 1] if k <= len(DISTRICT_PLACES) else f"第{k}学区"
        ctx.districts.append(
            school_create(
                actor=None,
                kind=SchoolKind.DISTRICT,
                name=f"{place}中心学校",
                code=f"{BUREAU_CODE}-D{k:03d}",
                parent=ctx.bureau,
                short_name=place,
            )
        )
    schools = []
    for i in range(ctx.schools_count):
        district = ctx.districts[i // ctx.schools_per_district]
        j = i % ctx.schools_per_district + 1
        schools.append(
            School(
                parent=district,
                kind=SchoolKind.SCHOOL,
                name=f"{district.short_name}第{j}学校",
                short_name=f"{district.short_name}{j}",
                code=f"{BUREAU_CODE}-{i + 1:05d}",
                pupils=200 + (i * 37) % 900,
                path=child_path(district.path, j),
                depth=district.depth + 1,
            )
        )
    ctx.schools = ctx.bulk(School, schools)
    points = [
        School(
            parent=s,
            kind=SchoolKind.TEACHING_POINT,
            name=f"{s.name}教学点",
            short_name=f"{s.short_name}点",
            code=f"{s.code}-TP",
            keeps_own_books=False,
            pupils=30,
            path=child_path(s.path, 1),
            depth=s.depth + 1,
        )
        for n, s in enumerate(ctx.schools)
        if n % 3 == 2
    ]
    ctx.teaching_points = ctx.bulk(School, points)


def scale_people(ctx):
    """A login per role for each school, two for each district, one for the city; memberships."""
    roles_ensure_defaults()
    ctx.roles = {r.code: r for r in Role.objects.all()}
    users = []
    ctx.city_user = User(username=CITY_USERNAME, full_name="全市后勤督导", password=ctx.password_hash)
    users.append(ctx.city_user)
    for k, d in enumerate(ctx.districts, start=1):
        ctx.district_people[d.pk] = [
            User(username=f"sc_d{k:03d}_sup", full_name=_name(k * 3), password=ctx.password_hash),
            User(username=f"sc_d{k:03d}_acc", full_name=_name(k * 3 + 1), password=ctx.password_hash),
        ]
        users += ctx.district_people[d.pk]
    for i, s in enumerate(ctx.schools, start=1):
        ctx.people[s.pk] = [
            User(username=f"sc{i:05d}_{j:02d}", full_name=_name(i * 11 + j), password=ctx.password_hash)
            for j in range(1, ctx.users_per_school + 1)
        ]
        users += ctx.people[s.pk]
    ctx.bulk(User, users)

    ctx.departments = {}
    departments = []
    for s in ctx.schools:
        head = ctx.people[s.pk][1]
        ctx.departments[s.pk] = {}
        for order, (name, logistics) in enumerate(DEPARTMENTS, start=1):
            dept = Department(
                school=s,
                name=name,
                is_logistics_office=logistics,
                sort_order=order * 10,
                head=head if logistics else None,
            )
            ctx.departments[s.pk][name] = dept
            departments.append(dept)
    ctx.bulk(Department, departments)

    r = ctx.roles
    memberships = [Membership(user=ctx.city_user, school=ctx.bureau, role=r["district_supervisor"])]
    for d in ctx.districts:
        sup, acc = ctx.district_people[d.pk]
        memberships.append(Membership(user=sup, school=d, role=r["district_supervisor"], title="后勤负责人"))
        memberships.append(Membership(user=acc, school=d, role=r["accountant"], title="会计"))
    for s in ctx.schools:
        depts = ctx.departments[s.pk]
        for j, user in enumerate(ctx.people[s.pk]):
            code = SCHOOL_ROLES[j] if j < len(SCHOOL_ROLES) else "teacher"
            dept = depts["教务处"] if code == "teacher" else depts["总务处"]
            memberships.append(Membership(user=user, school=s, role=r[code], department=dept))
    for p in ctx.teaching_points:
        # The point's teacher is the last teacher of its school.
        memberships.append(Membership(user=ctx.people[p.parent_id][-1], school=p, role=r["teacher"]))
    ctx.bulk(Membership, memberships)


def scale_places(ctx):
    """A campus per school, its five buildings and `rooms_per_school` rooms, each with a
    responsible person of the school."""
    campuses = ctx.bulk(Campus, [Campus(school=s, name="本部") for s in ctx.schools])
    plan = [ROOM_PATTERN[n % len(ROOM_PATTERN)] for n in range(ctx.rooms_per_school)]
    per_building = Counter(ROOM_BUILDING[k] for k in plan)
    buildings = {}
    rows = []
    for s, campus in zip(ctx.schools, campuses, strict=True):
        for name in BUILDINGS:
            b = Building(
                school=s,
                campus=campus,
                name=name,
                floors=max(1, -(-per_building[name] // ROOMS_PER_FLOOR)),
                built_year=1990 + (s.pk + len(name)) % 35,
            )
            buildings[(s.pk, name)] = b
            rows.append(b)
    ctx.bulk(Building, rows)

    rooms = []
    for s in ctx.schools:
        people = ctx.people[s.pk]
        depts = ctx.departments[s.pk]
        seq = Counter()
        classroom = 0
        for n, kind in enumerate(plan):
            bname = ROOM_BUILDING[kind]
            k = seq[bname]
            seq[bname] += 1
            floor = k // ROOMS_PER_FLOOR + 1
            if kind == RoomKind.CLASSROOM:
                name = f"{GRADES[classroom % 6]}{classroom // 6 + 1}班"
                classroom += 1
                capacity = 45
            else:
                name = ROOM_NAMES[kind]
                capacity = 8 if kind == RoomKind.DORMITORY else 0
            rooms.append(
                Room(
                    school=s,
                    building=buildings[(s.pk, bname)],
                    number=f"{floor}{k % ROOMS_PER_FLOOR + 1:02d}",
                    name=name,
                    kind=kind,
                    floor=floor,
                    capacity=capacity,
                    responsible=people[n % len(people)],
                    department=depts["食堂"] if kind == RoomKind.CANTEEN else depts["教务处"],
                )
            )
            if len(rooms) >= BATCH * 5:
                ctx.bulk(Room, rooms)
                rooms = []
    ctx.bulk(Room, rooms)


def semesters_around(day):
    """The semester covering `day` and the one before it, as (school year, term, start, end).

    Synthetic terms touch each other (the holidays belong to the term before them), so a
    benchmark database always has a current semester, whatever the date it is run on.
    """
    y = day.year if day.month >= 9 else day.year - 1  # the school year starts in September
    first = (f"{y}-{y + 1}", 1, datetime.date(y, 9, 1), datetime.date(y + 1, 2, 14))
    if day <= first[3]:
        previous = (f"{y - 1}-{y}", 2, datetime.date(y, 2, 15), datetime.date(y, 8, 31))
        return [previous, first]
    return [first, (f"{y}-{y + 1}", 2, datetime.date(y + 1, 2, 15), datetime.date(y + 1, 8, 31))]


def scale_semesters(ctx):
    """The current and the previous semester at every district."""
    terms = semesters_around(timezone.localdate())
    ctx.bulk(
        Semester,
        [
            Semester(school=d, school_year=year, term=term, start_date=start, end_date=end)
            for d in ctx.districts
            for year, term, start, end in terms
        ],
    )


# Core's steps first; other apps append theirs from their own `scale` module.
CORE_STEPS = (scale_tree, scale_people, scale_places, scale_semesters)
SCALE_STEPS = list(CORE_STEPS)


def seed_scale(
    *, schools, rooms_per_school=40, users_per_school=12, schools_per_district=25, stdout=None, steps=None
):
    """Create the synthetic city in one transaction and return its ScaleContext (with counts).

    `steps` defaults to SCALE_STEPS (core's and every app's); CORE_STEPS seeds the organisation,
    people, places and semesters only. Every school has at least one person per SCHOOL_ROLES
    entry, in that order, so later steps can rely on `ctx.people[school_id][1]` being the head
    of logistics."""
    errors = {}
    if schools < 1:
        errors["schools"] = _("At least one school.")
    if rooms_per_school < 1:
        errors["rooms_per_school"] = _("At least one room per school.")
    if users_per_school < len(SCHOOL_ROLES):
        errors["users_per_school"] = _("At least %(n)s people per school, one for each role.") % {
            "n": len(SCHOOL_ROLES)
        }
    if schools_per_district < 1:
        errors["schools_per_district"] = _("At least one school per district.")
    if not errors and scale_exists():
        errors["schools"] = _("The scale city (code %(code)s) is already in this database.") % {
            "code": BUREAU_CODE
        }
    if errors:
        raise ValidationError(errors)
    autodiscover_modules("scale")
    if steps is None:
        steps = SCALE_STEPS
    ctx = ScaleContext(
        schools_count=schools,
        rooms_per_school=rooms_per_school,
        users_per_school=users_per_school,
        schools_per_district=schools_per_district,
        stdout=stdout,
        password_hash=make_password(PASSWORD),
    )
    with transaction.atomic():
        for step in steps:
            started = time.perf_counter()
            step(ctx)
            ctx.log(f"{step.__name__}: {time.perf_counter() - started:.2f} s")
    return ctx
