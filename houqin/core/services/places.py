"""Places (campus > building > room), departments and semesters: the generic create and update
with the rules that tie a record to its school.

A record's parts must belong to the record's school: a room's building, department and
responsible person; a building's campus; a department's head. Page forms already limit their
choice lists, but an API client can send any id, so the rules are checked here.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .. import access
from ..models import Building, Department, Room, Semester
from ..permissions import model_perm
from ..selectors.org import people_of_school
from .objects import object_create, object_update

SCHOOL_YEAR_RE = re.compile(r"^(\d{4})-(\d{4})$")


def _require(actor, model, action, school):
    if actor is not None and not access.has_perm(actor, model_perm(model, action), school):
        raise PermissionDenied(_("You may not do this at %(school)s.") % {"school": school})


def _owner(part, scope, field, errors):
    """The school a new record takes from its parent part (a room from its building): the part's
    school when it lies inside the active scope, so a district user can add a room to any of
    their schools' buildings."""
    if part is None:
        return scope
    if part.school_id == scope.pk:
        return scope
    if scope.is_ancestor_of(part.school):
        return part.school
    errors[field] = _("%(obj)s belongs to another school.") % {"obj": part}
    return scope


def _check_person(user, school, field, errors):
    if user is not None and not people_of_school(school).filter(pk=user.pk).exists():
        errors[field] = _("%(user)s is not a member of %(school)s.") % {"user": user, "school": school}


def _check_same_school(obj, school, field, errors):
    if obj is not None and obj.school_id != school.pk:
        errors[field] = _("%(obj)s belongs to another school.") % {"obj": obj}


def _room_errors(data, school):
    errors = {}
    _check_same_school(data.get("building"), school, "building", errors)
    _check_same_school(data.get("department"), school, "department", errors)
    _check_person(data.get("responsible"), school, "responsible", errors)
    return errors


def room_create(*, actor, model=Room, school, data):
    """Add a room to a building of `school` (or of a school below it, when `school` is the
    active district scope). Needs core.add_room at the room's school."""
    errors = {}
    if data.get("building") is None:
        errors["building"] = _("This field is required.")
    target = _owner(data.get("building"), school, "building", errors)
    if not errors:
        errors = _room_errors(data, target)
    if errors:
        raise ValidationError(errors)
    _require(actor, Room, "add", target)
    return object_create(actor=actor, model=Room, school=target, data=data)


def room_update(*, actor, instance, data):
    """Change a room; it stays in its school, so its building, department and responsible person
    must be of that school."""
    _require(actor, Room, "change", instance.school)
    merged = {
        "building": data.get("building", instance.building),
        "department": data.get("department", instance.department),
        "responsible": data.get("responsible", instance.responsible),
    }
    errors = _room_errors(merged, instance.school)
    if errors:
        raise ValidationError(errors)
    return object_update(actor=actor, instance=instance, data=data)


def building_create(*, actor, model=Building, school, data):
    """Add a building to a campus of `school` (or of a school below the active scope)."""
    errors = {}
    if data.get("campus") is None:
        errors["campus"] = _("This field is required.")
    target = _owner(data.get("campus"), school, "campus", errors)
    if errors:
        raise ValidationError(errors)
    _require(actor, Building, "add", target)
    return object_create(actor=actor, model=Building, school=target, data=data)


def building_update(*, actor, instance, data):
    _require(actor, Building, "change", instance.school)
    errors = {}
    _check_same_school(data.get("campus", instance.campus), instance.school, "campus", errors)
    if errors:
        raise ValidationError(errors)
    return object_update(actor=actor, instance=instance, data=data)


def department_create(*, actor, model=Department, school, data):
    """Add a department (处室) to `school`; its head must be a member of the school."""
    _require(actor, Department, "add", school)
    errors = {}
    _check_person(data.get("head"), school, "head", errors)
    if errors:
        raise ValidationError(errors)
    return object_create(actor=actor, model=Department, school=school, data=data)


def department_update(*, actor, instance, data):
    _require(actor, Department, "change", instance.school)
    errors = {}
    _check_person(data.get("head", instance.head), instance.school, "head", errors)
    if errors:
        raise ValidationError(errors)
    return object_update(actor=actor, instance=instance, data=data)


def _semester_errors(school, data, instance=None):
    """School year is "2026-2027" (consecutive years); terms of one node never overlap."""
    errors = {}
    year = (data.get("school_year") or "").strip()
    m = SCHOOL_YEAR_RE.match(year)
    if not m or int(m.group(2)) != int(m.group(1)) + 1:
        errors["school_year"] = _("Write the school year as two consecutive years, e.g. 2026-2027.")
    start, end = data.get("start_date"), data.get("end_date")
    if start and end:
        if end <= start:
            errors["end_date"] = _("The end date must be after the start date.")
        else:
            clash = Semester.objects.filter(school=school, start_date__lte=end, end_date__gte=start)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            other = clash.order_by("start_date").first()
            if other is not None:
                errors["start_date"] = _(
                    "These dates overlap %(other)s (%(start)s – %(end)s) of %(school)s."
                ) % {
                    "other": other,
                    "start": other.start_date.isoformat(),
                    "end": other.end_date.isoformat(),
                    "school": school,
                }
    return errors


def semester_create(*, actor, model=Semester, school, data):
    """Add a term at `school` (usually the central school, for its whole subtree)."""
    _require(actor, Semester, "add", school)
    errors = _semester_errors(school, data)
    if errors:
        raise ValidationError(errors)
    return object_create(actor=actor, model=Semester, school=school, data=data)


def semester_update(*, actor, instance, data):
    _require(actor, Semester, "change", instance.school)
    merged = {
        "school_year": data.get("school_year", instance.school_year),
        "start_date": data.get("start_date", instance.start_date),
        "end_date": data.get("end_date", instance.end_date),
    }
    errors = _semester_errors(instance.school, merged, instance=instance)
    if errors:
        raise ValidationError(errors)
    return object_update(actor=actor, instance=instance, data=data)
