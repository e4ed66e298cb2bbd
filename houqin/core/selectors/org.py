"""Read queries about the organisation: people of a school, a person's memberships, what a role
may do at a node, and the counts of the home and school pages."""

from collections import defaultdict

from django.apps import apps
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import access
from ..models import (
    Building,
    Campus,
    Department,
    Membership,
    RolePermissionOverride,
    Room,
    School,
    SchoolKind,
    Semester,
    User,
)
from ..models.org import PATH_STEP
from ..permissions import PERMISSIONS, pattern_grants


def people_of_school(school):
    """Active people holding a membership at `school`, above it or below it: those who may be
    put in charge of its rooms or departments (the same set the forms offer)."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__school__path__in=school.ancestor_paths())
            | Q(memberships__school__path__startswith=school.path)
        )
        .distinct()
        .order_by("full_name", "username")
    )


def people_visible_to(viewer):
    """People with at least one membership at a node `viewer` may see."""
    if viewer.is_superuser:
        return User.objects.all()
    return User.objects.filter(memberships__school_id__in=access.visible_school_ids(viewer)).distinct()


def person_get(*, viewer, pk):
    """A person the viewer may look at (themselves, or someone of their schools), else None."""
    if viewer.pk == pk:
        return viewer
    return people_visible_to(viewer).filter(pk=pk).first()


def person_memberships(*, viewer, person):
    """The person's memberships at nodes the viewer may see (all of them for themselves)."""
    qs = Membership.objects.filter(user=person).select_related("school", "role", "department")
    if viewer.pk != person.pk and not viewer.is_superuser:
        qs = qs.filter(school_id__in=access.visible_school_ids(viewer))
    return qs.order_by("school__path", "role__sort_order")


def app_name(label):
    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return label


ACTION_LABELS = {
    "view": gettext_lazy("View"),
    "add": gettext_lazy("Add"),
    "change": gettext_lazy("Change"),
    "delete": gettext_lazy("Delete"),
}


def model_name(app_label, name):
    """A model's verbose name for a permission pattern, or the raw name when unknown."""
    try:
        return str(apps.get_model(app_label, name)._meta.verbose_name)
    except (LookupError, ValueError):
        return name


def pattern_description(pattern):
    """A role's permission pattern in words: "core.view_room" → its catalogue label,
    "*.view_*" → "View: every app", "assets.*" → "Everything: Assets"."""
    if pattern in PERMISSIONS:
        return str(PERMISSIONS[pattern])
    if pattern == "*":
        return _("Everything, everywhere")
    app, _dot, action = pattern.partition(".")
    where = _("every app") if app == "*" else app_name(app)
    if action in ("*", ""):
        what = _("Everything")
    elif action.endswith("_*") and "*" not in action[:-2]:
        verb = action[:-2]
        label = ACTION_LABELS.get(verb) or verb.replace("_", " ").capitalize()
        what = _("%(action)s anything") % {"action": label}
    elif action.startswith("*_") and "*" not in action[2:]:
        what = _("Every action on %(model)s") % {"model": model_name(app, action[2:])}
    else:
        what = _("Matching %(pattern)s") % {"pattern": action}
    return f"{what}: {where}"


def pattern_matches(pattern):
    """How many catalogue permissions a pattern covers (shown beside it)."""
    return sum(1 for code in PERMISSIONS if pattern_grants([pattern], code))


def catalogue_by_app():
    """[(app_label, app name, [(code, label)])] sorted by app then code."""
    groups = defaultdict(list)
    for code, label in PERMISSIONS.items():
        groups[code.split(".", 1)[0]].append((code, str(label)))
    return [(app, app_name(app), sorted(items)) for app, items in sorted(groups.items())]


def role_permission_states(*, role, school):
    """For each catalogue permission, whether `role` has it for memberships at `school`, and why.

    Same resolution as access.py: the override at the nearest node on the path wins, else the
    role's default patterns. Returns [(app, app name, [state dict])]."""
    overrides = {}
    rows = (
        RolePermissionOverride.objects.filter(role=role, school__path__in=school.ancestor_paths())
        .select_related("school", "changed_by")
        .order_by("school__depth")
    )
    for row in rows:  # shallow first, so the nearest node is kept
        overrides[row.permission] = row
    patterns = role.permissions or []
    result = []
    for app, name, items in catalogue_by_app():
        states = []
        for code, label in items:
            default = pattern_grants(patterns, code)
            override = overrides.get(code)
            states.append(
                {
                    "code": code,
                    "label": label,
                    "default": default,
                    "granted": override.granted if override is not None else default,
                    "override": override,
                    "here": override is not None and override.school_id == school.pk,
                }
            )
        result.append((app, name, states))
    return result


