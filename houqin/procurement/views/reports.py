"""The purchasing overview (what waits, what is late, what expires) and the report: spending by
supplier, department, category and month; savings from quotes; split-purchase flags; cycle
times. Both read the active scope (a school, or a central school with all its schools)."""

import datetime
import io

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import Workbook

from houqin.core import access
from houqin.core.exports import escape_cell
from houqin.core.permissions import model_perm

from ..forms import PeriodForm
from ..models import PurchaseOrder, PurchaseRequest
from ..selectors import (
    Period,
    certificates_expiring,
    cycle_times,
    orders_late,
    orders_to_receive,
    requests_to_order,
    savings_report,
    spending_report,
    split_flags,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ScopeView(LoginRequiredMixin, View):
    perm = model_perm(PurchaseOrder, "view")

    def scope(self):
        scope = self.request.scope
        if not scope:
            raise PermissionDenied(_("You have no membership in any school."))
        if not access.has_perm(self.request.user, self.perm, scope):
            raise PermissionDenied
        return scope


class DashboardView(ScopeView):
    def get(self, request):
        scope = self.scope()
        user = request.user
        ctx = {
            "scope": scope,
            "to_order": requests_to_order(user=user, scope=scope)[:20],
            "to_receive": orders_to_receive(user=user, scope=scope)[:20],
            "late": orders_late(user=user, scope=scope),
            "expiring": certificates_expiring(user=user, scope=scope),
            "pending": PurchaseRequest.objects.for_user(user)
            .in_scope(scope)
            .filter(status="pending")
            .select_related("department", "school")
            .order_by("submitted_at")[:20],
            "can_request": access.has_perm(user, model_perm(PurchaseRequest, "add"), scope),
            "today": timezone.localdate(),
        }
        return render(request, "procurement/dashboard.html", ctx)


def _period(form):
    today = timezone.localdate()
    start = datetime.date(today.year, 1, 1)
    end = datetime.date(today.year, 12, 31)
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    return Period(start, end)


class ReportView(ScopeView):
    def get(self, request):
        scope = self.scope()
        user = request.user
        form = PeriodForm(request.GET or None)
        period = _period(form)
        ctx = {
            "scope": scope,
            "form": form,
            "period": period,
            "spending": spending_report(user=user, scope=scope, period=period),
            "savings": savings_report(user=user, scope=scope, period=period),
            "splits": split_flags(user=user, scope=scope, period=period),
            "cycle": cycle_times(user=user, scope=scope, period=period),
            "can_export": access.has_perm(user, "core.export", scope),
        }
        if request.GET.get("export") == "xlsx":
            if not ctx["can_export"]:
                raise PermissionDenied
            response = HttpResponse(report_xlsx(ctx), content_type=XLSX)
            response["Content-Disposition"] = (
                f'attachment; filename="procurement-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"'
            )
            return response
        return render(request, "procurement/report.html", ctx)


def _sheet(wb, title, headers, rows):
    ws = wb.create_sheet(title=title[:31])
    ws.append([escape_cell(str(h)) for h in headers])
    for row in rows:
        ws.append([escape_cell(v) if isinstance(v, str) else v for v in row])


def report_xlsx(ctx):
    """The report as a workbook, one sheet per table (text cells escaped against formulas)."""
    wb = Workbook(write_only=True)
    spending, savings = ctx["spending"], ctx["savings"]
    _sheet(
        wb,
        _("By supplier"),
        [_("Supplier"), _("School"), _("Deliveries"), _("Accepted value (yuan)")],
        [[r["supplier"], r["school"], r["deliveries"], r["amount"]] for r in spending["by_supplier"]],
    )
    _sheet(
        wb,
        _("By department"),
        [_("Department"), _("Accepted value (yuan)")],
        [[str(r["department"]), r["amount"]] for r in spending["by_department"]],
    )
    _sheet(
        wb,
        _("By category"),
        [_("Category"), _("Accepted value (yuan)")],
        [[r["category"], r["amount"]] for r in spending["by_category"]],
    )
    _sheet(
        wb,
        _("By month"),
        [_("Month"), _("Accepted value (yuan)")],
        [[r["month"].strftime("%Y-%m"), r["amount"]] for r in spending["by_month"]],
    )
    _sheet(
        wb,
        _("Savings"),
        [
            _("Request"),
            _("Chosen supplier"),
            _("Quotes"),
            _("Chosen (yuan)"),
            _("Compared with (yuan)"),
            _("Saving (yuan)"),
            _("Reason"),
        ],
        [
            [
                c.request.number,
                c.chosen_quote.supplier.name,
                c.quote_count,
                c.chosen_total,
                c.reference_total,
                c.saving,
                c.reason,
            ]
            for c in savings["comparisons"]
        ],
    )
    _sheet(
        wb,
        _("Split purchases"),
        [
            _("Request"),
            _("Title"),
            _("Item or category"),
            _("Threshold (yuan)"),
            _("Earlier (yuan)"),
            _("This (yuan)"),
        ],
        [
            [r.number, r.title, w["group"], w["threshold"], w["earlier"], w["this"]]
            for r in ctx["splits"]
            for w in r.split_detail
        ],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
