"""API of the asset register: the same scoping, FilterSets and services as the pages.

Cards: list (AssetFilterSet), retrieve, create (registration), update of the card details, and
the workflow actions POSTed to a card: move, split, status, lend, report, dispose, transfer.
Loans: list, retrieve, and POST return. Disposals: list, retrieve, create (several cards).
An action answers 404 for another school's card and 403 without the right to do it; the
permission is checked before the input, so a refused request learns nothing from it.
"""

from django.core.exceptions import PermissionDenied
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from houqin.core import access
from houqin.core.api.base import ScopedModelViewSet
from houqin.core.models import School, SchoolKind
from houqin.core.registry import registry

from .. import permissions as perms
from ..models import Asset
from ..services.assets import asset_move, asset_set_status, asset_split
from ..services.disposals import disposal_request, transfer_request
from ..services.incidents import incident_report, may_report
from ..services.loans import asset_lend, loan_return
from . import serializers as s

MOVE_TARGETS = ("room", "department", "custodian", "used_by")


class ActionPermission(permissions.IsAuthenticated):
    """For the POSTed actions: the card must be one of the user's schools' (the queryset says
    so); what they may do to it is checked by the action before reading the input."""

    def has_object_permission(self, request, view, obj):
        return True


def _require(user, perm, school):
    if not access.has_perm(user, perm, school):
        raise PermissionDenied


class ActionsMixin:
    def action_input(self, serializer_class, obj):
        serializer = serializer_class(
            data=self.request.data, context={"request": self.request, "school": obj.school}
        )
        serializer.is_valid(raise_exception=True)
        return serializer

    def answer(self, serializer_class, obj, code=status.HTTP_200_OK):
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, status=code)


