"""Damage, loss and theft: the report (with photos), the repair, compensation and follow-up."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from houqin.core import access
from houqin.core.models import Attachment, ChangeAction
from houqin.core.rulebook import rule
from houqin.core.services.attachments import attachment_add
from houqin.core.services.changelog import changelog_record, snapshot

from ..choices import (
    MOVABLE,
    AssetCondition,
    AssetStatus,
    CompensationBasis,
    EventKind,
    IncidentKind,
    IncidentStatus,
    LoanStatus,
)
from ..models import AssetIncident, AssetLoan
from ..permissions import HANDLE, REPORT
from ..rules import COMPENSATION_BASIS
from .common import (
    check_person,
    invalid,
    lock_asset,
    record_event,
    require,
    state_of,
    take_part,
    to_date,
    to_money,
    to_quantity,
    today,
)

# What can be reported on a card in each state.
REPORTABLE = {
    IncidentKind.DAMAGE: frozenset({AssetStatus.IN_USE, AssetStatus.IDLE}),
    IncidentKind.LOSS: frozenset(
        {AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.UNDER_REPAIR, AssetStatus.ON_LOAN}
    ),
    IncidentKind.THEFT: frozenset(
        {AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.UNDER_REPAIR, AssetStatus.ON_LOAN}
    ),
}
EVENT_OF = {
    IncidentKind.DAMAGE: EventKind.DAMAGE,
    IncidentKind.LOSS: EventKind.LOSS,
    IncidentKind.THEFT: EventKind.THEFT,
}


def may_report(user, asset):
    """Holders of assets.report_incident report on any card of their school; the custodian, the
    user and the responsible person of the card's room report on the property in their care."""
    if user is None:
        return True
    if access.has_perm(user, REPORT, asset.school):
        return True
    if not user.is_authenticated:
        return False
    room_responsible = asset.room.responsible_id if asset.room_id else None
    return user.pk in {asset.custodian_id, asset.used_by_id, room_responsible} and (
        asset.school_id in access.visible_school_ids(user)
    )


def open_incident(
    *, actor, asset, kind, occurred_on, description, responsible_party="", already_changed=False
):
    """Create the incident for the locked card `asset` and put the card in the incident's state
    (internal: the report, and a loan returned damaged, call this inside their transaction).
    With `already_changed` the caller has logged the card's change itself."""
    before_snapshot = snapshot(asset)
    before = state_of(asset)
    incident = AssetIncident.objects.create(
        school=asset.school,
        kind=kind,
        asset=asset,
        quantity=asset.quantity,
        occurred_on=occurred_on,
        reported_by=actor,
        description=description,
        responsible_party=(responsible_party or "")[:100],
        status_before=asset.status,
    )
    if kind == IncidentKind.DAMAGE:
        if asset.condition not in (AssetCondition.DAMAGED, AssetCondition.UNREPAIRABLE):
            asset.condition = AssetCondition.DAMAGED
    else:
        asset.status = AssetStatus.LOST
    asset.save(update_fields=["status", "condition", "updated_at"])
    record_event(
        asset=asset,
        kind=EVENT_OF[kind],
        actor=actor,
        before=before,
        occurred_on=occurred_on,
        incident=incident,
        note=description,
    )
    changelog_record(actor=actor, obj=incident, action=ChangeAction.CREATE)
    if not already_changed:
        changelog_record(actor=actor, obj=asset, action=ChangeAction.UPDATE, before=before_snapshot)
    return incident


def _attach_photos(actor, incident, photos):
    """Photos of the report. The reporter may be a teacher who answers for the room but cannot
    open incident records (the attachment service checks that right): their report was
    authorised above, so the files are added as the system and credited to them."""
    for photo in photos:
        may_attach = (
            actor is None
            or actor.is_superuser
            or (
                access.has_perm(actor, "assets.view_assetincident", incident.school)
                and access.has_perm(actor, "core.add_attachment", incident.school)
            )
        )
        attachment = attachment_add(actor=actor if may_attach else None, obj=incident, uploaded_file=photo)
        if not may_attach:
            Attachment.objects.filter(pk=attachment.pk).update(uploaded_by=actor)


