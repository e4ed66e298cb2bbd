"""Inspection pages: checklists, plans with their coming dates, rounds with their rooms, and
walking a round on a phone, room by room."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from houqin.core import access
from houqin.core.models import Room
from houqin.core.views.generic import ObjectDetailView, ScopedViewMixin

from ..choices import Outcome, RoundStatus
from ..models import InspectionResult
from ..permissions import INSPECT
from ..selectors import round_room_results, round_rooms
from ..services.inspections import checklist_for, inspection_room_record, plan_occurrences, plan_rooms

UPCOMING_DAYS = 120  # how far ahead a plan's page lists its coming dates


class ChecklistDetailView(ObjectDetailView):
    def extra_context(self, obj):
        return {"items": list(obj.items.order_by("position")), "plans": list(obj.plans.order_by("name"))}


class InspectionPlanDetailView(ObjectDetailView):
    def extra_context(self, obj):
        today = timezone.localdate()
        checklists = list(obj.checklists.prefetch_related("items"))
        rooms = list(plan_rooms(obj))
        covered = [r for r in rooms if checklist_for(r, checklists)]
        return {
            "upcoming": plan_occurrences(obj, today, today + datetime.timedelta(days=UPCOMING_DAYS))[:8],
            "rounds": list(obj.rounds.select_related("inspector").order_by("-occurrence_date")[:10]),
            "rooms_total": len(rooms),
            "rooms_covered": len(covered),
            "checklists": checklists,
            "buildings": list(obj.buildings.order_by("name")),
            "room_kinds_display": obj.room_kinds,
        }


class InspectionRoundDetailView(ObjectDetailView):
    def extra_context(self, obj):
        return {
            "rooms": round_rooms(obj),
            "can_walk": obj.status != RoundStatus.COMPLETED
            and access.has_perm(self.request.user, INSPECT, obj.school),
            "failed": list(
                InspectionResult.objects.filter(round=obj, outcome=Outcome.FAIL)
                .select_related("room__building", "repair_request")
                .order_by("room__building__name", "room__number", "position")
            ),
        }


class InspectionRoundWalkView(ScopedViewMixin, View):
    """One room of a round on a phone: each item pass or fail (with a note and a photo)."""

    template_name = "maintenance/round_walk.html"

    def _prepare(self):
        rnd = self.get_object()
        if not access.has_perm(self.request.user, INSPECT, rnd.school):
            raise PermissionDenied
        room_id = self.request.GET.get("room", "")
        if not room_id.isdecimal():
            return rnd, None, None
        room = get_object_or_404(
            Room.objects.select_related("building"), pk=int(room_id), school_id=rnd.school_id
        )
        results = list(round_room_results(rnd, room))
        if not results:
            raise Http404
        return rnd, room, results

    def render_room(self, rnd, room, results, errors=(), posted=None, status=200):
        rooms = round_rooms(rnd)
        index = next((i for i, r in enumerate(rooms) if r["room"].pk == room.pk), 0)
        rows = []
        for result in results:
            value = (posted or {}).get(result.pk, {})
            rows.append(
                {
                    "result": result,
                    "outcome": value.get("outcome", result.outcome),
                    "note": value.get("note", result.note),
                    "locked": bool(result.repair_request_id),
                }
            )
        ctx = {
            "object": rnd,
            "round": rnd,
            "room": room,
            "rows": rows,
            "errors": errors,
            "position": index + 1,
            "rooms_total": len(rooms),
            "next_room": rooms[index + 1]["room"] if index + 1 < len(rooms) else None,
            "previous_room": rooms[index - 1]["room"] if index > 0 else None,
            "completed": rnd.status == RoundStatus.COMPLETED,
        }
        return render(self.request, self.template_name, ctx, status=status)

    def first_room_url(self, rnd):
        """The first room with items left (or the round's page when none is left)."""
        following = next((r["room"] for r in round_rooms(rnd) if r["done"] < r["total"]), None)
        if following is None:
            return rnd.get_absolute_url()
        return f"{rnd.get_absolute_url()}walk/?room={following.pk}"

    def get(self, request, *args, **kwargs):
        rnd, room, results = self._prepare()
        if room is None:
            return redirect(self.first_room_url(rnd))
        return self.render_room(rnd, room, results)

    def post(self, request, *args, **kwargs):
        rnd, room, results = self._prepare()
        if room is None:
            raise Http404
        outcomes = {}
        for result in results:
            outcome = request.POST.get(f"outcome_{result.pk}", "")
            if not outcome:
                continue
            outcomes[result.pk] = {
                "outcome": outcome,
                "note": request.POST.get(f"note_{result.pk}", ""),
                "photo": request.FILES.get(f"photo_{result.pk}"),
            }
        try:
            created = inspection_room_record(actor=request.user, round=rnd, room=room, outcomes=outcomes)
        except ValidationError as exc:
            return self.render_room(rnd, room, results, errors=exc.messages, posted=outcomes, status=400)
        rnd.refresh_from_db()
        if created:
            messages.success(
                request,
                _("Saved; reported for repair: %(numbers)s.")
                % {"numbers": ", ".join(r.number for r in created)},
            )
        else:
            messages.success(request, _("Saved."))
        if rnd.status == RoundStatus.COMPLETED:
            messages.success(request, _("The round is complete."))
            return redirect(rnd.get_absolute_url())
        return redirect(self.first_room_url(rnd))
