"""The organisation tree: school_create / school_update rules and the school pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from houqin.core.models import ChangeAction, ChangeLogEntry, Membership, Role, School, SchoolKind
from houqin.core.services.org import school_create, school_update
from houqin.core.tests.factories import CampusFactory, DepartmentFactory, RoomFactory, make_school, member

BACKEND = "houqin.core.auth.MembershipBackend"


def login(client, user):
    client.force_login(user, backend=BACKEND)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin_d(district):
    return member(district, "admin", username="admin_d")


@pytest.fixture
def admin_a(school_a):
    return member(school_a, "admin", username="admin_a")


@pytest.fixture
def guest_a(school_a):
    """A member of school A whose role grants nothing to see."""
    role = Role.objects.create(code="guest", name="Guest", permissions=["core.submit_request"])
    user = member(school_a, "teacher", username="guest_a")
    user.memberships.update(role=role)
    return user


# --- school_create ---------------------------------------------------------------------------


def test_school_create_places_nodes_and_logs(district, admin_d):
    school = school_create(
        actor=admin_d, kind=SchoolKind.SCHOOL, name=" 新村小学 ", code="XC01", parent=district
    )
    point = school_create(
        actor=admin_d, kind=SchoolKind.TEACHING_POINT, name="李家教学点", code="LJ01", parent=school
    )
    assert (school.name, school.depth, school.parent_id, school.keeps_own_books) == (
        "新村小学",
        1,
        district.pk,
        True,
    )
    assert school.path.startswith(district.path) and len(school.path) == len(district.path) * 2
    assert (point.depth, point.keeps_own_books, point.books_owner) == (2, False, school)
    entries = ChangeLogEntry.objects.filter(
        content_type__model="school", object_id__in=[str(school.pk), str(point.pk)]
    ).order_by("id")
    assert [(e.action, e.actor_id, e.school_id) for e in entries] == [
        (ChangeAction.CREATE, admin_d.pk, school.pk),
        (ChangeAction.CREATE, admin_d.pk, point.pk),
    ]
    assert entries[0].changes["code"] == [None, "XC01"]


@pytest.mark.parametrize(
    "kind,parent_name",
    [
        (SchoolKind.TEACHING_POINT, None),  # a teaching point needs a school above it
        (SchoolKind.DISTRICT, "school_a"),  # a central school never sits under a school
        (SchoolKind.BUREAU, "district"),
        (SchoolKind.SCHOOL, "point"),  # nothing goes under a teaching point
    ],
)
def test_school_create_refuses_wrong_parent_kind(kind, parent_name, district, school_a):
    point = make_school("教学点", kind=SchoolKind.TEACHING_POINT, parent=school_a)
    parent = {"district": district, "school_a": school_a, "point": point, None: None}[parent_name]
    before = (School.objects.count(), ChangeLogEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        school_create(actor=None, kind=kind, name="新节点", code="NEW1", parent=parent)
    assert list(exc.value.error_dict) == ["parent"]
    assert (School.objects.count(), ChangeLogEntry.objects.count()) == before
    assert not School.objects.filter(code="NEW1").exists()


@pytest.mark.parametrize("code", [None, "dup"])
def test_school_create_refuses_duplicate_code(code, district, school_a):
    before = (School.objects.count(), ChangeLogEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        school_create(
            actor=None,
            kind=SchoolKind.SCHOOL,
            name="重复",
            code=school_a.code.lower() if code else school_a.code,
            parent=district,
        )
    assert exc.value.message_dict == {"code": ["This code is already used."]}
    assert (School.objects.count(), ChangeLogEntry.objects.count()) == before


def test_school_create_refuses_teaching_point_with_own_books(school_a):
    with pytest.raises(ValidationError) as exc:
        school_create(
            actor=None,
            kind=SchoolKind.TEACHING_POINT,
            name="点",
            code="P1",
            parent=school_a,
            keeps_own_books=True,
        )
    assert list(exc.value.error_dict) == ["keeps_own_books"]
    assert not School.objects.filter(code="P1").exists()


def test_school_create_needs_add_school_at_the_parent(district, school_a, head_a, admin_a):
    with pytest.raises(PermissionDenied):
        school_create(actor=head_a, kind=SchoolKind.TEACHING_POINT, name="点", code="P1", parent=school_a)
    with pytest.raises(PermissionDenied):  # a school administrator does not manage the district
        school_create(actor=admin_a, kind=SchoolKind.SCHOOL, name="校", code="P2", parent=district)
    with pytest.raises(PermissionDenied):  # a top-level node needs a superuser
        school_create(actor=admin_a, kind=SchoolKind.DISTRICT, name="区", code="P3")
    assert not School.objects.filter(code__in=["P1", "P2", "P3"]).exists()
    point = school_create(
        actor=admin_a, kind=SchoolKind.TEACHING_POINT, name="点", code="P1", parent=school_a
    )
    assert point.parent == school_a


def test_school_update_keeps_tree_place_and_checks(school_a, school_b, admin_a, head_a):
    path = school_a.path
    school_update(
        actor=admin_a, instance=school_a, data={"name": "黄竹林完小", "kind": "district", "pupils": 320}
    )
    school_a.refresh_from_db()
    assert (school_a.name, school_a.kind, school_a.pupils, school_a.path) == (
        "黄竹林完小",
        "school",
        320,
        path,
    )
    entry = ChangeLogEntry.objects.get(
        content_type__model="school", object_id=str(school_a.pk), action=ChangeAction.UPDATE
    )
    assert entry.changes == {"name": ["黄竹林学校", "黄竹林完小"], "pupils": [0, 320]}
    with pytest.raises(PermissionDenied):
        school_update(actor=head_a, instance=school_a, data={"name": "改名"})
    with pytest.raises(ValidationError) as exc:
        school_update(actor=admin_a, instance=school_a, data={"code": school_b.code})
    assert list(exc.value.error_dict) == ["code"]
    school_a.refresh_from_db()
    assert school_a.name == "黄竹林完小"


# --- school pages ----------------------------------------------------------------------------


def test_school_detail_shows_kind_parent_children_and_counts(client, district, school_a, admin_d):
    point = make_school("李家教学点", kind=SchoolKind.TEACHING_POINT, parent=school_a)
    DepartmentFactory(school=school_a, name="总务处")
    campus = CampusFactory(school=school_a, name="本部")
    RoomFactory(school=school_a, building__campus=campus)
    RoomFactory(school=point)
    member(school_a, "teacher", username="t1")
    response = login(client, admin_d).get(f"/core/schools/{school_a.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="/core/schools/{district.pk}/">太平中心学校</a>' in html
    assert "Keeps its own budget and books" in html
    assert f'<a href="/core/schools/{point.pk}/">李家教学点</a>' in html
    assert ">总务处</a>" in html
    assert ">本部</a>" in html
    ctx = response.context
    assert ctx["counts"] == {"nodes": 1, "buildings": 2, "rooms": 2, "people": 1}
    assert [c.pk for c in ctx["children"]] == [point.pk]
    assert f'href="/core/schools/add/?parent={school_a.pk}"' in html


def test_teaching_point_page_names_the_books_owner(client, school_a, head_a):
    point = make_school("李家教学点", kind=SchoolKind.TEACHING_POINT, parent=school_a)
    response = login(client, head_a).get(f"/core/schools/{point.pk}/")
    assert response.status_code == 200
    assert response.context["books_owner"] == school_a
    assert "Inside the budget and books of 黄竹林学校" in response.content.decode()
    assert "/core/schools/add/" not in response.content.decode()  # head of logistics may not add units


def test_school_pages_anonymous_forbidden_and_foreign(client, school_a, school_x, head_x, guest_a):
    url = f"/core/schools/{school_a.pk}/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={url}"
    assert login(client, head_x).get(url).status_code == 404
    assert login(client, guest_a).get(url).status_code == 403


def test_add_a_unit_under_the_current_scope(client, district, school_a, admin_d):
    login(client, admin_d)
    response = client.get(f"/core/schools/add/?parent={school_a.pk}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["parent"] == school_a.pk
    assert list(form.fields["parent"].queryset) == [district, school_a]
    response = client.post(
        "/core/schools/add/",
        {
            "parent": school_a.pk,
            "kind": "teaching_point",
            "name": "王家教学点",
            "code": "WJ01",
            "pupils": 12,
            "is_active": "on",
        },
    )
    point = School.objects.get(code="WJ01")
    assert response.status_code == 302 and response["Location"] == f"/core/schools/{point.pk}/"
    assert (point.parent_id, point.kind, point.keeps_own_books, point.pupils) == (
        school_a.pk,
        "teaching_point",
        False,
        12,
    )


def test_add_a_unit_with_a_wrong_kind_saves_nothing(client, district, school_a, admin_d):
    before = School.objects.count()
    response = login(client, admin_d).post(
        "/core/schools/add/",
        {"parent": school_a.pk, "kind": "district", "name": "错", "code": "BAD1", "pupils": 0},
    )
    assert response.status_code == 400
    assert "A Central school cannot be placed under 黄竹林学校." in response.content.decode()
    assert School.objects.count() == before


def test_add_a_unit_needs_permission(client, school_a, head_a):
    assert login(client, head_a).get("/core/schools/add/").status_code == 403


def test_department_page_lists_members_and_rooms(client, school_a, head_a, school_x, head_x):
    dept = DepartmentFactory(school=school_a, name="总务处")
    Membership.objects.filter(user=head_a).update(department=dept)
    room = RoomFactory(school=school_a, department=dept, number="101")
    response = login(client, head_a).get(f"/core/departments/{dept.pk}/")
    assert response.status_code == 200
    assert [m.user for m in response.context["members"]] == [head_a]
    assert list(response.context["rooms"]) == [room]
    assert login(client, head_x).get(f"/core/departments/{dept.pk}/").status_code == 404