def incident_report(
    *, actor, asset, kind, description, quantity=None, occurred_on=None, responsible_party="", photos=()
):
    """Report damage, loss or theft of (part of) a card, with photos.

    Damage marks the card damaged (a repair follows); loss and theft mark it lost — it stays on
    the books until a write-off is approved. Part of a batch is split off first. A card out on
    loan can be reported lost or stolen as a whole: the loan is closed as not returned and the
    borrower named as answerable unless someone else is.
    """
    if not may_report(actor, asset):
        raise PermissionDenied(_("You may not report on this asset."))
    errors = {}
    description = (description or "").strip()
    if kind not in IncidentKind.values:
        errors["kind"] = _("Choose damage, loss or theft.")
    if not description:
        errors["description"] = _("Say what happened.")
    occurred_on = to_date(occurred_on, "occurred_on", errors, default=today())
    if occurred_on and occurred_on > today():
        errors["occurred_on"] = _("The date cannot be in the future.")
    if quantity is not None:
        quantity = to_quantity(quantity, "quantity", errors, most=asset.quantity)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_asset(asset)
        if locked.status not in REPORTABLE[kind]:
            if locked.status == AssetStatus.ON_LOAN:
                message = _("%(asset)s is on loan; note its damage when it is returned.")
            else:
                message = _("%(asset)s is %(status)s; this cannot be reported on it now.")
            raise invalid(None, message % {"asset": locked, "status": locked.get_status_display().lower()})
        if quantity is not None and quantity > locked.quantity:
            raise invalid("quantity", _("Only %(most)s are on this card.") % {"most": locked.quantity})
        loan = None
        if locked.status == AssetStatus.ON_LOAN:
            if quantity is not None and quantity != locked.quantity:
                raise invalid(
                    "quantity",
                    _("All %(n)s went out on one loan; report them together.") % {"n": locked.quantity},
                )
            loan = AssetLoan.objects.select_for_update().filter(asset=locked, status=LoanStatus.OUT).first()
            target = locked
        else:
            target = take_part(locked, quantity, actor=actor, occurred_on=occurred_on)
        if loan is not None:
            loan_before = snapshot(loan)
            loan.status = LoanStatus.LOST
            loan.return_note = _("Not returned: reported %(kind)s.") % {
                "kind": IncidentKind(kind).label.lower()
            }
            loan.save()
            changelog_record(actor=actor, obj=loan, action=ChangeAction.UPDATE, before=loan_before)
            responsible_party = responsible_party or loan.borrower_display
        incident = open_incident(
            actor=actor,
            asset=target,
            kind=kind,
            occurred_on=occurred_on,
            description=description,
            responsible_party=responsible_party,
        )
        _attach_photos(actor, incident, photos)
    return incident


def _lock_incident(incident, *kinds):
    locked = AssetIncident.objects.select_for_update().select_related("school").get(pk=incident.pk)
    if kinds and locked.kind not in kinds:
        raise invalid(
            None, _("This is not possible for a %(kind)s.") % {"kind": locked.get_kind_display().lower()}
        )
    return locked


def incident_repair_start(*, actor, incident, started_on=None, repairer="", reference="", note=""):
    """Send the damaged card to repair: it is "under repair" until the repair is finished.
    `reference` keeps the number of the maintenance work order doing it, if any."""
    require(actor, HANDLE, incident.school)
    errors = {}
    started_on = to_date(started_on, "started_on", errors, default=today())
    if started_on and started_on > today():
        errors["started_on"] = _("The date cannot be in the future.")
    if started_on and started_on < incident.occurred_on:
        errors["started_on"] = _("The repair cannot start before the damage (%(date)s).") % {
            "date": incident.occurred_on.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_incident(incident, IncidentKind.DAMAGE)
        if locked.status != IncidentStatus.REPORTED:
            raise invalid(None, _("This repair has already been started."))
        asset = lock_asset(locked.asset)
        if asset.status not in (AssetStatus.IN_USE, AssetStatus.IDLE):
            raise invalid(
                None,
                _("%(asset)s is %(status)s; it cannot go to repair now.")
                % {"asset": asset, "status": asset.get_status_display().lower()},
            )
        incident_before = snapshot(locked)
        before_snapshot = snapshot(asset)
        before = state_of(asset)
        locked.status = IncidentStatus.IN_REPAIR
        locked.status_before = asset.status
        locked.repair_started_on = started_on
        locked.repairer = (repairer or "").strip()[:100]
        locked.repair_reference = (reference or "").strip()[:40]
        locked.save()
        asset.status = AssetStatus.UNDER_REPAIR
        asset.save(update_fields=["status", "updated_at"])
        record_event(
            asset=asset,
            kind=EventKind.REPAIR_START,
            actor=actor,
            before=before,
            occurred_on=started_on,
            incident=locked,
            note=note or locked.repairer,
        )
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=incident_before)
        changelog_record(actor=actor, obj=asset, action=ChangeAction.UPDATE, before=before_snapshot)
    return locked


