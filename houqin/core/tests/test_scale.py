"""Scale data: `seed_scale` builds the synthetic city with valid paths, exact counts, no change log."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.module_loading import autodiscover_modules

from houqin.core import access, scale
from houqin.core.models import (
    Building,
    Campus,
    ChangeLogEntry,
    Department,
    Membership,
    Room,
    RoomKind,
    School,
    SchoolKind,
    Semester,
    User,
)
from houqin.core.selectors import semester_current
from houqin.core.selectors.org import people_of_school

pytestmark = pytest.mark.django_db


def counts():
    return {
        m.__name__: m.objects.count()
        for m in (School, User, Membership, Department, Campus, Building, Room, Semester, ChangeLogEntry)
    }


@pytest.fixture
def city():
    return scale.seed_scale(
        schools=3, rooms_per_school=20, users_per_school=8, schools_per_district=2, steps=scale.CORE_STEPS
    )


def test_counts(city):
    assert counts() == {
        # bureau + 2 districts + 3 schools + 1 teaching point (under the third school)
        "School": 7,
        # city-wide + 2 per district + 8 per school
        "User": 1 + 4 + 24,
        # one per user, plus the teaching point's teacher
        "Membership": 1 + 4 + 24 + 1,
        "Department": 15,
        "Campus": 3,
        "Building": 15,
        "Room": 60,
        "Semester": 4,
        # only the bureau and the districts go through school_create; bulk rows are not logged
        "ChangeLogEntry": 3,
    }
    assert dict(city.counts) == {
        "core.School": 4,
        "core.User": 29,
        "core.Department": 15,
        "core.Membership": 30,
        "core.Campus": 3,
        "core.Building": 15,
        "core.Room": 60,
        "core.Semester": 4,
    }
    assert [s.kind for s in School.objects.order_by("path")] == [
        SchoolKind.BUREAU,
        SchoolKind.DISTRICT,
        SchoolKind.SCHOOL,
        SchoolKind.SCHOOL,
        SchoolKind.DISTRICT,
        SchoolKind.SCHOOL,
        SchoolKind.TEACHING_POINT,
    ]


def test_paths_are_valid(city):
    nodes = list(School.objects.select_related("parent"))
    assert len({n.path for n in nodes}) == len(nodes)
    for node in nodes:
        assert len(node.path) == (node.depth + 1) * 7
        if node.parent is None:
            assert node.depth == 0
            continue
        assert node.path.startswith(node.parent.path)
        assert node.depth == node.parent.depth + 1
    point = School.objects.get(kind=SchoolKind.TEACHING_POINT)
    assert point.keeps_own_books is False
    assert point.parent == city.schools[2]
    assert point.path == city.schools[2].path + "000001."
    # A school created later by the service takes the next free path under its district.
    from houqin.core.services.org import school_create

    late = school_create(
        actor=None, kind=SchoolKind.SCHOOL, name="新学校", code="NEW1", parent=city.districts[1]
    )
    assert late.path == city.districts[1].path + "000002."


def test_rooms_people_and_scoping(city):
    school = city.schools[0]
    rooms = Room.objects.filter(school=school)
    assert rooms.count() == 20
    assert {
        kind: rooms.filter(kind=kind).count()
        for kind in (
            RoomKind.CLASSROOM,
            RoomKind.LAB,
            RoomKind.FUNCTIONAL,
            RoomKind.OFFICE,
            RoomKind.DORMITORY,
            RoomKind.CANTEEN,
            RoomKind.STORE,
        )
    } == {
        RoomKind.CLASSROOM: 10,
        RoomKind.LAB: 1,
        RoomKind.FUNCTIONAL: 2,
        RoomKind.OFFICE: 3,
        RoomKind.DORMITORY: 2,
        RoomKind.CANTEEN: 1,
        RoomKind.STORE: 1,
    }
    # 13 rooms in the teaching building: ten to a floor, so the second floor starts at 201.
    assert list(
        rooms.filter(building__name="教学楼").order_by("floor", "number").values_list("number", flat=True)
    )[9:] == ["110", "201", "202", "203"]
    assert Building.objects.get(school=school, name="教学楼").floors == 2
    assert not Room.objects.filter(responsible__isnull=True).exists()
    for room in Room.objects.select_related("school"):
        assert people_of_school(room.school).filter(pk=room.responsible_id).exists()
    head = Membership.objects.get(school=school, role__code="head_of_logistics").user
    assert Department.objects.get(school=school, name="总务处").head == head
    assert access.visible_school_ids(head) == {school.pk}
    supervisor = User.objects.get(username="sc_d002_sup")
    assert access.visible_school_ids(supervisor) == set(
        School.objects.in_scope(city.districts[1]).values_list("id", flat=True)
    )
    assert access.visible_school_ids(User.objects.get(username=scale.CITY_USERNAME)) == set(
        School.objects.values_list("id", flat=True)
    )
    assert semester_current(school) is not None
    assert User.objects.get(username="sc00001_01").check_password(scale.PASSWORD)


def test_second_seed_is_refused_and_changes_nothing(city):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        scale.seed_scale(schools=2, steps=scale.CORE_STEPS)
    assert exc.value.message_dict == {"schools": ["The scale city (code SC) is already in this database."]}
    assert counts() == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"schools": 0}, "schools"),
        ({"schools": 2, "rooms_per_school": 0}, "rooms_per_school"),
        ({"schools": 2, "users_per_school": 6}, "users_per_school"),
        ({"schools": 2, "schools_per_district": 0}, "schools_per_district"),
    ],
)
def test_bad_options_change_nothing(kwargs, field):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        scale.seed_scale(**kwargs, steps=scale.CORE_STEPS)
    assert list(exc.value.message_dict) == [field]
    assert counts() == before


def test_later_apps_append_steps(monkeypatch):
    # Every app's scale module is imported (and has appended its steps) before the list is
    # replaced for this test, so no app appends to the replacement.
    autodiscover_modules("scale")
    assert scale.SCALE_STEPS[: len(scale.CORE_STEPS)] == list(scale.CORE_STEPS)
    seen = []

    def scale_extra(ctx):
        seen.append((len(ctx.schools), ctx.rooms_per_school, Room.objects.count()))

    monkeypatch.setattr(scale, "SCALE_STEPS", [*scale.CORE_STEPS, scale_extra])
    scale.seed_scale(schools=2, rooms_per_school=3, users_per_school=7)
    # The appended step runs last, after the core steps have created the rooms.
    assert seen == [(2, 3, 6)]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            datetime.date(2026, 11, 21),
            [("2025-2026", 2, "2026-02-15", "2026-08-31"), ("2026-2027", 1, "2026-09-01", "2027-02-14")],
        ),
        (
            datetime.date(2027, 2, 14),
            [("2025-2026", 2, "2026-02-15", "2026-08-31"), ("2026-2027", 1, "2026-09-01", "2027-02-14")],
        ),
        (
            datetime.date(2027, 2, 15),
            [("2026-2027", 1, "2026-09-01", "2027-02-14"), ("2026-2027", 2, "2027-02-15", "2027-08-31")],
        ),
        (
            datetime.date(2027, 8, 31),
            [("2026-2027", 1, "2026-09-01", "2027-02-14"), ("2026-2027", 2, "2027-02-15", "2027-08-31")],
        ),
    ],
)
def test_semesters_around(day, expected):
    got = [(y, t, s.isoformat(), e.isoformat()) for y, t, s, e in scale.semesters_around(day)]
    assert got == expected


def test_command_core_only():
    out = StringIO()
    call_command("seed_scale", schools=2, rooms_per_school=4, users_per_school=7, core_only=True, stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:4]] == [
        "scale_tree",
        "scale_people",
        "scale_places",
        "scale_semesters",
    ]
    assert [line.split() for line in lines[4:12]] == [
        ["core.Building", "10"],
        ["core.Campus", "2"],
        ["core.Department", "10"],
        ["core.Membership", "17"],
        ["core.Room", "8"],
        ["core.School", "2"],
        ["core.Semester", "2"],
        ["core.User", "17"],
    ]
    assert lines[12].startswith("Seeded 2 schools in 1 districts in ")
    assert lines[12].endswith(" s. City-wide login: sc_city / houqin2026")
    assert School.objects.filter(kind=SchoolKind.SCHOOL).count() == 2
    with pytest.raises(CommandError, match=r"The scale city \(code SC\) is already in this database\."):
        call_command("seed_scale", schools=2, core_only=True, stdout=StringIO())