def school_children(*, school, user):
    return School.objects.for_user(user).filter(parent=school).order_by("path")


def school_summary(*, school, user):
    """What the school page shows beside its fields: children, departments, campuses, counts."""
    subtree = School.objects.for_user(user).in_scope(school)
    return {
        "children": list(school_children(school=school, user=user)),
        "departments": list(Department.objects.for_user(user).filter(school=school).select_related("head")),
        "campuses": list(
            Campus.objects.for_user(user).filter(school=school).annotate(n_buildings=Count("buildings"))
        ),
        "counts": {
            "nodes": subtree.exclude(pk=school.pk).count(),
            "buildings": Building.objects.for_user(user).in_scope(school).count(),
            "rooms": Room.objects.for_user(user).in_scope(school).count(),
            "people": Membership.objects.for_user(user).in_scope(school).values("user_id").distinct().count(),
        },
    }


def scope_overview(*, scope, user):
    """Home page counts: one row per school in the scope (district-wide lists and totals for a
    district user; one row for a school user), and the totals. Five queries, whatever the size."""
    schools = list(
        School.objects.for_user(user).in_scope(scope).exclude(kind=SchoolKind.BUREAU).order_by("path")
    )
    rooms = dict(
        Room.objects.for_user(user)
        .in_scope(scope)
        .values_list("school_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    buildings = dict(
        Building.objects.for_user(user)
        .in_scope(scope)
        .values_list("school_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    people = dict(
        Membership.objects.for_user(user)
        .in_scope(scope)
        .values_list("school_id")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    )
    rows = [
        {
            "school": s,
            "pupils": s.pupils,
            "rooms": rooms.get(s.pk, 0),
            "buildings": buildings.get(s.pk, 0),
            "people": people.get(s.pk, 0),
        }
        for s in schools
    ]
    return {
        "rows": rows,
        "schools": sum(1 for s in schools if s.kind == SchoolKind.SCHOOL),
        "teaching_points": sum(1 for s in schools if s.kind == SchoolKind.TEACHING_POINT),
        "pupils": sum(r["pupils"] for r in rows),
        "rooms": sum(r["rooms"] for r in rows),
        "buildings": sum(r["buildings"] for r in rows),
        # A person with roles at two schools is one person in the total.
        "people": Membership.objects.for_user(user).in_scope(scope).values("user_id").distinct().count(),
    }


def rooms_in_care(*, user, scope):
    """Rooms the user answers for (分室保管), in the active scope."""
    return (
        Room.objects.for_user(user)
        .in_scope(scope)
        .filter(responsible=user)
        .select_related("building")
        .order_by("building__name", "number")
    )


def _ancestor_paths(path):
    step = PATH_STEP + 1
    return [path[:i] for i in range(step, len(path) + 1, step)]


def semesters_visible(user):
    """Semesters the user may read: those of their schools and those set above them (a
    district's terms apply to its schools, so a teacher reads them too)."""
    if user.is_superuser:
        return Semester.objects.all()
    above = {p for _sid, path, _rid, _code in access.memberships(user) for p in _ancestor_paths(path)}
    return Semester.objects.filter(
        Q(school_id__in=access.visible_school_ids(user)) | Q(school__path__in=above)
    )


def semester_list(*, user, scope):
    """The semesters that apply in `scope`: set at the scope, below it, or above it."""
    return semesters_visible(user).filter(
        Q(school__path__startswith=scope.path) | Q(school__path__in=scope.ancestor_paths())
    )


def reading_school(user, obj, scope):
    """Where reading `obj` is checked: its school, or the active scope for a row set above the
    user's own schools (a district's semester, read by a school's teacher)."""
    if user.is_superuser or obj.school_id in access.visible_school_ids(user) or scope is None:
        return obj.school
    return scope
