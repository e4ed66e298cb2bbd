"""Room custody (分室保管) pages, the printable room list for the wall, and the end-of-semester
hand-back list of what was issued and has not come back."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from houqin.core import access
from houqin.core.models import Room
from houqin.core.permissions import model_perm
from houqin.core.selectors import semester_current
from houqin.core.selectors.org import semester_list
from houqin.core.views.generic import ScopedViewMixin

from ..forms import SignoffForm
from ..models import Asset, AssetLoan
from ..selectors import handback_list, room_custody, rooms_with_signoffs
from ..services.custody import room_signoff

VIEW_ASSETS = model_perm(Asset, "view")


def may_see_room_list(user, room):
    """The room's responsible person, and whoever may read the school's assets."""
    return room.responsible_id == user.pk or access.has_perm(user, VIEW_ASSETS, room.school)


class RoomCustodyMixin(ScopedViewMixin):
    model = Room

    def get_object(self):
        qs = Room.objects.for_user(self.request.user).select_related(
            "school", "building", "responsible", "department"
        )
        room = get_object_or_404(qs, pk=self.kwargs["pk"])
        if not may_see_room_list(self.request.user, room):
            raise PermissionDenied
        return room


class RoomCustodyListView(ScopedViewMixin, View):
    """Rooms of the active scope with how many cards they hold and whether their responsible
    person has signed this semester; "mine" first for the people who answer for rooms."""

    model = Room
    template_name = "assets/room_custody_list.html"

    def get(self, request, *args, **kwargs):
        scope = self.scope_or_403()
        if not access.has_perm(request.user, VIEW_ASSETS, scope):
            raise PermissionDenied
        semester = semester_current(scope)
        rooms = list(rooms_with_signoffs(user=request.user, scope=scope, semester=semester))
        mine = [r for r in rooms if r.responsible_id == request.user.pk]
        unsigned = sum(1 for r in rooms if r.cards and r.signed_at is None)
        ctx = {"rooms": rooms, "mine": mine, "semester": semester, "unsigned": unsigned, "scope": scope}
        return render(request, self.template_name, ctx)


class RoomCustodyView(RoomCustodyMixin, View):
    """A room's property list, its last sign-off and what changed since; its responsible person
    signs here."""

    template_name = "assets/room_custody.html"

    def context(self, room, form=None):
        return {
            "room": room,
            "object": room,
            "custody": room_custody(room),
            "semester": semester_current(room.school),
            "can_sign": room.responsible_id == self.request.user.pk and room.is_active,
            "form": form or SignoffForm(),
        }

    def get(self, request, *args, **kwargs):
        room = self.get_object()
        return render(request, self.template_name, self.context(room))


class RoomCustodySignView(RoomCustodyView):
    """POST: the responsible person signs the list as it is now."""

    def get(self, request, *args, **kwargs):
        return redirect("assets:room_custody", pk=self.get_object().pk)

    def post(self, request, *args, **kwargs):
        room = self.get_object()
        form = SignoffForm(request.POST)
        if form.is_valid():
            try:
                signoff = room_signoff(actor=request.user, room=room, note=form.cleaned_data["note"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("Signed: %(n)s items in %(room)s, %(time)s.")
                    % {
                        "n": signoff.total_quantity,
                        "room": room,
                        "time": timezone.localtime(signoff.signed_at).strftime("%Y-%m-%d %H:%M"),
                    },
                )
                return redirect("assets:room_custody", pk=room.pk)
        return render(request, self.template_name, self.context(room, form), status=400)


class RoomCustodyPrintView(RoomCustodyView):
    """The room's property list to print and put on the wall, with the signature line."""

    template_name = "assets/room_custody_print.html"


class HandbackListView(ScopedViewMixin, View):
    """Issued for the semester and not back yet, by department and class (printable)."""

    model = AssetLoan
    template_name = "assets/handback.html"

    def get(self, request, *args, **kwargs):
        scope = self.scope_or_403()
        if not access.has_perm(request.user, model_perm(AssetLoan, "view"), scope):
            raise PermissionDenied
        semesters = list(semester_list(user=request.user, scope=scope).order_by("-start_date"))
        semester = None
        wanted = request.GET.get("semester")
        if wanted and wanted.isdecimal():
            semester = next((s for s in semesters if s.pk == int(wanted)), None)
        if semester is None:
            semester = semester_current(scope) or (semesters[0] if semesters else None)
        rows = list(handback_list(user=request.user, scope=scope, semester=semester)) if semester else []
        ctx = {
            "semester": semester,
            "semesters": semesters,
            "rows": rows,
            "scope": scope,
            "today": timezone.localdate(),
            "total_quantity": sum(r.quantity for r in rows),
        }
        return render(request, self.template_name, ctx)


__all__ = [
    "HandbackListView",
    "RoomCustodyListView",
    "RoomCustodyPrintView",
    "RoomCustodySignView",
    "RoomCustodyView",
]
