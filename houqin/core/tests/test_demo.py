"""The demo district: what `houqin demo` builds, that it builds it once, and that its logins work."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import translation

from houqin.core import access, demo
from houqin.core.models import (
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStatus,
    Building,
    Campus,
    ChangeLogEntry,
    Department,
    Membership,
    Notification,
    Role,
    Room,
    RoomKind,
    School,
    SchoolKind,
    Semester,
    User,
)
from houqin.core.permissions import DEFAULT_ROLES
from houqin.core.selectors import semester_current
from houqin.core.selectors.approvals import approval_inbox

pytestmark = pytest.mark.django_db

MODELS = (
    School,
    User,
    Role,
    Membership,
    Department,
    Campus,
    Building,
    Room,
    Semester,
    ApprovalPolicy,
    ApprovalRequest,
    Notification,
    ChangeLogEntry,
)


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The demo, built once for the module (about 3,500 queries) and rolled back at its end;
    each test runs in its own savepoint inside, so what one test changes the next never sees."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo.build_demo()
        yield result
        transaction.set_rollback(True)


def test_organisation_tree(built):
    assert built.created is True
    district = built.district
    assert (district.name, district.code, district.kind) == (
        "太平街道办事处中心学校",
        "TPZX",
        SchoolKind.DISTRICT,
    )
    rows = [
        (s.name, s.kind, s.parent.name if s.parent else None, s.keeps_own_books, s.pupils)
        for s in School.objects.select_related("parent").order_by("path")
    ]
    assert rows == [
        ("太平街道办事处中心学校", SchoolKind.DISTRICT, None, True, 0),
        ("黄竹林学校", SchoolKind.SCHOOL, "太平街道办事处中心学校", True, 528),
        ("示范小学", SchoolKind.SCHOOL, "太平街道办事处中心学校", True, 806),
        ("水塘坝小学", SchoolKind.SCHOOL, "太平街道办事处中心学校", True, 236),
        ("岩脚教学点", SchoolKind.TEACHING_POINT, "水塘坝小学", False, 34),
        ("箐门小学", SchoolKind.SCHOOL, "太平街道办事处中心学校", True, 248),
        ("太平中学", SchoolKind.SCHOOL, "太平街道办事处中心学校", True, 612),
    ]
    assert School.objects.get(code="TPHZL").principal_name == "杨志强"


def test_departments(built):
    assert Department.objects.count() == 35
    hzl = School.objects.get(code="TPHZL")
    assert list(Department.objects.filter(school=hzl).values_list("name", flat=True)) == [
        "总务处",
        "教务处",
        "政教处",
        "安全办",
        "食堂",
        "低年级组",
        "高年级组",
    ]
    # Every school and the district has exactly one logistics office, run by its head.
    offices = Department.objects.filter(is_logistics_office=True).select_related("school", "head")
    assert sorted((d.school.code, d.name, d.head.username) for d in offices) == [
        ("TPHZL", "总务处", "zhoujianguo"),
        ("TPQM", "总务处", "tangguoqiang"),
        ("TPSF", "总务处", "guozhendong"),
        ("TPSTB", "总务处", "xieyongfu"),
        ("TPZS", "总务处", "xuzhigang"),
        ("TPZX", "总务处", "liguohua"),
    ]


def test_people_and_roles(built):
    assert User.objects.count() == 79
    assert Membership.objects.count() == 80
    # Someone holds every default role.
    assert set(Membership.objects.values_list("role__code", flat=True)) == {c for c, _n, _p in DEFAULT_ROLES}
    district_roles = {
        m.user.username: m.role.code
        for m in Membership.objects.filter(school__code="TPZX").select_related("user", "role")
    }
    assert district_roles == {
        "liguohua": "district_supervisor",
        "wangli": "accountant",
        "zhangmin": "cashier",
        "chenjing": "auditor",
        "heming": "admin",
    }
    hzl_roles = {
        m.user.username: m.role.code
        for m in Membership.objects.filter(school__code="TPHZL")
        .exclude(role__code="teacher")
        .select_related("user", "role")
    }
    assert hzl_roles == {
        "yangzhiqiang": "principal",
        "zhoujianguo": "head_of_logistics",
        "liuyun": "storekeeper",
        "huangdawei": "repair_worker",
        "sunhongmei": "canteen_manager",
        "wujun": "safety_officer",
        "tianli": "logistics_staff",
    }
    for code in ("TPHZL", "TPSF", "TPSTB", "TPQM", "TPZS"):
        held = set(Membership.objects.filter(school__code=code).values_list("role__code", flat=True))
        assert {"principal", "head_of_logistics", "teacher"} <= held, code
    # One class head per class: 12 + 18 + 6 + 6 + 12 classes, the teaching point's two by one teacher.
    assert Membership.objects.filter(role__code="teacher").count() == 55
    head = User.objects.get(username="zhoujianguo")
    assert head.full_name == "周建国"
    assert head.check_password(demo.DEMO_PASSWORD)
    assert all(u.check_password(demo.DEMO_PASSWORD) for u in User.objects.all())


def test_head_of_logistics_switches_between_two_schools(built):
    head = User.objects.get(username="zhoujianguo")
    assert [s.name for s in access.scope_choices(head)] == ["黄竹林学校", "示范小学"]
    assert Membership.objects.get(user=head, school__code="TPSF").role.code == "logistics_staff"


def test_places(built):
    assert Campus.objects.count() == 7
    assert Building.objects.count() == 26
    assert Room.objects.count() == 194
    per_school = {s.code: Room.objects.filter(school=s).count() for s in School.objects.order_by("path")}
    assert per_school == {"TPZX": 6, "TPHZL": 42, "TPSF": 36, "TPSTB": 30, "TPYJ": 3, "TPQM": 21, "TPZS": 56}
    assert list(
        Building.objects.filter(school__code="TPHZL").order_by("pk").values_list("name", flat=True)
    ) == ["教学楼", "办公楼", "学生宿舍楼", "食堂", "仓库"]
    # Every room has a responsible person of its school; classrooms are signed for by class heads.
    assert not Room.objects.filter(responsible__isnull=True).exists()
    for room in Room.objects.select_related("school", "responsible"):
        assert room.school.pk in access.visible_school_ids(room.responsible), room
    classrooms = Room.objects.filter(kind=RoomKind.CLASSROOM).select_related("school", "responsible")
    assert classrooms.count() == 56
    for room in classrooms:
        assert "teacher" in access.roles_at(room.responsible, room.school), room
    room = Room.objects.get(school__code="TPHZL", name="三年级2班")
    assert (room.building.name, room.number, room.floor, room.capacity) == ("教学楼", "202", 2, 48)
    assert (room.responsible.username, room.department.name) == ("zhaoxiaoyan", "低年级组")
    assert Room.objects.filter(school__code="TPZS", kind=RoomKind.DORMITORY).count() == 24
    assert Room.objects.filter(school__code="TPZS", kind=RoomKind.LAB).count() == 3


def test_semesters(built):
    assert list(
        Semester.objects.order_by("start_date").values_list(
            "school__code", "school_year", "term", "start_date", "end_date"
        )
    ) == [
        ("TPZX", "2025-2026", 2, datetime.date(2026, 3, 2), datetime.date(2026, 7, 10)),
        ("TPZX", "2026-2027", 1, datetime.date(2026, 9, 1), datetime.date(2027, 1, 22)),
    ]
    current = semester_current(School.objects.get(code="TPYJ"), on=datetime.date(2026, 11, 21))
    assert (current.school_year, current.term) == ("2026-2027", 1)


def test_approvals(built):
    policy = ApprovalPolicy.objects.get(school__code="TPZX", kind="core.general")
    assert [(s.role.code, s.level, s.max_amount) for s in policy.steps.order_by("order")] == [
        ("head_of_logistics", "school", Decimal("2000.00")),
        ("principal", "school", Decimal("20000.00")),
        ("district_supervisor", "district", None),
    ]
    rows = {
        r.title: (r.school.code, r.requester.username, r.amount, r.status)
        for r in ApprovalRequest.objects.select_related("school", "requester")
    }
    assert rows == {
        "采购档案柜两组": ("TPHZL", "liuyun", Decimal("3600.00"), ApprovalStatus.APPROVED),
        "申请更换三年级2班损坏的窗户玻璃": (
            "TPHZL",
            "zhaoxiaoyan",
            Decimal("680.00"),
            ApprovalStatus.PENDING,
        ),
        "申请维修五年级1班课桌椅8套": ("TPSF", "jiangliping", Decimal("960.00"), ApprovalStatus.PENDING),
    }
    done = ApprovalRequest.objects.get(title="采购档案柜两组")
    assert [(d.actor.username, d.decision) for d in done.decisions.order_by("step_index")] == [
        ("zhoujianguo", "approve"),
        ("yangzhiqiang", "approve"),
    ]
    inbox = approval_inbox(User.objects.get(username="zhoujianguo"))
    assert [(r.title, r.amount) for r in inbox] == [("申请更换三年级2班损坏的窗户玻璃", Decimal("680.00"))]
    assert [r.title for r in approval_inbox(User.objects.get(username="guozhendong"))] == [
        "申请维修五年级1班课桌椅8套"
    ]
    assert list(approval_inbox(User.objects.get(username="yangzhiqiang"))) == []


def test_second_build_changes_nothing(built):
    before = counts()
    again = demo.build_demo()
    assert again.created is False
    assert counts() == before
    assert [vars(x) for x in again.logins] == [vars(x) for x in built.logins]


def test_logins_table(built):
    logins = built.logins
    assert len(logins) == 31  # 30 named people, the head of logistics of 黄竹林学校 twice
    assert vars(logins[0]) == {
        "username": "liguohua",
        "full_name": "李国华",
        "role": Role.objects.get(code="district_supervisor").name,
        "school": "太平街道办事处中心学校",
    }
    assert [(x.username, x.school) for x in logins if x.username == "zhoujianguo"] == [
        ("zhoujianguo", "黄竹林学校"),
        ("zhoujianguo", "示范小学"),
    ]
    assert built.teachers == 49
    with translation.override("en"):
        text = demo.format_logins(built)
    lines = text.splitlines()
    assert lines[0] == "Demo district: 太平街道办事处中心学校"
    assert lines[1] == "Password for every demo login: houqin2026"
    assert lines[3].split() == ["username", "name", "role", "school"]
    # Chinese characters count double, so the columns line up in a terminal.
    assert lines[5].startswith("liguohua      李国华  ")
    rows = lines[5 : 5 + len(logins)]
    assert {demo._width(line[: line.rindex(x.school)]) for line, x in zip(rows, logins, strict=True)} == {
        demo._width(lines[3][: lines[3].rindex("school")])
    }
    assert lines[-1] == "Try first: zhoujianguo (周建国, head of logistics of 黄竹林学校)."
    assert "… and 49 class-head teachers (see People), with the same password." in lines


def test_printed_login_works_and_switches_school(built, client):
    response = client.post("/accounts/login/", {"username": "zhoujianguo", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "<h1>黄竹林学校</h1>" in page
    sf = School.objects.get(code="TPSF")
    assert f'<option value="{sf.pk}">示范小学</option>' in page
    response = client.post("/scope/", {"scope": sf.pk, "next": "/"})
    assert response.status_code == 302
    assert "<h1>示范小学</h1>" in client.get("/").content.decode()
