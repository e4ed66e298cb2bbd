"""Roles and their permissions: the default catalogue and a node's changes to it.

A role's default permission patterns are the national template (permissions.DEFAULT_ROLES).
A district or school administrator changes what a role may do in their subtree by writing a
RolePermissionOverride at their node; access.py resolves them along the tree, nearest wins.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .. import access
from ..models import ChangeAction, Role, RolePermissionOverride
from ..permissions import DEFAULT_ROLES, PERMISSIONS, pattern_grants
from ..selectors.org import role_permission_states
from .changelog import changelog_record, snapshot

MANAGE_ROLES = "core.manage_roles"


def roles_ensure_defaults():
    """Create the roles of DEFAULT_ROLES that are missing and refresh names and order.

    Idempotent, safe to run on every deploy: permission patterns an administrator has edited
    are kept; only a new role gets the default patterns.
    """
    created = []
    # Names are stored in the site's language (Chinese by default), whatever the caller's is.
    with translation.override(settings.LANGUAGE_CODE):
        names = [(code, str(name), patterns) for code, name, patterns in DEFAULT_ROLES]
    for order, (code, name, patterns) in enumerate(names):
        role = Role.objects.filter(code=code).first()
        if role is None:
            created.append(
                Role.objects.create(code=code, name=name, permissions=list(patterns), sort_order=order)
            )
            continue
        if role.name != name or role.sort_order != order:
            role.name = name
            role.sort_order = order
            role.save(update_fields=["name", "sort_order"])
    return created


def inherited_grant(*, role, school, permission):
    """What `role` may do about `permission` at `school` if `school` had no override of its own:
    the nearest ancestor's override, else the role's default patterns.

    Returns (granted, override or None)."""
    ancestors = school.ancestor_paths()[:-1]
    override = (
        RolePermissionOverride.objects.filter(role=role, permission=permission, school__path__in=ancestors)
        .select_related("school")
        .order_by("-school__depth")
        .first()
    )
    if override is not None:
        return override.granted, override
    return pattern_grants(role.permissions or [], permission), None


def _check(actor, school, role, permission):
    if actor is not None and not access.has_perm(actor, MANAGE_ROLES, school):
        raise PermissionDenied(_("You may not change role permissions at %(school)s.") % {"school": school})
    errors = {}
    if not isinstance(role, Role):
        errors["role"] = _("Choose a role.")
    if permission not in PERMISSIONS:
        errors["permission"] = _("Unknown permission: %(code)s") % {"code": permission}
    if errors:
        raise ValidationError(errors)


def role_permission_set(*, actor, school, role, permission, granted):
    """Grant or deny `permission` to `role` for memberships at `school` and below.

    Needs core.manage_roles at `school`; nobody grants a permission they do not hold there
    themselves. When the wanted value is what the node would inherit anyway, the node's own
    override is removed instead of written, so the table only holds real differences.
    Returns the override row, or None when the node now simply inherits.
    """
    _check(actor, school, role, permission)
    granted = bool(granted)
    if granted and actor is not None and not access.has_perm(actor, permission, school):
        raise PermissionDenied(_("You cannot grant a permission you do not hold yourself."))
    inherited, _source = inherited_grant(role=role, school=school, permission=permission)
    with transaction.atomic():
        existing = (
            RolePermissionOverride.objects.select_for_update()
            .filter(school=school, role=role, permission=permission)
            .first()
        )
        if granted == inherited:
            if existing is not None:
                _delete(actor, existing)
            result = None
        elif existing is None:
            result = RolePermissionOverride.objects.create(
                school=school, role=role, permission=permission, granted=granted, changed_by=actor
            )
            changelog_record(actor=actor, obj=result, action=ChangeAction.CREATE)
        elif existing.granted != granted:
            before = snapshot(existing)
            existing.granted = granted
            existing.changed_by = actor
            existing.save(update_fields=["granted", "changed_by", "updated_at"])
            changelog_record(actor=actor, obj=existing, action=ChangeAction.UPDATE, before=before)
            result = existing
        else:
            result = existing
    if actor is not None:
        access.clear_access_cache(actor)
    return result


def _delete(actor, override):
    before = snapshot(override)
    pk = override.pk
    override.delete()
    override.pk = pk
    changelog_record(
        actor=actor, obj=override, action=ChangeAction.DELETE, before=before, school=override.school
    )


def role_permission_reset(*, actor, school, role, permission):
    """Remove `school`'s own override of `permission` for `role`: the node inherits again.
    Returns True when there was one to remove."""
    _check(actor, school, role, permission)
    with transaction.atomic():
        existing = (
            RolePermissionOverride.objects.select_for_update()
            .filter(school=school, role=role, permission=permission)
            .first()
        )
        if existing is None:
            return False
        _delete(actor, existing)
    if actor is not None:
        access.clear_access_cache(actor)
    return True


def role_permissions_update(*, actor, school, role, granted):
    """Apply the role editor's checkboxes at `school`: `granted` is the set of permission codes
    ticked. Only the permissions whose state changes are written, all in one transaction, and
    nothing is written when one of them may not be granted by the actor.
    Returns the codes that changed."""
    if actor is not None and not access.has_perm(actor, MANAGE_ROLES, school):
        raise PermissionDenied(_("You may not change role permissions at %(school)s.") % {"school": school})
    granted = set(granted)
    unknown = sorted(granted - set(PERMISSIONS))
    if unknown:
        raise ValidationError({"granted": _("Unknown permission: %(code)s") % {"code": ", ".join(unknown)}})
    changes = []
    for _app, _name, states in role_permission_states(role=role, school=school):
        for state in states:
            wanted = state["code"] in granted
            if wanted != state["granted"]:
                changes.append((state["code"], wanted))
    if actor is not None:
        refused = [code for code, wanted in changes if wanted and not access.has_perm(actor, code, school)]
        if refused:
            raise ValidationError(
                {
                    "granted": _("You cannot grant a permission you do not hold yourself: %(codes)s")
                    % {"codes": ", ".join(refused)}
                }
            )
    with transaction.atomic():
        for code, wanted in changes:
            role_permission_set(actor=actor, school=school, role=role, permission=code, granted=wanted)
    return [code for code, _wanted in changes]
