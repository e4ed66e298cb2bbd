"""Lending and issue for the semester, return and hand-back, overdue reminders."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from houqin.core.models import ChangeAction, Semester
from houqin.core.rulebook import rule
from houqin.core.selectors import semester_current
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.notifications import notify
from houqin.core.services.numbering import document_number_next

from ..choices import LENDABLE, AssetCondition, AssetStatus, EventKind, IncidentKind, LoanKind, LoanStatus
from ..models import AssetLoan
from ..permissions import LEND
from ..rules import LOAN_REMINDER_DAYS
from .common import (
    LOAN_NUMBER_PREFIX,
    check_person,
    check_same_school,
    invalid,
    lock_asset,
    record_event,
    require,
    state_of,
    take_part,
    to_date,
    to_quantity,
    today,
)
from .incidents import open_incident


def asset_lend(
    *,
    actor,
    asset,
    due_on=None,
    quantity=None,
    borrower=None,
    borrower_name="",
    borrower_department=None,
    borrower_class="",
    purpose="",
    lent_on=None,
    kind=LoanKind.LOAN,
    semester=None,
):
    """Lend (part of) a card to a person until `due_on`, or issue it to a department or class for
    the semester (kind=issue: due at the end of the semester, the current one by default).

    Part of a batch is split off and that card goes out; it is "on loan" until it is returned.
    Refused for a card that is not in use or idle (already out, under repair, awaiting disposal).
    """
    require(actor, LEND, asset.school)
    school = asset.school
    errors = {}
    borrower_name = (borrower_name or "").strip()
    borrower_class = (borrower_class or "").strip()
    if kind not in LoanKind.values:
        errors["kind"] = _("Choose a loan or an issue for the semester.")
    lent_on = to_date(lent_on, "lent_on", errors, default=today())
    if lent_on and lent_on > today():
        errors["lent_on"] = _("The date cannot be in the future.")
    due_on = to_date(due_on, "due_on", errors)
    if kind == LoanKind.ISSUE:
        if borrower_department is None and not borrower_class:
            errors["borrower_department"] = _("Say which department or class it is issued to.")
        if semester is None and lent_on is not None:
            semester = semester_current(school, on=lent_on)
        if semester is None:
            errors["semester"] = _("No semester covers this date; set up the semester first.")
        elif not isinstance(semester, Semester) or not school.path.startswith(semester.school.path):
            errors["semester"] = _("Choose a semester of this school.")
        elif due_on is None:
            due_on = semester.end_date
    else:
        if borrower is None and not borrower_name:
            errors["borrower"] = _("Say who borrows it.")
        if due_on is None and "due_on" not in errors:
            errors["due_on"] = _("Say when it is due back.")
    if due_on and lent_on and due_on < lent_on:
        errors["due_on"] = _("The due date cannot be before the loan date.")
    check_person(borrower, school, "borrower", errors)
    check_same_school(borrower_department, school, "borrower_department", errors)
    if quantity is not None:
        quantity = to_quantity(quantity, "quantity", errors, most=asset.quantity)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_asset(asset)
        if locked.status not in LENDABLE:
            raise invalid(
                None,
                _("%(asset)s is %(status)s; it cannot be lent now.")
                % {"asset": locked, "status": locked.get_status_display().lower()},
            )
        if quantity is not None and quantity > locked.quantity:
            raise invalid("quantity", _("Only %(most)s are on this card.") % {"most": locked.quantity})
        target = take_part(locked, quantity, actor=actor, occurred_on=lent_on)
        loan = AssetLoan.objects.create(
            school=school,
            number=document_number_next(school=school, prefix=LOAN_NUMBER_PREFIX),
            kind=kind,
            asset=target,
            quantity=target.quantity,
            borrower=borrower,
            borrower_name=borrower_name,
            borrower_department=borrower_department,
            borrower_class=borrower_class,
            purpose=(purpose or "").strip(),
            semester=semester if kind == LoanKind.ISSUE else None,
            lent_on=lent_on,
            due_on=due_on,
            lent_by=actor,
            status_before=target.status,
        )
        before_snapshot = snapshot(target)
        before = state_of(target)
        target.status = AssetStatus.ON_LOAN
        target.save(update_fields=["status", "updated_at"])
        record_event(
            asset=target,
            kind=EventKind.ISSUE if kind == LoanKind.ISSUE else EventKind.LOAN,
            actor=actor,
            before=before,
            occurred_on=lent_on,
            loan=loan,
            note=_("%(number)s to %(who)s, due %(due)s")
            % {
                "number": loan.number,
                "who": loan.borrower_display,
                "due": due_on.isoformat(),
            },
        )
        changelog_record(actor=actor, obj=loan, action=ChangeAction.CREATE)
        changelog_record(actor=actor, obj=target, action=ChangeAction.UPDATE, before=before_snapshot)
    return loan


def asset_issue(*, actor, asset, semester=None, **kwargs):
    """Issue (part of) a card to a department or class for the semester (see asset_lend)."""
    return asset_lend(actor=actor, asset=asset, kind=LoanKind.ISSUE, semester=semester, **kwargs)


def loan_return(*, actor, loan, returned_on=None, condition=AssetCondition.GOOD, note=""):
    """Take back what a loan or an issue took out, noting its condition. The card returns to the
    status it had; damaged on return, a damage incident is opened for it at once."""
    require(actor, LEND, loan.school)
    errors = {}
    returned_on = to_date(returned_on, "returned_on", errors, default=today())
    if returned_on and returned_on > today():
        errors["returned_on"] = _("The date cannot be in the future.")
    if returned_on and returned_on < loan.lent_on:
        errors["returned_on"] = _("It cannot come back before it was lent (%(date)s).") % {
            "date": loan.lent_on.isoformat()
        }
    if condition not in AssetCondition.values:
        errors["condition"] = _("Choose the condition it came back in.")
    if errors:
        raise ValidationError(errors)
    note = (note or "").strip()
    with transaction.atomic():
        locked_loan = AssetLoan.objects.select_for_update().get(pk=loan.pk)
        if locked_loan.status != LoanStatus.OUT:
            raise invalid(None, _("Loan %(number)s is already closed.") % {"number": locked_loan.number})
        asset = lock_asset(locked_loan.asset)
        loan_before = snapshot(locked_loan)
        before_snapshot = snapshot(asset)
        before = state_of(asset)
        asset.status = locked_loan.status_before
        asset.condition = condition
        asset.save(update_fields=["status", "condition", "updated_at"])
        locked_loan.status = LoanStatus.RETURNED
        locked_loan.returned_on = returned_on
        locked_loan.return_condition = condition
        locked_loan.return_note = note[:200]
        locked_loan.received_by = actor
        locked_loan.save()
        record_event(
            asset=asset,
            kind=EventKind.RETURN,
            actor=actor,
            before=before,
            occurred_on=returned_on,
            loan=locked_loan,
            note=note,
        )
        if condition in (AssetCondition.DAMAGED, AssetCondition.UNREPAIRABLE):
            open_incident(
                actor=actor,
                asset=asset,
                kind=IncidentKind.DAMAGE,
                occurred_on=returned_on,
                description=note
                or _("Damaged on return of loan %(number)s.") % {"number": locked_loan.number},
                responsible_party=locked_loan.borrower_display,
                already_changed=True,
            )
        changelog_record(actor=actor, obj=locked_loan, action=ChangeAction.UPDATE, before=loan_before)
        changelog_record(actor=actor, obj=asset, action=ChangeAction.UPDATE, before=before_snapshot)
    return locked_loan


def loan_overdue_remind(*, on=None):
    """Tell borrowers (and whoever lent it) about loans past their due date: the day after it and
    every assets.loan_reminder_interval_days after that. Returns how many loans were reminded.
    Run daily (`houqin assets_remind_overdue`, or the task)."""
    day = on or today()
    due = (
        AssetLoan.objects.filter(status=LoanStatus.OUT, due_on__lt=day)
        .select_related("school", "asset", "borrower", "lent_by")
        .order_by("school_id", "due_on", "pk")
    )
    intervals = {}
    reminded = 0
    for loan in due:
        if loan.school_id not in intervals:
            intervals[loan.school_id] = rule(LOAN_REMINDER_DAYS, loan.school)
        interval = intervals[loan.school_id]
        if loan.last_reminded_on is not None and loan.last_reminded_on > day - datetime.timedelta(
            days=interval
        ):
            continue
        with transaction.atomic():
            claimed = AssetLoan.objects.filter(
                pk=loan.pk, status=LoanStatus.OUT, last_reminded_on=loan.last_reminded_on
            ).update(last_reminded_on=day)
            if not claimed:
                continue  # returned or reminded by another run meanwhile
            title = _("Overdue: %(asset)s (loan %(number)s) was due back on %(due)s") % {
                "asset": loan.asset,
                "number": loan.number,
                "due": loan.due_on.isoformat(),
            }
            people = {p.pk: p for p in (loan.borrower, loan.lent_by) if p is not None and p.is_active}
            for person in people.values():
                notify(user=person, title=title, url=loan.get_absolute_url(), school=loan.school)
        reminded += 1
    return reminded
