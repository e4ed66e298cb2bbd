"""Quotes (货比三家): suppliers' written prices for a request's lines, and the signed decision.

Above the rule book's quote threshold nothing is ordered until at least procurement.min_quotes
quotes from different suppliers are compared and the comparison is signed by at least
procurement.min_quote_signers people. Choosing other than the cheapest needs a written reason;
the saving is computed by the rule procurement.saving_basis and kept with the decision.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core.models import ChangeAction
from houqin.core.permissions import model_perm
from houqin.core.rulebook import rule
from houqin.core.services.changelog import changelog_record, snapshot

from ..choices import ORDERABLE, SavingBasis
from ..models import PurchaseRequest, Quote, QuoteComparison, QuoteLine, Supplier
from ..permissions import DECIDE_QUOTES
from ..rules import MIN_QUOTES, MIN_SIGNERS, SAVING_BASIS
from ..selectors import saving_of
from .common import check_people, invalid, money, people, require, same_school, to_date, to_money


def _check_supplier(supplier, school, errors):
    """The supplier is the school's and not blocked (read afresh: a block a moment ago counts)."""
    if supplier is not None and supplier.pk is not None:
        supplier = Supplier.objects.filter(pk=supplier.pk).first() or supplier
    if supplier is None:
        errors["supplier"] = _("This field is required.")
    elif not same_school(supplier, school):
        errors["supplier"] = _("%(obj)s is not a supplier of %(school)s.") % {
            "obj": supplier,
            "school": school,
        }
    elif supplier.is_blocked:
        errors["supplier"] = _("%(obj)s is blocked: %(reason)s") % {
            "obj": supplier,
            "reason": supplier.blocked_reason,
        }


def lock_supplier(supplier):
    """Lock the supplier's row and refuse if it was blocked meanwhile (a block waits for us, or
    we see it)."""
    locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if locked.is_blocked:
        raise invalid(
            "supplier", _("%(obj)s is blocked: %(reason)s") % {"obj": locked, "reason": locked.blocked_reason}
        )
    return locked


def quote_add(*, actor, request, supplier, quoted_on, prices, valid_until=None, contact_person="", note=""):
    """Record one supplier's written quote for `request`: a unit price for every line.

    `prices` maps each line of the request (the line or its id) to its unit price. One quote per
    supplier; only while the request is approved and its comparison not yet decided.
    """
    school = request.school
    require(actor, model_perm(Quote, "add"), school)
    errors = {}
    _check_supplier(supplier, school, errors)
    quoted_on = to_date(quoted_on, "quoted_on", errors, required=True)
    valid_until = to_date(valid_until, "valid_until", errors)
    if quoted_on and quoted_on > timezone.localdate():
        errors["quoted_on"] = _("A quote cannot be dated in the future.")
    if quoted_on and valid_until and valid_until < quoted_on:
        errors["valid_until"] = _("A quote cannot expire before its date.")
    contact_person = (contact_person or "").strip()[:50]
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = _("At most 200 characters.")
    lines = list(request.lines.order_by("position", "pk"))
    by_id = {(k.pk if hasattr(k, "pk") else int(k)): v for k, v in (prices or {}).items()}
    foreign = sorted(set(by_id) - {line.pk for line in lines})
    if foreign:
        errors["prices"] = [_("A price is given for a line that is not on this request.")]
    priced = []
    for line in lines:
        price, problem = to_money(by_id.get(line.pk))
        if problem:
            errors.setdefault("prices", []).append(
                _("Line %(n)s (%(line)s): %(p)s") % {"n": line.position, "line": line, "p": problem}
            )
        else:
            priced.append((line, price, money(price * line.quantity)))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            # Supplier first, then the request: the order the order service locks them in.
            lock_supplier(supplier)
            locked = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
            if locked.status not in ORDERABLE:
                raise invalid(
                    None,
                    _("Quotes are collected for an approved request; this one is %(status)s.")
                    % {"status": locked.get_status_display().lower()},
                )
            if QuoteComparison.objects.filter(request=locked).exists():
                raise invalid(None, _("The comparison of this request is decided; no more quotes."))
            quote = Quote.objects.create(
                school=school,
                request=locked,
                supplier=supplier,
                quoted_on=quoted_on,
                valid_until=valid_until,
                contact_person=contact_person,
                note=note,
                total=money(sum((amount for _l, _p, amount in priced), 0)),
                recorded_by=actor,
            )
            QuoteLine.objects.bulk_create(
                [QuoteLine(quote=quote, request_line=line, unit_price=p, amount=a) for line, p, a in priced]
            )
            changelog_record(
                actor=actor,
                obj=quote,
                action=ChangeAction.CREATE,
                after={**snapshot(quote), "prices": [f"{line}: {p}" for line, p, _a in priced]},
            )
    except IntegrityError:
        raise invalid(
            "supplier", _("%(supplier)s has already quoted for this request.") % {"supplier": supplier}
        )
    return quote


