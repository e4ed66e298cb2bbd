"""Operations on the organisation tree, people and memberships."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..access import clear_access_cache
from ..models import ChangeAction, Membership, School, SchoolKind
from ..models.org import PATH_STEP
from .changelog import changelog_record, snapshot

# Which kinds may sit under which: any depth of bureaus, then central schools, schools, points.
ALLOWED_PARENTS = {
    SchoolKind.BUREAU: {None, SchoolKind.BUREAU},
    SchoolKind.DISTRICT: {None, SchoolKind.BUREAU},
    SchoolKind.SCHOOL: {None, SchoolKind.BUREAU, SchoolKind.DISTRICT},
    SchoolKind.TEACHING_POINT: {SchoolKind.SCHOOL, SchoolKind.DISTRICT},
}


def _next_path(parent):
    prefix = parent.path if parent else ""
    siblings = School.objects.filter(parent=parent) if parent else School.objects.filter(parent__isnull=True)
    last = siblings.aggregate(m=Max("path"))["m"]
    number = int(last[len(prefix) : len(prefix) + PATH_STEP]) + 1 if last else 1
    return f"{prefix}{number:0{PATH_STEP}d}."


def school_create(*, actor, kind, name, code, parent=None, keeps_own_books=None, **fields):
    """Add a node under `parent`. A teaching point keeps no books of its own by default."""
    errors = {}
    parent_kind = parent.kind if parent else None
    if kind not in SchoolKind.values:
        errors["kind"] = _("Unknown kind.")
    elif parent_kind not in ALLOWED_PARENTS[kind]:
        errors["parent"] = _("A %(kind)s cannot be placed under %(parent)s.") % {
            "kind": SchoolKind(kind).label,
            "parent": parent or _("the top level"),
        }
    if not (name or "").strip():
        errors["name"] = _("This field is required.")
    if not (code or "").strip():
        errors["code"] = _("This field is required.")
    elif School.objects.filter(code=code).exists():
        errors["code"] = _("This code is already used.")
    if errors:
        raise ValidationError(errors)
    if keeps_own_books is None:
        keeps_own_books = kind != SchoolKind.TEACHING_POINT
    with transaction.atomic():
        if parent is not None:
            parent = School.objects.select_for_update().get(pk=parent.pk)
        node = School(
            kind=kind,
            name=name.strip(),
            code=code.strip(),
            parent=parent,
            keeps_own_books=keeps_own_books,
            **fields,
        )
        node.path = _next_path(parent)
        node.depth = parent.depth + 1 if parent else 0
        node.full_clean()
        node.save()
        changelog_record(actor=actor, obj=node, action=ChangeAction.CREATE)
    return node


def school_update(*, actor, instance, data):
    """Change a node's own fields; its place in the tree is not changed here."""
    before = snapshot(instance)
    for key, value in data.items():
        if key in {"parent", "path", "depth", "kind"}:
            continue
        setattr(instance, key, value)
    instance.full_clean()
    with transaction.atomic():
        instance.save()
        changelog_record(actor=actor, obj=instance, action=ChangeAction.UPDATE, before=before)
    return instance


def school_create_from_form(*, actor, model, school, data):
    """Adapter for the generic create page: a new node goes under the active scope."""
    data = dict(data)
    parent = data.pop("parent", None) or school
    return school_create(actor=actor, parent=parent, **data)


def membership_add(*, actor, user, school, role, department=None, title=""):
    """Give `user` the `role` at `school` (and its subtree)."""
    if department is not None and department.school_id != school.pk:
        raise ValidationError({"department": _("The department belongs to another school.")})
    if Membership.objects.filter(user=user, school=school, role=role).exists():
        raise ValidationError({"role": _("%(user)s already holds this role here.") % {"user": user}})
    with transaction.atomic():
        m = Membership.objects.create(user=user, school=school, role=role, department=department, title=title)
        changelog_record(actor=actor, obj=m, action=ChangeAction.CREATE)
    clear_access_cache(user)
    return m


def membership_remove(*, actor, membership):
    before = snapshot(membership)
    user = membership.user
    with transaction.atomic():
        pk = membership.pk
        membership.delete()
        membership.pk = pk
        changelog_record(
            actor=actor, obj=membership, action=ChangeAction.DELETE, before=before, school=membership.school
        )
    clear_access_cache(user)
