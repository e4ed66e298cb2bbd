"""Repair request pages: report (phone first), the request's page with its progress, the
office's accept/refuse and the reporter's confirm/reopen, and "my reports"."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from houqin.core import access
from houqin.core.models import Room
from houqin.core.permissions import model_perm
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import ObjectDetailView, ScopedViewMixin, apply_validation_error

from ..choices import RequestStatus
from ..forms import AcceptForm, ConfirmForm, RejectForm, ReopenForm, RepairReportForm
from ..models import RepairRequest, WorkOrder, WorkOrderPhoto
from ..permissions import TRIAGE
from ..selectors import my_requests, request_events, workers_for
from ..services.requests import (
    may_confirm,
    repair_request_accept,
    repair_request_confirm,
    repair_request_reject,
    repair_request_reopen,
    repair_request_submit,
)


def report_assets(user, scope):
    """Asset cards the user may name in a report (the asset's page links here with ?asset=)."""
    from houqin.assets.models import Asset

    return (
        Asset.objects.for_user(user)
        .filter(school__path__startswith=scope.path)
        .select_related("room__building")
    )


def _id(value):
    return int(value) if str(value or "").isdecimal() else None


def report_rooms(user, scope, wanted=None):
    """Rooms the user may report for: in the active scope, plus the room they came from."""
    qs = Room.objects.for_user(user).filter(is_active=True)
    cond = Q(school__path__startswith=scope.path)
    if wanted:
        cond |= Q(pk=wanted)
    return qs.filter(cond).select_related("building").order_by("building__name", "floor", "number")


class RepairRequestReportView(ScopedViewMixin, View):
    """Report a fault: the room comes from the room's page (?room=), or is chosen."""

    template_name = "maintenance/report.html"

    def _prepare(self):
        scope = self.scope_or_403()
        self.check_perm("add", scope)
        wanted = _id(self.request.GET.get("room") or self.request.POST.get("room"))
        return scope, report_rooms(self.request.user, scope, wanted), report_assets(self.request.user, scope)

    def render_form(self, form, scope, status=200):
        asset = form["asset"].value()
        asset = form.fields["asset"].queryset.filter(pk=_id(asset)).first() if _id(asset) else None
        return render(
            self.request, self.template_name, {"form": form, "scope": scope, "asset": asset}, status=status
        )

    def get(self, request, *args, **kwargs):
        scope, rooms, assets = self._prepare()
        initial = {"reporter_phone": request.user.phone}
        asset = (
            assets.filter(pk=_id(request.GET.get("asset"))).first() if _id(request.GET.get("asset")) else None
        )
        if asset is not None:
            initial["asset"] = asset.pk
            if asset.room_id:
                rooms = report_rooms(request.user, scope, asset.room_id)
                initial["room"] = asset.room_id
        room = _id(request.GET.get("room"))
        if room and rooms.filter(pk=room).exists():
            initial["room"] = room
        form = RepairReportForm(rooms=rooms, assets=assets, initial=initial)
        return self.render_form(form, scope)

    def post(self, request, *args, **kwargs):
        scope, rooms, assets = self._prepare()
        form = RepairReportForm(request.POST, request.FILES, rooms=rooms, assets=assets)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = repair_request_submit(
                    actor=request.user,
                    room=data["room"],
                    asset=data["asset"],
                    school=None if (data["room"] or data["asset"]) else scope,
                    kind=data["kind"],
                    urgency=data["urgency"],
                    description=data["description"],
                    location_detail=data["location_detail"],
                    photos=data["photos"],
                    reporter_phone=data["reporter_phone"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request, _("Reported as %(number)s. You can follow it here.") % {"number": created.number}
                )
                return redirect(created.get_absolute_url())
        return self.render_form(form, scope, status=400)


class RepairRequestDetailView(ObjectDetailView):
    """The request, its progress, its photos; the forms the reader may use on it."""

    def extra_context(self, obj):
        user = self.request.user
        order = WorkOrder.objects.filter(request=obj).select_related("assignee").first()
        can_triage = access.has_perm(user, TRIAGE, obj.school)
        ctx = {
            "order": order,
            "events": request_events(obj),
            "photos": [a for a in _attachments(obj, user) if a.is_image],
            "order_photos": list(
                WorkOrderPhoto.objects.filter(order=order).select_related("attachment") if order else []
            ),
            "can_triage": can_triage and obj.status == RequestStatus.SUBMITTED,
            "can_confirm": may_confirm(user, obj) and obj.status == RequestStatus.RESOLVED,
            "can_reopen": may_confirm(user, obj)
            and obj.status in (RequestStatus.RESOLVED, RequestStatus.CLOSED),
            "show_contact": can_triage or (order is not None and order.assignee_id == user.pk),
            "can_see_order": order is not None
            and access.has_perm(user, model_perm(WorkOrder, "view"), obj.school),
        }
        if ctx["can_triage"]:
            ctx["accept_form"] = AcceptForm(
                workers=workers_for(obj.school), initial={"urgency": obj.urgency, "kind": obj.kind}
            )
            ctx["reject_form"] = RejectForm()
        if ctx["can_confirm"]:
            ctx["confirm_form"] = ConfirmForm()
        if ctx["can_reopen"]:
            ctx["reopen_form"] = ReopenForm()
        return ctx


def _attachments(obj, user):
    from houqin.core.selectors import attachments_for

    return attachments_for(obj, user=user)


class RepairRequestAcceptView(ObjectActionView):
    perm = TRIAGE
    success_message = ""

    def get_form(self, obj):
        return AcceptForm(self.request.POST, workers=workers_for(obj.school))

    def perform(self, obj, data):
        order = repair_request_accept(
            actor=self.request.user,
            request=obj,
            urgency=data["urgency"],
            kind=data["kind"],
            assignee=data["assignee"],
            contractor_name=data["contractor_name"],
            contractor_phone=data["contractor_phone"],
            note=data["note"],
        )
        self.success_message = _("Accepted; the work order is due %(due)s.") % {
            "due": timezone.localtime(order.due_at).strftime("%Y-%m-%d %H:%M")
        }


class RepairRequestRejectView(ObjectActionView):
    perm = TRIAGE
    form_class = RejectForm

    def perform(self, obj, data):
        repair_request_reject(actor=self.request.user, request=obj, reason=data["reason"])
        self.success_message = _("The request was not accepted; the reporter is told why.")


class ReporterActionView(ObjectActionView):
    """Actions of the reporter (or of the office on an anonymous reporter's behalf)."""

    def allowed(self, obj):
        return may_confirm(self.request.user, obj) and (
            obj.reporter_id == self.request.user.pk
            or access.has_perm(self.request.user, model_perm(RepairRequest, "view"), obj.school)
        )


class RepairRequestConfirmView(ReporterActionView):
    form_class = ConfirmForm

    def perform(self, obj, data):
        repair_request_confirm(
            actor=self.request.user, request=obj, rating=data["rating"], feedback=data["feedback"]
        )
        self.success_message = _("Thank you: the repair is confirmed and closed.")


class RepairRequestReopenView(ReporterActionView):
    form_class = ReopenForm

    def perform(self, obj, data):
        repair_request_reopen(actor=self.request.user, request=obj, reason=data["reason"])
        self.success_message = _("Reopened: the worker is told it is not fixed.")


class MyRequestsView(LoginRequiredMixin, View):
    """What I reported, and where each report stands."""

    model = RepairRequest

    def get(self, request, *args, **kwargs):
        rows = list(my_requests(user=request.user)[:100])
        return render(request, "maintenance/my_requests.html", {"rows": rows})
