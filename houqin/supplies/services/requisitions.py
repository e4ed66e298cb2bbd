"""Requisitions (领用): ask, approve above the threshold, issue (partly or fully), sign for.

A teacher or a department asks for supplies in a draft and submits it. Its estimated value
(quantity × the store's average cost) above the rule book's threshold sends it through the
approval engine; up to the threshold it is ready to issue at once. The storekeeper issues
against it (all of it or part, from one store, in one transaction); the receiver — the
requester, or the class head when it is for a class — signs for what was issued, which closes it.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import access
from houqin.core.models import ApprovalStatus, ChangeAction, Department, Membership, Room
from houqin.core.rulebook import rule
from houqin.core.services.approvals import approval_submit
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.notifications import notify
from houqin.core.services.numbering import document_number_next

from ..approvals import REQUISITION_KIND
from ..choices import ISSUABLE_REQUISITION, RequisitionStatus
from ..exceptions import _number
from ..models import Item, Requisition, RequisitionLine, Store
from ..permissions import ISSUE
from ..rules import REQUISITION_APPROVAL_THRESHOLD
from ..selectors import average_cost, requisition_lines
from .stock import balances_lock, quantity_value, stock_issue

NUMBER_PREFIX = "LY"
ADD = "supplies.add_requisition"
CHANGE = "supplies.change_requisition"
CENT = Decimal("0.01")


def _lines_repr(lines):
    return [f"{line.item} × {_number(line.quantity)}{line.item.unit}" for line in lines]


def _snapshot(requisition, lines=None):
    lines = lines if lines is not None else list(requisition.lines.select_related("item").order_by("pk"))
    return {**snapshot(requisition), "lines": _lines_repr(lines)}


def _clean_lines(school, lines):
    """[RequisitionLine] (unsaved) from [{"item", "quantity", "note"}]; errors keyed "lines"."""
    cleaned, problems, seen = [], [], set()
    for number, raw in enumerate(lines or [], start=1):
        item = raw.get("item")
        if not isinstance(item, Item) or item.pk is None or item.school_id != school.pk:
            problems.append(_("Line %(n)s: choose an item of %(school)s.") % {"n": number, "school": school})
            continue
        if not item.is_active:
            problems.append(_("Line %(n)s: %(item)s is no longer in use.") % {"n": number, "item": item})
            continue
        if item.pk in seen:
            problems.append(_("Line %(n)s: %(item)s is asked for twice.") % {"n": number, "item": item})
            continue
        seen.add(item.pk)
        try:
            quantity = quantity_value(raw.get("quantity"))
        except ValidationError as exc:
            problems.append(
                _("Line %(n)s: %(error)s") % {"n": number, "error": " ".join(exc.message_dict["quantity"])}
            )
            continue
        note = (raw.get("note") or "").strip()[:100]
        cleaned.append(RequisitionLine(item=item, quantity=quantity, note=note))
    if not cleaned and not problems:
        problems.append(_("Ask for at least one item."))
    return cleaned, problems


def _default_department(user, school, room):
    if room is not None and room.department_id:
        return room.department
    membership = (
        Membership.objects.filter(user=user, school=school, department__isnull=False)
        .select_related("department")
        .first()
    )
    return membership.department if membership else None


def _check_parts(school, department, room, errors):
    if department is not None and (
        not isinstance(department, Department) or department.school_id != school.pk
    ):
        errors["department"] = _("%(obj)s belongs to another school.") % {"obj": department}
    if room is not None and (not isinstance(room, Room) or room.school_id != school.pk):
        errors["room"] = _("%(obj)s belongs to another school.") % {"obj": room}


def _receiver(actor, room):
    """Who signs: the class head (the room's responsible person) for a class, else the requester."""
    if room is not None and room.responsible_id:
        return room.responsible
    return actor


def requisition_create(*, actor, school, purpose, lines, department=None, room=None) -> Requisition:
    """A draft requisition of `actor` at `school` (needs supplies.add_requisition there)."""
    if actor is None or not access.has_perm(actor, ADD, school):
        raise PermissionDenied(_("You may not ask for supplies at %(school)s.") % {"school": school})
    errors = {}
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = _("Say what the supplies are for.")
    elif len(purpose) > 200:
        errors["purpose"] = _("At most %(n)s characters.") % {"n": 200}
    _check_parts(school, department, room, errors)
    cleaned, problems = _clean_lines(school, lines)
    if problems:
        errors["lines"] = problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        requisition = Requisition.objects.create(
            school=school,
            number=document_number_next(school=school, prefix=NUMBER_PREFIX),
            purpose=purpose,
            requester=actor,
            department=department or _default_department(actor, school, room),
            room=room,
            receiver=_receiver(actor, room),
        )
        for line in cleaned:
            line.requisition = requisition
        RequisitionLine.objects.bulk_create(cleaned)
        changelog_record(
            actor=actor, obj=requisition, action=ChangeAction.CREATE, after=_snapshot(requisition, cleaned)
        )
    return requisition


# Everything a requisition's change-log snapshot names, read with the row (not one query each).
SNAPSHOT_RELATED = (
    "school",
    "requester",
    "department",
    "room__building",
    "receiver",
    "approval",
    "issued_by",
    "confirmed_by",
)


def _lock(requisition):
    return (
        Requisition.objects.select_for_update(of=("self",))
        .select_related(*SNAPSHOT_RELATED)
        .get(pk=requisition.pk)
    )


def _may_edit(actor, requisition):
    return actor is not None and (
        actor.pk == requisition.requester_id or access.has_perm(actor, CHANGE, requisition.school)
    )


def requisition_update(*, actor, requisition, purpose, lines, department=None, room=None) -> Requisition:
    """Change a draft (its requester, or someone who may change requisitions)."""
    school = requisition.school
    if not _may_edit(actor, requisition):
        raise PermissionDenied(_("Only the requester changes a requisition."))
    errors = {}
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = _("Say what the supplies are for.")
    _check_parts(school, department, room, errors)
    cleaned, problems = _clean_lines(school, lines)
    if problems:
        errors["lines"] = problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(requisition)
        if locked.status != RequisitionStatus.DRAFT:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _("Only a draft can be changed; this one is %(status)s.")
                    % {"status": locked.get_status_display()}
                }
            )
        before = _snapshot(locked)
        locked.purpose = purpose
        locked.department = department or _default_department(locked.requester, school, room)
        locked.room = room
        locked.receiver = _receiver(locked.requester, room)
        locked.save()
        locked.lines.all().delete()
        for line in cleaned:
            line.requisition = locked
        RequisitionLine.objects.bulk_create(cleaned)
        changelog_record(
            actor=actor,
            obj=locked,
            action=ChangeAction.UPDATE,
            before=before,
            after=_snapshot(locked, cleaned),
        )
    return locked


