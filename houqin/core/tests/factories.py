"""Factories for the core models; other apps' tests build on these."""

import datetime
import itertools

import factory

from houqin.core.models import (
    Building,
    Campus,
    Department,
    Membership,
    Role,
    Room,
    RoomKind,
    SchoolKind,
    Semester,
    User,
)
from houqin.core.permissions import DEFAULT_ROLES
from houqin.core.services.org import school_create

_codes = itertools.count(1)


def make_school(name=None, kind=SchoolKind.SCHOOL, parent=None, **fields):
    """A node of the tree, created through the service so its path is right."""
    n = next(_codes)
    return school_create(
        actor=None, kind=kind, name=name or f"学校{n}", code=f"S{n:05d}", parent=parent, **fields
    )


def role(code):
    """The role with `code`, created from the default catalogue when missing."""
    for c, name, perms in DEFAULT_ROLES:
        if c == code:
            obj, _ = Role.objects.get_or_create(code=c, defaults={"name": str(name), "permissions": perms})
            return obj
    raise KeyError(code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(school, role_code, user=None, **kwargs):
    """A user holding `role_code` at `school` (a new user unless one is given)."""
    user = user or UserFactory(**kwargs)
    Membership.objects.create(user=user, school=school, role=role(role_code))
    return user


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"处室{n}")


class CampusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campus

    name = factory.Sequence(lambda n: f"校区{n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    campus = factory.SubFactory(CampusFactory, school=factory.SelfAttribute("..school"))
    name = factory.Sequence(lambda n: f"教学楼{n}")


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    building = factory.SubFactory(BuildingFactory, school=factory.SelfAttribute("..school"))
    number = factory.Sequence(lambda n: f"{100 + n}")
    kind = RoomKind.CLASSROOM
    capacity = 45


class SemesterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Semester

    school_year = "2026-2027"
    term = 1
    start_date = datetime.date(2026, 9, 1)
    end_date = datetime.date(2027, 1, 20)
