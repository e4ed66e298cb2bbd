"""The approval engine's operations: set a policy, submit, decide, withdraw, record a duty.

Each is one transaction that checks its rules first, locks the request row where two people
could act at once, writes the change log, and tells the people concerned.
"""

from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..approvals import document_kind
from ..models import (
    ApprovalDecision,
    ApprovalLevel,
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStatus,
    ApprovalStep,
    ChangeAction,
    Decision,
    DocumentDuty,
    Duty,
    Role,
)
from ..selectors.approvals import (
    approval_decide_problem,
    approval_deciders,
    approval_level_node,
    approval_policy_for,
    incompatibility_message,
    incompatible_duty,
)
from .changelog import changelog_record, snapshot
from .notifications import notify
from .numbering import document_number_next

# Duties the engine records itself; other apps assign the rest (cashier, bookkeeper, receiver …).
ENGINE_DUTIES = {Duty.REQUESTER, Duty.APPROVER}
# What the amount columns hold (14 digits, 2 after the point).
MAX_AMOUNT = Decimal(10) ** 12


def _to_amount(value, field):
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    if amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Use at most two decimal places (yuan and fen).")})
    if amount >= MAX_AMOUNT:
        raise ValidationError({field: _("The amount is too large.")})
    return amount.quantize(Decimal("0.01"))


def _steps_repr(steps):
    """Steps as text for the change log: "1. Principal (The school itself) ≤ 20000.00"."""
    out = []
    for i, s in enumerate(steps, start=1):
        limit = f" ≤ {s['max_amount']}" if s["max_amount"] is not None else ""
        out.append(f"{i}. {s['role_name']} ({ApprovalLevel(s['level']).label}){limit}")
    return out


def _policy_steps(policy):
    return [
        {
            "role_code": step.role.code,
            "role_name": step.role.name,
            "level": step.level,
            "max_amount": str(step.max_amount) if step.max_amount is not None else None,
        }
        for step in policy.steps.all()
    ]


def approval_policy_set(*, actor, school, kind, steps, name="", is_active=True):
    """Give node `school` its own policy for `kind` (replacing the steps it had).

    `steps` is an ordered list of {"role": Role or role code, "level": "school"|"district"|"bureau",
    "max_amount": Decimal or None}. A request ends at the first step whose limit covers its
    amount, so only the last step may have no limit and the limits must rise.
    """
    if actor is not None and not access.has_perm(actor, "core.manage_approval_policies", school):
        raise PermissionDenied(_("You may not edit approval policies here."))
    errors = {}
    if document_kind(kind) is None:
        errors["kind"] = _("Unknown document kind.")
    steps = list(steps or [])
    if not steps:
        errors["steps"] = _("A policy needs at least one step.")
    cleaned = []
    step_errors = []
    codes = {s["role"] for s in steps if isinstance(s.get("role"), str)}
    roles_by_code = Role.objects.in_bulk(codes, field_name="code") if codes else {}
    previous = None
    for number, raw in enumerate(steps, start=1):
        role = raw.get("role")
        if isinstance(role, str):
            role = roles_by_code.get(role)
        if not isinstance(role, Role) or role.pk is None:
            step_errors.append(_("Step %(n)s: unknown role.") % {"n": number})
            continue
        level = raw.get("level") or ApprovalLevel.SCHOOL
        if level not in ApprovalLevel.values:
            step_errors.append(_("Step %(n)s: unknown level.") % {"n": number})
            continue
        try:
            limit = _to_amount(raw.get("max_amount"), "steps")
        except ValidationError:
            step_errors.append(_("Step %(n)s: the limit must be a positive number.") % {"n": number})
            continue
        if limit is None and number < len(steps):
            step_errors.append(
                _(
                    "Step %(n)s: only the last step may have no limit; the steps after it would never be reached."
                )
                % {"n": number}
            )
        elif limit is not None and previous is not None and limit <= previous:
            step_errors.append(
                _("Step %(n)s: its limit must be higher than the limit of the step before.") % {"n": number}
            )
        if limit is not None:
            previous = limit
        cleaned.append(ApprovalStep(order=number, role=role, level=level, max_amount=limit))
    if step_errors:
        errors["steps"] = step_errors
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            policy = (
                ApprovalPolicy.objects.select_for_update(of=("self",))
                .filter(school=school, kind=kind)
                .first()
            )
            created = policy is None
            if created:
                policy = ApprovalPolicy.objects.create(
                    school=school, kind=kind, name=name, is_active=is_active
                )
                before = None
            else:
                before = {**snapshot(policy), "steps": _steps_repr(_policy_steps(policy))}
                policy.name = name
                policy.is_active = is_active
                policy.save()
                policy.steps.all().delete()
            for step in cleaned:
                step.policy = policy
            ApprovalStep.objects.bulk_create(cleaned)
            after = {**snapshot(policy), "steps": _steps_repr(_policy_steps(policy))}
            changelog_record(
                actor=actor,
                obj=policy,
                action=ChangeAction.CREATE if created else ChangeAction.UPDATE,
                before=before,
                after=after,
            )
    except IntegrityError:
        # Someone created the same node's policy at the same moment; theirs stands.
        raise ValidationError({"kind": _("A policy for this kind was just created here; edit it instead.")})
    return policy


