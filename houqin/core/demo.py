"""The demo district: 太平街道办事处中心学校 and its member schools, people, places and requests.

Plain functions, used by `houqin demo` and by the tests. Everything is created through the
services (so the change log shows how the district came to be), in one transaction: a failed
build leaves nothing behind, and a second build finds the district and changes nothing.

The names come from the central school's new-semester logistics work plan (黄竹林学校,
示范小学, 水塘坝小学, 箐门小学 and the 中学); pupils, buildings and people are made up.
"""

import datetime
import importlib
import importlib.util
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from .approvals import GENERAL_REQUEST
from .models import Campus, Decision, Membership, Role, RoomKind, School, SchoolKind, User
from .services.approvals import approval_decide, approval_policy_set, approval_submit
from .services.objects import object_create
from .services.org import membership_add, school_create, user_create
from .services.places import (
    building_create,
    department_create,
    department_update,
    room_create,
    semester_create,
)
from .services.roles import roles_ensure_defaults

DEMO_PASSWORD = "houqin2026"
DISTRICT_CODE = "TPZX"
FIRST_LOGIN = "zhoujianguo"  # the head of logistics of 黄竹林学校: the first login to try

PRIMARY_GRADES = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"]
MIDDLE_GRADES = ["七年级", "八年级", "九年级"]


@dataclass(frozen=True)
class Person:
    """A named demo login. `extra` are further (role, school code, title) memberships."""

    username: str
    full_name: str
    role: str
    title: str = ""
    department: str = ""
    extra: tuple = ()


@dataclass(frozen=True)
class SchoolSpec:
    code: str
    name: str
    short_name: str
    kind: str
    pupils: int
    address: str
    phone: str
    grades: tuple = ()
    classes_per_grade: int = 0
    class_capacity: int = 0
    # (name, floors, year built, structure); a school has only the buildings listed.
    buildings: tuple = ()
    departments: tuple = ()  # (name, is logistics office)
    people: tuple = ()
    # Classes whose head is one of the named people: {"三年级2班": "zhaoxiaoyan"}.
    class_heads: dict = field(default_factory=dict)
    functional_rooms: tuple = ()  # (name, kind, capacity)
    dormitory_rooms: int = 0
    parent: str = DISTRICT_CODE
    # Combined classes of a teaching point (复式班) replace the grade x class grid.
    combined_classes: tuple = ()


DISTRICT = SchoolSpec(
    code=DISTRICT_CODE,
    name="太平街道办事处中心学校",
    short_name="太平中心学校",
    kind=SchoolKind.DISTRICT,
    pupils=0,
    address="太平街道办事处中心街18号",
    phone="0871-6581 2001",
    buildings=(("办公楼", 3, 2010, "框架"),),
    departments=(("办公室", False), ("总务处", True), ("财务室", False)),
    people=(
        Person("liguohua", "李国华", "district_supervisor", "中心学校后勤负责人", "总务处"),
        Person("wangli", "王丽", "accountant", "会计", "财务室"),
        Person("zhangmin", "张敏", "cashier", "出纳", "财务室"),
        Person("chenjing", "陈静", "auditor", "审计小组组长", "办公室"),
        Person("heming", "何明", "admin", "信息技术管理员", "办公室"),
    ),
    parent="",
)