def incident_repair_finish(*, actor, incident, finished_on=None, cost=None, repaired=True, note=""):
    """Finish a repair: repaired, the card is good and back to the status it had; beyond repair,
    it is idle and marked so (a disposal is the next step). The cost is recorded."""
    require(actor, HANDLE, incident.school)
    errors = {}
    finished_on = to_date(finished_on, "finished_on", errors, default=today())
    if finished_on and finished_on > today():
        errors["finished_on"] = _("The date cannot be in the future.")
    cost = to_money(cost, "cost", errors, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_incident(incident, IncidentKind.DAMAGE)
        if locked.status != IncidentStatus.IN_REPAIR:
            raise invalid(None, _("This damage is not in repair."))
        if finished_on < locked.repair_started_on:
            raise invalid("finished_on", _("The repair cannot finish before it started."))
        asset = lock_asset(locked.asset)
        incident_before = snapshot(locked)
        before_snapshot = snapshot(asset)
        before = state_of(asset)
        locked.repair_finished_on = finished_on
        locked.repair_cost = cost
        if repaired:
            locked.status = IncidentStatus.REPAIRED
            asset.status = locked.status_before if locked.status_before in MOVABLE else AssetStatus.IN_USE
            asset.condition = AssetCondition.GOOD
        else:
            locked.status = IncidentStatus.UNREPAIRABLE
            asset.status = AssetStatus.IDLE
            asset.condition = AssetCondition.UNREPAIRABLE
        locked.closed_on = finished_on if repaired else None
        locked.save()
        asset.save(update_fields=["status", "condition", "updated_at"])
        record_event(
            asset=asset,
            kind=EventKind.REPAIR_DONE,
            actor=actor,
            before=before,
            occurred_on=finished_on,
            incident=locked,
            amount=cost,
            note=note,
        )
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=incident_before)
        changelog_record(actor=actor, obj=asset, action=ChangeAction.UPDATE, before=before_snapshot)
    return locked


def compensation_amount(incident, basis):
    """What the lost or destroyed items are worth on the basis: their original value, or their
    net book value on the day of the incident."""
    asset = incident.asset
    if basis == CompensationBasis.ORIGINAL_VALUE:
        return asset.amount
    return asset.net_book_value(incident.occurred_on)


def incident_compensation_set(*, actor, incident, payer_name="", payer=None):
    """Name who pays for a loss, a theft or property beyond repair; the amount due follows from
    the rule book's basis (assets.compensation_basis) and is fixed here."""
    require(actor, HANDLE, incident.school)
    errors = {}
    payer_name = (payer_name or "").strip()
    if payer is None and not payer_name:
        errors["payer_name"] = _("Say who pays.")
    check_person(payer, incident.school, "payer", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_incident(incident)
        payable = (
            locked.kind in (IncidentKind.LOSS, IncidentKind.THEFT)
            and locked.status == IncidentStatus.REPORTED
        )
        payable = payable or locked.status == IncidentStatus.UNREPAIRABLE
        if not payable:
            raise invalid(None, _("Compensation is set for a loss, a theft or property beyond repair."))
        if locked.compensation_paid > 0:
            raise invalid(None, _("Payments have been made; the amount due no longer changes."))
        before = snapshot(locked)
        basis = rule(COMPENSATION_BASIS, locked.school)
        locked.compensation_basis = basis
        locked.compensation_due = compensation_amount(locked, basis)
        locked.payer = payer
        locked.payer_name = payer_name or (str(payer) if payer else "")
        locked.save()
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before)
    return locked