def _copy_steps(policy, amount, requester, school):
    """The policy's steps this request goes through: up to the first whose limit covers it.

    Nobody approves their own request, so a step whose role the requester holds there is
    passed over and the request goes on to the next authority, even within that step's limit
    (a head of logistics' own 1,500 yuan request goes to the principal).
    """
    chosen = []
    for step in _policy_steps(policy):
        level_node = approval_level_node(school, step["level"])
        if level_node is not None and step["role_code"] in access.roles_at(
            requester, school, exact_level_path=level_node.path
        ):
            continue
        chosen.append(step)
        if amount is not None and (step["max_amount"] is None or Decimal(step["max_amount"]) >= amount):
            break
    return chosen


def _set_current(request):
    step = request.current
    request.current_role_code = step["role_code"] if step else ""
    request.current_level = step["level"] if step else ""


def _notify_deciders(request):
    step = request.current
    if step is None:
        return
    for user in approval_deciders(request):
        notify(
            user=user,
            title=_("Waiting for your approval: %(request)s") % {"request": request},
            body=_("%(requester)s asks: %(title)s")
            % {"requester": request.requester, "title": request.title},
            url=request.get_absolute_url(),
            school=request.school,
        )


def approval_submit(*, actor, school, kind, title, amount=None, description="", document=None):
    """Put a document (or a general request) on its way through the policy in force at `school`.

    Without a document the actor needs core.submit_request at the school; with one, the app's
    own service has already decided who may submit its documents.
    """
    entry = document_kind(kind)
    if entry is None:
        raise ValidationError({"kind": _("Unknown document kind.")})
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("A request needs a requester."))
    if document is None and not access.has_perm(actor, "core.submit_request", school):
        raise PermissionDenied(_("You may not submit requests here."))
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("This field is required.")
    try:
        amount = _to_amount(amount, "amount")
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if document is not None:
        if document.pk is None:
            errors["document"] = _("The document must be saved first.")
        elif getattr(document, "school_id", school.pk) != school.pk:
            errors["document"] = _("The document belongs to another school.")
    if errors:
        raise ValidationError(errors)
    policy = approval_policy_for(school, kind)
    if policy is None:
        raise ValidationError(
            {
                "kind": _("No approval policy for %(kind)s is set for %(school)s or above it.")
                % {"kind": entry.label, "school": school}
            }
        )
    steps = _copy_steps(policy, amount, actor, school)
    if not steps:
        raise ValidationError(
            {"kind": _("The approval policy in force has no step that someone other than you can decide.")}
        )
    for step in steps:
        if approval_level_node(school, step["level"]) is None:
            raise ValidationError(
                {
                    "kind": _(
                        "The policy sends this request to the %(level)s, but %(school)s has none above it."
                    )
                    % {"level": ApprovalLevel(step["level"]).label, "school": school}
                }
            )
    content_type = ContentType.objects.get_for_model(document.__class__) if document is not None else None
    with transaction.atomic():
        if document is not None:
            # One request at a time per document: lock its pending requests while checking.
            pending = ApprovalRequest.objects.select_for_update().filter(
                content_type=content_type, object_id=document.pk, status=ApprovalStatus.PENDING
            )
            if pending.exists():
                raise ValidationError({"document": _("This document is already waiting for approval.")})
        request = ApprovalRequest(
            school=school,
            kind=kind,
            number=document_number_next(school=school, prefix=entry.number_prefix),
            title=title,
            description=(description or "").strip(),
            amount=amount,
            content_type=content_type,
            object_id=document.pk if document is not None else None,
            requester=actor,
            steps=steps,
            current_step=0,
            status=ApprovalStatus.PENDING,
        )
        _set_current(request)
        request.save()
        DocumentDuty.objects.create(request=request, duty=Duty.REQUESTER, user=actor)
        changelog_record(actor=actor, obj=request, action=ChangeAction.CREATE)
        _notify_deciders(request)
    return request