SCHOOLS = (
    SchoolSpec(
        code="TPHZL",
        name="黄竹林学校",
        short_name="黄竹林",
        kind=SchoolKind.SCHOOL,
        pupils=528,
        address="太平街道黄竹林村",
        phone="0871-6581 2101",
        grades=tuple(PRIMARY_GRADES),
        classes_per_grade=2,
        class_capacity=48,
        buildings=(
            ("教学楼", 3, 2009, "砖混"),
            ("办公楼", 2, 2003, "砖混"),
            ("学生宿舍楼", 3, 2012, "框架"),
            ("食堂", 1, 2012, "框架"),
            ("仓库", 1, 1998, "砖木"),
        ),
        departments=(
            ("总务处", True),
            ("教务处", False),
            ("政教处", False),
            ("安全办", False),
            ("食堂", False),
            ("低年级组", False),
            ("高年级组", False),
        ),
        people=(
            Person("yangzhiqiang", "杨志强", "principal", "校长"),
            Person(
                "zhoujianguo",
                "周建国",
                "head_of_logistics",
                "总务主任",
                "总务处",
                extra=(("logistics_staff", "TPSF", "兼管示范小学校产"),),
            ),
            Person("liuyun", "刘云", "storekeeper", "保管员", "总务处"),
            Person("huangdawei", "黄大伟", "repair_worker", "维修工", "总务处"),
            Person("sunhongmei", "孙红梅", "canteen_manager", "食堂管理员", "食堂"),
            Person("wujun", "吴军", "safety_officer", "安全员", "安全办"),
            Person("tianli", "田丽", "logistics_staff", "生活老师", "政教处"),
            Person("zhaoxiaoyan", "赵晓燕", "teacher", "三年级2班班主任", "低年级组"),
        ),
        class_heads={"三年级2班": "zhaoxiaoyan"},
        functional_rooms=(
            ("多媒体教室", RoomKind.FUNCTIONAL, 50),
            ("科学实验室", RoomKind.LAB, 48),
            ("计算机教室", RoomKind.FUNCTIONAL, 40),
            ("图书室", RoomKind.FUNCTIONAL, 30),
        ),
        dormitory_rooms=12,
    ),
    SchoolSpec(
        code="TPSF",
        name="示范小学",
        short_name="示范",
        kind=SchoolKind.SCHOOL,
        pupils=806,
        address="太平街道办事处中心街26号",
        phone="0871-6581 2201",
        grades=tuple(PRIMARY_GRADES),
        classes_per_grade=3,
        class_capacity=48,
        buildings=(
            ("教学楼", 4, 2015, "框架"),
            ("老教学楼", 2, 1996, "砖混"),
            ("办公楼", 3, 2006, "砖混"),
            ("食堂", 1, 2014, "框架"),
            ("仓库", 1, 2001, "砖混"),
        ),
        departments=(
            ("总务处", True),
            ("教务处", False),
            ("政教处", False),
            ("安全办", False),
            ("食堂", False),
            ("低年级组", False),
            ("高年级组", False),
        ),
        people=(
            Person("luowenhua", "罗文华", "principal", "校长"),
            Person("guozhendong", "郭振东", "head_of_logistics", "总务主任", "总务处"),
            Person("dengxiaoqin", "邓小琴", "canteen_manager", "食堂管理员", "食堂"),
            Person("jiangliping", "蒋丽萍", "teacher", "五年级1班班主任", "高年级组"),
        ),
        class_heads={"五年级1班": "jiangliping"},
        functional_rooms=(
            ("多媒体教室", RoomKind.FUNCTIONAL, 50),
            ("科学实验室", RoomKind.LAB, 48),
            ("计算机教室", RoomKind.FUNCTIONAL, 48),
            ("音乐室", RoomKind.FUNCTIONAL, 48),
            ("图书室", RoomKind.FUNCTIONAL, 40),
        ),
    ),
    SchoolSpec(
        code="TPSTB",
        name="水塘坝小学",
        short_name="水塘坝",
        kind=SchoolKind.SCHOOL,
        pupils=236,
        address="太平街道水塘坝村",
        phone="0871-6581 2301",
        grades=tuple(PRIMARY_GRADES),
        classes_per_grade=1,
        class_capacity=45,
        buildings=(
            ("教学楼", 2, 2005, "砖混"),
            ("办公楼", 1, 2005, "砖混"),
            ("学生宿舍楼", 2, 2013, "框架"),
            ("食堂", 1, 2013, "框架"),
            ("仓库", 1, 2000, "砖混"),
        ),
        departments=(
            ("总务处", True),
            ("教务处", False),
            ("政教处", False),
            ("安全办", False),
            ("食堂", False),
        ),
        people=(
            Person("pengdeming", "彭德明", "principal", "校长"),
            Person("xieyongfu", "谢永福", "head_of_logistics", "总务主任", "总务处"),
            Person("hanxue", "韩雪", "teacher", "一年级1班班主任", "教务处"),
        ),
        class_heads={"一年级1班": "hanxue"},
        functional_rooms=(("多媒体教室", RoomKind.FUNCTIONAL, 45), ("图书室", RoomKind.FUNCTIONAL, 24)),
        dormitory_rooms=8,
    ),
    SchoolSpec(
        code="TPQM",
        name="箐门小学",
        short_name="箐门",
        kind=SchoolKind.SCHOOL,
        pupils=248,
        address="太平街道箐门村",
        phone="0871-6581 2401",
        grades=tuple(PRIMARY_GRADES),
        classes_per_grade=1,
        class_capacity=45,
        buildings=(
            ("教学楼", 2, 1993, "砖混"),
            ("办公楼", 1, 2002, "砖混"),
            ("食堂", 1, 2012, "砖混"),
            ("仓库", 1, 1993, "砖木"),
        ),
        departments=(
            ("总务处", True),
            ("教务处", False),
            ("政教处", False),
            ("安全办", False),
            ("食堂", False),
        ),
        people=(
            Person("zengqinghua", "曾庆华", "principal", "校长"),
            Person("tangguoqiang", "唐国强", "head_of_logistics", "总务主任", "总务处"),
            Person("fengyan", "冯艳", "teacher", "一年级1班班主任", "教务处"),
        ),
        class_heads={"一年级1班": "fengyan"},
        functional_rooms=(("多媒体教室", RoomKind.FUNCTIONAL, 45), ("图书室", RoomKind.FUNCTIONAL, 24)),
    ),
    SchoolSpec(
        code="TPZS",
        name="太平中学",
        short_name="太平中学",
        kind=SchoolKind.SCHOOL,
        pupils=612,
        address="太平街道办事处学府路9号",
        phone="0871-6581 2501",
        grades=tuple(MIDDLE_GRADES),
        classes_per_grade=4,
        class_capacity=54,
        buildings=(
            ("教学楼", 5, 2004, "框架"),
            ("办公楼", 3, 2004, "框架"),
            ("学生宿舍楼", 4, 2011, "框架"),
            ("食堂", 2, 2011, "框架"),
            ("仓库", 1, 2004, "砖混"),
        ),
        departments=(
            ("总务处", True),
            ("教务处", False),
            ("政教处", False),
            ("安全办", False),
            ("食堂", False),
            ("七年级组", False),
            ("八年级组", False),
            ("九年级组", False),
        ),
        people=(
            Person("songjianjun", "宋建军", "principal", "校长"),
            Person("xuzhigang", "许志刚", "head_of_logistics", "总务主任", "总务处"),
            Person("panyulan", "潘玉兰", "storekeeper", "保管员", "总务处"),
            Person("dongchunyan", "董春燕", "canteen_manager", "食堂管理员", "食堂"),
            Person("yuanhai", "袁海", "safety_officer", "安全员", "安全办"),
            Person("chengwei", "程伟", "teacher", "七年级1班班主任", "七年级组"),
        ),
        class_heads={"七年级1班": "chengwei"},
        functional_rooms=(
            ("物理实验室", RoomKind.LAB, 54),
            ("化学实验室", RoomKind.LAB, 54),
            ("生物实验室", RoomKind.LAB, 54),
            ("计算机教室", RoomKind.FUNCTIONAL, 54),
            ("多媒体教室", RoomKind.FUNCTIONAL, 60),
            ("图书室", RoomKind.FUNCTIONAL, 60),
        ),
        dormitory_rooms=24,
    ),
    SchoolSpec(
        code="TPYJ",
        name="岩脚教学点",
        short_name="岩脚",
        kind=SchoolKind.TEACHING_POINT,
        pupils=34,
        address="太平街道水塘坝村岩脚组",
        phone="",
        buildings=(("教学楼", 1, 1990, "砖木"),),
        people=(Person("caiming", "蔡明", "teacher", "教学点负责人"),),
        combined_classes=("一二年级复式班", "三年级"),
        class_capacity=30,
        parent="TPSTB",
    ),
)

