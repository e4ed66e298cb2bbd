"""Purchase request pages: the request with its lines, approval, quotes, orders and deliveries;
the request form (header and lines); submit, withdraw, cancel; quotes, the comparison, the order."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from houqin.core import access
from houqin.core.permissions import model_perm
from houqin.core.views.generic import ObjectDetailView, ScopedViewMixin, apply_validation_error

from ..choices import ORDERABLE, RequestStatus, SavingBasis
from ..forms import (
    ComparisonForm,
    OrderForm,
    PurchaseRequestForm,
    QuoteForm,
    ReasonForm,
    RequestLineFormSet,
    line_initial,
)
from ..models import PurchaseOrder, Quote, QuoteComparison
from ..permissions import DECIDE_QUOTES
from ..selectors import (
    comparison_table,
    inspections_of_request,
    orders_of_request,
    quotes_required,
    request_lines,
)
from ..services.orders import chosen_supplier, order_lines_from_request, purchase_order_create
from ..services.quotes import quote_add, quote_comparison_decide
from ..services.requests import (
    may_edit,
    purchase_request_cancel,
    purchase_request_create,
    purchase_request_submit,
    purchase_request_update,
    purchase_request_withdraw,
)
from .base import ObjectActionView, ObjectFormView


def request_state(user, obj):
    """What `user` may do with the request now (the page's buttons and the views' checks)."""
    school = obj.school
    has_comparison = QuoteComparison.objects.filter(request=obj).exists()
    orderable = obj.status in ORDERABLE
    needs_quotes = quotes_required(obj)
    return {
        "can_edit": obj.status == RequestStatus.DRAFT and may_edit(user, obj),
        "can_submit": obj.status == RequestStatus.DRAFT and obj.requested_by_id == user.pk,
        "can_withdraw": obj.status == RequestStatus.PENDING and obj.requested_by_id == user.pk,
        "can_cancel": obj.status in (RequestStatus.DRAFT, RequestStatus.APPROVED)
        and may_edit(user, obj)
        and not obj.lines.filter(ordered_quantity__gt=0).exists(),
        "can_quote": orderable
        and not has_comparison
        and access.has_perm(user, model_perm(Quote, "add"), school),
        "can_decide": orderable
        and not has_comparison
        and obj.quotes.exists()
        and access.has_perm(user, DECIDE_QUOTES, school),
        "can_order": orderable
        and (has_comparison or not needs_quotes)
        and access.has_perm(user, model_perm(PurchaseOrder, "add"), school),
        "needs_quotes": needs_quotes,
        "has_comparison": has_comparison,
    }


class PurchaseRequestDetailView(ObjectDetailView):
    def base_context(self, **extra):
        """The page's Edit and Delete buttons are for a draft, and Edit for its requester too."""
        ctx = super().base_context(**extra)
        obj = ctx.get("object")
        if obj is not None and "can_change" in ctx:
            ctx["can_change"] = obj.status == RequestStatus.DRAFT and may_edit(self.request.user, obj)
            ctx["can_delete"] = (
                ctx["can_delete"] and obj.status == RequestStatus.DRAFT and not obj.approval_request_id
            )
        return ctx

    def extra_context(self, obj):
        user = self.request.user
        state = request_state(user, obj)
        ctx = {
            "lines": request_lines(obj),
            "state": state,
            "orders": orders_of_request(obj),
            "inspections": inspections_of_request(obj),
            "approval": obj.approval_request,
            "cancel_form": ReasonForm(),
        }
        if obj.quotes.exists() or state["needs_quotes"]:
            ctx["comparison_table"] = comparison_table(obj)
        comparison = (
            QuoteComparison.objects.filter(request=obj)
            .select_related("chosen_quote__supplier", "decided_by")
            .first()
        )
        if comparison is not None:
            ctx["comparison"] = comparison
            ctx["signers"] = comparison.signers.order_by("full_name", "username")
            ctx["mean_basis"] = comparison.saving_basis == SavingBasis.MEAN_OF_OTHERS
        if state["can_decide"]:
            ctx["decide_form"] = ComparisonForm(request=obj)
        return ctx


