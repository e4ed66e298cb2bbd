"""Approval pages: the inbox ("waiting for me"), requests (list, detail, decide, withdraw, submit)
and policies (list, detail, edit). Thin: the selectors read, the services decide."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from .. import access
from ..approvals import GENERAL_REQUEST, document_kind
from ..forms.approvals import (
    ApprovalPolicyForm,
    ApprovalStepFormSet,
    ApprovalSubmitForm,
    DecisionForm,
    steps_from_formset,
)
from ..models import ApprovalPolicy, ApprovalRequest, ApprovalStatus, Decision
from ..permissions import model_perm
from ..selectors.approvals import (
    approval_can_view,
    approval_decide_problem,
    approval_inbox,
    approval_level_node,
    approval_policies_at,
    approval_policies_for,
    approval_policy_for,
    approval_requests_for,
    approval_step_rows,
)
from ..services.approvals import approval_decide, approval_policy_set, approval_submit, approval_withdraw
from .generic import ObjectDetailView, ObjectListView, ScopedViewMixin, apply_validation_error

MANAGE_POLICIES = "core.manage_approval_policies"


def _safe_next(request, default):
    nxt = request.POST.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


def _waiting_for(req, nodes=None):
    """Who the waiting step needs ("Principal of 黄竹林学校"), or None. `nodes` caches level
    nodes across the rows of one page, so a central school is looked up once, not per row."""
    step = req.current
    if step is None:
        return None
    key = (req.school_id, step["level"])
    if nodes is not None and key in nodes:
        node = nodes[key]
    else:
        node = approval_level_node(req.school, step["level"])
        if nodes is not None:
            nodes[key] = node
    return _("%(role)s of %(node)s") % {"role": step["role_name"], "node": node or "—"}


def _decision_form(req):
    return DecisionForm(initial={"step": req.current_step})


# ---- requests ---------------------------------------------------------------------------------


class ApprovalRequestListView(ObjectListView):
    """Every request the user may read in the active scope, filtered, sorted, exported."""

    def get_queryset(self, scope):
        return approval_requests_for(self.request.user).in_scope(scope)

    def check_perm(self, action, school):
        # Everyone who may submit sees this list (their own requests, at least).
        user = self.request.user
        if not (
            access.has_perm(user, model_perm(ApprovalRequest, "view"), school)
            or access.has_perm(user, "core.submit_request", school)
        ):
            raise PermissionDenied

    def base_context(self, **extra):
        ctx = super().base_context(**extra)
        scope = self.request.scope
        ctx["can_submit"] = bool(scope) and access.has_perm(self.request.user, "core.submit_request", scope)
        return ctx


class ApprovalRequestDetailView(ObjectDetailView):
    """The request, its steps with who/when/comment, and the decision form when it is your turn."""

    decide_form = None
    page_errors = None

    def get_object(self):
        qs = ApprovalRequest.objects.for_user(self.request.user).select_related("school", "requester")
        obj = get_object_or_404(qs, pk=self.kwargs["pk"])
        if not approval_can_view(self.request.user, obj):
            raise PermissionDenied
        return obj

    def check_perm(self, action, school):
        """Reading was checked in get_object (view permission, or taking part in the request)."""

    def fields(self, obj):
        return [
            (_("Number"), obj.number),
            (_("Document kind"), obj.get_kind_display()),
            (_("Title"), obj.title),
            (_("Amount (yuan)"), obj.amount),
            (_("Requester"), obj.requester),
            (_("School"), obj.school),
            (_("Submitted at"), obj.submitted_at),
            (_("Decided at"), obj.decided_at),
        ]

    def extra_context(self, obj):
        user = self.request.user
        problem = approval_decide_problem(user, obj)
        document = obj.document if obj.object_id else None
        errors = list(self.page_errors or [])
        if self.decide_form is not None and problem is not None:
            # The form is not shown any more (decided meanwhile): say why at the top.
            errors += [e for field_errors in self.decide_form.errors.values() for e in field_errors]
        return {
            "steps": approval_step_rows(obj),
            "waiting_for": _waiting_for(obj),
            "can_decide": problem is None,
            "decide_form": self.decide_form or _decision_form(obj),
            "can_withdraw": obj.status == ApprovalStatus.PENDING and obj.requester_id == user.pk,
            "duties": obj.duties.select_related("user").order_by("pk"),
            "document": document,
            "page_errors": errors,
        }


class ApprovalRequestDecideView(ApprovalRequestDetailView):
    """POST a decision. From the inbox (htmx) the answer is the inbox item; from the detail page,
    a redirect, or the page again with the error (400) when the decision is refused."""

    def get(self, request, *args, **kwargs):
        # Nothing to show here: a reloaded or shared link lands on the request itself.
        return redirect(self.get_object().get_absolute_url())

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = DecisionForm(request.POST)
        outcome = None
        if form.is_valid():
            try:
                obj = approval_decide(
                    actor=request.user,
                    request=obj,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                    step_index=form.cleaned_data.get("step"),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                outcome = _outcome_message(obj, form.cleaned_data["decision"])
        if request.htmx:
            ctx = {
                "item": obj,
                "form": form if outcome is None else None,
                "outcome": outcome,
                "waiting_for": _waiting_for(obj),
                "update_badge": True,
            }
            return render(request, "core/approvals/_inbox_item.html", ctx)
        if outcome is not None:
            messages.success(request, outcome)
            return redirect(_safe_next(request, obj.get_absolute_url()))
        self.decide_form = form
        response = ApprovalRequestDetailView.get(self, request, *args, **kwargs)
        response.status_code = 400
        return response


def _outcome_message(req, decision):
    if req.status == ApprovalStatus.APPROVED:
        return _("Approved: %(request)s.") % {"request": req}
    if req.status == ApprovalStatus.REJECTED:
        return _("Rejected: %(request)s.") % {"request": req}
    if decision == Decision.APPROVE:
        return _("Approved your step of %(request)s; it now waits for the %(next)s.") % {
            "request": req,
            "next": _waiting_for(req),
        }
    return str(req)


class ApprovalRequestWithdrawView(ApprovalRequestDetailView):
    """The requester takes back a request that still waits."""

    def get(self, request, *args, **kwargs):
        return redirect(self.get_object().get_absolute_url())

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            approval_withdraw(actor=request.user, request=obj)
        except ValidationError as exc:
            self.page_errors = exc.messages
            response = ApprovalRequestDetailView.get(self, request, *args, **kwargs)
            response.status_code = 400
            return response
        messages.success(request, _("The request was withdrawn."))
        return redirect(obj.get_absolute_url())


class ApprovalRequestSubmitView(ScopedViewMixin, View):
    """Submit a general request (请示/申请单) at the active school."""

    template_name = "core/approvals/request_form.html"

    def _school(self):
        scope = self.scope_or_403()
        if not access.has_perm(self.request.user, "core.submit_request", scope):
            raise PermissionDenied
        return scope

    def _render(self, form, school, status=200):
        policy = approval_policy_for(school, GENERAL_REQUEST)
        ctx = self.base_context(
            form=form,
            school=school,
            policy=policy,
            policy_steps=list(policy.steps.all()) if policy else [],
            kind_label=document_kind(GENERAL_REQUEST).label,
        )
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        school = self._school()
        return self._render(ApprovalSubmitForm(), school)

    def post(self, request, *args, **kwargs):
        school = self._school()
        form = ApprovalSubmitForm(request.POST)
        if form.is_valid():
            try:
                obj = approval_submit(
                    actor=request.user, school=school, kind=GENERAL_REQUEST, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Submitted %(request)s.") % {"request": obj})
                return redirect(obj.get_absolute_url())
        return self._render(form, school, status=400)


class InboxView(LoginRequiredMixin, View):
    """Waiting for me: every request I may decide now, across all my schools, oldest first."""

    def get(self, request):
        user = request.user
        nodes = {}
        items = [
            {"item": r, "form": _decision_form(r), "waiting_for": _waiting_for(r, nodes)}
            for r in approval_inbox(user)
        ]
        mine = (
            ApprovalRequest.objects.filter(requester=user, status=ApprovalStatus.PENDING)
            .select_related("school")
            .order_by("-submitted_at", "-pk")
        )
        mine = [{"request": r, "waiting_for": _waiting_for(r, nodes)} for r in mine]
        return render(request, "core/approvals/inbox.html", {"items": items, "mine": mine})


# ---- policies ---------------------------------------------------------------------------------


class ApprovalPolicyListView(ObjectListView):
    """The policies bearing on the active node: its own, the ones above it, the ones below."""

    def get_queryset(self, scope):
        return approval_policies_at(self.request.user, scope).prefetch_related("steps__role")

    def base_context(self, **extra):
        ctx = super().base_context(**extra)
        scope = self.request.scope
        ctx["can_manage"] = bool(scope) and access.has_perm(self.request.user, MANAGE_POLICIES, scope)
        return ctx


class ApprovalPolicyDetailView(ObjectDetailView):
    def get_object(self):
        qs = approval_policies_for(self.request.user).prefetch_related("steps__role")
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def check_perm(self, action, school):
        # A policy of the node above governs the user's school, so it is readable from below.
        if not access.has_perm(self.request.user, model_perm(ApprovalPolicy, "view")):
            raise PermissionDenied

    def fields(self, obj):
        return [
            (_("Document kind"), obj.get_kind_display()),
            (_("Name"), obj.name),
            (_("Set at"), obj.school),
            (_("Active"), _("Yes") if obj.is_active else _("No")),
        ]

    def extra_context(self, obj):
        user = self.request.user
        scope = self.request.scope
        can_override = (
            bool(scope)
            and scope.pk != obj.school_id
            and obj.school.is_ancestor_of(scope)
            and access.has_perm(user, MANAGE_POLICIES, scope)
            and not ApprovalPolicy.objects.filter(school=scope, kind=obj.kind).exists()
        )
        return {
            "steps": list(obj.steps.all()),
            "can_manage": access.has_perm(user, MANAGE_POLICIES, obj.school),
            "can_override": can_override,
        }


class ApprovalPolicyEditView(ScopedViewMixin, View):
    """Add a policy at the active node, or edit a policy's steps (a small formset)."""

    template_name = "core/approvals/policy_form.html"

    def _prepare(self):
        user = self.request.user
        if "pk" in self.kwargs:
            policy = get_object_or_404(approval_policies_for(user), pk=self.kwargs["pk"])
            school = policy.school
        else:
            policy = None
            school = self.scope_or_403()
        if not access.has_perm(user, MANAGE_POLICIES, school):
            raise PermissionDenied
        return policy, school

    def _forms(self, policy, data=None):
        if policy is not None:
            initial = {"kind": policy.kind, "name": policy.name, "is_active": policy.is_active}
            steps = [
                {"role": s.role, "level": s.level, "max_amount": s.max_amount}
                for s in policy.steps.select_related("role")
            ]
        else:
            kind = self.request.GET.get("kind")
            initial = {"kind": kind, "is_active": True} if kind else {"is_active": True}
            steps = []
            if kind:
                # Overriding the policy above: start from its steps.
                above = approval_policy_for(self.request.scope, kind)
                if above is not None:
                    steps = [
                        {"role": s.role, "level": s.level, "max_amount": s.max_amount}
                        for s in above.steps.all()
                    ]
        form = ApprovalPolicyForm(data, initial=initial, kind_fixed=policy is not None)
        formset = ApprovalStepFormSet(data, initial=steps, prefix="steps")
        return form, formset

    def _render(self, form, formset, policy, school, status=200):
        ctx = self.base_context(form=form, formset=formset, object=policy, school=school)
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        policy, school = self._prepare()
        form, formset = self._forms(policy)
        return self._render(form, formset, policy, school)

    def post(self, request, *args, **kwargs):
        policy, school = self._prepare()
        form, formset = self._forms(policy, data=request.POST)
        if form.is_valid() and formset.is_valid():
            kind = policy.kind if policy is not None else form.cleaned_data["kind"]
            if policy is None and ApprovalPolicy.objects.filter(school=school, kind=kind).exists():
                form.add_error(
                    "kind", _("%(school)s already has a policy for this kind; edit it.") % {"school": school}
                )
            else:
                try:
                    saved = approval_policy_set(
                        actor=request.user,
                        school=school,
                        kind=kind,
                        steps=steps_from_formset(formset),
                        name=form.cleaned_data["name"],
                        is_active=form.cleaned_data["is_active"],
                    )
                except ValidationError as exc:
                    apply_validation_error(form, exc)
                else:
                    messages.success(request, _("Saved."))
                    return redirect(saved.get_absolute_url())
        return self._render(form, formset, policy, school, status=400)


# Pages outside the model registry's routes, included by houqin/core/urls.py.
urlpatterns = [
    path("inbox/", InboxView.as_view(), name="inbox"),
]
