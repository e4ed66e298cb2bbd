"""People: user_create, memberships, the people pages, a person's page and passwords, the API."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from openpyxl import load_workbook

from houqin.core import access
from houqin.core.models import ChangeAction, ChangeLogEntry, Membership, User
from houqin.core.services.org import (
    member_create,
    membership_add,
    membership_remove,
    user_create,
    user_set_password,
)
from houqin.core.tests.factories import DepartmentFactory, RoomFactory, UserFactory, member, role

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
def admin_a(school_a):
    return member(school_a, "admin", username="admin_a", full_name="管理员甲")


@pytest.fixture
def admin_d(district):
    return member(district, "admin", username="admin_d")


def log_count():
    return ChangeLogEntry.objects.count()


def logs_of(obj_or_model, pk=None):
    """Change-log entries of one object (object ids repeat across models)."""
    model = obj_or_model if pk is not None else type(obj_or_model)
    pk = pk if pk is not None else obj_or_model.pk
    return ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
    )


# --- services --------------------------------------------------------------------------------


def test_user_create_makes_a_login_and_logs_it(school_a, admin_a):
    user = user_create(
        actor=admin_a,
        school=school_a,
        username="wang",
        full_name=" 王老师 ",
        password="Lantern-77",
        phone="138",
    )
    assert (user.username, user.full_name, user.phone, user.is_active) == ("wang", "王老师", "138", True)
    assert user.check_password("Lantern-77")
    entry = logs_of(user).get(action=ChangeAction.CREATE)
    assert (entry.actor_id, entry.school_id) == (admin_a.pk, school_a.pk)
    assert "password" not in entry.changes and entry.changes["username"] == [None, "wang"]


@pytest.mark.parametrize(
    "fields,error_keys",
    [
        ({"username": "", "full_name": "王", "password": "Lantern-77"}, ["username"]),
        ({"username": "HEAD_A", "full_name": "王", "password": "Lantern-77"}, ["username"]),  # taken
        ({"username": "a b", "full_name": "王", "password": "Lantern-77"}, ["username"]),
        ({"username": "wang", "full_name": "", "password": "Lantern-77"}, ["full_name"]),
        ({"username": "wang", "full_name": "王", "password": "123"}, ["password"]),
        ({"username": "wang", "full_name": "王", "password": "Lantern-77", "email": "x@"}, ["email"]),
    ],
)
def test_user_create_refuses_bad_input(fields, error_keys, school_a, admin_a, head_a):
    users, logs = User.objects.count(), log_count()
    with pytest.raises(ValidationError) as exc:
        user_create(actor=admin_a, school=school_a, **fields)
    assert sorted(exc.value.error_dict) == error_keys
    assert (User.objects.count(), log_count()) == (users, logs)


def test_user_create_needs_manage_members(school_a, school_b, head_a, admin_a):
    users = User.objects.count()
    with pytest.raises(PermissionDenied):
        user_create(actor=head_a, school=school_a, username="wang", full_name="王", password="Lantern-77")
    with pytest.raises(PermissionDenied):
        user_create(actor=admin_a, school=school_b, username="wang", full_name="王", password="Lantern-77")
    assert User.objects.count() == users


def test_membership_add_gives_the_role_and_its_subtree(school_a, admin_a):
    dept = DepartmentFactory(school=school_a, name="教务处")
    person = UserFactory(username="wang")
    assert access.visible_school_ids(person) == frozenset()
    m = membership_add(
        actor=admin_a, user=person, school=school_a, role=role("teacher"), department=dept, title="班主任"
    )
    assert (m.user, m.school, m.role.code, m.department, m.title) == (
        person,
        school_a,
        "teacher",
        dept,
        "班主任",
    )
    assert access.visible_school_ids(person) == {school_a.pk}  # the cache was cleared
    entry = logs_of(m).get()
    assert (entry.action, entry.actor_id, entry.school_id) == (ChangeAction.CREATE, admin_a.pk, school_a.pk)


def test_membership_add_refusals_change_nothing(school_a, school_b, admin_a, head_a, teacher_a, head_x):
    person = UserFactory(username="wang")
    memberships, logs = Membership.objects.count(), log_count()
    with pytest.raises(PermissionDenied):  # head of logistics does not manage members
        membership_add(actor=head_a, user=person, school=school_a, role=role("teacher"))
    with pytest.raises(PermissionDenied):  # a role only at a node the actor manages
        membership_add(actor=admin_a, user=person, school=school_b, role=role("teacher"))
    cases = [
        ({"user": person, "department": DepartmentFactory(school=school_b)}, "department"),
        ({"user": teacher_a}, "role"),  # already holds it
        ({"user": head_x}, "user"),  # a person of another district
        ({"user": UserFactory(is_active=False)}, "user"),
        ({"user": person, "title": "x" * 61}, "title"),
    ]
    for kwargs, key in cases:
        with pytest.raises(ValidationError) as exc:
            membership_add(actor=admin_a, school=school_a, role=role("teacher"), **kwargs)
        assert list(exc.value.error_dict) == [key]
    assert (Membership.objects.count(), log_count()) == (memberships, logs)


def test_member_create_is_all_or_nothing(school_a, school_b, admin_a):
    users, memberships, logs = User.objects.count(), Membership.objects.count(), log_count()
    with pytest.raises(ValidationError) as exc:
        member_create(
            actor=admin_a,
            school=school_a,
            role=role("teacher"),
            username="wang",
            full_name="王",
            password="Lantern-77",
            department=DepartmentFactory(school=school_b),
        )
    assert list(exc.value.error_dict) == ["department"]
    assert (User.objects.count(), Membership.objects.count(), log_count()) == (users, memberships, logs)
    assert not User.objects.filter(username="wang").exists()


def test_membership_remove(school_a, admin_a, head_a, teacher_a):
    m = Membership.objects.get(user=teacher_a)
    with pytest.raises(PermissionDenied):
        membership_remove(actor=head_a, membership=m)
    own = Membership.objects.get(user=admin_a)
    with pytest.raises(ValidationError):
        membership_remove(actor=admin_a, membership=own)
    assert Membership.objects.filter(pk__in=[m.pk, own.pk]).count() == 2
    assert access.visible_school_ids(teacher_a) == {school_a.pk}
    pk = m.pk
    membership_remove(actor=admin_a, membership=m)
    assert not Membership.objects.filter(pk=pk).exists()
    assert access.visible_school_ids(User.objects.get(pk=teacher_a.pk)) == frozenset()
    entry = logs_of(Membership, pk).get(action=ChangeAction.DELETE)
    assert (entry.actor_id, entry.school_id) == (admin_a.pk, school_a.pk)


def test_user_set_password_only_for_people_fully_managed(school_a, school_b, admin_a, teacher_a):
    both = member(school_a, "teacher", username="both")
    member(school_b, "teacher", user=both)
    with pytest.raises(PermissionDenied):  # also holds a role at school B, which admin_a does not manage
        user_set_password(actor=admin_a, user=both, password="Lantern-77")
    with pytest.raises(ValidationError):
        user_set_password(actor=admin_a, user=teacher_a, password="123")
    teacher_a.refresh_from_db()
    assert teacher_a.check_password("pass-1234")
    user_set_password(actor=admin_a, user=teacher_a, password="Lantern-77")
    teacher_a.refresh_from_db()
    assert teacher_a.check_password("Lantern-77")
    entry = logs_of(teacher_a).get(action=ChangeAction.UPDATE)
    assert entry.changes == {"password": ["", "changed"]}


# --- the people list -------------------------------------------------------------------------


def test_people_list_shows_the_scope_only(
    client, district, school_a, school_b, admin_a, teacher_a, head_b, supervisor
):
    dept = DepartmentFactory(school=school_a, name="教务处")
    Membership.objects.filter(user=teacher_a).update(department=dept)
    response = login(client, admin_a).get("/core/memberships/")
    assert response.status_code == 200
    rows = list(response.context["table"].data)
    assert sorted(m.user.username for m in rows) == ["admin_a", "teacher_a"]
    html = response.content.decode()
    assert f'href="/core/users/{teacher_a.pk}/"' in html
    assert ">head_b</a>" not in html and ">supervisor</a>" not in html and ">admin_a</a>" in html
    assert 'href="/core/memberships/add/"' in html
    by_role = client.get("/core/memberships/?role=" + str(role("teacher").pk))
    assert [m.user for m in by_role.context["table"].data] == [teacher_a]
    by_dept = client.get(f"/core/memberships/?department={dept.pk}")
    assert [m.user for m in by_dept.context["table"].data] == [teacher_a]
    by_name = client.get("/core/memberships/?q=TEACHER_")
    assert [m.user for m in by_name.context["table"].data] == [teacher_a]


def test_people_list_district_wide_with_school_filter(
    client, district, school_a, school_b, teacher_a, head_b, supervisor
):
    login(client, supervisor)
    response = client.get("/core/memberships/")
    assert sorted(m.user.username for m in response.context["table"].data) == [
        "head_b",
        "supervisor",
        "teacher_a",
    ]
    assert (
        'href="/core/memberships/add/"' not in response.content.decode()
    )  # supervisors do not manage people
    response = client.get(f"/core/memberships/?school={school_b.pk}")
    assert [m.user.username for m in response.context["table"].data] == ["head_b"]


def test_people_list_htmx_returns_the_results_only(client, school_a, head_a, teacher_a):
    response = login(client, head_a).get(
        "/core/memberships/?role=" + str(role("teacher").pk), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results">') and "<html" not in html
    assert ">teacher_a</a>" in html and ">head_a</a>" not in html


def test_people_list_export(client, school_a, head_a, teacher_a):
    response = login(client, head_a).get("/core/memberships/?export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("Username", "Full name", "Phone", "Role", "Organisation unit", "Department", "Title")
    assert sorted(r[0] for r in rows[1:]) == ["head_a", "teacher_a"]


def test_people_list_anonymous_and_forbidden(client, school_a, teacher_a):
    response = client.get("/core/memberships/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert login(client, teacher_a).get("/core/memberships/").status_code == 403


# --- adding and removing ---------------------------------------------------------------------


def test_add_page_creates_a_new_person(client, school_a, admin_a):
    login(client, admin_a)
    page = client.get("/core/memberships/add/")
    assert page.status_code == 200
    assert list(page.context["form"].fields["school"].queryset) == [school_a]
    response = client.post(
        "/core/memberships/add/",
        {
            "school": school_a.pk,
            "role": role("storekeeper").pk,
            "username": "zhao",
            "full_name": "赵保管",
            "phone": "13800000000",
            "password": "Lantern-77",
        },
    )
    person = User.objects.get(username="zhao")
    assert response.status_code == 302 and response["Location"] == f"/core/users/{person.pk}/"
    assert [(m.school, m.role.code) for m in person.memberships.all()] == [(school_a, "storekeeper")]
    assert person.check_password("Lantern-77")


def test_add_page_gives_a_role_to_an_existing_person(client, school_a, admin_a, teacher_a):
    response = login(client, admin_a).post(
        "/core/memberships/add/",
        {"school": school_a.pk, "role": role("safety_officer").pk, "user": teacher_a.pk},
    )
    assert response.status_code == 302
    assert sorted(m.role.code for m in teacher_a.memberships.all()) == ["safety_officer", "teacher"]


@pytest.mark.parametrize(
    "extra,message",
    [
        ({}, "Choose an existing person or fill in a new one."),
        ({"username": "zhao", "full_name": "赵"}, "This field is required for a new person."),
        ({"username": "zhao", "full_name": "赵", "password": "1"}, "This password is too short."),
    ],
)
def test_add_page_bad_input_saves_nothing(client, school_a, admin_a, extra, message):
    users, memberships = User.objects.count(), Membership.objects.count()
    response = login(client, admin_a).post(
        "/core/memberships/add/", {"school": school_a.pk, "role": role("teacher").pk, **extra}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)


def test_add_page_refuses_a_person_of_another_district(client, school_a, admin_a, head_x):
    response = login(client, admin_a).post(
        "/core/memberships/add/", {"school": school_a.pk, "role": role("teacher").pk, "user": head_x.pk}
    )
    assert response.status_code == 400
    assert not head_x.memberships.filter(school=school_a).exists()


def test_add_page_needs_manage_members(client, school_a, head_a):
    assert login(client, head_a).get("/core/memberships/add/").status_code == 403
    assert client.post("/core/memberships/add/", {}).status_code == 403


def test_remove_page(client, school_a, admin_a, head_a, teacher_a, head_x):
    m = Membership.objects.get(user=teacher_a)
    url = f"/core/memberships/{m.pk}/delete/"
    assert login(client, head_x).post(url).status_code == 404
    assert login(client, head_a).post(url).status_code == 403
    assert Membership.objects.filter(pk=m.pk).exists()
    login(client, admin_a)
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/core/memberships/"
    assert not Membership.objects.filter(pk=m.pk).exists()
    own = Membership.objects.get(user=admin_a)
    response = client.post(f"/core/memberships/{own.pk}/delete/")
    assert response.status_code == 400
    assert Membership.objects.filter(pk=own.pk).exists()


# --- a person's page and passwords -----------------------------------------------------------


def test_user_page(client, school_a, head_a, teacher_a, admin_a):
    room = RoomFactory(school=school_a, responsible=teacher_a, number="301")
    response = login(client, head_a).get(f"/core/users/{teacher_a.pk}/")
    assert response.status_code == 200
    assert [(m.school, m.role.code) for m in response.context["memberships"]] == [(school_a, "teacher")]
    assert list(response.context["rooms"]) == [room]
    html = response.content.decode()
    assert 'id="password-change"' not in html and 'id="password-set"' not in html
    response = login(client, admin_a).get(f"/core/users/{teacher_a.pk}/")
    assert f'href="/core/users/{teacher_a.pk}/password/"' in response.content.decode()
    response = login(client, teacher_a).get(f"/core/users/{teacher_a.pk}/")
    assert response.status_code == 200
    assert 'href="/accounts/password/"' in response.content.decode()


def test_user_page_foreign_forbidden_anonymous(client, school_a, head_a, teacher_a, head_x):
    url = f"/core/users/{head_a.pk}/"
    assert client.get(url).status_code == 302
    assert login(client, head_x).get(url).status_code == 404
    assert login(client, teacher_a).get(url).status_code == 403  # teachers do not read the people list
    assert login(client, head_x).get(f"/core/users/{head_a.pk}/password/").status_code == 404


def test_user_page_shows_only_visible_memberships(client, school_a, school_b, head_a):
    both = member(school_a, "teacher", username="both")
    member(school_b, "teacher", user=both)
    response = login(client, head_a).get(f"/core/users/{both.pk}/")
    assert [m.school for m in response.context["memberships"]] == [school_a]


def test_admin_sets_a_password(client, school_a, admin_a, teacher_a, head_a):
    url = f"/core/users/{teacher_a.pk}/password/"
    assert login(client, head_a).get(url).status_code == 403
    login(client, admin_a)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"new_password1": "Lantern-77", "new_password2": "Lantern-78"})
    assert bad.status_code == 400
    response = client.post(url, {"new_password1": "Lantern-77", "new_password2": "Lantern-77"})
    assert response.status_code == 302
    teacher_a.refresh_from_db()
    assert teacher_a.check_password("Lantern-77")
    assert client.get(f"/core/users/{admin_a.pk}/password/").status_code == 403  # own: password_change


def test_change_own_password(client, school_a, teacher_a):
    login(client, teacher_a)
    assert client.get("/accounts/password/").status_code == 200
    response = client.post(
        "/accounts/password/",
        {"old_password": "pass-1234", "new_password1": "Lantern-77", "new_password2": "Lantern-77"},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"
    teacher_a.refresh_from_db()
    assert teacher_a.check_password("Lantern-77")
    assert client.get("/accounts/password/done/").status_code == 200  # still logged in
    entry = logs_of(teacher_a).get()
    assert (entry.actor_id, entry.school_id, entry.changes) == (
        teacher_a.pk,
        school_a.pk,
        {"password": ["", "changed"]},
    )
    assert not teacher_a.check_password("pass-1234")


# --- the API ---------------------------------------------------------------------------------


def test_api_lists_scope_memberships(client, school_a, school_b, head_a, teacher_a, head_b):
    response = login(client, head_a).get("/api/core/memberships/")
    assert response.status_code == 200
    assert sorted((r["username"], r["role"]) for r in response.json()["results"]) == [
        ("head_a", "head_of_logistics"),
        ("teacher_a", "teacher"),
    ]
    other = Membership.objects.get(user=head_b)
    assert client.get(f"/api/core/memberships/{other.pk}/").status_code == 404


def test_api_add_and_remove(client, school_a, admin_a, head_a, head_x):
    person = member(school_a, "teacher", username="wang")
    role("storekeeper")
    login(client, head_a)
    payload = {"user": person.pk, "role": "storekeeper", "school": school_a.pk}
    assert client.post("/api/core/memberships/", payload, content_type="application/json").status_code == 403
    login(client, admin_a)
    response = client.post("/api/core/memberships/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    m = Membership.objects.get(user=person, role__code="storekeeper")
    assert response.json()["id"] == m.pk and response.json()["school"] == school_a.pk
    foreign = client.post(
        "/api/core/memberships/", {**payload, "user": head_x.pk}, content_type="application/json"
    )
    assert foreign.status_code == 400 and "user" in foreign.json()
    assert client.delete(f"/api/core/memberships/{m.pk}/").status_code == 204
    assert not Membership.objects.filter(pk=m.pk).exists()
