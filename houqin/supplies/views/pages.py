"""Pages over the whole app: the receiver's signatures, the alerts, the reports."""

import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from houqin.core import access
from houqin.core.permissions import model_perm
from houqin.core.selectors import semester_current
from houqin.core.views.generic import ScopedViewMixin

from ..models import StockBalance, StockMovement
from ..selectors import (
    issue_report,
    low_stock_list,
    near_expiry_list,
    receipts_waiting,
    scope_schools,
    stock_value_report,
)


class ReceiptsView(ScopedViewMixin, View):
    """What I have been issued and not signed for yet (requisitions, my classes' kits)."""

    def get(self, request, *args, **kwargs):
        requisitions, targets = receipts_waiting(request.user)
        return render(request, "supplies/receipts.html", {"requisitions": requisitions, "targets": targets})


class AlertsView(ScopedViewMixin, View):
    """Items below their minimum and lots near or past expiry, in the active scope."""

    model = StockBalance

    def get(self, request, *args, **kwargs):
        scope = self.scope_or_403()
        self.check_perm("view", scope)
        schools = list(scope_schools(user=request.user, scope=scope))
        today = timezone.localdate()
        ctx = {
            "scope": scope,
            "low": low_stock_list(schools=schools),
            "expiring": near_expiry_list(schools=schools, today=today),
            "today": today,
        }
        return render(request, "supplies/alerts.html", ctx)


def _date(text, default):
    try:
        return datetime.date.fromisoformat(text) if text else default
    except ValueError:
        return default


class ReportsView(ScopedViewMixin, View):
    """Issues by department or class over a period (this semester by default), and stock value."""

    model = StockMovement

    def get(self, request, *args, **kwargs):
        scope = self.scope_or_403()
        self.check_perm("view", scope)
        if not access.has_perm(request.user, model_perm(StockBalance, "view"), scope):
            raise PermissionDenied
        today = timezone.localdate()
        semester = semester_current(scope)
        start = _date(request.GET.get("start"), semester.start_date if semester else today.replace(day=1))
        end = _date(request.GET.get("end"), today)
        by = request.GET.get("by") if request.GET.get("by") in ("department", "room") else "department"
        ctx = {
            "scope": scope,
            "start": start,
            "end": end,
            "by": by,
            "by_choices": [("department", _("Department")), ("room", _("Class / room"))],
            "blocks": issue_report(user=request.user, scope=scope, start=start, end=end, by=by),
            "value": stock_value_report(user=request.user, scope=scope),
        }
        return render(request, "supplies/reports.html", ctx)