# Class heads of the classes no named person teaches (ascii pinyin usernames).
_SURNAMES = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("林", "lin"),
    ("何", "he"),
    ("高", "gao"),
    ("罗", "luo"),
    ("郑", "zheng"),
]
_GIVEN = [
    ("红梅", "hongmei"),
    ("志华", "zhihua"),
    ("秀英", "xiuying"),
    ("建平", "jianping"),
    ("丽华", "lihua"),
    ("海燕", "haiyan"),
    ("永刚", "yonggang"),
    ("晓东", "xiaodong"),
    ("桂芳", "guifang"),
    ("明亮", "mingliang"),
    ("春花", "chunhua"),
    ("文杰", "wenjie"),
    ("玉梅", "yumei"),
    ("国庆", "guoqing"),
    ("小红", "xiaohong"),
    ("德华", "dehua"),
    ("美玲", "meiling"),
    ("成林", "chenglin"),
    ("淑珍", "shuzhen"),
    ("家宝", "jiabao"),
    ("静", "jing"),
    ("敏", "min"),
    ("勇", "yong"),
    ("芳", "fang"),
    ("磊", "lei"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("艳", "yan"),
    ("斌", "bin"),
]

SEMESTERS = (
    ("2025-2026", 2, datetime.date(2026, 3, 2), datetime.date(2026, 7, 10)),
    ("2026-2027", 1, datetime.date(2026, 9, 1), datetime.date(2027, 1, 22)),
)

# The general-request policy of the district: (role, level, final up to amount).
GENERAL_POLICY_STEPS = (
    ("head_of_logistics", "school", Decimal("2000.00")),
    ("principal", "school", Decimal("20000.00")),
    ("district_supervisor", "district", None),
)


@dataclass
class Login:
    username: str
    full_name: str
    role: str
    school: str


@dataclass
class DemoResult:
    created: bool
    district: School
    logins: list
    teachers: int  # class-head teachers beyond the named logins, same password


def demo_exists():
    return School.objects.filter(code=DISTRICT_CODE).exists()


def named_usernames():
    return [p.username for spec in (DISTRICT, *SCHOOLS) for p in spec.people]


def build_demo():
    """Build the demo district unless it is there already; return its logins either way.

    The system is the actor of every change (the change log says "system"), except the
    approval steps, which are taken by the people whose inbox they belong to."""
    created = False
    if not demo_exists():
        with _demo_password_hashed_once(), transaction.atomic():
            _Builder(actor=None).build()
        created = True
    district = School.objects.get(code=DISTRICT_CODE)
    return DemoResult(
        created=created, district=district, logins=demo_logins(), teachers=_class_head_count(district)
    )


def app_demo_builders():
    """(app config, build_demo) of every other installed Houqin app with a `demo` module, in
    INSTALLED_APPS order: an app's demo may use what the apps before it created. Each
    `build_demo(district, actor=None)` adds the app's records to the district once."""
    builders = []
    for config in apps.get_app_configs():
        if config.label == "core" or not config.name.startswith("houqin."):
            continue
        if importlib.util.find_spec(f"{config.name}.demo") is None:
            continue
        builders.append((config, importlib.import_module(f"{config.name}.demo").build_demo))
    return builders


@contextmanager
def _demo_password_hashed_once():
    """The demo password is printed for all to see, so hashing it afresh for each of the ~80
    demo logins (PBKDF2, a third of a second each) buys nothing and would make `houqin demo`
    take half a minute. While the district is built, `set_password` stores one hash computed
    once; `user_create` still does everything else (validation, change log)."""
    hashed = make_password(DEMO_PASSWORD)
    original = User.set_password

    def set_password(user, raw_password):
        if raw_password != DEMO_PASSWORD:
            return original(user, raw_password)
        user.password = hashed
        user._password = raw_password

    User.set_password = set_password
    try:
        yield
    finally:
        User.set_password = original


def demo_logins():
    """The named demo logins, one row per membership, in the order of the district's spec."""
    order = {u: i for i, u in enumerate(named_usernames())}
    rows = (
        Membership.objects.filter(user__username__in=order)
        .select_related("user", "role", "school")
        .order_by("school__path", "role__sort_order")
    )
    rows = sorted(rows, key=lambda m: (order[m.user.username], m.school.path))
    return [Login(m.user.username, m.user.full_name, m.role.name, m.school.name) for m in rows]


def _class_head_count(district):
    named = set(named_usernames())
    return (
        Membership.objects.in_scope(district)
        .filter(role__code="teacher")
        .exclude(user__username__in=named)
        .values("user")
        .distinct()
        .count()
    )


def _width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))


