"""The public side: what a room's QR code opens for someone who is not logged in.

    /maintenance/r/<token>/        the QR target: a logged-in member who may see the room goes
                                   to the room's page, anyone else to the report form
    /maintenance/report/<token>/   report a fault in that room without login (limited per
                                   network address and per room; a honeypot field; CSRF on)
    /maintenance/track/<token>/    the reporter follows the report (the link is shown once,
                                   after reporting)

Tokens are signed (services/public.py): a forged or damaged one answers 404, like a room that
does not exist, so room ids cannot be counted through.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from houqin.core.views.generic import apply_validation_error

from ..forms import PublicReportForm
from ..labels import room_label
from ..selectors import request_events
from ..services.public import (
    anonymous_report_allowed,
    report_path,
    request_from_token,
    request_track_path,
    target_from_token,
)
from ..services.requests import repair_request_submit

# What the tracking page tells the public: the steps, never the people's names.
PUBLIC_EVENT_FIELDS = ("kind", "at")


def client_ip(request):
    """The address that counts for the limits. Behind a reverse proxy, the proxy must set
    REMOTE_ADDR from the client (e.g. waitress's trusted_proxy); X-Forwarded-For is not trusted
    here, since anyone can send it."""
    return request.META.get("REMOTE_ADDR") or None


class QRTargetView(View):
    def get(self, request, token):
        target = target_from_token(token)
        if target is None:
            raise Http404
        if target.visible_to(request.user):
            return redirect(target.page_url())
        return redirect(report_path(target.asset or target.room))


class PublicReportView(View):
    template_name = "maintenance/public_report.html"

    def _target(self, token):
        target = target_from_token(token)
        if target is None:
            raise Http404
        return target

    def render_form(self, target, form, status=200, throttled=False):
        ctx = {"target": target, "room_label": target.label, "form": form, "throttled": throttled}
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, token):
        return self.render_form(self._target(token), PublicReportForm())

    def post(self, request, token):
        target = self._target(token)
        form = PublicReportForm(request.POST, request.FILES)
        if request.POST.get("website"):
            # A robot filled in the field people never see: thank it, keep nothing.
            return render(request, "maintenance/public_thanks.html", {"room_label": target.label})
        if not anonymous_report_allowed(target=target, ip=client_ip(request)):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many reports from this network or for this room just now. Please try again "
                    "later, or tell the logistics office directly."
                ),
            )
            return self.render_form(target, form, status=429, throttled=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = repair_request_submit(
                    actor=None,
                    room=target.room,
                    asset=target.asset,
                    school=target.school,
                    kind=data["kind"],
                    urgency=data["urgency"],
                    description=data["description"],
                    location_detail=data["location_detail"] or ("" if target.room else str(target.asset)),
                    photos=data["photos"],
                    reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"],
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return redirect(request_track_path(created) + "?new=1")
        return self.render_form(target, form, status=400)


class PublicTrackView(View):
    template_name = "maintenance/public_track.html"

    def get(self, request, token):
        repair = request_from_token(token)
        if repair is None:
            raise Http404
        events = [
            {f: getattr(e, f) for f in PUBLIC_EVENT_FIELDS} | {"get_kind_display": e.get_kind_display()}
            for e in request_events(repair)
        ]
        ctx = {
            "repair": repair,
            "room_label": room_label(repair.room) if repair.room_id else repair.location_detail,
            "asset": repair.asset,
            "events": events,
            "new": request.GET.get("new") == "1",
            "track_url": request.build_absolute_uri(request.path),
        }
        return render(request, self.template_name, ctx)
