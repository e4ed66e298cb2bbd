"""Pages of places: campus and building pages list what they hold; a room's page carries its QR
code, and the QR label pages print it (one room, or every room of a building on one sheet)."""

from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views import View

from .. import access
from ..models import Building, Room
from ..permissions import model_perm
from ..qr import absolute_url, qr_svg_document, qr_svg_inline, room_qr_path
from ..selectors import object_list
from ..selectors.org import reading_school, semester_list, semesters_visible
from .generic import ObjectDetailView, ObjectListView, ScopedViewMixin

QR_SHEET_LIMIT = 300  # labels on one sheet; more would be a print job nobody can handle


class CampusDetailView(ObjectDetailView):
    def extra_context(self, obj):
        buildings = (
            Building.objects.for_user(self.request.user)
            .filter(campus=obj)
            .annotate(n_rooms=Count("rooms"))
            .order_by("name")
        )
        return {"buildings": buildings}


class BuildingDetailView(ObjectDetailView):
    def extra_context(self, obj):
        rooms = (
            Room.objects.for_user(self.request.user)
            .filter(building=obj)
            .select_related("responsible", "department")
            .order_by("floor", "number")
        )
        return {
            "rooms": rooms,
            "can_print_labels": access.has_perm(self.request.user, model_perm(Room, "view"), obj.school),
        }


class RoomDetailView(ObjectDetailView):
    def extra_context(self, obj):
        url = absolute_url(room_qr_path(obj), self.request)
        return {"room_url": url, "qr_svg": qr_svg_inline(url)}


class RoomQRMixin(ScopedViewMixin):
    """One room the user may see, with view permission at its school."""

    def room(self):
        room = self.get_object()
        self.check_perm("view", room.school)
        return room


class RoomQRView(RoomQRMixin, View):
    """A printable label: the code, the school, the building and the room number, large."""

    def get(self, request, *args, **kwargs):
        room = self.room()
        url = absolute_url(room_qr_path(room), request)
        labels = [{"room": room, "url": url, "svg": qr_svg_inline(url)}]
        return render(request, "core/places/room_qr.html", {"labels": labels, "single": True, "object": room})


class RoomQRSvgView(RoomQRMixin, View):
    """The code itself, as an SVG file (for the office's own label software)."""

    def get(self, request, *args, **kwargs):
        room = self.room()
        url = absolute_url(room_qr_path(room), request)
        response = HttpResponse(qr_svg_document(url, title=str(room)), content_type="image/svg+xml")
        response["Content-Disposition"] = f'inline; filename="room-{room.pk}.svg"'
        return response


class RoomQRSheetView(ScopedViewMixin, View):
    """QR labels of many rooms on one page, chosen with the room list's filters (a building)."""

    def get(self, request, *args, **kwargs):
        scope = self.scope_or_403()
        self.check_perm("view", scope)
        entry = self.entry
        queryset = object_list(entry=entry, user=request.user, scope=scope)
        filterset = entry.filterset(request.GET or None, queryset=queryset, request=request)
        labels, truncated = [], False
        if filterset.is_bound and filterset.is_valid():
            rooms = list(filterset.qs.order_by("building__name", "floor", "number")[: QR_SHEET_LIMIT + 1])
            truncated = len(rooms) > QR_SHEET_LIMIT
            for room in rooms[:QR_SHEET_LIMIT]:
                url = absolute_url(room_qr_path(room), request)
                labels.append({"room": room, "url": url, "svg": qr_svg_inline(url)})
        ctx = {
            "labels": labels,
            "filterset": filterset,
            "truncated": truncated,
            "limit": QR_SHEET_LIMIT,
            "single": False,
            "chosen": filterset.is_bound,
        }
        return render(request, "core/places/room_qr.html", ctx)


class SemesterListView(ObjectListView):
    """Semesters that apply in the scope, including those the district set for its schools."""

    def get_queryset(self, scope):
        return semester_list(user=self.request.user, scope=scope).select_related("school")


class SemesterDetailView(ObjectDetailView):
    """A semester of the user's schools or of a node above them (read-only there)."""

    semester = None

    def get_object(self):
        self.semester = get_object_or_404(
            semesters_visible(self.request.user).select_related("school"), pk=self.kwargs["pk"]
        )
        return self.semester

    def check_perm(self, action, school):
        if action == "view" and self.semester is not None:
            school = reading_school(self.request.user, self.semester, self.request.scope)
        super().check_perm(action, school)