def requisition_estimate(requisition):
    """The requisition's value at the school's average costs (reference prices where none is in
    stock), to the cent."""
    total = Decimal("0")
    for line in requisition.lines.select_related("item"):
        cost = average_cost(item=line.item) or Decimal("0")
        total += line.quantity * cost
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def _tell_keepers(requisition, title):
    from .alerts import alert_recipients

    for user in alert_recipients(requisition.school):
        if user.pk != requisition.requester_id:
            notify(user=user, title=title, url=requisition.get_absolute_url(), school=requisition.school)


def requisition_submit(*, actor, requisition) -> Requisition:
    """Send a draft on: through the approval engine above the threshold, else ready to issue."""
    if actor is None or actor.pk != requisition.requester_id:
        raise PermissionDenied(_("Only the requester submits a requisition."))
    school = requisition.school
    with transaction.atomic():
        locked = _lock(requisition)
        if locked.status != RequisitionStatus.DRAFT:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _("Only a draft can be submitted; this one is %(status)s.")
                    % {"status": locked.get_status_display()}
                }
            )
        if not locked.lines.exists():
            raise ValidationError({"lines": _("Ask for at least one item.")})
        before = _snapshot(locked)
        amount = requisition_estimate(locked)
        threshold = rule(REQUISITION_APPROVAL_THRESHOLD, school)
        now = timezone.now()
        locked.amount = amount
        locked.submitted_at = now
        locked.needs_approval = amount > threshold
        if locked.needs_approval:
            locked.save()
            approval = approval_submit(
                actor=actor,
                school=school,
                kind=REQUISITION_KIND,
                title=_("Requisition %(number)s: %(purpose)s")
                % {"number": locked.number, "purpose": locked.purpose},
                amount=amount,
                description="\n".join(_lines_repr(list(locked.lines.select_related("item")))),
                document=locked,
            )
            locked.approval = approval
            locked.status = RequisitionStatus.PENDING
        else:
            locked.status = RequisitionStatus.APPROVED
            locked.approved_at = now
        locked.save()
        changelog_record(
            actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before, after=_snapshot(locked)
        )
        if locked.status == RequisitionStatus.APPROVED:
            _tell_keepers(locked, _("Requisition to issue: %(requisition)s") % {"requisition": locked})
    return locked


def requisition_approval_decided(*, request, outcome):
    """The approval engine's callback, inside the decision's transaction."""
    if request.object_id is None:
        return
    locked = (
        Requisition.objects.select_for_update(of=("self",))
        .select_related(*SNAPSHOT_RELATED)
        .get(pk=request.object_id)
    )
    if locked.status != RequisitionStatus.PENDING:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("The requisition is no longer waiting for approval (%(status)s).")
                % {"status": locked.get_status_display()}
            }
        )
    before = _snapshot(locked)
    if outcome == "approved" and request.status == ApprovalStatus.APPROVED:
        locked.status = RequisitionStatus.APPROVED
        locked.approved_at = timezone.now()
    elif outcome == "rejected":
        locked.status = RequisitionStatus.REJECTED
    elif outcome == "withdrawn":
        # Back to the requester's desk: they may change it and submit again.
        locked.status = RequisitionStatus.DRAFT
        locked.submitted_at = None
    else:
        return
    locked.save()
    actor = request.decisions.order_by("-step_index").first()
    changelog_record(
        actor=actor.actor if actor is not None and outcome != "withdrawn" else locked.requester,
        obj=locked,
        action=ChangeAction.UPDATE,
        before=before,
        after=_snapshot(locked),
    )
    if locked.status == RequisitionStatus.APPROVED:
        _tell_keepers(locked, _("Requisition to issue: %(requisition)s") % {"requisition": locked})


