"""Scoping and permissions: memberships cover their subtree and nothing else."""

from houqin.core import access
from houqin.core.models import RolePermissionOverride, Room
from houqin.core.tests.factories import RoomFactory, make_school, role


def test_membership_covers_subtree_only(district, school_a, school_b, head_a, supervisor, school_x):
    point = make_school("教学点", kind="teaching_point", parent=school_a)
    assert access.visible_school_ids(head_a) == {school_a.pk, point.pk}
    assert access.visible_school_ids(supervisor) == {district.pk, school_a.pk, school_b.pk, point.pk}


def test_for_user_hides_other_schools(school_a, school_b, head_a):
    mine = RoomFactory(school=school_a)
    RoomFactory(school=school_b)
    assert list(Room.objects.for_user(head_a)) == [mine]


def test_role_permissions_and_nearest_override_wins(district, school_a, head_a, teacher_a):
    assert access.has_perm(head_a, "core.change_room", school_a)
    assert not access.has_perm(teacher_a, "core.change_room", school_a)
    assert access.has_perm(teacher_a, "core.view_room", school_a)
    # The district takes a permission away from every teacher; the school gives it back.
    RolePermissionOverride.objects.create(
        school=district, role=role("teacher"), permission="core.view_room", granted=False
    )
    access.clear_access_cache(teacher_a)
    assert not access.has_perm(teacher_a, "core.view_room", school_a)
    RolePermissionOverride.objects.create(
        school=school_a, role=role("teacher"), permission="core.view_room", granted=True
    )
    access.clear_access_cache(teacher_a)
    assert access.has_perm(teacher_a, "core.view_room", school_a)


def test_no_permission_in_a_school_not_covered(school_a, school_b, head_a):
    assert not access.has_perm(head_a, "core.view_room", school_b)