def format_logins(result):
    """The table `houqin demo` prints: who to log in as, all with one password."""
    head = [_("username"), _("name"), _("role"), _("school")]
    rows = [[r.username, r.full_name, r.role, r.school] for r in result.logins]
    widths = [max(_width(str(row[i])) for row in [head, *rows]) for i in range(4)]
    lines = [
        _("Demo district: %(name)s") % {"name": result.district.name},
        _("Password for every demo login: %(password)s") % {"password": DEMO_PASSWORD},
        "",
        "  ".join(_pad(h, w) for h, w in zip(head, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(_pad(str(c), w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    if result.teachers:
        lines += [
            "",
            _("… and %(n)s class-head teachers (see People), with the same password.")
            % {"n": result.teachers},
        ]
    first = next((r for r in result.logins if r.username == FIRST_LOGIN), None)
    if first is not None:
        lines += [
            "",
            _("Try first: %(username)s (%(name)s, head of logistics of %(school)s).")
            % {"username": first.username, "name": first.full_name, "school": first.school},
        ]
    return "\n".join(lines)


def _roles():
    """The default roles, created when missing."""
    roles_ensure_defaults()
    return {r.code: r for r in Role.objects.all()}


class _Builder:
    """Builds the district in order: tree, roles, departments, people, places, semesters,
    approval policy and requests."""

    def __init__(self, actor):
        self.actor = actor
        self.nodes = {}  # code -> School
        self.departments = {}  # (school code, name) -> Department
        self.users = {}  # username -> User
        self.class_head_seq = 0

    def build(self):
        self.roles = _roles()
        self.tree()
        for spec in (DISTRICT, *SCHOOLS):
            self.school_departments(spec)
        for spec in (DISTRICT, *SCHOOLS):
            self.people(spec)
        self.set_department_heads()
        for spec in (DISTRICT, *SCHOOLS):
            self.places(spec)
        self.semesters()
        self.approvals()

    # -- organisation ------------------------------------------------------------------------
    def tree(self):
        for spec in (DISTRICT, *SCHOOLS):
            self.nodes[spec.code] = school_create(
                actor=self.actor,
                kind=spec.kind,
                name=spec.name,
                code=spec.code,
                parent=self.nodes.get(spec.parent),
                short_name=spec.short_name,
                pupils=spec.pupils,
                address=spec.address,
                phone=spec.phone,
                principal_name=next((p.full_name for p in spec.people if p.role == "principal"), ""),
            )

    def school_departments(self, spec):
        school = self.nodes[spec.code]
        for order, (name, logistics) in enumerate(spec.departments, start=1):
            self.departments[(spec.code, name)] = department_create(
                actor=self.actor,
                school=school,
                data={"name": name, "is_logistics_office": logistics, "sort_order": order * 10},
            )

    def set_department_heads(self):
        # The head of each office is the person whose title says they run it.
        heads = {
            "总务处": ("district_supervisor", "head_of_logistics"),
            "食堂": ("canteen_manager",),
            "安全办": ("safety_officer",),
            "财务室": ("accountant",),
            "办公室": ("admin",),
        }
        for spec in (DISTRICT, *SCHOOLS):
            for dept_name, roles in heads.items():
                dept = self.departments.get((spec.code, dept_name))
                person = next((p for p in spec.people if p.role in roles), None)
                if dept is not None and person is not None:
                    department_update(
                        actor=self.actor, instance=dept, data={"head": self.users[person.username]}
                    )

    # -- people ------------------------------------------------------------------------------
    def user(self, spec, username, full_name):
        user = user_create(
            actor=self.actor,
            school=self.nodes[spec.code],
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
        )
        self.users[username] = user
        return user

    def member(self, user, code, role, title="", department=""):
        membership_add(
            actor=self.actor,
            user=user,
            school=self.nodes[code],
            role=self.roles[role],
            department=self.departments.get((code, department)) if department else None,
            title=title,
        )

    def people(self, spec):
        for p in spec.people:
            user = self.user(spec, p.username, p.full_name)
            self.member(user, spec.code, p.role, p.title, p.department)
            for role, code, title in p.extra:
                self.member(user, code, role, title)

    def class_head(self, spec, class_name):
        """The head teacher of `class_name`: a named person, or a new teacher."""
        named = spec.class_heads.get(class_name)
        if named:
            return self.users[named]
        if spec.kind == SchoolKind.TEACHING_POINT:
            return self.users[spec.people[0].username]
        i = self.class_head_seq
        self.class_head_seq += 1
        surname, s_py = _SURNAMES[i % len(_SURNAMES)]
        given, g_py = _GIVEN[(i * 7 + i // len(_SURNAMES)) % len(_GIVEN)]
        username = f"{s_py}{g_py}"
        n = 2
        while username in self.users:
            username = f"{s_py}{g_py}{n}"
            n += 1
        user = self.user(spec, username, surname + given)
        department = _grade_group(spec, class_name)
        self.member(user, spec.code, "teacher", f"{class_name}班主任", department)
        return user

    def by_role(self, spec, *roles):
        """The first named person of the school holding one of `roles` (in that preference)."""
        for role in roles:
            for p in spec.people:
                if p.role == role:
                    return self.users[p.username]
        return None

    # -- places ------------------------------------------------------------------------------
    def places(self, spec):
        school = self.nodes[spec.code]
        campus_name = "中心学校本部" if spec is DISTRICT else "本部"
        campus = object_create(
            actor=self.actor, model=Campus, school=school, data={"name": campus_name, "address": spec.address}
        )
        buildings = {}
        for name, floors, year, structure in spec.buildings:
            buildings[name] = building_create(
                actor=self.actor,
                school=school,
                data={
                    "campus": campus,
                    "name": name,
                    "floors": floors,
                    "built_year": year,
                    "structure": structure,
                },
            )
        rooms = []
        if spec is DISTRICT:
            rooms += self.district_rooms(spec, buildings["办公楼"])
        else:
            rooms += self.teaching_rooms(spec, buildings["教学楼"])
            if "办公楼" in buildings:
                rooms += self.office_rooms(spec, buildings["办公楼"])
            if "学生宿舍楼" in buildings:
                rooms += self.dormitory_rooms(spec, buildings["学生宿舍楼"])
            if "食堂" in buildings:
                rooms += self.canteen_rooms(spec, buildings["食堂"])
            if "仓库" in buildings:
                rooms += self.store_rooms(spec, buildings["仓库"])
        for building, number, data in rooms:
            data = {"building": building, "number": number, **data}
            room_create(actor=self.actor, school=school, data=data)

    def dept(self, spec, name):
        return self.departments.get((spec.code, name))

    def district_rooms(self, spec, building):
        sup = self.by_role(spec, "district_supervisor")
        office = self.dept(spec, "办公室")
        return [
            (
                building,
                "101",
                _room("中心学校办公室", RoomKind.OFFICE, 1, 6, self.by_role(spec, "admin"), office),
            ),
            (building, "102", _room("档案室", RoomKind.OTHER, 1, 0, self.by_role(spec, "auditor"), office)),
            (building, "201", _room("后勤办公室", RoomKind.OFFICE, 2, 4, sup, self.dept(spec, "总务处"))),
            (
                building,
                "202",
                _room(
                    "财务室",
                    RoomKind.OFFICE,
                    2,
                    3,
                    self.by_role(spec, "accountant"),
                    self.dept(spec, "财务室"),
                ),
            ),
            (
                building,
                "301",
                _room("会议室", RoomKind.FUNCTIONAL, 3, 40, self.by_role(spec, "admin"), office),
            ),
            (building, "302", _room("中心学校仓库", RoomKind.STORE, 3, 0, sup, self.dept(spec, "总务处"))),
        ]

    def teaching_rooms(self, spec, building):
        rooms = []
        per_floor = {}

        def number(floor):
            per_floor[floor] = per_floor.get(floor, 0) + 1
            return f"{floor}{per_floor[floor]:02d}"

        if spec.combined_classes:
            for name in spec.combined_classes:
                teacher = self.class_head(spec, name)
                rooms.append(
                    (building, number(1), _room(name, RoomKind.CLASSROOM, 1, spec.class_capacity, teacher))
                )
            teacher = self.users[spec.people[0].username]
            rooms.append((building, number(1), _room("教师办公室", RoomKind.OFFICE, 1, 4, teacher)))
            return rooms
        # Lower grades on the lower floors; the top floor keeps the functional rooms too.
        for g, grade in enumerate(spec.grades):
            floor = g * building.floors // len(spec.grades) + 1
            for c in range(1, spec.classes_per_grade + 1):
                name = f"{grade}{c}班"
                teacher = self.class_head(spec, name)
                dept = self.dept(spec, _grade_group(spec, name))
                rooms.append(
                    (
                        building,
                        number(floor),
                        _room(name, RoomKind.CLASSROOM, floor, spec.class_capacity, teacher, dept),
                    )
                )
        keeper = self.by_role(spec, "storekeeper", "head_of_logistics")
        for name, kind, capacity in spec.functional_rooms:
            floor = building.floors
            rooms.append(
                (
                    building,
                    number(floor),
                    _room(name, kind, floor, capacity, keeper, self.dept(spec, "教务处")),
                )
            )
        return rooms

    def office_rooms(self, spec, building):
        head = self.by_role(spec, "head_of_logistics")
        principal = self.by_role(spec, "principal")
        teacher = self.by_role(spec, "teacher")
        offices = [
            ("校长室", principal, None),
            ("总务处", head, "总务处"),
            ("教务处", teacher, "教务处"),
            ("政教处", teacher, "政教处"),
            ("安全办", self.by_role(spec, "safety_officer", "head_of_logistics"), "安全办"),
            ("教师办公室", teacher, "教务处"),
            ("会议室", principal, None),
        ]
        per_floor = -(-len(offices) // building.floors)
        rooms = []
        for i, (name, person, dept) in enumerate(offices):
            floor = i // per_floor + 1
            kind = RoomKind.FUNCTIONAL if name == "会议室" else RoomKind.OFFICE
            capacity = 20 if name == "会议室" else 4
            department = self.dept(spec, dept) if dept else None
            rooms.append(
                (
                    building,
                    f"{floor}{i % per_floor + 1:02d}",
                    _room(name, kind, floor, capacity, person, department),
                )
            )
        return rooms

    def dormitory_rooms(self, spec, building):
        keeper = self.by_role(spec, "logistics_staff", "safety_officer", "head_of_logistics")
        dept = self.dept(spec, "政教处")
        floors = building.floors
        per_floor = -(-spec.dormitory_rooms // floors)
        rooms = [(building, "100", _room("宿管值班室", RoomKind.OFFICE, 1, 2, keeper, dept))]
        for i in range(spec.dormitory_rooms):
            floor = i // per_floor + 1
            # Boys below, girls on the upper floors.
            name = "男生宿舍" if floor <= floors // 2 else "女生宿舍"
            rooms.append(
                (
                    building,
                    f"{floor}{i % per_floor + 1:02d}",
                    _room(name, RoomKind.DORMITORY, floor, 8, keeper, dept),
                )
            )
        return rooms

    def canteen_rooms(self, spec, building):
        manager = self.by_role(spec, "canteen_manager", "head_of_logistics")
        dept = self.dept(spec, "食堂")
        seats = min(spec.pupils, 400)
        return [
            (building, "101", _room("操作间", RoomKind.CANTEEN, 1, 0, manager, dept)),
            (building, "102", _room("就餐大厅", RoomKind.CANTEEN, 1, seats, manager, dept)),
            (building, "103", _room("食材库房", RoomKind.STORE, 1, 0, manager, dept)),
            (building, "104", _room("留样间", RoomKind.CANTEEN, 1, 0, manager, dept)),
        ]

    def store_rooms(self, spec, building):
        keeper = self.by_role(spec, "storekeeper", "head_of_logistics")
        dept = self.dept(spec, "总务处")
        return [
            (building, "101", _room("物资仓库", RoomKind.STORE, 1, 0, keeper, dept)),
            (building, "102", _room("校产仓库", RoomKind.STORE, 1, 0, keeper, dept)),
        ]

    # -- calendar ----------------------------------------------------------------------------
    def semesters(self):
        district = self.nodes[DISTRICT_CODE]
        for school_year, term, start, end in SEMESTERS:
            semester_create(
                actor=self.actor,
                school=district,
                data={"school_year": school_year, "term": term, "start_date": start, "end_date": end},
            )

    # -- approvals ---------------------------------------------------------------------------
    def approvals(self):
        approval_policy_set(
            actor=self.users["liguohua"],
            school=self.nodes[DISTRICT_CODE],
            kind=GENERAL_REQUEST,
            name="一般事项审批",
            steps=[
                {"role": r, "level": lvl, "max_amount": amount} for r, lvl, amount in GENERAL_POLICY_STEPS
            ],
        )
        hzl, sf = self.nodes["TPHZL"], self.nodes["TPSF"]
        # Already through: two filing cabinets for 黄竹林 (the work plan's 档案柜), head then principal.
        done = approval_submit(
            actor=self.users["liuyun"],
            school=hzl,
            kind=GENERAL_REQUEST,
            title="采购档案柜两组",
            amount=Decimal("3600.00"),
            description="总务处档案柜已满，按中心学校计划采购两组钢制档案柜。",
        )
        approval_decide(
            actor=self.users["zhoujianguo"],
            request=done,
            decision=Decision.APPROVE,
            comment="同意，货比三家后采购。",
        )
        done.refresh_from_db()
        approval_decide(
            actor=self.users["yangzhiqiang"], request=done, decision=Decision.APPROVE, comment="同意。"
        )
        # Waiting for the head of logistics of 黄竹林学校.
        approval_submit(
            actor=self.users["zhaoxiaoyan"],
            school=hzl,
            kind=GENERAL_REQUEST,
            title="申请更换三年级2班损坏的窗户玻璃",
            amount=Decimal("680.00"),
            description="三年级2班教室靠走廊一侧两扇窗户玻璃破裂，存在安全隐患，申请尽快更换。",
        )
        # Waiting at 示范小学.
        approval_submit(
            actor=self.users["jiangliping"],
            school=sf,
            kind=GENERAL_REQUEST,
            title="申请维修五年级1班课桌椅8套",
            amount=Decimal("960.00"),
            description="五年级1班有8套课桌椅桌面开裂、椅腿松动，申请维修。",
        )


def _room(name, kind, floor, capacity, responsible, department=None):
    return {
        "name": name,
        "kind": kind,
        "floor": floor,
        "capacity": capacity,
        "responsible": responsible,
        "department": department,
    }


def _grade_group(spec, class_name):
    """The grade group a class belongs to, where the school has grade groups."""
    names = {d for d, _logistics in spec.departments}
    for grade in MIDDLE_GRADES:
        if class_name.startswith(grade) and f"{grade}组" in names:
            return f"{grade}组"
    if "低年级组" in names:
        return "低年级组" if any(class_name.startswith(g) for g in PRIMARY_GRADES[:3]) else "高年级组"
    return "教务处" if "教务处" in names else ""