def incident_compensation_pay(*, actor, incident, amount, paid_on=None, receipt_number=""):
    """Record a payment of the compensation due (several payments add up); paid in full, the
    incident is closed. Each payment is an event on the card."""
    require(actor, HANDLE, incident.school)
    errors = {}
    amount = to_money(amount, "amount", errors, allow_zero=False)
    paid_on = to_date(paid_on, "paid_on", errors, default=today())
    if paid_on and paid_on > today():
        errors["paid_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_incident(incident)
        if locked.compensation_due is None:
            raise invalid(None, _("Name the payer first; the amount due follows from the rule book."))
        outstanding = locked.compensation_due - locked.compensation_paid
        if amount > outstanding:
            raise invalid("amount", _("Only %(left)s yuan is outstanding.") % {"left": outstanding})
        asset = lock_asset(locked.asset)
        before = snapshot(locked)
        locked.compensation_paid += amount
        locked.paid_on = paid_on
        if receipt_number:
            locked.receipt_number = receipt_number.strip()[:60]
        if locked.compensation_paid >= locked.compensation_due:
            locked.status = IncidentStatus.CLOSED
            locked.closed_on = paid_on
        locked.save()
        record_event(
            asset=asset,
            kind=EventKind.COMPENSATION,
            actor=actor,
            before=state_of(asset),
            occurred_on=paid_on,
            incident=locked,
            amount=amount,
            note=_("%(payer)s paid %(amount)s yuan") % {"payer": locked.payer_name, "amount": amount},
        )
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before)
    return locked


def incident_follow_up(*, actor, incident, note, police_report_number="", recovered=False, found_on=None):
    """Add to the follow-up of a loss or theft (the police report number, what was done); when
    the property turns up, it is back on its card as before (an event says so)."""
    require(actor, HANDLE, incident.school)
    errors = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = _("Say what was done or found.")
    found_on = to_date(found_on, "found_on", errors, default=today())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_incident(incident, IncidentKind.LOSS, IncidentKind.THEFT)
        if locked.status != IncidentStatus.REPORTED:
            raise invalid(None, _("This report is closed."))
        before = snapshot(locked)
        stamp = f"{found_on.isoformat()} {actor or ''}: {note}".strip()
        locked.follow_up = f"{locked.follow_up}\n{stamp}".strip()
        if police_report_number:
            locked.police_report_number = police_report_number.strip()[:60]
        if recovered:
            asset = lock_asset(locked.asset)
            if asset.status != AssetStatus.LOST:
                raise invalid(None, _("%(asset)s is no longer recorded as lost.") % {"asset": asset})
            asset_snapshot = snapshot(asset)
            state = state_of(asset)
            # Out on loan when it went missing: the loan is closed, so it comes back idle.
            asset.status = locked.status_before if locked.status_before in MOVABLE else AssetStatus.IDLE
            asset.save(update_fields=["status", "updated_at"])
            locked.status = IncidentStatus.RECOVERED
            locked.closed_on = found_on
            record_event(
                asset=asset,
                kind=EventKind.RECOVERED,
                actor=actor,
                before=state,
                occurred_on=found_on,
                incident=locked,
                note=note,
            )
            changelog_record(actor=actor, obj=asset, action=ChangeAction.UPDATE, before=asset_snapshot)
        locked.save()
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before)
    return locked


def incident_close(*, actor, incident, note):
    """Close a report that needs nothing more here (a lost item with no one to pay: its
    write-off is a disposal)."""
    require(actor, HANDLE, incident.school)
    note = (note or "").strip()
    if not note:
        raise invalid("note", _("Say why it is closed."))
    with transaction.atomic():
        locked = _lock_incident(incident)
        if locked.status not in (IncidentStatus.REPORTED, IncidentStatus.UNREPAIRABLE):
            raise invalid(None, _("This report cannot be closed now."))
        before = snapshot(locked)
        locked.follow_up = f"{locked.follow_up}\n{today().isoformat()} {actor or ''}: {note}".strip()
        locked.status = IncidentStatus.CLOSED
        locked.closed_on = today()
        locked.save()
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before)
    return locked