def approval_decide(*, actor, request, decision, comment="", step_index=None):
    """Approve or reject the waiting step of `request` as `actor`.

    The row is locked, so two approvers (or one double click) cannot decide a step twice; with
    `step_index` (the step the actor was looking at) a late click never lands on the next step.
    A rejection ends the request; the last approval approves it. The kind's callback runs in
    this transaction.
    """
    comment = (comment or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose approve or reject.")})
    if decision == Decision.REJECT and not comment:
        raise ValidationError({"comment": _("Say why the request is rejected.")})
    with transaction.atomic():
        locked = (
            ApprovalRequest.objects.select_for_update(of=("self",))
            .select_related("school", "requester")
            .get(pk=request.pk)
        )
        if (
            step_index is not None
            and locked.status == ApprovalStatus.PENDING
            and int(step_index) != locked.current_step
        ):
            problem = _("This step was already decided; the request has moved on.")
        else:
            problem = approval_decide_problem(actor, locked)
        if problem is not None:
            raise ValidationError({NON_FIELD_ERRORS: problem})
        before = snapshot(locked)
        step = locked.current
        index = locked.current_step
        try:
            with transaction.atomic():
                ApprovalDecision.objects.create(
                    request=locked,
                    step_index=index,
                    role_code=step["role_code"],
                    actor=actor,
                    decision=decision,
                    comment=comment,
                )
        except IntegrityError:
            raise ValidationError({NON_FIELD_ERRORS: _("This step was already decided.")}) from None
        DocumentDuty.objects.get_or_create(request=locked, duty=Duty.APPROVER, user=actor)
        now = timezone.now()
        if decision == Decision.REJECT:
            locked.status = ApprovalStatus.REJECTED
            locked.decided_at = now
        elif index + 1 >= len(locked.steps):
            locked.status = ApprovalStatus.APPROVED
            locked.decided_at = now
        else:
            locked.current_step = index + 1
        _set_current(locked)
        locked.save()
        after = {
            **snapshot(locked),
            "decision": f"{index + 1}. {step['role_name']}: {Decision(decision).label}"
            + (f" — {comment}" if comment else ""),
        }
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before, after=after)
        entry = document_kind(locked.kind)
        if locked.status == ApprovalStatus.APPROVED:
            if entry is not None and entry.on_approved is not None:
                entry.on_approved(locked)
            notify(
                user=locked.requester,
                title=_("Approved: %(request)s") % {"request": locked},
                body=comment,
                url=locked.get_absolute_url(),
                school=locked.school,
            )
        elif locked.status == ApprovalStatus.REJECTED:
            if entry is not None and entry.on_rejected is not None:
                entry.on_rejected(locked)
            notify(
                user=locked.requester,
                title=_("Rejected: %(request)s") % {"request": locked},
                body=_("%(actor)s: %(comment)s") % {"actor": actor, "comment": comment},
                url=locked.get_absolute_url(),
                school=locked.school,
            )
        else:
            _notify_deciders(locked)
    return locked


def approval_withdraw(*, actor, request):
    """The requester takes back a request that is still waiting."""
    with transaction.atomic():
        locked = (
            ApprovalRequest.objects.select_for_update(of=("self",))
            .select_related("school")
            .get(pk=request.pk)
        )
        if actor is None or locked.requester_id != actor.pk:
            raise ValidationError({NON_FIELD_ERRORS: _("Only the requester can withdraw a request.")})
        if locked.status != ApprovalStatus.PENDING:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _("This request is already %(status)s; it cannot be withdrawn.")
                    % {"status": locked.get_status_display().lower()}
                }
            )
        before = snapshot(locked)
        locked.status = ApprovalStatus.WITHDRAWN
        locked.decided_at = timezone.now()
        _set_current(locked)
        locked.save()
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before)
        entry = document_kind(locked.kind)
        if entry is not None and entry.on_withdrawn is not None:
            entry.on_withdrawn(locked)
    return locked


def approval_assign_duty(*, actor, request, duty, user):
    """Record that `user` performs `duty` (cashier, bookkeeper, buyer …) on the document.

    Refused when the rule book says the person already holds a duty on this document that
    excludes this one. The calling app's service decides who may assign duties.
    """
    if duty not in Duty.values:
        raise ValidationError({"duty": _("Unknown duty.")})
    if duty in ENGINE_DUTIES:
        raise ValidationError({"duty": _("Requesters and approvers are recorded by the approval itself.")})
    if user is None or not user.is_active:
        raise ValidationError({"user": _("Choose an active person.")})
    with transaction.atomic():
        locked = (
            ApprovalRequest.objects.select_for_update(of=("self",))
            .select_related("school")
            .get(pk=request.pk)
        )
        held = list(DocumentDuty.objects.filter(request=locked, user=user).values_list("duty", flat=True))
        if duty in held:
            return DocumentDuty.objects.get(request=locked, user=user, duty=duty)
        clash = incompatible_duty(held, duty, locked.school)
        if clash:
            raise ValidationError({"user": incompatibility_message(clash, duty, person=user)})
        before = _duties_repr(locked)
        row = DocumentDuty.objects.create(request=locked, duty=duty, user=user)
        changelog_record(
            actor=actor,
            obj=locked,
            action=ChangeAction.UPDATE,
            before={"duties": before},
            after={"duties": _duties_repr(locked)},
        )
    return row


def _duties_repr(request):
    return [
        f"{Duty(d.duty).label}: {d.user}"
        for d in DocumentDuty.objects.filter(request=request).select_related("user").order_by("pk")
    ]
