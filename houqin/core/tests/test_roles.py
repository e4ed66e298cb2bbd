"""Roles: the default catalogue, overrides per node (nearest wins), the role pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from houqin.core import access
from houqin.core.models import ChangeAction, ChangeLogEntry, Role, RolePermissionOverride, User
from houqin.core.permissions import DEFAULT_ROLES
from houqin.core.selectors.org import pattern_description, role_permission_states
from houqin.core.services.roles import (
    role_permission_reset,
    role_permission_set,
    role_permissions_update,
    roles_ensure_defaults,
)
from houqin.core.tests.factories import RoomFactory, member, role

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
def teacher_x(school_x):
    return member(school_x, "teacher", username="teacher_x")


def fresh(user):
    """The user as the next request sees them (access is cached per user object)."""
    return User.objects.get(pk=user.pk)


def granted_codes(role_obj, school):
    """The catalogue permissions the role has at `school` now (what the editor shows ticked)."""
    return {
        s["code"]
        for _a, _n, group in role_permission_states(role=role_obj, school=school)
        for s in group
        if s["granted"]
    }


def overrides():
    return sorted(
        (o.school.name, o.role.code, o.permission, o.granted)
        for o in RolePermissionOverride.objects.select_related("school", "role")
    )


# --- the default roles -----------------------------------------------------------------------


def test_roles_ensure_defaults_is_idempotent_and_keeps_edits(db):
    created = roles_ensure_defaults()
    assert [r.code for r in created] == [code for code, _name, _perms in DEFAULT_ROLES]
    assert Role.objects.get(code="teacher").permissions == {c: p for c, _n, p in DEFAULT_ROLES}["teacher"]
    teacher = Role.objects.get(code="teacher")
    teacher.permissions = ["core.view_room"]
    teacher.name = "老师"
    teacher.save()
    assert roles_ensure_defaults() == []
    teacher.refresh_from_db()
    # Names are refreshed in the site language (Chinese); edited permissions stay.
    assert (teacher.name, teacher.permissions) == ("教师", ["core.view_room"])
    assert Role.objects.count() == len(DEFAULT_ROLES)
    assert [r.code for r in Role.objects.all()][:3] == ["admin", "district_supervisor", "principal"]


# --- overrides: the scenario of the issue ----------------------------------------------------


def test_district_denies_school_grants_back_other_district_unaffected(
    client, district, school_a, admin_d, admin_a, teacher_a, teacher_x
):
    RoomFactory(school=school_a)
    assert login(client, teacher_a).get("/core/rooms/").status_code == 200
    role_permission_set(
        actor=admin_d, school=district, role=role("teacher"), permission="core.view_room", granted=False
    )
    assert overrides() == [("太平中心学校", "teacher", "core.view_room", False)]
    assert login(client, teacher_a).get("/core/rooms/").status_code == 403
    assert login(client, teacher_x).get("/core/rooms/").status_code == 200
    assert login(client, teacher_a).get("/api/core/rooms/").status_code == 403
    role_permission_set(
        actor=admin_a, school=school_a, role=role("teacher"), permission="core.view_room", granted=True
    )
    assert overrides() == [
        ("太平中心学校", "teacher", "core.view_room", False),
        ("黄竹林学校", "teacher", "core.view_room", True),
    ]
    assert login(client, teacher_a).get("/core/rooms/").status_code == 200
    assert login(client, teacher_x).get("/core/rooms/").status_code == 200
    entries = ChangeLogEntry.objects.filter(content_type__model="rolepermissionoverride").order_by("id")
    assert [(e.action, e.actor_id, e.school_id) for e in entries] == [
        (ChangeAction.CREATE, admin_d.pk, district.pk),
        (ChangeAction.CREATE, admin_a.pk, school_a.pk),
    ]


def test_setting_the_inherited_value_removes_the_override(school_a, admin_a, teacher_a):
    teacher = role("teacher")
    role_permission_set(
        actor=admin_a, school=school_a, role=teacher, permission="core.view_room", granted=False
    )
    assert not access.has_perm(fresh(teacher_a), "core.view_room", school_a)
    result = role_permission_set(
        actor=admin_a, school=school_a, role=teacher, permission="core.view_room", granted=True
    )
    assert result is None and overrides() == []
    assert access.has_perm(fresh(teacher_a), "core.view_room", school_a)
    actions = list(
        ChangeLogEntry.objects.filter(content_type__model="rolepermissionoverride")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [ChangeAction.CREATE, ChangeAction.DELETE]


def test_update_flips_an_existing_override(district, admin_d):
    teacher = role("teacher")
    role_permission_set(actor=admin_d, school=district, role=teacher, permission="core.export", granted=True)
    role_permission_set(
        actor=admin_d, school=district, role=teacher, permission="core.view_room", granted=False
    )
    role_permission_set(actor=admin_d, school=district, role=teacher, permission="core.export", granted=True)
    assert overrides() == [
        ("太平中心学校", "teacher", "core.export", True),
        ("太平中心学校", "teacher", "core.view_room", False),
    ]
    assert ChangeLogEntry.objects.filter(content_type__model="rolepermissionoverride").count() == 2


def test_who_may_change_roles(district, school_a, head_a, principal_a, supervisor, admin_a):
    teacher = role("teacher")
    for actor in (head_a, principal_a):
        with pytest.raises(PermissionDenied):
            role_permission_set(
                actor=actor, school=school_a, role=teacher, permission="core.view_room", granted=False
            )
    with pytest.raises(PermissionDenied):  # a school administrator does not manage the district
        role_permission_set(
            actor=admin_a, school=district, role=teacher, permission="core.view_room", granted=False
        )
    with pytest.raises(PermissionDenied):  # nobody grants what they do not hold
        role_permission_set(
            actor=supervisor, school=district, role=teacher, permission="core.add_school", granted=True
        )
    assert overrides() == []
    role_permission_set(
        actor=supervisor, school=district, role=teacher, permission="core.view_room", granted=False
    )
    role_permission_set(
        actor=supervisor, school=school_a, role=teacher, permission="core.export", granted=True
    )
    assert overrides() == [
        ("太平中心学校", "teacher", "core.view_room", False),
        ("黄竹林学校", "teacher", "core.export", True),
    ]


def test_unknown_permission_is_refused(school_a, admin_a):
    with pytest.raises(ValidationError) as exc:
        role_permission_set(
            actor=admin_a, school=school_a, role=role("teacher"), permission="core.fly", granted=True
        )
    assert list(exc.value.error_dict) == ["permission"]
    assert overrides() == []


def test_reset_makes_the_node_inherit_again(district, school_a, admin_d, teacher_a):
    teacher = role("teacher")
    role_permission_set(
        actor=admin_d, school=district, role=teacher, permission="core.view_room", granted=False
    )
    role_permission_set(
        actor=admin_d, school=school_a, role=teacher, permission="core.view_room", granted=True
    )
    assert access.has_perm(fresh(teacher_a), "core.view_room", school_a)
    assert (
        role_permission_reset(actor=admin_d, school=school_a, role=teacher, permission="core.view_room")
        is True
    )
    assert (
        role_permission_reset(actor=admin_d, school=school_a, role=teacher, permission="core.view_room")
        is False
    )
    assert overrides() == [("太平中心学校", "teacher", "core.view_room", False)]
    assert not access.has_perm(fresh(teacher_a), "core.view_room", school_a)


def test_permissions_update_writes_only_changes_all_or_nothing(district, school_a, supervisor):
    teacher = role("teacher")
    granted = granted_codes(teacher, district) - {"core.view_room"}
    changed = role_permissions_update(actor=supervisor, school=district, role=teacher, granted=granted)
    assert changed == ["core.view_room"]
    assert overrides() == [("太平中心学校", "teacher", "core.view_room", False)]
    with pytest.raises(ValidationError) as exc:  # the supervisor cannot grant core.add_school
        role_permissions_update(
            actor=supervisor,
            school=district,
            role=teacher,
            granted=granted | {"core.export", "core.add_school"},
        )
    assert "core.add_school" in exc.value.message_dict["granted"][0]
    assert overrides() == [("太平中心学校", "teacher", "core.view_room", False)]


# --- pages -----------------------------------------------------------------------------------


def test_role_list(client, school_a, head_a, teacher_a):
    role("teacher")
    role("storekeeper")
    response = login(client, head_a).get("/core/roles/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="/core/roles/{role("teacher").pk}/">Teacher</a>' in html
    assert "View · room <code>core.view_room</code>" in html
    assert "View anything: every app <code>*.view_*</code>" in html
    assert "Every action on campus: Core <code>core.*_campus</code>" in html  # head of logistics
    assert login(client, teacher_a).get("/core/roles/").status_code == 403
    client.logout()
    assert client.get("/core/roles/").status_code == 302


@pytest.mark.parametrize(
    "pattern,text",
    [
        ("*", "Everything, everywhere"),
        ("core.export", "Export lists"),
        ("*.view_*", "View anything: every app"),
        ("core.*_room", "Every action on room: Core"),
        ("zz.*", "Everything: zz"),
        ("zz.pay_*", "Pay anything: zz"),
        ("core.x?y", "Matching x?y: Core"),
    ],
)
def test_pattern_description(pattern, text):
    assert pattern_description(pattern) == text


def test_role_detail_read_only_for_a_viewer(client, district, school_a, head_a, admin_d):
    teacher = role("teacher")
    role_permission_set(
        actor=admin_d, school=district, role=teacher, permission="core.view_room", granted=False
    )
    response = login(client, head_a).get(f"/core/roles/{teacher.pk}/")
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    states = {s["code"]: s for _app, _name, group in response.context["groups"] for s in group}
    assert (states["core.view_room"]["granted"], states["core.view_room"]["here"]) == (False, False)
    assert states["core.view_room"]["override"].school == district
    assert (states["core.view_campus"]["granted"], states["core.view_campus"]["override"]) == (True, None)
    assert states["core.add_room"]["granted"] is False
    html = response.content.decode()
    assert "Denied at 太平中心学校" in html
    assert 'type="checkbox"' not in html
    assert client.post(f"/core/roles/{teacher.pk}/", {"granted": []}).status_code == 403
    assert RolePermissionOverride.objects.count() == 1


def test_role_detail_edit_and_reset(client, district, school_a, supervisor, teacher_a):
    teacher = role("teacher")
    login(client, supervisor)
    page = client.get(f"/core/roles/{teacher.pk}/")
    assert page.context["can_edit"] is True
    assert (
        'name="granted" value="core.view_room" id="cb-core.view_room" aria-label="View · room" checked'
        in (page.content.decode())
    )
    granted = sorted(granted_codes(teacher, district) - {"core.view_room"})
    response = client.post(f"/core/roles/{teacher.pk}/", {"granted": granted})
    assert response.status_code == 302 and response["Location"] == f"/core/roles/{teacher.pk}/"
    assert overrides() == [("太平中心学校", "teacher", "core.view_room", False)]
    assert login(client, teacher_a).get("/core/rooms/").status_code == 403
    login(client, supervisor)
    refused = client.post(f"/core/roles/{teacher.pk}/", {"granted": [*granted, "core.add_school"]})
    assert refused.status_code == 400
    assert (
        "You cannot grant a permission you do not hold yourself: core.add_school" in refused.content.decode()
    )
    response = client.post(f"/core/roles/{teacher.pk}/", {"reset": "core.view_room"})
    assert response.status_code == 302
    assert overrides() == []
    assert login(client, teacher_a).get("/core/rooms/").status_code == 200


def test_role_detail_unknown_role_404(client, school_a, head_a):
    assert login(client, head_a).get("/core/roles/99999/").status_code == 404
