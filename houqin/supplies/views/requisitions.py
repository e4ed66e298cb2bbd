"""Requisition pages: ask (with lines), submit, issue, sign for, cancel, and the printable slip."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from houqin.core import access
from houqin.core.views.actions import ObjectActionView, error_text
from houqin.core.views.generic import ObjectDetailView, ScopedViewMixin, apply_validation_error

from ..choices import ISSUABLE_REQUISITION, RequisitionStatus
from ..forms import CancelForm, LineForm, RequisitionForm, RequisitionIssueForm, line_formset
from ..models import Requisition
from ..permissions import ISSUE
from ..selectors import requisition_lines, requisition_movements
from ..services.requisitions import (
    ADD,
    CHANGE,
    requisition_cancel,
    requisition_confirm,
    requisition_create,
    requisition_issue,
    requisition_submit,
    requisition_update,
)


def _may_edit(user, requisition):
    return user.pk == requisition.requester_id or access.has_perm(user, CHANGE, requisition.school)


class RequisitionEditView(ScopedViewMixin, View):
    """Ask for supplies (no pk) or change a draft (pk): the purpose and the lines."""

    model = Requisition
    template_name = "supplies/requisition_edit.html"

    def _prepare(self):
        if "pk" in self.kwargs:
            obj = self.get_object()
            if not _may_edit(self.request.user, obj):
                raise PermissionDenied
            return obj, obj.school
        scope = self.scope_or_403()
        if not access.has_perm(self.request.user, ADD, scope):
            raise PermissionDenied
        return None, scope

    def forms(self, obj, school, data=None):
        user = self.request.user
        if obj is not None:
            initial = {"purpose": obj.purpose, "department": obj.department_id, "room": obj.room_id}
            lines = [
                {"item": line.item_id, "quantity": line.quantity, "note": line.note}
                for line in obj.lines.order_by("pk")
            ]
        else:
            initial, lines = {}, []
            if self.request.GET.get("room", "").isdecimal():
                initial["room"] = int(self.request.GET["room"])
        form = RequisitionForm(data, user=user, school=school, initial=initial)
        formset = line_formset(
            LineForm, data, user=user, school=school, initial=lines, blank_rows=3 if lines else 4
        )
        return form, formset

    def render_forms(self, obj, school, form, formset, status=200):
        ctx = {"object": obj, "school": school, "form": form, "formset": formset}
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        obj, school = self._prepare()
        if obj is not None and obj.status != RequisitionStatus.DRAFT:
            messages.error(request, _("Only a draft can be changed."))
            return redirect(obj.get_absolute_url())
        form, formset = self.forms(obj, school)
        return self.render_forms(obj, school, form, formset)

    def post(self, request, *args, **kwargs):
        obj, school = self._prepare()
        form, formset = self.forms(obj, school, data=request.POST)
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            kwargs = {
                "actor": request.user,
                "purpose": data["purpose"],
                "lines": formset.lines(),
                "department": data["department"],
                "room": data["room"],
            }
            try:
                if obj is None:
                    saved = requisition_create(school=school, **kwargs)
                else:
                    saved = requisition_update(requisition=obj, **kwargs)
            except ValidationError as exc:
                apply_validation_error(form, exc)
                if hasattr(exc, "error_dict") and "lines" in exc.error_dict:
                    form.add_error(None, exc.error_dict["lines"])
            else:
                if request.POST.get("submit_now"):
                    try:
                        requisition_submit(actor=request.user, requisition=saved)
                    except ValidationError as exc:
                        messages.error(request, error_text(exc))
                    else:
                        messages.success(request, _("Submitted."))
                else:
                    messages.success(request, _("Saved as a draft."))
                return redirect(saved.get_absolute_url())
        return self.render_forms(obj, school, form, formset, status=400)


class RequisitionDetailView(ObjectDetailView):
    def extra_context(self, obj):
        user = self.request.user
        lines = requisition_lines(obj)
        is_requester = user.pk == obj.requester_id
        may_issue = obj.status in ISSUABLE_REQUISITION and access.has_perm(user, ISSUE, obj.school)
        ctx = {
            "lines": lines,
            "movements": requisition_movements(obj),
            "can_edit": obj.status == RequisitionStatus.DRAFT and _may_edit(user, obj),
            "can_submit": obj.status == RequisitionStatus.DRAFT and is_requester,
            "can_cancel": obj.status
            in (RequisitionStatus.DRAFT, RequisitionStatus.APPROVED, RequisitionStatus.REJECTED)
            and _may_edit(user, obj)
            and not _anything_issued(lines),
            "can_confirm": obj.status in (RequisitionStatus.PARTLY_ISSUED, RequisitionStatus.ISSUED)
            and user.pk == obj.receiver_id,
            "can_issue": may_issue,
        }
        if may_issue:
            ctx["issue_form"] = RequisitionIssueForm(
                user=user,
                school=obj.school,
                lines=[line for line in lines if line.open > 0],
                auto_id="issue_%s",
            )
        if ctx["can_cancel"]:
            ctx["cancel_form"] = CancelForm(auto_id="cancel_%s")
        return ctx


def _anything_issued(lines):
    return any(line.issued for line in lines)


class RequisitionSubmitView(ObjectActionView):
    model = Requisition

    def allowed(self, obj):
        return self.request.user.pk == obj.requester_id

    def perform(self, obj, data):
        done = requisition_submit(actor=self.request.user, requisition=obj)
        self.success_message = (
            _("Submitted for approval.") if done.status == RequisitionStatus.PENDING else _("Ready to issue.")
        )


class RequisitionIssueView(ObjectActionView):
    model = Requisition
    perm = ISSUE

    def get_form(self, obj):
        lines = [line for line in requisition_lines(obj) if line.open > 0]
        return RequisitionIssueForm(self.request.POST, user=self.request.user, school=obj.school, lines=lines)

    def perform(self, obj, data):
        form_lines = {k: v for k, v in data.items() if k.startswith("line_")}
        movements = requisition_issue(
            actor=self.request.user,
            requisition=obj,
            store=data["store"],
            quantities={int(k.removeprefix("line_")): v for k, v in form_lines.items()},
        )
        self.success_message = _("Issued %(n)s line(s).") % {"n": len(movements)}


class RequisitionConfirmView(ObjectActionView):
    model = Requisition

    def allowed(self, obj):
        return self.request.user.pk == obj.receiver_id

    def perform(self, obj, data):
        requisition_confirm(actor=self.request.user, requisition=obj)
        self.success_message = _("Signed for. Thank you.")


class RequisitionCancelView(ObjectActionView):
    model = Requisition
    form_class = CancelForm

    def allowed(self, obj):
        return _may_edit(self.request.user, obj)

    def perform(self, obj, data):
        requisition_cancel(actor=self.request.user, requisition=obj, reason=data["reason"])
        self.success_message = _("Cancelled.")


class RequisitionSlipView(ScopedViewMixin, View):
    """The requisition slip (领用单) to print: lines, what was issued, who asked, approved,
    issued and signed, and when."""

    model = Requisition
    template_name = "supplies/requisition_slip.html"

    def context(self):
        obj = self.get_object()
        self.check_perm("view", obj.school)
        approvals = []
        if obj.approval_id:
            approvals = list(obj.approval.decisions.select_related("actor").order_by("step_index"))
        return {
            "object": obj,
            "lines": requisition_lines(obj),
            "movements": requisition_movements(obj),
            "approvals": approvals,
            "printed_at": timezone.now(),
        }

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context())


class RequisitionSlipDocxView(RequisitionSlipView):
    """The same slip as a Word document, for offices that keep the paper form."""

    def get(self, request, *args, **kwargs):
        ctx = self.context()
        try:
            content = slip_docx(ctx)
        except ImportError:
            raise Http404
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{ctx["object"].number or "requisition"}.docx"'
        )
        return response


def _n(value):
    return format(value.normalize(), "f") if value is not None else ""


def slip_docx(ctx):
    from docx import Document

    obj = ctx["object"]
    doc = Document()
    doc.add_heading(f"{obj.school} {_('Requisition slip')}", level=1)
    doc.add_paragraph(
        f"{_('Number')}: {obj.number}    {_('Date')}: {timezone.localtime(obj.created_at):%Y-%m-%d}"
    )
    doc.add_paragraph(f"{_('Purpose')}: {obj.purpose}")
    where = [str(obj.department)] if obj.department_id else []
    if obj.room_id:
        where.append(str(obj.room))
    doc.add_paragraph(f"{_('Requester')}: {obj.requester}    {' · '.join(where)}")
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        [_("Item"), _("Unit"), _("Asked"), _("Issued"), _("Value (yuan)"), _("Note")],
        strict=True,
    ):
        cell.text = str(text)
    for line in ctx["lines"]:
        row = table.add_row().cells
        for cell, text in zip(
            row,
            [
                str(line.item),
                line.item.unit,
                _n(line.quantity),
                _n(line.issued),
                str(line.issued_value),
                line.note,
            ],
            strict=True,
        ):
            cell.text = text
    for decision in ctx["approvals"]:
        doc.add_paragraph(
            f"{_('Approved by')}: {decision.actor} {timezone.localtime(decision.decided_at):%Y-%m-%d %H:%M}"
            f" {decision.get_decision_display()}"
        )
    if obj.issued_by_id:
        doc.add_paragraph(
            f"{_('Issued by')}: {obj.issued_by} {timezone.localtime(obj.issued_at):%Y-%m-%d %H:%M}"
        )
    if obj.confirmed_at:
        signed = _("Signed for by")  # outside the f-string, where makemessages sees it
        doc.add_paragraph(
            f"{signed}: {obj.confirmed_by} {timezone.localtime(obj.confirmed_at):%Y-%m-%d %H:%M}"
        )
    else:
        doc.add_paragraph(f"{_('Receiver')} ({obj.receiver}): ____________")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
