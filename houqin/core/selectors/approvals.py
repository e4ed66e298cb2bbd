"""Reads of the approval engine: the policy in force, who may decide, the inbox, what a user sees."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from .. import access
from ..models import (
    ApprovalLevel,
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStatus,
    DocumentDuty,
    Duty,
    Membership,
    School,
    User,
)
from ..models.org import PATH_STEP
from ..permissions import model_perm
from ..rulebook import rule

INCOMPATIBLE_DUTIES_RULE = "approval.incompatible_duties"


def ancestor_paths(path):
    """Paths of the node with `path` and of its ancestors, root first (no query)."""
    step = PATH_STEP + 1
    return [path[:i] for i in range(step, len(path) + 1, step)]


def approval_policy_for(school, kind):
    """The active policy for `kind` at the nearest node on `school`'s path (itself, its central
    school, the bureau …), with its steps; None when no node on the path has one."""
    return (
        ApprovalPolicy.objects.filter(kind=kind, is_active=True, school__path__in=school.ancestor_paths())
        .select_related("school")
        .prefetch_related("steps__role")
        .order_by("-school__depth")
        .first()
    )


def approval_level_node(school, level):
    """The node where the approver of a step at `level` must hold the role, seen from `school`."""
    if level == ApprovalLevel.SCHOOL:
        return school
    if level == ApprovalLevel.DISTRICT:
        return school.nearest("district")
    if level == ApprovalLevel.BUREAU:
        return school.nearest("bureau")
    return None


def _nearest_in(path, level, kinds_by_path):
    """Like approval_level_node, from a path and a {path: kind} map of its ancestors."""
    if level == ApprovalLevel.SCHOOL:
        return path
    for p in reversed(ancestor_paths(path)):
        if kinds_by_path.get(p) == level:
            return p
    return None


def incompatible_duty(duties, duty, school):
    """The first of `duties` that the rule book says one person may not hold together with
    `duty` on one document at `school`; None when they are compatible."""
    others = {d for d in duties if d != duty}
    if not others:
        return None
    for group in rule(INCOMPATIBLE_DUTIES_RULE, school) or []:
        if duty in group:
            for d in group:
                if d in others:
                    return d
    return None


def _duty_name(duty):
    return str(Duty(duty).label).lower() if duty in Duty.values else duty


def incompatibility_message(held, duty, person=None):
    """Why one person cannot take `duty` on a document where they already are the `held`."""
    names = {"held": _duty_name(held), "duty": _duty_name(duty), "person": person}
    if person is None:
        return _("You are the %(held)s of this document; the %(duty)s must be someone else.") % names
    return _("%(person)s is the %(held)s of this document; the %(duty)s must be someone else.") % names


def approval_decide_problem(user, request):
    """Why `user` may not decide the waiting step of `request` now, or None when they may.

    The one place the engine's rules for deciding live; the service calls it on the locked row,
    the pages call it to show or hide the decision form.
    """
    if request.status != ApprovalStatus.PENDING:
        return _("This request is already %(status)s; it cannot be decided again.") % {
            "status": request.get_status_display().lower()
        }
    step = request.current
    if step is None:
        return _("This request has no step waiting for a decision.")
    if user is None or not user.is_authenticated or not user.is_active:
        return _("Log in to decide.")
    if request.requester_id == user.pk:
        return _("Nobody decides their own request.")
    level_node = approval_level_node(request.school, step["level"])
    if level_node is None:
        return _("No %(level)s above %(school)s holds this step.") % {
            "level": ApprovalLevel(step["level"]).label,
            "school": request.school,
        }
    if step["role_code"] not in access.roles_at(user, request.school, exact_level_path=level_node.path):
        return _("This step is decided by the %(role)s of %(node)s.") % {
            "role": step["role_name"],
            "node": level_node,
        }
    held = list(DocumentDuty.objects.filter(request=request, user=user).values_list("duty", flat=True))
    clash = incompatible_duty(held, Duty.APPROVER, request.school)
    if clash:
        return incompatibility_message(clash, Duty.APPROVER)
    return None


def approval_can_decide(user, request):
    return approval_decide_problem(user, request) is None


def approval_deciders(request):
    """The people who may decide the waiting step (to tell them something waits)."""
    step = request.current
    if step is None:
        return User.objects.none()
    level_node = approval_level_node(request.school, step["level"])
    if level_node is None:
        return User.objects.none()
    user_ids = set(
        Membership.objects.filter(
            role__code=step["role_code"],
            school__path__in=level_node.ancestor_paths(),
            school__is_active=True,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )
    user_ids.discard(request.requester_id)
    if user_ids:
        duties = {}
        for uid, duty in DocumentDuty.objects.filter(request=request, user_id__in=user_ids).values_list(
            "user_id", "duty"
        ):
            duties.setdefault(uid, []).append(duty)
        for uid, held in duties.items():
            if incompatible_duty(held, Duty.APPROVER, request.school):
                user_ids.discard(uid)
    return User.objects.filter(pk__in=user_ids).order_by("pk")


def _inbox_ids(user):
    """Ids of the pending requests `user` may decide now, oldest first.

    The database narrows the candidates to pending requests whose waiting step asks for a role
    the user holds over the request's school; the exact level and duty checks then run on that
    short list only.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    mine = access.memberships(user)
    if not mine:
        return []
    cond = Q()
    for _sid, path, _rid, code in mine:
        cond |= Q(school__path__startswith=path, current_role_code=code)
    other_duty = DocumentDuty.objects.filter(request=OuterRef("pk"), user=user).exclude(duty=Duty.APPROVER)
    candidates = list(
        ApprovalRequest.objects.filter(cond, status=ApprovalStatus.PENDING)
        .exclude(requester=user)
        .annotate(has_other_duty=Exists(other_duty))
        .order_by("submitted_at", "pk")
        .values_list(
            "pk", "school_id", "school__path", "current_role_code", "current_level", "has_other_duty"
        )
    )
    if not candidates:
        return []
    kinds_by_path = {}
    if any(c[4] != ApprovalLevel.SCHOOL for c in candidates):
        wanted = {p for c in candidates for p in ancestor_paths(c[2])}
        kinds_by_path = dict(School.objects.filter(path__in=wanted).values_list("path", "kind"))
    roles_by_path = {}
    for _sid, path, _rid, code in mine:
        roles_by_path.setdefault(code, []).append(path)
    ids = []
    flagged = []
    for pk, school_id, path, role_code, level, has_other_duty in candidates:
        level_path = _nearest_in(path, level, kinds_by_path)
        if level_path is None:
            continue
        if not any(level_path.startswith(p) for p in roles_by_path.get(role_code, ())):
            continue
        if has_other_duty:
            flagged.append((pk, school_id))
        ids.append(pk)
    if flagged:
        # Rare: the user already holds another duty on the document; ask the rule book.
        held = {}
        for rid, duty in DocumentDuty.objects.filter(
            request_id__in=[f[0] for f in flagged], user=user
        ).values_list("request_id", "duty"):
            held.setdefault(rid, []).append(duty)
        schools = School.objects.in_bulk({f[1] for f in flagged})
        refused = {
            pk for pk, sid in flagged if incompatible_duty(held.get(pk, []), Duty.APPROVER, schools[sid])
        }
        ids = [pk for pk in ids if pk not in refused]
    return ids


