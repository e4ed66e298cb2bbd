"""Disposal of assets and transfer to another school of the district, through the approval engine.

Both follow the same path: the request checks every card, splits off the part of a batch that
goes, marks the cards as waiting, and submits an approval request (kinds "assets.disposal" and
"assets.transfer", registered in houqin.assets.approvals). The engine's decision calls back
into this module inside its own transaction: approved, the cards leave the books (a transfer
opens new cards at the receiving school); rejected or withdrawn, they go back to what they were.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core.models import ApprovalLevel, ApprovalRequest, ChangeAction, Membership, School, SchoolKind
from houqin.core.rulebook import rule
from houqin.core.selectors.approvals import approval_policy_for
from houqin.core.services.approvals import approval_policy_set, approval_submit
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.notifications import notify
from houqin.core.services.roles import roles_ensure_defaults

from .. import depreciation
from ..choices import (
    DISPOSABLE,
    TRANSFERABLE,
    AcquisitionMethod,
    AssetStatus,
    DisposalGround,
    DisposalMethod,
    DocumentStatus,
    EventKind,
)
from ..models import Asset, AssetCategory, Disposal, DisposalLine, Transfer, TransferLine
from ..permissions import DISPOSE, TRANSFER
from ..rules import DISPOSAL_VALUE_BASIS
from .assets import STARTS_MONTH_ACQUIRED
from .categories import category_traits
from .common import (
    copy_card,
    invalid,
    lock_assets,
    new_asset_number,
    record_event,
    require,
    state_of,
    take_part,
    to_money,
    to_quantity,
    today,
)

DISPOSAL_KIND = "assets.disposal"
TRANSFER_KIND = "assets.transfer"
DISPOSAL_BANDS = "assets.disposal_bands"
ALWAYS_TO_FINANCE = "assets.disposal_always_to_finance"
NEEDS_JUSTIFICATION = "assets.disposal_before_min_life_needs_justification"

# Who holds the in-system step of a band, by the level the rule book names. The finance bureau
# is outside the system: the bureau (or, without one, the central school) forwards the request
# and records the finance bureau's approval document on the disposal.
BAND_STEPS = {
    "school": ("principal", ApprovalLevel.SCHOOL),
    "district": ("district_supervisor", ApprovalLevel.DISTRICT),
    "bureau": ("district_supervisor", ApprovalLevel.BUREAU),
    "finance_bureau": ("district_supervisor", ApprovalLevel.BUREAU),
}


# ---------------------------------------------------------------------------------------------
# Policies


def disposal_policy_steps(school):
    """The steps of a disposal policy at `school`, from the rule book's bands
    (assets.disposal_bands): each band ends at the level that reviews it (or approves it, when
    nobody reviews). A level the tree lacks above `school` falls to the next one down, and
    consecutive steps of the same role and level become one."""
    has_bureau = school.nearest(SchoolKind.BUREAU) is not None
    has_district = school.nearest(SchoolKind.DISTRICT) is not None
    steps = []
    for band in rule(DISPOSAL_BANDS, school):
        who = band.get("review") or band.get("approver")
        if who not in BAND_STEPS:
            raise ValidationError(
                {
                    "kind": _("The rule book's disposal bands name an unknown approver: %(who)s.")
                    % {"who": who}
                }
            )
        role, level = BAND_STEPS[who]
        if level == ApprovalLevel.BUREAU and not has_bureau:
            level = ApprovalLevel.DISTRICT
        if level == ApprovalLevel.DISTRICT and not has_district:
            role, level = "principal", ApprovalLevel.SCHOOL
        limit = band.get("up_to")
        limit = Decimal(str(limit)).quantize(depreciation.CENT) if limit is not None else None
        if steps and (steps[-1]["role"], steps[-1]["level"]) == (role, level):
            steps[-1]["max_amount"] = limit
        else:
            steps.append({"role": role, "level": level, "max_amount": limit})
    if steps:
        steps[-1]["max_amount"] = None  # the last step takes whatever is left
    return steps


def _policy_node(school):
    return school.nearest(SchoolKind.DISTRICT) or school


def disposal_policy_ensure(*, school, actor=None):
    """The disposal policy in force at `school`; when no node above it has one, a policy made
    from the rule book's bands is set at its central school (for all its schools). Administrators
    change it on the approval policy pages like any other."""
    policy = approval_policy_for(school, DISPOSAL_KIND)
    if policy is not None:
        return policy
    roles_ensure_defaults()
    node = _policy_node(school)
    return approval_policy_set(
        actor=actor,
        school=node,
        kind=DISPOSAL_KIND,
        name=_("Disposal of assets (rule-book bands)"),
        steps=disposal_policy_steps(node),
    )


def transfer_policy_ensure(*, school, actor=None):
    """The transfer policy in force at `school`; by default the central school's supervisor
    decides on moving property between its schools (set at the central school)."""
    policy = approval_policy_for(school, TRANSFER_KIND)
    if policy is not None:
        return policy
    roles_ensure_defaults()
    node = _policy_node(school)
    level = ApprovalLevel.DISTRICT if node.kind == SchoolKind.DISTRICT else ApprovalLevel.SCHOOL
    role = "district_supervisor" if level == ApprovalLevel.DISTRICT else "principal"
    return approval_policy_set(
        actor=actor,
        school=node,
        kind=TRANSFER_KIND,
        name=_("Transfer of assets between schools"),
        steps=[{"role": role, "level": level, "max_amount": None}],
    )


# ---------------------------------------------------------------------------------------------
# Shared checks of the lines


def _clean_lines(lines, school, allowed, errors, verb):
    """[(asset, quantity)] checked: the school's cards, each once, in a state that allows it."""
    out = []
    seen = set()
    messages = []
    for asset, quantity in lines or ():
        if not isinstance(asset, Asset):
            messages.append(_("Choose the assets."))
            continue
        if asset.school_id != school.pk:
            messages.append(_("%(asset)s belongs to another school.") % {"asset": asset})
            continue
        if asset.pk in seen:
            messages.append(_("%(asset)s is listed twice.") % {"asset": asset})
            continue
        seen.add(asset.pk)
        line_errors = {}
        number = to_quantity(
            asset.quantity if quantity in (None, "") else quantity, "q", line_errors, most=asset.quantity
        )
        if line_errors:
            messages.append(f"{asset}: {line_errors['q']}")
            continue
        problem = _state_problem(asset, allowed, verb)
        if problem:
            messages.append(problem)
            continue
        out.append((asset, number))
    if not out and not messages:
        messages.append(_("Choose at least one asset."))
    if messages:
        errors["lines"] = messages
    return out


