"""Pages of the asset register's documents: loans, incidents, ledger corrections, disposals and
transfers (their forms and their detail pages)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from houqin.core import access
from houqin.core.selectors.approvals import approval_step_rows
from houqin.core.views.generic import ObjectDetailView, ScopedViewMixin, apply_validation_error

from .. import permissions as perms
from ..choices import DISPOSABLE, TRANSFERABLE, DocumentStatus, IncidentKind, IncidentStatus, LoanStatus
from ..forms import (
    CompensationForm,
    DisposalForm,
    DisposalOutcomeForm,
    FollowUpForm,
    NoteForm,
    PaymentForm,
    RepairFinishForm,
    RepairStartForm,
    ReturnForm,
    TransferForm,
)
from ..models import Asset, AssetEvent, AssetIncident, AssetLoan, Disposal
from ..services.assets import asset_event_reverse
from ..services.disposals import (
    disposal_record_outcome,
    disposal_request,
    disposal_warnings,
    transfer_request,
)
from ..services.incidents import (
    incident_close,
    incident_compensation_pay,
    incident_compensation_set,
    incident_follow_up,
    incident_repair_finish,
    incident_repair_start,
)
from ..services.loans import loan_return
from .base import ActionView

MAX_LINES = 200  # cards on one disposal or transfer form


# ---- loans ------------------------------------------------------------------------------------


class AssetLoanDetailView(ObjectDetailView):
    def extra_context(self, obj):
        return {
            "can_return": obj.status == LoanStatus.OUT
            and access.has_perm(self.request.user, perms.LEND, obj.school),
            "overdue": obj.is_overdue(timezone.localdate()),
        }


class LoanReturnView(ActionView):
    model = AssetLoan
    select_related = ("asset", "borrower", "school")
    form_class = ReturnForm
    perm = perms.LEND

    def get_title(self, obj):
        return _("Return of %(loan)s") % {"loan": obj}

    def perform(self, form, obj):
        return loan_return(actor=self.request.user, loan=obj, **form.cleaned_data)

    def success_message(self, result):
        return _("Returned: %(loan)s.") % {"loan": result}


# ---- incidents --------------------------------------------------------------------------------


class AssetIncidentDetailView(ObjectDetailView):
    def extra_context(self, obj):
        handle = access.has_perm(self.request.user, perms.HANDLE, obj.school)
        loss = obj.kind in (IncidentKind.LOSS, IncidentKind.THEFT)
        return {
            "can": {
                "repair_start": handle
                and obj.kind == IncidentKind.DAMAGE
                and obj.status == IncidentStatus.REPORTED,
                "repair_finish": handle and obj.status == IncidentStatus.IN_REPAIR,
                "compensation": handle
                and obj.compensation_paid == 0
                and (
                    (loss and obj.status == IncidentStatus.REPORTED)
                    or obj.status == IncidentStatus.UNREPAIRABLE
                ),
                "payment": handle and obj.compensation_due is not None and obj.compensation_outstanding > 0,
                "follow_up": handle and loss and obj.status == IncidentStatus.REPORTED,
                "close": handle and obj.status in (IncidentStatus.REPORTED, IncidentStatus.UNREPAIRABLE),
            },
        }


class IncidentActionView(ActionView):
    model = AssetIncident
    select_related = ("asset", "school")
    perm = perms.HANDLE

    def success_message(self, result):
        return _("Saved: %(incident)s.") % {"incident": result}


class IncidentRepairStartView(IncidentActionView):
    form_class = RepairStartForm
    title = gettext_lazy("Start the repair")

    def perform(self, form, obj):
        return incident_repair_start(actor=self.request.user, incident=obj, **form.cleaned_data)


class IncidentRepairFinishView(IncidentActionView):
    form_class = RepairFinishForm
    title = gettext_lazy("Finish the repair")

    def perform(self, form, obj):
        return incident_repair_finish(actor=self.request.user, incident=obj, **form.cleaned_data)


class IncidentCompensationView(IncidentActionView):
    form_class = CompensationForm
    title = gettext_lazy("Who pays")

    def form_kwargs(self, obj):
        return {"user": self.request.user, "school": obj.school}

    def perform(self, form, obj):
        return incident_compensation_set(actor=self.request.user, incident=obj, **form.cleaned_data)


class IncidentPaymentView(IncidentActionView):
    form_class = PaymentForm
    title = gettext_lazy("Record a payment")

    def form_kwargs(self, obj):
        return {"initial": {"amount": obj.compensation_outstanding, "paid_on": timezone.localdate()}}

    def perform(self, form, obj):
        return incident_compensation_pay(actor=self.request.user, incident=obj, **form.cleaned_data)


class IncidentFollowUpView(IncidentActionView):
    form_class = FollowUpForm
    title = gettext_lazy("Follow-up")

    def perform(self, form, obj):
        return incident_follow_up(actor=self.request.user, incident=obj, **form.cleaned_data)


class IncidentCloseView(IncidentActionView):
    form_class = NoteForm
    title = gettext_lazy("Close the report")
    danger = True

    def perform(self, form, obj):
        return incident_close(actor=self.request.user, incident=obj, note=form.cleaned_data["note"])


# ---- ledger corrections -----------------------------------------------------------------------


class EventReverseView(ActionView):
    """Correct a wrong move or assignment with a reversing entry."""

    model = AssetEvent
    select_related = ("asset", "school")
    form_class = NoteForm
    perm = perms.CORRECT
    title = gettext_lazy("Correct this entry")
    danger = True

    def perform(self, form, obj):
        return asset_event_reverse(actor=self.request.user, event=obj, note=form.cleaned_data["note"])

    def success_message(self, result):
        return _("Corrected: %(event)s.") % {"event": result}


# ---- disposals and transfers ------------------------------------------------------------------


def chosen_assets(request, school):
    """The cards named in ?assets=1,2,3 (POSTed `assets` on submit) and ?codes=ZC-2026-0001,…
    that belong to `school` and that the user may see; others are left out (they cannot be
    chosen here)."""
    params = request.POST if request.method == "POST" else request.GET
    ids = [int(p) for p in (params.get("assets") or "").replace(" ", ",").split(",") if p.strip().isdecimal()]
    codes = [
        c.strip()
        for c in (params.get("codes") or "").replace("，", ",").replace(" ", ",").split(",")
        if c.strip()
    ]
    if not ids and not codes:
        return []
    qs = Asset.objects.for_user(request.user).filter(school=school)
    cond = Q(pk__in=ids[:MAX_LINES]) | Q(code__in=codes[:MAX_LINES])
    return list(qs.filter(cond).select_related("category", "room__building").order_by("code")[:MAX_LINES])


class DocumentAddView(ScopedViewMixin, View):
    """A disposal or transfer of the cards chosen on the list or the card's page, at the
    active school."""

    template_name = None
    perm = None
    allowed = frozenset()

    def school(self):
        scope = self.scope_or_403()
        if not access.has_perm(self.request.user, self.perm, scope):
            raise PermissionDenied
        return scope

    def get_form(self, school, assets, data=None):
        raise NotImplementedError

    def perform(self, form, school):
        raise NotImplementedError

    def render_form(self, form, school, assets, status=200):
        ctx = self.base_context(
            form=form,
            school=school,
            assets=assets,
            asset_ids=",".join(str(a.pk) for a in assets),
            not_allowed=[a for a in assets if a.status not in self.allowed],
            warnings=disposal_warnings(assets),
        )
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        school = self.school()
        assets = chosen_assets(request, school)
        return self.render_form(self.get_form(school, assets), school, assets)

    def post(self, request, *args, **kwargs):
        school = self.school()
        assets = chosen_assets(request, school)
        form = self.get_form(school, assets, data=request.POST)
        if form.is_valid():
            try:
                document = self.perform(form, school)
            except ValidationError as exc:
                apply_validation_error(form, exc)  # "lines" and "kind" land above the form
            else:
                messages.success(request, _("Submitted for approval: %(doc)s.") % {"doc": document})
                return redirect(document.get_absolute_url())
        return self.render_form(form, school, assets, status=400)


class DisposalAddView(DocumentAddView):
    template_name = "assets/disposal_form.html"
    perm = perms.DISPOSE
    allowed = DISPOSABLE

    def get_form(self, school, assets, data=None):
        return DisposalForm(data=data, assets=assets)

    def perform(self, form, school):
        data = dict(form.cleaned_data)
        return disposal_request(
            actor=self.request.user,
            school=school,
            method=data["method"],
            ground=data["ground"],
            reason=data["reason"],
            justification=data.get("justification", ""),
            appraisal=data.get("appraisal", ""),
            proceeds=data.get("proceeds"),
            lines=form.lines(),
        )


class TransferAddView(DocumentAddView):
    template_name = "assets/transfer_form.html"
    perm = perms.TRANSFER
    allowed = TRANSFERABLE

    def get_form(self, school, assets, data=None):
        return TransferForm(data=data, school=school, assets=assets)

    def perform(self, form, school):
        return transfer_request(
            actor=self.request.user,
            school=school,
            to_school=form.cleaned_data["to_school"],
            reason=form.cleaned_data["reason"],
            lines=form.lines(),
        )


class DocumentDetailView(ObjectDetailView):
    """A disposal or transfer with its lines and where its approval stands."""

    def extra_context(self, obj):
        request = obj.approval_request
        return {
            "lines": obj.lines.select_related("asset__category", "asset__room__building").order_by("pk"),
            "approval": request,
            "steps": approval_step_rows(request) if request is not None else [],
        }


class DisposalDetailView(DocumentDetailView):
    def extra_context(self, obj):
        ctx = super().extra_context(obj)
        ctx["can_record_outcome"] = obj.status == DocumentStatus.APPROVED and access.has_perm(
            self.request.user, perms.DISPOSE, obj.school
        )
        return ctx


class TransferDetailView(DocumentDetailView):
    def extra_context(self, obj):
        ctx = super().extra_context(obj)
        # The receiving school's cards, where the user may see them.
        lines = list(ctx["lines"])
        new_ids = [line.new_asset_id for line in lines if line.new_asset_id]
        received = {a.pk: a for a in Asset.objects.for_user(self.request.user).filter(pk__in=new_ids)}
        for line in lines:
            line.received = received.get(line.new_asset_id)
        ctx["lines"] = lines
        return ctx


class DisposalOutcomeView(ActionView):
    model = Disposal
    form_class = DisposalOutcomeForm
    perm = perms.DISPOSE
    title = gettext_lazy("Approval document and proceeds")

    def form_kwargs(self, obj):
        return {
            "initial": {"approval_document_number": obj.approval_document_number, "proceeds": obj.proceeds}
        }

    def perform(self, form, obj):
        return disposal_record_outcome(actor=self.request.user, disposal=obj, **form.cleaned_data)

    def success_message(self, result):
        return _("Saved: %(doc)s.") % {"doc": result}