def approval_inbox(user):
    """Pending requests waiting for a decision `user` may take now ("waiting for me")."""
    ids = _inbox_ids(user)
    if not ids:
        return ApprovalRequest.objects.none()
    return (
        ApprovalRequest.objects.filter(pk__in=ids)
        .select_related("school", "requester")
        .order_by("submitted_at", "pk")
    )


def approval_inbox_count(user):
    """How many requests wait for `user` (the badge in the top bar of every page)."""
    return len(_inbox_ids(user))


def _view_paths(user):
    """Paths of the membership nodes whose role lets the user read every request below them."""
    perm = model_perm(ApprovalRequest, "view")
    return [m[1] for m in access.memberships(user) if access.membership_grants(user, m, perm)]


def approval_requests_for(user):
    """Every request `user` may read: all requests where a role lets them read requests, plus
    the ones they take part in (their own, those they decided or hold a duty on, those waiting
    for them)."""
    if user is None or not user.is_authenticated:
        return ApprovalRequest.objects.none()
    qs = ApprovalRequest.objects.select_related("school", "requester")
    if user.is_superuser:
        return qs
    cond = Q(Exists(DocumentDuty.objects.filter(request=OuterRef("pk"), user=user)))
    for path in _view_paths(user):
        cond |= Q(school__path__startswith=path)
    waiting = _inbox_ids(user)
    if waiting:
        cond |= Q(pk__in=waiting)
    return qs.filter(cond)


def approval_can_view(user, request):
    """May `user` open this request (already known to be in a school they can see)?"""
    if user.is_superuser:
        return True
    if access.has_perm(user, model_perm(ApprovalRequest, "view"), request.school):
        return True
    if DocumentDuty.objects.filter(request=request, user=user).exists():
        return True
    return approval_can_decide(user, request)


def approval_request_for_document(document):
    """The latest approval request of a document (its approval status on the document's page)."""
    from django.contrib.contenttypes.models import ContentType

    return (
        ApprovalRequest.objects.filter(
            content_type=ContentType.objects.get_for_model(document.__class__), object_id=document.pk
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )


def approval_step_rows(request):
    """The request's steps for display: each with its level node and its decision, if any."""
    decisions = {d.step_index: d for d in request.decisions.select_related("actor")}
    nodes = {}
    rows = []
    for index, step in enumerate(request.steps):
        level = step["level"]
        if level not in nodes:
            nodes[level] = approval_level_node(request.school, level)
        decision = decisions.get(index)
        if decision is not None:
            state = decision.decision
        elif request.status == ApprovalStatus.PENDING and index == request.current_step:
            state = "waiting"
        else:
            state = ""
        rows.append(
            {
                "number": index + 1,
                "role_name": step["role_name"],
                "level": ApprovalLevel(level).label if level in ApprovalLevel.values else level,
                "node": nodes[level],
                "max_amount": step["max_amount"],
                "decision": decision,
                "state": state,
            }
        )
    return rows


def approval_policies_for(user):
    """Policies `user` may read: those of nodes they can see and those of the nodes above their
    memberships (the central school's or bureau's policy governs their school too)."""
    if user is None or not user.is_authenticated:
        return ApprovalPolicy.objects.none()
    qs = ApprovalPolicy.objects.select_related("school")
    if user.is_superuser:
        return qs
    above = {p for m in access.memberships(user) for p in ancestor_paths(m[1])}
    return qs.filter(Q(school_id__in=access.visible_school_ids(user)) | Q(school__path__in=above))


def approval_policies_at(user, scope):
    """The policies bearing on the active node: its own, those above it and those below it."""
    if scope is None:
        return ApprovalPolicy.objects.none()
    return approval_policies_for(user).filter(
        Q(school__path__in=scope.ancestor_paths()) | Q(school__path__startswith=scope.path)
    )