def _state_problem(asset, allowed, verb):
    if asset.status in allowed:
        return None
    if asset.status == AssetStatus.ON_LOAN:
        return _("%(asset)s is on loan; it can be %(verb)s once it is back.") % {"asset": asset, "verb": verb}
    if asset.status == AssetStatus.AWAITING_DISPOSAL:
        return _("%(asset)s is already awaiting disposal.") % {"asset": asset}
    if asset.status == AssetStatus.AWAITING_TRANSFER:
        return _("%(asset)s is already awaiting a transfer.") % {"asset": asset}
    return _("%(asset)s is %(status)s; it cannot be %(verb)s.") % {
        "asset": asset,
        "status": asset.get_status_display().lower(),
        "verb": verb,
    }


def _take_lines(lines, *, actor, allowed, verb):
    """Lock the cards, check them again under the lock, split off partial quantities; returns
    [(card that goes, its status before)]."""
    locked = lock_assets([a for a, _q in lines])
    taken = []
    for asset, quantity in lines:
        card = locked[asset.pk]
        problem = _state_problem(card, allowed, verb)
        if problem:
            raise invalid("lines", problem)
        if quantity > card.quantity:
            raise invalid(
                "lines",
                _("%(asset)s: only %(most)s are on this card.") % {"asset": card, "most": card.quantity},
            )
        part = take_part(card, quantity, actor=actor)
        taken.append((part, part.status))
    return taken