class PurchaseRequestFormView(ScopedViewMixin, View):
    """Add (no pk) or edit a draft (pk): the header and the lines in one form; the lines of a
    phone-sized screen stack as cards, "add a line" clones an empty one (procurement.js)."""

    template_name = "procurement/request_form.html"

    def _prepare(self):
        if "pk" in self.kwargs:
            obj = self.get_object()
            if not may_edit(self.request.user, obj):
                raise PermissionDenied
            if obj.status != RequestStatus.DRAFT:
                raise PermissionDenied(_("Only a draft can be changed."))
            return obj, obj.school
        scope = self.scope_or_403()
        self.check_perm("add", scope)
        return None, scope

    def forms(self, obj, school, data=None):
        form = PurchaseRequestForm(data=data, instance=obj, user=self.request.user, school=school)
        initial = (
            [line_initial(line) for line in obj.lines.order_by("position", "pk")] if obj is not None else None
        )
        formset = RequestLineFormSet(data=data, initial=initial, prefix="lines", school=school)
        return form, formset

    def render_forms(self, obj, school, form, formset, status=200):
        ctx = self.base_context(form=form, formset=formset, object=obj, school=school)
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        obj, school = self._prepare()
        form, formset = self.forms(obj, school)
        return self.render_forms(obj, school, form, formset)

    def post(self, request, *args, **kwargs):
        obj, school = self._prepare()
        form, formset = self.forms(obj, school, data=request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                if obj is None:
                    saved = purchase_request_create(
                        actor=request.user, school=school, data=form.service_data(), lines=formset.lines()
                    )
                else:
                    saved = purchase_request_update(
                        actor=request.user, instance=obj, data=form.service_data(), lines=formset.lines()
                    )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(saved.get_absolute_url())
        return self.render_forms(obj, school, form, formset, status=400)


class PurchaseRequestSubmitView(ObjectActionView):
    def allowed(self, obj):
        return obj.requested_by_id == self.request.user.pk

    def perform(self, obj, data):
        submitted = purchase_request_submit(actor=self.request.user, request=obj)
        return _("Submitted for approval: %(request)s.") % {"request": submitted}


class PurchaseRequestWithdrawView(ObjectActionView):
    def allowed(self, obj):
        return obj.requested_by_id == self.request.user.pk

    def perform(self, obj, data):
        purchase_request_withdraw(actor=self.request.user, request=obj)
        return _("Withdrawn: the request is a draft again.")


class PurchaseRequestCancelView(ObjectActionView):
    form_class = ReasonForm

    def allowed(self, obj):
        return may_edit(self.request.user, obj)

    def perform(self, obj, data):
        purchase_request_cancel(actor=self.request.user, request=obj, reason=data["reason"])
        return _("Cancelled.")


class QuoteAddView(ObjectFormView):
    """Enter one supplier's written quote for every line of the request."""

    template_name = "procurement/quote_form.html"

    def unavailable(self, obj):
        if obj.status not in ORDERABLE:
            return _("Quotes are collected for an approved request; this one is %(status)s.") % {
                "status": obj.get_status_display().lower()
            }
        if QuoteComparison.objects.filter(request=obj).exists():
            return _("The comparison of this request is decided; no more quotes.")
        return None

    def allowed(self, obj):
        return access.has_perm(self.request.user, model_perm(Quote, "add"), obj.school)

    def get_form(self, obj, data=None, files=None):
        return QuoteForm(data=data, request=obj)

    def perform(self, obj, form):
        data = form.cleaned_data
        quote_add(
            actor=self.request.user,
            request=obj,
            supplier=data["supplier"],
            quoted_on=data["quoted_on"],
            valid_until=data.get("valid_until"),
            contact_person=data.get("contact_person", ""),
            note=data.get("note", ""),
            prices=form.prices(),
        )
        return obj

    def success_message(self, result):
        return _("Quote recorded.")

    def extra_context(self, obj, form):
        return {"title": _("Add a quote"), "table": comparison_table(obj)}


class QuoteCompareView(ObjectActionView):
    """Decide the comparison (POSTed from the request's page); a refusal comes back as a message."""

    perm = DECIDE_QUOTES

    def get_form(self, obj):
        return ComparisonForm(self.request.POST, request=obj)

    def perform(self, obj, data):
        comparison = quote_comparison_decide(
            actor=self.request.user,
            request=obj,
            chosen_quote=data["chosen_quote"],
            signers=list(data["signers"]),
            reason=data["reason"],
        )
        return _("Chosen: %(supplier)s. Saving: %(saving)s yuan.") % {
            "supplier": comparison.chosen_quote.supplier,
            "saving": comparison.saving,
        }


class PurchaseOrderAddView(ObjectFormView):
    """Order what the approved request still has to order: from the supplier its comparison
    chose, at the quoted prices (or, without quotes, from a supplier chosen here)."""

    template_name = "procurement/order_form.html"

    def allowed(self, obj):
        return access.has_perm(self.request.user, model_perm(PurchaseOrder, "add"), obj.school)

    def unavailable(self, obj):
        if obj.status not in ORDERABLE:
            return _("Only an approved request is ordered; this one is %(status)s.") % {
                "status": obj.get_status_display().lower()
            }
        if quotes_required(obj) and not QuoteComparison.objects.filter(request=obj).exists():
            return _("This purchase is above the quote threshold: decide its comparison of quotes first.")
        return None

    def get_form(self, obj, data=None, files=None):
        return OrderForm(
            data=data,
            request=obj,
            lines=order_lines_from_request(obj),
            supplier=chosen_supplier(obj),
            user=self.request.user,
        )

    def perform(self, obj, form):
        data = form.cleaned_data
        return purchase_order_create(
            actor=self.request.user,
            school=obj.school,
            supplier=data["supplier"],
            lines=form.order_lines(),
            buyers=list(data["buyers"]),
            ordered_on=data["ordered_on"],
            expected_on=data["expected_on"],
            delivery_place=data.get("delivery_place", ""),
            note=data.get("note", ""),
        )

    def success_message(self, result):
        return _("Order %(number)s placed.") % {"number": result.number}

    def extra_context(self, obj, form):
        return {"title": _("Order"), "needs_quotes": quotes_required(obj)}