def requisition_issue(*, actor, requisition, store, quantities, occurred_at=None):
    """Issue against an approved (or below-threshold) requisition from `store`: `quantities` is
    {line id: quantity} (0 or missing: nothing of that line now). All lines or none: a line the
    store cannot cover refuses the whole issue. Returns the movements."""
    school = requisition.school
    if actor is None or not access.has_perm(actor, ISSUE, school):
        raise PermissionDenied(_("You may not issue stock at %(school)s.") % {"school": school})
    errors = {}
    if not isinstance(store, Store) or store.school_id != school.pk:
        errors["store"] = _("Choose a store of %(school)s.") % {"school": school}
    wanted = {}
    for key, raw in (quantities or {}).items():
        if raw in (None, "") or str(raw).strip() in ("0", "0.0", "0.000"):
            continue
        try:
            wanted[int(key)] = quantity_value(raw)
        except ValidationError as exc:
            errors[f"line_{key}"] = exc.message_dict["quantity"]
        except (TypeError, ValueError):
            errors["quantities"] = _("Unknown line.")
    if not wanted and not errors:
        errors["quantities"] = _("Enter the quantity to issue of at least one line.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(requisition)
        if locked.status not in ISSUABLE_REQUISITION:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _("Nothing can be issued against a requisition that is %(status)s.")
                    % {"status": locked.get_status_display()}
                }
            )
        lines = {line.pk: line for line in requisition_lines(locked)}
        unknown = [k for k in wanted if k not in lines]
        if unknown:
            raise ValidationError({"quantities": _("Unknown line.")})
        for pk, quantity in wanted.items():
            line = lines[pk]
            if quantity > line.open:
                errors[f"line_{pk}"] = _("%(item)s: %(q)s asked to issue, only %(open)s still open.") % {
                    "item": line.item,
                    "q": _number(quantity),
                    "open": _number(line.open),
                }
        if errors:
            raise ValidationError(errors)
        before = _snapshot(locked)
        balances_lock(store=store, items=[lines[pk].item for pk in wanted])
        movements = [
            stock_issue(
                school=school,
                item=lines[pk].item,
                store=store,
                quantity=quantity,
                issued_to=locked.receiver,
                actor=actor,
                requisition=locked,
                department=locked.department,
                room=locked.room,
                reference=locked.number,
                occurred_at=occurred_at,
            )
            for pk, quantity in sorted(wanted.items())
        ]
        still_open = any(line.open - wanted.get(pk, 0) > 0 for pk, line in lines.items())
        locked.status = RequisitionStatus.PARTLY_ISSUED if still_open else RequisitionStatus.ISSUED
        locked.issued_at = movements[-1].occurred_at
        locked.issued_by = actor
        locked.save()
        changelog_record(
            actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before, after=_snapshot(locked)
        )
        notify(
            user=locked.receiver,
            title=_("Please sign for the supplies of %(requisition)s") % {"requisition": locked},
            url=locked.get_absolute_url(),
            school=school,
        )
    return movements


def requisition_confirm(*, actor, requisition) -> Requisition:
    """The receiver signs for what was issued (a timestamped signature); the requisition closes."""
    with transaction.atomic():
        locked = _lock(requisition)
        if actor is None or actor.pk != locked.receiver_id:
            raise PermissionDenied(
                _("Only %(receiver)s signs for this requisition.") % {"receiver": locked.receiver}
            )
        if locked.status not in (RequisitionStatus.PARTLY_ISSUED, RequisitionStatus.ISSUED):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _("There is nothing to sign for: the requisition is %(status)s.")
                    % {"status": locked.get_status_display()}
                }
            )
        before = _snapshot(locked)
        locked.status = RequisitionStatus.RECEIVED
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = actor
        locked.save()
        changelog_record(
            actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before, after=_snapshot(locked)
        )
    return locked


def requisition_cancel(*, actor, requisition, reason) -> Requisition:
    """Cancel a requisition nothing has been issued against (draft, ready, or rejected)."""
    if not _may_edit(actor, requisition):
        raise PermissionDenied(_("Only the requester cancels a requisition."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the requisition is cancelled.")})
    with transaction.atomic():
        locked = _lock(requisition)
        if locked.status not in (
            RequisitionStatus.DRAFT,
            RequisitionStatus.APPROVED,
            RequisitionStatus.REJECTED,
        ):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _("A requisition that is %(status)s cannot be cancelled.")
                    % {"status": locked.get_status_display()}
                }
            )
        before = _snapshot(locked)
        locked.status = RequisitionStatus.CANCELLED
        locked.cancel_reason = reason[:200]
        locked.save()
        changelog_record(
            actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before, after=_snapshot(locked)
        )
    return locked