def _set_status(asset, status, *, actor, kind, fields=None, **event_fields):
    """Put a locked card in `status` (and set `fields`), with its event and change-log entry."""
    before_snapshot = snapshot(asset)
    before = state_of(asset)
    asset.status = status
    for name, value in (fields or {}).items():
        setattr(asset, name, value)
    asset.save(update_fields=["status", *(fields or {}), "updated_at"])
    record_event(asset=asset, kind=kind, actor=actor, before=before, **event_fields)
    changelog_record(actor=actor, obj=asset, action=ChangeAction.UPDATE, before=before_snapshot)


def below_min_life(asset, on):
    """Has the card not reached its depreciation life (its minimum life) on `on`?"""
    if not asset.depreciation_months or asset.depreciation_start is None:
        return False
    return depreciation.months_between(asset.depreciation_start, depreciation.add_months(on, 1)) < (
        asset.depreciation_months
    )


def disposal_warnings(assets, on=None):
    """Messages for cards not yet at their minimum life (shown before a disposal is requested)."""
    on = on or today()
    out = []
    for asset in assets:
        if below_min_life(asset, on):
            used = max(
                0, depreciation.months_between(asset.depreciation_start, depreciation.add_months(on, 1))
            )
            out.append(
                _("%(asset)s has been in use %(used)s of its %(life)s months.")
                % {"asset": asset, "used": used, "life": asset.depreciation_months}
            )
    return out


def _decider(request):
    last = request.decisions.select_related("actor").order_by("-step_index").first()
    return last.actor if last is not None else None


# ---------------------------------------------------------------------------------------------
# Disposal


def _lost_message(asset):
    return _("%(asset)s is lost: its disposal is a write-off.") % {"asset": asset}


def disposal_request(
    *, actor, school, method, ground, reason, lines, justification="", appraisal="", proceeds=None
):
    """Ask to dispose of cards of `school`: lines are (asset, quantity), the quantity of a batch
    may be part of it. Returns the Disposal, already submitted for approval.

    Refused, with nothing changed: a card on loan, awaiting a decision or off the books, another
    school's card, a lost card other than by write-off, and — where the rule book asks for it
    — a card younger than its minimum life without a reason (`justification`). The approval
    request carries the value the rule book routes on (original or net book value), or none
    when a card is of a kind the finance bureau always decides (buildings, vehicles …): the
    request then goes through every step of the policy.
    """
    require(actor, DISPOSE, school)
    errors = {}
    if method not in DisposalMethod.values:
        errors["method"] = _("Choose how the assets are disposed of.")
    if ground not in DisposalGround.values:
        errors["ground"] = _("Choose the ground.")
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Explain the disposal.")
    proceeds = to_money(proceeds, "proceeds", errors, required=False)
    cleaned = _clean_lines(lines, school, DISPOSABLE, errors, _("disposed of"))
    for asset, _quantity in cleaned:
        if asset.status == AssetStatus.LOST and method != DisposalMethod.WRITE_OFF:
            errors.setdefault("method", _lost_message(asset))
    young = [a for a, _q in cleaned if below_min_life(a, today())]
    justification = (justification or "").strip()
    if young and rule(NEEDS_JUSTIFICATION, school) and not justification:
        errors["justification"] = _(
            "These assets have not reached their minimum life; say why they go now: %(assets)s"
        ) % {"assets": "; ".join(disposal_warnings(young))}
    if errors:
        raise ValidationError(errors)
    basis = rule(DISPOSAL_VALUE_BASIS, school)
    always = rule(ALWAYS_TO_FINANCE, school)
    with transaction.atomic():
        taken = _take_lines(cleaned, actor=actor, allowed=DISPOSABLE, verb=_("disposed of"))
        for card, status_before in taken:
            # Checked again on the locked card: it may have been reported lost meanwhile.
            if status_before == AssetStatus.LOST and method != DisposalMethod.WRITE_OFF:
                raise invalid("method", _lost_message(card))
        day = today()
        disposal = Disposal(
            school=school,
            method=method,
            ground=ground,
            reason=reason,
            justification=justification,
            appraisal=(appraisal or "").strip(),
            requested_by=actor,
            proceeds=proceeds,
            value_basis=basis,
        )
        disposal.save()
        rows = []
        for card, status_before in taken:
            young_card = below_min_life(card, day)
            rows.append(
                DisposalLine(
                    disposal=disposal,
                    asset=card,
                    quantity=card.quantity,
                    original_value=card.amount,
                    book_value=card.net_book_value(day),
                    status_before=status_before,
                    before_min_life=young_card,
                )
            )
            disposal.before_min_life |= young_card
            disposal.always_to_finance |= category_traits(card.category).matches(always)
        DisposalLine.objects.bulk_create(rows)
        disposal.original_value = sum((r.original_value for r in rows), Decimal("0.00"))
        disposal.book_value = sum((r.book_value for r in rows), Decimal("0.00"))
        for card, _status in taken:
            _set_status(
                card,
                AssetStatus.AWAITING_DISPOSAL,
                actor=actor,
                kind=EventKind.DISPOSAL_REQUEST,
                disposal=disposal,
                note=disposal.get_method_display(),
            )
        disposal_policy_ensure(school=school)
        routed = disposal.original_value if basis == "original_value" else disposal.book_value
        description = _(
            "%(method)s, %(ground)s. Original value %(original)s yuan, net book value %(book)s yuan."
        ) % {
            "method": disposal.get_method_display(),
            "ground": disposal.get_ground_display(),
            "original": disposal.original_value,
            "book": disposal.book_value,
        }
        if disposal.always_to_finance:
            description += " " + _("Includes assets whose disposal the finance bureau always decides.")
        request = approval_submit(
            actor=actor,
            school=school,
            kind=DISPOSAL_KIND,
            title=_("%(method)s of %(n)s asset card(s)")
            % {"method": disposal.get_method_display(), "n": len(rows)},
            amount=None if disposal.always_to_finance else routed,
            description=f"{description}\n{reason}",
            document=disposal,
        )
        disposal.number = request.number
        disposal.approval_request = request
        disposal.save()
        changelog_record(actor=actor, obj=disposal, action=ChangeAction.CREATE)
    return disposal


