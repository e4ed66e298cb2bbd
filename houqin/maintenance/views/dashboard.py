"""The repairs and inspections dashboard of the active scope."""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.views.generic import ScopedViewMixin

from ..models import WorkOrder
from ..selectors import Period, dashboard, default_period, may_see_dashboard


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end is before the start."))
        return data


def period_from(form, scope):
    default = default_period(scope)
    if not form.is_valid():
        return default
    start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    if not start and not end:
        return default
    end = end or timezone.localdate()
    start = start or end - datetime.timedelta(days=89)
    return Period(start, end)


class DashboardView(ScopedViewMixin, View):
    model = WorkOrder

    def get(self, request, *args, **kwargs):
        scope = self.scope_or_403()
        if not may_see_dashboard(request.user, scope):
            raise PermissionDenied
        form = PeriodForm(request.GET or None)
        board = dashboard(user=request.user, scope=scope, period=period_from(form, scope))
        if not form.is_bound:
            form = PeriodForm(initial={"start": board.period.start, "end": board.period.end})
        return render(request, "maintenance/dashboard.html", {"board": board, "form": form, "scope": scope})
