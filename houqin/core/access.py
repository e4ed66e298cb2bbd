"""Who may see and do what, where: memberships resolved along the organisation tree.

Everything is computed once per user object (one request) and kept on it; services that
change memberships or role overrides call `clear_access_cache`.
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from .permissions import pattern_grants

CACHE_ATTR = "_houqin_access"


def _cache(user):
    cache = getattr(user, CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, CACHE_ATTR, cache)
    return cache


def clear_access_cache(user):
    if hasattr(user, CACHE_ATTR):
        delattr(user, CACHE_ATTR)


def memberships(user):
    """The user's memberships as plain tuples: (school_id, path, role_id, role_code)."""
    cache = _cache(user)
    if "memberships" not in cache:
        from .models import Membership

        cache["memberships"] = list(
            Membership.objects.filter(user_id=user.pk, school__is_active=True)
            .order_by("school__path", "role__sort_order")
            .values_list("school_id", "school__path", "role_id", "role__code")
        )
    return cache["memberships"]


def visible_school_ids(user):
    """Ids of every node the user may see: their membership nodes and all below them."""
    cache = _cache(user)
    if "visible" not in cache:
        from .models import School

        paths = {m[1] for m in memberships(user)}
        if not paths:
            cache["visible"] = frozenset()
        else:
            cond = reduce(or_, (Q(path__startswith=p) for p in paths))
            cache["visible"] = frozenset(School.objects.filter(cond).values_list("id", flat=True))
    return cache["visible"]


def covering(user, school):
    """Memberships whose node is the school or one of its ancestors."""
    return [m for m in memberships(user) if school.path.startswith(m[1])]


def roles_at(user, school, exact_level_path=None):
    """Role codes the user holds over `school`. With exact_level_path, only memberships at
    that node or above it (a district step needs the role at the district, not at a school)."""
    result = set()
    for _sid, path, _rid, code in covering(user, school):
        if exact_level_path is None or exact_level_path.startswith(path):
            result.add(code)
    return result


def _overrides(user):
    """{(role_id, membership_path): {perm: granted}} resolved nearest-node-last."""
    cache = _cache(user)
    if "overrides" not in cache:
        from .models import RolePermissionOverride

        ms = memberships(user)
        result = {}
        if ms:
            role_ids = {m[2] for m in ms}
            rows = list(
                RolePermissionOverride.objects.filter(role_id__in=role_ids).values_list(
                    "role_id", "school__path", "permission", "granted"
                )
            )
            if rows:
                for _sid, path, rid, _code in ms:
                    resolved = {}
                    # Shallow nodes first, so the nearest override is applied last and wins.
                    for r_rid, r_path, perm, granted in sorted(rows, key=lambda r: len(r[1])):
                        if r_rid == rid and path.startswith(r_path):
                            resolved[perm] = granted
                    result[(rid, path)] = resolved
        cache["overrides"] = result
    return cache["overrides"]


def _role_patterns(user):
    cache = _cache(user)
    if "patterns" not in cache:
        from .models import Role

        ids = {m[2] for m in memberships(user)}
        cache["patterns"] = dict(Role.objects.filter(id__in=ids).values_list("id", "permissions"))
    return cache["patterns"]


def membership_grants(user, membership, perm):
    _sid, path, rid, _code = membership
    override = _overrides(user).get((rid, path), {}).get(perm)
    if override is not None:
        return override
    return pattern_grants(_role_patterns(user).get(rid, []), perm)


def has_perm(user, perm, school=None):
    """Does the user hold `perm` over `school` (or anywhere, when school is None)?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    key = ("perm", perm, school.path if school is not None else None)
    cache = _cache(user)
    if key not in cache:
        ms = covering(user, school) if school is not None else memberships(user)
        cache[key] = any(membership_grants(user, m, perm) for m in ms)
    return cache[key]


def scope_choices(user):
    """Nodes the user can switch to: their membership nodes and the schools below them."""
    from .models import School, SchoolKind

    cache = _cache(user)
    if "scope_choices" not in cache:
        if user.is_superuser and not memberships(user):
            qs = School.objects.exclude(kind=SchoolKind.TEACHING_POINT)
        else:
            qs = School.objects.filter(id__in=visible_school_ids(user)).exclude(
                kind=SchoolKind.TEACHING_POINT
            )
        cache["scope_choices"] = list(qs.order_by("path"))
    return cache["scope_choices"]