def disposal_approved(request: ApprovalRequest):
    """The engine approved the disposal: its cards leave the books today — disposed, their
    depreciation stopped (the rule book says whether this month still counts) — in the
    approval's transaction."""
    disposal = Disposal.objects.select_for_update().select_related("school").get(pk=request.object_id)
    actor = _decider(request)
    day = today()
    starts = rule(STARTS_MONTH_ACQUIRED, disposal.school)
    before = snapshot(disposal)
    lines = list(disposal.lines.select_related("asset"))
    locked = lock_assets([line.asset for line in lines])
    for line in lines:
        card = locked[line.asset_id]
        if card.status != AssetStatus.AWAITING_DISPOSAL:
            raise invalid(None, _("%(asset)s is no longer awaiting disposal.") % {"asset": card})
        _set_status(
            card,
            AssetStatus.DISPOSED,
            actor=actor,
            kind=EventKind.DISPOSAL,
            fields={
                "disposed_on": day,
                "depreciation_end": depreciation.end_month(day, starts_month_acquired=starts),
            },
            disposal=disposal,
            amount=line.book_value,
            note=f"{disposal.number} {disposal.get_method_display()}",
        )
    disposal.status = DocumentStatus.APPROVED
    disposal.decided_at = timezone.now()
    disposal.save()
    changelog_record(actor=actor, obj=disposal, action=ChangeAction.UPDATE, before=before)


def _disposal_undone(request, status):
    disposal = Disposal.objects.select_for_update().select_related("school").get(pk=request.object_id)
    actor = _decider(request) if status == DocumentStatus.REJECTED else request.requester
    before = snapshot(disposal)
    lines = list(disposal.lines.select_related("asset"))
    locked = lock_assets([line.asset for line in lines])
    for line in lines:
        card = locked[line.asset_id]
        if card.status == AssetStatus.AWAITING_DISPOSAL:
            _set_status(
                card,
                line.status_before,
                actor=actor,
                kind=EventKind.DISPOSAL_CANCEL,
                disposal=disposal,
                note=f"{disposal.number} {DocumentStatus(status).label}",
            )
    disposal.status = status
    disposal.decided_at = timezone.now()
    disposal.save()
    changelog_record(actor=actor, obj=disposal, action=ChangeAction.UPDATE, before=before)