class AssetViewSet(ActionsMixin, ScopedModelViewSet):
    """Asset cards. The list takes the page's filters (q searches name, number and pinyin
    initials) and `ordering`."""

    ordering_fields = ["code", "name", "acquired_on", "amount", "quantity", "status"]

    def get_serializer_class(self):
        if self.action == "create":
            return s.AssetCreateSerializer
        return s.AssetSerializer

    def default_ordering(self):
        # The school's id, not its path: the (school, code) index serves the page unsorted.
        return ["school_id", "code"]

    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def move(self, request, pk=None):
        asset = self.get_object()
        _require(request.user, perms.MOVE, asset.school)
        data = self.action_input(s.MoveSerializer, asset).validated_data
        changes = {k: data[k] for k in MOVE_TARGETS if k in data}
        moved = asset_move(
            actor=request.user,
            asset=asset,
            quantity=data.get("quantity"),
            occurred_on=data.get("occurred_on"),
            note=data.get("note", ""),
            **changes,
        )
        return self.answer(s.AssetSerializer, moved)

    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def split(self, request, pk=None):
        asset = self.get_object()
        _require(request.user, perms.MOVE, asset.school)
        data = self.action_input(s.SplitSerializer, asset).validated_data
        part = asset_split(actor=request.user, asset=asset, quantity=data["quantity"])
        return self.answer(s.AssetSerializer, part, status.HTTP_201_CREATED)

    @action(
        detail=True,
        methods=["post"],
        url_path="status",
        url_name="status",
        permission_classes=[ActionPermission],
    )
    def set_status(self, request, pk=None):
        asset = self.get_object()
        _require(request.user, perms.MOVE, asset.school)
        data = self.action_input(s.StatusSerializer, asset).validated_data
        changed = asset_set_status(
            actor=request.user,
            asset=asset,
            status=data.get("status"),
            condition=data.get("condition"),
            note=data.get("note", ""),
        )
        return self.answer(s.AssetSerializer, changed)

    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def lend(self, request, pk=None):
        asset = self.get_object()
        _require(request.user, perms.LEND, asset.school)
        data = dict(self.action_input(s.LendSerializer, asset).validated_data)
        loan = asset_lend(actor=request.user, asset=asset, **data)
        return self.answer(s.AssetLoanSerializer, loan, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def report(self, request, pk=None):
        """Damage, loss or theft; photos as multipart files named "photos"."""
        asset = self.get_object()
        if not may_report(request.user, asset):
            raise PermissionDenied
        data = self.action_input(s.ReportSerializer, asset).validated_data
        incident = incident_report(
            actor=request.user, asset=asset, photos=request.FILES.getlist("photos"), **data
        )
        return self.answer(s.AssetIncidentSerializer, incident, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def dispose(self, request, pk=None):
        """Request the disposal of this card (or `quantity` of a batch)."""
        asset = self.get_object()
        _require(request.user, perms.DISPOSE, asset.school)
        data = dict(self.action_input(s.DisposeSerializer, asset).validated_data)
        quantity = data.pop("quantity", None)
        disposal = disposal_request(
            actor=request.user, school=asset.school, lines=[(asset, quantity)], **data
        )
        return self.answer(s.DisposalSerializer, disposal, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def transfer(self, request, pk=None):
        """Request the transfer of this card (or `quantity` of a batch) to a school of the district."""
        asset = self.get_object()
        _require(request.user, perms.TRANSFER, asset.school)
        data = self.action_input(s.TransferRequestSerializer, asset).validated_data
        district = asset.school.nearest(SchoolKind.DISTRICT)
        to_school = (
            School.objects.subtree(district).filter(pk=data["to_school"]).first()
            if district is not None
            else None
        )
        if to_school is None:
            raise serializers.ValidationError({"to_school": ["Choose a school of the same central school."]})
        transfer = transfer_request(
            actor=request.user,
            school=asset.school,
            to_school=to_school,
            reason=data["reason"],
            lines=[(asset, data.get("quantity"))],
        )
        return self.answer(s.TransferSerializer, transfer, status.HTTP_201_CREATED)


class AssetLoanViewSet(ActionsMixin, ScopedModelViewSet):
    """Loans and semester issues; POST …/return/ takes one back. A loan is made by lending a
    card (POST /assets/{id}/lend/)."""

    ordering_fields = ["lent_on", "due_on", "number"]

    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed("POST")

    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        url_name="return",
        permission_classes=[ActionPermission],
    )
    def return_(self, request, pk=None):
        loan = self.get_object()
        _require(request.user, perms.LEND, loan.school)
        data = self.action_input(s.ReturnSerializer, loan).validated_data
        returned = loan_return(actor=request.user, loan=loan, **data)
        return self.answer(s.AssetLoanSerializer, returned)


class DisposalViewSet(ScopedModelViewSet):
    """Disposals; POST with lines [{asset, quantity}] requests one at the active school."""

    def get_serializer_class(self):
        return s.DisposalCreateSerializer if self.action == "create" else s.DisposalSerializer

    def create(self, request, *args, **kwargs):
        scope = request.scope
        _require(request.user, perms.DISPOSE, scope)
        serializer = s.DisposalCreateSerializer(
            data=request.data, context={"request": request, "school": scope}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        raw_lines = data.pop("lines")
        data.pop("quantity", None)
        ids = [line["asset"] for line in raw_lines]
        found = {a.pk: a for a in Asset.objects.for_user(request.user).filter(pk__in=ids, school=scope)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise serializers.ValidationError({"lines": [f"Unknown asset: {i}" for i in missing]})
        lines = [(found[line["asset"]], line.get("quantity")) for line in raw_lines]
        disposal = disposal_request(actor=request.user, school=scope, lines=lines, **data)
        return Response(
            s.DisposalSerializer(disposal, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


def viewset(model, base):
    """The viewset class of a registered model of this app on `base`, allowing the methods of
    its registered API actions, and POST where `base` has actions of its own."""
    from houqin.core.api.base import ACTION_METHODS

    entry = registry.get(model)
    allowed = {ACTION_METHODS[a] for a in entry.api_actions} | {"head", "options"}
    if base.get_extra_actions():
        allowed.add("post")
    body = {
        "entry": entry,
        "serializer_class": entry.serializer,
        "filterset_class": entry.filterset,
        "http_method_names": sorted(allowed),
        "__doc__": base.__doc__,
    }
    return type(f"{model.__name__}ViewSet", (base,), body)


# ---- reports: the same selectors and choices as the report pages ---------------------------------

from drf_spectacular.types import OpenApiTypes  # noqa: E402
from drf_spectacular.utils import OpenApiParameter, extend_schema  # noqa: E402
from rest_framework.exceptions import PermissionDenied as Forbidden  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from houqin.core.permissions import model_perm  # noqa: E402

from .. import selectors_reports as reports  # noqa: E402
from ..forms_reports import LedgerForm, LevelForm, SemesterForm  # noqa: E402
from ..models import AssetIncident  # noqa: E402


def _figures(f, intact=False):
    out = {
        "cards": f.cards,
        "quantity": f.quantity,
        "original_value": str(f.original),
        "net_book_value": str(f.net),
    }
    if intact:
        rate = f.intact_rate
        out |= {
            "intact": f.intact,
            "damaged": f.damaged,
            "beyond_repair": f.beyond_repair,
            "lost": f.lost,
            "intact_rate": str(rate) if rate is not None else None,
        }
    return out


def _rows(report, intact=False):
    return [
        {
            "id": row.key,
            "code": row.code,
            "label": row.label,
            "school": row.school,
            "filters": row.filters,
            **_figures(row.figures, intact),
        }
        for row in report.rows
    ]


class ReportAPIView(APIView):
    """A report of the active scope, for holders of the model's view permission there."""

    permission_classes = [permissions.IsAuthenticated]
    model = Asset

    def scope(self, request):
        scope = request.scope
        if not scope or not access.has_perm(request.user, model_perm(self.model, "view"), scope):
            raise Forbidden
        return scope

    @staticmethod
    def check_options(form):
        if form.is_bound and not form.is_valid():
            raise serializers.ValidationError(form.errors)


class LedgerReportAPIView(ReportAPIView):
    """资产台账汇总: cards on the books by category (rolled up to `level`), room, department or
    school, with the totals; money in yuan as strings."""

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=list(reports.GROUPINGS)),
            OpenApiParameter("level", int, enum=list(reports.LEVELS)),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        scope = self.scope(request)
        form = LedgerForm(request.query_params or None)
        self.check_options(form)
        by, level = form.by_or_default(), form.level_or_default()
        report = reports.ledger_summary(user=request.user, scope=scope, by=by, level=level)
        return Response(
            {
                "scope": scope.pk,
                "as_of": report.as_of,
                "by": by,
                "level": level,
                "rows": _rows(report),
                "total": _figures(report.total),
            }
        )


class IntactReportAPIView(ReportAPIView):
    """完好率 by category (rolled up to `level`) and the total."""

    @extend_schema(
        parameters=[OpenApiParameter("level", int, enum=list(reports.LEVELS))],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        scope = self.scope(request)
        form = LevelForm(request.query_params or None)
        self.check_options(form)
        level = form.level_or_default()
        report = reports.intact_rate(user=request.user, scope=scope, level=level)
        return Response(
            {
                "scope": scope.pk,
                "as_of": report.as_of,
                "level": level,
                "definition": str(reports.INTACT_DEFINITION),
                "rows": _rows(report, intact=True),
                "total": _figures(report.total, intact=True),
            }
        )


class ClassCareReportAPIView(ReportAPIView):
    """班级财产爱护 over `semester` (default the current one): per classroom, ranked."""

    model = AssetIncident

    @extend_schema(parameters=[OpenApiParameter("semester", int)], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        scope = self.scope(request)
        form = SemesterForm(request.query_params or None, user=request.user, scope=scope)
        self.check_options(form)
        report = reports.class_care(user=request.user, scope=scope, semester=form.semester_or_default())

        def counts(r):
            return {
                "incidents": r.incidents,
                "damages": r.damages,
                "losses": r.losses,
                "items": r.items,
                "value": str(r.value),
                "compensation_paid": str(r.compensation),
            }

        semester = report.semester
        return Response(
            {
                "scope": scope.pk,
                "semester": (
                    {
                        "id": semester.pk,
                        "name": str(semester),
                        "start_date": semester.start_date,
                        "end_date": semester.end_date,
                    }
                    if semester
                    else None
                ),
                "definition": str(reports.CLASS_CARE_DEFINITION),
                "rows": [
                    {
                        "rank": r.rank,
                        "school": r.school.pk,
                        "room": r.room.pk,
                        "class": r.class_name,
                        "class_head": r.head.display_name if r.head else None,
                        **counts(r),
                    }
                    for r in report.rows
                ],
                "other_rooms": counts(report.other) if report.other else None,
                "total": counts(report.total) if report.total else None,
            }
        )


class DistrictReportAPIView(ReportAPIView):
    """One row per school under the active scope (a central school) and the total."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        scope = self.scope(request)
        report = reports.district_totals(user=request.user, scope=scope)
        return Response(
            {
                "scope": scope.pk,
                "as_of": report.as_of,
                "rows": _rows(report, intact=True),
                "total": _figures(report.total, intact=True),
            }
        )
