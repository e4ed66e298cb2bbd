"""One sample object per model, built in the victim school of the route-walking leak test
(tests/test_scoping_leaks.py).

    SAMPLES = {Model: builder(school, user) -> obj}

`school` is the victim school and `user` an administrator of its district (holds every
permission there), so builders may use the real services. Every registered model needs an entry:
the leak test fails naming a registered model without one. So do models that a route serves by
primary key (a custom view's `model`/`leak_model`), registered or not.

Every sample carries its marker (`marker(Model)`, or MARKERS[Model]) in a text field that its
list and detail pages show, so a page or an API answer that lets it through is caught by a
plain substring search. Helper objects a builder creates carry "LEAK-" in their names too.

An app adds its own samples in houqin/<app>/tests/samples.py (a SAMPLES dict of the same
shape); they are merged in below, so the app's models are walked without touching this file.
"""

import datetime
import importlib
import io
import pkgutil

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import houqin
from houqin.core.models import (
    ApprovalPolicy,
    ApprovalRequest,
    Attachment,
    Building,
    Campus,
    ChangeAction,
    ChangeLogEntry,
    Department,
    Membership,
    Notification,
    RolePermissionOverride,
    Room,
    RuleOverride,
    School,
    SchoolKind,
    Semester,
    User,
)
from houqin.core.tests.factories import UserFactory, role

PREFIX = "LEAK-"


def marker(model):
    """The text a sample of `model` carries and no foreign user may ever see."""
    return MARKERS.get(model) or f"{PREFIX}{model._meta.app_label}-{model._meta.model_name}"


def _campus(school, name):
    return Campus.objects.create(school=school, name=name)


def _building(school, name):
    return Building.objects.create(school=school, campus=_campus(school, f"{name}-campus"), name=name)


def _room(school, name):
    return Room.objects.create(
        school=school, building=_building(school, f"{name}-building"), number="101", name=name
    )


def _png(name):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def build_school(school, user):
    from houqin.core.services.org import school_create

    return school_create(
        actor=None,
        kind=SchoolKind.TEACHING_POINT,
        name=marker(School),
        code="LEAKTP01",
        parent=school,
        principal_name=marker(School),
    )


def build_department(school, user):
    return Department.objects.create(school=school, name=marker(Department), head=user)


def build_campus(school, user):
    return Campus.objects.create(school=school, name=marker(Campus), address=marker(Campus))


def build_building(school, user):
    return Building.objects.create(
        school=school, campus=_campus(school, f"{marker(Building)}-campus"), name=marker(Building)
    )


def build_room(school, user):
    room = _room(school, marker(Room))
    room.responsible = user
    room.save(update_fields=["responsible"])
    return room


def build_semester(school, user):
    # A school year no other fixture uses is the marker; the dates cover today, so a
    # "current semester" lookup that forgets scoping shows it on a foreign page.
    today = timezone.localdate()
    return Semester.objects.create(
        school=school,
        school_year=MARKERS[Semester],
        term=1,
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=150),
    )


def build_user(school, user):
    person = UserFactory(username="leak-person", full_name=marker(User))
    Membership.objects.create(user=person, school=school, role=role("teacher"), title=marker(User))
    return person


def build_membership(school, user):
    person = UserFactory(username="leak-member", full_name=f"{PREFIX}member-user")
    return Membership.objects.create(
        user=person, school=school, role=role("storekeeper"), title=marker(Membership)
    )


def build_approval_policy(school, user):
    from houqin.core.services.approvals import approval_policy_set

    role("head_of_logistics")  # roles exist in the test database only once asked for
    return approval_policy_set(
        actor=user,
        school=school,
        kind="core.general",
        name=marker(ApprovalPolicy),
        steps=[{"role": "head_of_logistics", "level": "school", "max_amount": None}],
    )


def build_approval_request(school, user):
    from houqin.core.services.approvals import approval_submit

    if not ApprovalPolicy.objects.filter(school=school, kind="core.general").exists():
        build_approval_policy(school, user)
    return approval_submit(
        actor=user,
        school=school,
        kind="core.general",
        title=marker(ApprovalRequest),
        description=marker(ApprovalRequest),
        amount="880.00",
    )


def build_changelog_entry(school, user):
    from houqin.core.services.changelog import changelog_record

    campus = _campus(school, marker(ChangeLogEntry))
    return changelog_record(actor=user, obj=campus, action=ChangeAction.CREATE)


def build_attachment(school, user):
    from houqin.core.services.attachments import attachment_add

    room = _room(school, f"{marker(Attachment)}-room")
    return attachment_add(
        actor=user, obj=room, uploaded_file=_png(f"{marker(Attachment)}.png"), description=marker(Attachment)
    )


def build_notification(school, user):
    from houqin.core.services.notifications import notify

    notify(user=user, title=marker(Notification), body=marker(Notification), school=school)
    return Notification.objects.filter(user=user).latest("pk")


def build_rule_override(school, user):
    from houqin.core.rulebook import RULES
    from houqin.core.services.rules import rule_override_set

    key, definition = next(iter(sorted(RULES.items())))
    return rule_override_set(
        actor=user,
        school=school,
        key=key,
        value=definition.default,
        source=marker(RuleOverride),
        note=marker(RuleOverride),
    )


def build_role_permission_override(school, user):
    # The permission code is the only text; a made-up one is the marker. On the teacher role,
    # whose (national) page every district may open: it must not show this school's override.
    return RolePermissionOverride.objects.create(
        school=school, role=role("teacher"), permission=marker(RolePermissionOverride), granted=True
    )


MARKERS = {Semester: "1901-1902"}

SAMPLES = {
    School: build_school,
    Department: build_department,
    Campus: build_campus,
    Building: build_building,
    Room: build_room,
    Semester: build_semester,
    User: build_user,
    Membership: build_membership,
    RolePermissionOverride: build_role_permission_override,
    ApprovalPolicy: build_approval_policy,
    ApprovalRequest: build_approval_request,
    ChangeLogEntry: build_changelog_entry,
    Attachment: build_attachment,
    Notification: build_notification,
    RuleOverride: build_rule_override,
}


def _app_samples():
    """SAMPLES of houqin/<app>/tests/samples.py for every app that has one."""
    found = {}
    for info in pkgutil.iter_modules(houqin.__path__):
        if not info.ispkg or info.name == "core":
            continue
        name = f"houqin.{info.name}.tests.samples"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue  # the app has no samples module
            raise
        found.update(getattr(module, "SAMPLES", {}))
        MARKERS.update(getattr(module, "MARKERS", {}))
    return found


SAMPLES.update(_app_samples())