def disposal_rejected(request):
    _disposal_undone(request, DocumentStatus.REJECTED)


def disposal_withdrawn(request):
    _disposal_undone(request, DocumentStatus.WITHDRAWN)


def disposal_record_outcome(*, actor, disposal, approval_document_number="", proceeds=None):
    """After approval: the approving authority's document number (批复文号) and, for a sale, the
    proceeds paid to the treasury."""
    require(actor, DISPOSE, disposal.school)
    errors = {}
    proceeds = to_money(proceeds, "proceeds", errors, required=False)
    number = (approval_document_number or "").strip()
    if not number and proceeds is None:
        errors["approval_document_number"] = _("Enter the document number or the proceeds.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Disposal.objects.select_for_update().get(pk=disposal.pk)
        if locked.status != DocumentStatus.APPROVED:
            raise invalid(None, _("Only an approved disposal has an outcome to record."))
        before = snapshot(locked)
        if number:
            locked.approval_document_number = number[:60]
        if proceeds is not None:
            locked.proceeds = proceeds
        locked.save()
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before)
    return locked


# ---------------------------------------------------------------------------------------------
# Transfer to another school of the district


def transfer_target_problem(school, to_school):
    """Why `to_school` cannot receive assets from `school`, or None."""
    if not isinstance(to_school, School):
        return _("Choose the receiving school.")
    if to_school.pk == school.pk:
        return _("Choose another school.")
    district = school.nearest(SchoolKind.DISTRICT)
    if (
        district is None
        or to_school.kind not in (SchoolKind.SCHOOL, SchoolKind.TEACHING_POINT, SchoolKind.DISTRICT)
        or not to_school.is_active
        or to_school.nearest(SchoolKind.DISTRICT) != district
    ):
        return _("%(school)s is not a school of the same central school.") % {"school": to_school}
    return None