def quote_delete(*, actor, instance):
    """Take back a quote entered by mistake, while the comparison is not decided."""
    require(actor, model_perm(Quote, "delete"), instance.school)
    with transaction.atomic():
        PurchaseRequest.objects.select_for_update().get(pk=instance.request_id)
        if QuoteComparison.objects.filter(request_id=instance.request_id).exists():
            raise invalid(None, _("The comparison is decided; its quotes are kept."))
        before = snapshot(instance)
        pk = instance.pk
        instance.delete()
        instance.pk = pk
        changelog_record(actor=actor, obj=instance, action=ChangeAction.DELETE, before=before)


def quote_comparison_decide(*, actor, request, chosen_quote, signers, reason=""):
    """Decide the comparison: the chosen quote, the people who signed it, the reason when it is
    not the cheapest; the saving against the other quotes is computed and kept."""
    school = request.school
    require(actor, DECIDE_QUOTES, school)
    if actor is None:
        raise PermissionDenied
    errors = {}
    reason = (reason or "").strip()
    signers = people(signers)
    min_signers = rule(MIN_SIGNERS, school)
    if len(signers) < min_signers:
        errors["signers"] = _(
            "The comparison is signed by at least %(n)s different people; %(got)s given."
        ) % {
            "n": min_signers,
            "got": len(signers),
        }
    check_people(signers, school, "signers", errors)
    if chosen_quote is None or chosen_quote.request_id != request.pk:
        errors["chosen_quote"] = _("Choose one of this request's quotes.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status not in ORDERABLE:
            raise invalid(
                None,
                _("Only an approved request's quotes are compared; this one is %(status)s.")
                % {"status": locked.get_status_display().lower()},
            )
        if QuoteComparison.objects.filter(request=locked).exists():
            raise invalid(None, _("The comparison of this request is already decided."))
        quotes = list(locked.quotes.select_related("supplier").order_by("total", "pk"))
        min_quotes = rule(MIN_QUOTES, school)
        suppliers = {q.supplier_id for q in quotes}
        if len(suppliers) < min_quotes:
            raise invalid(
                None,
                _("At least %(n)s quotes from different suppliers are compared; %(got)s recorded.")
                % {
                    "n": min_quotes,
                    "got": len(suppliers),
                },
            )
        chosen = next(q for q in quotes if q.pk == chosen_quote.pk)
        if chosen.supplier.is_blocked:
            raise invalid(
                "chosen_quote",
                _("%(obj)s is blocked: %(reason)s")
                % {
                    "obj": chosen.supplier,
                    "reason": chosen.supplier.blocked_reason,
                },
            )
        cheapest = min(q.total for q in quotes)
        if chosen.total > cheapest and not reason:
            raise invalid(
                "reason",
                _("The chosen quote (%(chosen)s) is not the cheapest (%(cheapest)s): say why.")
                % {
                    "chosen": chosen.total,
                    "cheapest": cheapest,
                },
            )
        basis = rule(SAVING_BASIS, school)
        if basis not in SavingBasis.values:
            basis = SavingBasis.NEXT_CHEAPEST
        reference, saving = saving_of(quotes, chosen, basis)
        comparison = QuoteComparison.objects.create(
            school=school,
            request=locked,
            chosen_quote=chosen,
            quote_count=len(quotes),
            chosen_total=chosen.total,
            cheapest_total=cheapest,
            reference_total=reference,
            saving_basis=basis,
            saving=saving,
            reason=reason,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        comparison.signers.set(signers)
        changelog_record(
            actor=actor,
            obj=comparison,
            action=ChangeAction.CREATE,
            after={**snapshot(comparison), "signers": [str(u) for u in signers]},
        )
    return comparison
