"""API of repairs and inspections: the registry's scoped viewsets plus the workflow actions,
each a thin call of the same service the pages use."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from houqin.core.api.base import ScopedModelViewSet
from houqin.core.models import User
from houqin.core.registry import registry

from ..models import RepairRequest, WorkOrder
from ..selectors import dashboard, may_see_dashboard
from ..services.orders import (
    work_order_assign,
    work_order_complete,
    work_order_material_add,
    work_order_photo_add,
    work_order_start,
)
from ..services.requests import (
    repair_request_accept,
    repair_request_confirm,
    repair_request_reject,
    repair_request_reopen,
    repair_request_submit,
)
from .serializers import (
    AcceptInput,
    AssignInput,
    CompleteInput,
    ConfirmInput,
    MaterialInput,
    PhotoInput,
    ReasonInput,
    RepairRequestSerializer,
    WorkOrderMaterialSerializer,
    WorkOrderSerializer,
)


def _user(pk):
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise ValidationError({"assignee": _("Choose a worker of the school.")})
    return user


def _input(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class RepairRequestViewSet(ScopedModelViewSet):
    """Repair requests of the active scope; POST reports a fault."""

    serializer_class = RepairRequestSerializer
    http_method_names = ["get", "post", "head", "options"]

    @property
    def entry(self):
        return registry.get(RepairRequest)

    @property
    def filterset_class(self):
        return self.entry.filterset

    def perform_create(self, serializer):
        data = serializer.validated_data
        room, asset = data.get("room"), data.get("asset")
        serializer.instance = repair_request_submit(
            actor=self.request.user,
            room=room,
            asset=asset,
            school=None if (room or asset) else self.request.scope,
            kind=data.get("kind"),
            urgency=data.get("urgency") or "normal",
            description=data.get("description", ""),
            location_detail=data.get("location_detail", ""),
            reporter_phone=data.get("reporter_phone", ""),
        )

    def _answer(self, obj):
        obj.refresh_from_db()
        return Response(RepairRequestSerializer(obj, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None, **kwargs):
        obj = self.get_object()
        data = _input(AcceptInput, request)
        repair_request_accept(
            actor=request.user,
            request=obj,
            urgency=data.get("urgency"),
            kind=data.get("kind"),
            assignee=_user(data.get("assignee")),
            contractor_name=data.get("contractor_name", ""),
            contractor_phone=data.get("contractor_phone", ""),
            note=data.get("note", ""),
        )
        return self._answer(obj)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, **kwargs):
        obj = self.get_object()
        repair_request_reject(actor=request.user, request=obj, reason=_input(ReasonInput, request)["reason"])
        return self._answer(obj)

    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, **kwargs):
        obj = self.get_object()
        data = _input(ConfirmInput, request)
        repair_request_confirm(
            actor=request.user, request=obj, rating=data["rating"], feedback=data.get("feedback", "")
        )
        return self._answer(obj)

    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None, **kwargs):
        obj = self.get_object()
        repair_request_reopen(actor=request.user, request=obj, reason=_input(ReasonInput, request)["reason"])
        return self._answer(obj)


class WorkOrderViewSet(ScopedModelViewSet):
    """Work orders of the active scope (read), and the worker's actions on one."""

    serializer_class = WorkOrderSerializer
    http_method_names = ["get", "post", "head", "options"]

    @property
    def entry(self):
        return registry.get(WorkOrder)

    @property
    def filterset_class(self):
        return self.entry.filterset

    def create(self, request, *args, **kwargs):
        # Orders come from accepting a request (POST /repairrequests/{id}/accept/).
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)

    def _answer(self, obj):
        fresh = WorkOrder.objects.get(pk=obj.pk)
        return Response(WorkOrderSerializer(fresh, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None, **kwargs):
        obj = self.get_object()
        data = _input(AssignInput, request)
        work_order_assign(
            actor=request.user,
            order=obj,
            assignee=_user(data.get("assignee")),
            contractor_name=data.get("contractor_name", ""),
            contractor_phone=data.get("contractor_phone", ""),
        )
        return self._answer(obj)

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None, **kwargs):
        obj = self.get_object()
        work_order_start(actor=request.user, order=obj)
        return self._answer(obj)

    @action(detail=True, methods=["post"])
    def materials(self, request, pk=None, **kwargs):
        obj = self.get_object()
        data = _input(MaterialInput, request)
        line = work_order_material_add(
            actor=request.user,
            order=obj,
            item_name=data["item_name"],
            quantity=data["quantity"],
            unit=data.get("unit", ""),
            unit_cost=data["unit_cost"],
        )
        return Response(WorkOrderMaterialSerializer(line).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None, **kwargs):
        obj = self.get_object()
        data = _input(PhotoInput, request)
        marks = work_order_photo_add(
            actor=request.user, order=obj, photos=data["photos"], phase=data["phase"]
        )
        return Response({"added": len(marks)}, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None, **kwargs):
        obj = self.get_object()
        data = _input(CompleteInput, request)
        work_order_complete(
            actor=request.user,
            order=obj,
            labour_hours=data.get("labour_hours", 0),
            labour_cost=data.get("labour_cost", 0),
            note=data.get("note", ""),
        )
        return self._answer(obj)


class DashboardAPIView(APIView):
    """The dashboard's figures for the active scope (the page's default period)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        from rest_framework.exceptions import PermissionDenied

        scope = request.scope
        if not may_see_dashboard(request.user, scope):
            raise PermissionDenied
        board = dashboard(user=request.user, scope=scope)

        def rows(items):
            return [
                {
                    "label": r.label,
                    "n": r.n,
                    "median_hours": r.median_hours,
                    "p90_hours": r.p90_hours,
                    "on_time": r.on_time,
                }
                for r in items
            ]

        overall = rows([board.overall])[0] if board.overall else None
        return Response(
            {
                "period": {"start": board.period.start, "end": board.period.end},
                "new_requests": board.new_requests,
                "open_orders": board.open_orders,
                "overdue_orders": board.overdue_orders,
                "awaiting_confirmation": board.awaiting_confirmation,
                "completed": board.completed,
                "cost": str(board.cost),
                "time_to_repair": overall,
                "by_kind": rows(board.by_kind),
                "by_building": rows(board.by_building),
                "by_worker": rows(board.by_worker),
                "by_school": rows(board.by_school),
                "inspection": {
                    "rounds_due": board.rounds_due,
                    "on_time": board.rounds_on_time,
                    "late": board.rounds_late,
                    "missed": board.rounds_missed,
                    "completion_percent": board.completion_percent,
                    "items_failed": board.items_failed,
                },
                "costliest_rooms": [
                    {
                        "room": str(r["room"]),
                        "room_id": r["room"].pk,
                        "cost": str(r["cost"]),
                        "orders": r["n"],
                    }
                    for r in board.costliest_rooms
                ],
            }
        )