def transfer_request(*, actor, school, to_school, lines, reason):
    """Ask to transfer cards of `school` to another school of the same district (调拨); lines
    are (asset, quantity). Returns the Transfer, submitted for approval."""
    require(actor, TRANSFER, school)
    errors = {}
    problem = transfer_target_problem(school, to_school)
    if problem:
        errors["to_school"] = problem
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the assets move.")
    cleaned = _clean_lines(lines, school, TRANSFERABLE, errors, _("transferred"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        taken = _take_lines(cleaned, actor=actor, allowed=TRANSFERABLE, verb=_("transferred"))
        day = today()
        transfer = Transfer(school=school, to_school=to_school, reason=reason, requested_by=actor)
        transfer.save()
        rows = [
            TransferLine(
                transfer=transfer,
                asset=card,
                quantity=card.quantity,
                original_value=card.amount,
                book_value=card.net_book_value(day),
                status_before=status_before,
            )
            for card, status_before in taken
        ]
        TransferLine.objects.bulk_create(rows)
        transfer.original_value = sum((r.original_value for r in rows), Decimal("0.00"))
        transfer.book_value = sum((r.book_value for r in rows), Decimal("0.00"))
        for card, _status in taken:
            _set_status(
                card,
                AssetStatus.AWAITING_TRANSFER,
                actor=actor,
                kind=EventKind.TRANSFER_REQUEST,
                transfer=transfer,
                note=str(to_school),
            )
        transfer_policy_ensure(school=school)
        request = approval_submit(
            actor=actor,
            school=school,
            kind=TRANSFER_KIND,
            title=_("Transfer of %(n)s asset card(s) to %(school)s") % {"n": len(rows), "school": to_school},
            amount=transfer.original_value,
            description=reason,
            document=transfer,
        )
        transfer.number = request.number
        transfer.approval_request = request
        transfer.save()
        changelog_record(actor=actor, obj=transfer, action=ChangeAction.CREATE)
    return transfer


def _category_at(category, school):
    """The class a card keeps at the receiving school: its own, or the nearest class above it
    that the receiving school can use (a sending school's own sub-category is not)."""
    node = category
    while node is not None and not AssetCategory.objects.available_to(school).filter(pk=node.pk).exists():
        node = node.parent
    return node or category


def transfer_approved(request: ApprovalRequest):
    """The engine approved the transfer: each card leaves this school's books and a card with the
    same value and depreciation opens at the receiving school (idle, until it is given a room),
    the two linked by their events."""
    transfer = (
        Transfer.objects.select_for_update().select_related("school", "to_school").get(pk=request.object_id)
    )
    actor = _decider(request)
    day = today()
    target = transfer.to_school
    starts = rule(STARTS_MONTH_ACQUIRED, transfer.school)
    before = snapshot(transfer)
    lines = list(transfer.lines.select_related("asset"))
    locked = lock_assets([line.asset for line in lines])
    for line in lines:
        card = locked[line.asset_id]
        if card.status != AssetStatus.AWAITING_TRANSFER:
            raise invalid(None, _("%(asset)s is no longer awaiting the transfer.") % {"asset": card})
        new = copy_card(
            card,
            school=target,
            code=new_asset_number(target),
            category=_category_at(card.category, target),
            room=None,
            department=None,
            custodian=None,
            used_by=None,
            status=AssetStatus.IDLE,
            acquisition_method=AcquisitionMethod.TRANSFER,
            created_by=actor,
        )
        new.save()
        record_event(
            asset=new,
            kind=EventKind.TRANSFER_IN,
            actor=actor,
            occurred_on=day,
            transfer=transfer,
            related_asset=card,
            amount=new.amount,
            note=_("From %(school)s, card %(code)s") % {"school": transfer.school, "code": card.code},
        )
        changelog_record(actor=actor, obj=new, action=ChangeAction.CREATE)
        _set_status(
            card,
            AssetStatus.TRANSFERRED,
            actor=actor,
            kind=EventKind.TRANSFER_OUT,
            fields={
                "disposed_on": day,
                "depreciation_end": depreciation.end_month(day, starts_month_acquired=starts),
            },
            transfer=transfer,
            related_asset=new,
            amount=line.book_value,
            note=_("To %(school)s, card %(code)s") % {"school": target, "code": new.code},
        )
        line.new_asset = new
        line.save(update_fields=["new_asset"])
    transfer.status = DocumentStatus.APPROVED
    transfer.decided_at = timezone.now()
    transfer.save()
    changelog_record(actor=actor, obj=transfer, action=ChangeAction.UPDATE, before=before)
    heads = Membership.objects.filter(
        school=target, role__code__in=("head_of_logistics", "storekeeper"), user__is_active=True
    ).select_related("user")
    for person in {m.user_id: m.user for m in heads}.values():
        notify(
            user=person,
            title=_("%(n)s asset card(s) transferred to %(school)s: %(number)s")
            % {"n": len(lines), "school": target, "number": transfer.number},
            body=_("They are idle until given a room."),
            url=transfer.get_absolute_url(),
            school=target,
        )


def _transfer_undone(request, status):
    transfer = Transfer.objects.select_for_update().get(pk=request.object_id)
    actor = _decider(request) if status == DocumentStatus.REJECTED else request.requester
    before = snapshot(transfer)
    lines = list(transfer.lines.select_related("asset"))
    locked = lock_assets([line.asset for line in lines])
    for line in lines:
        card = locked[line.asset_id]
        if card.status == AssetStatus.AWAITING_TRANSFER:
            _set_status(
                card,
                line.status_before,
                actor=actor,
                kind=EventKind.TRANSFER_CANCEL,
                transfer=transfer,
                note=f"{transfer.number} {DocumentStatus(status).label}",
            )
    transfer.status = status
    transfer.decided_at = timezone.now()
    transfer.save()
    changelog_record(actor=actor, obj=transfer, action=ChangeAction.UPDATE, before=before)


def transfer_rejected(request):
    _transfer_undone(request, DocumentStatus.REJECTED)


def transfer_withdrawn(request):
    _transfer_undone(request, DocumentStatus.WITHDRAWN)
