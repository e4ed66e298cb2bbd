"""API of the supplies app: the registry's scoped viewsets plus the stock and document actions,
each a thin call of the same service the pages use. Ids in a request body are looked up within
the object's school only, so a foreign id is "unknown" and nothing of another school is named."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api.base import ScopedModelViewSet, ScopedPermission
from houqin.core.models import Department, Room, Semester
from houqin.core.registry import registry
from houqin.core.selectors.org import people_of_school

from ..models import (
    Allotment,
    AllotmentTarget,
    Item,
    Kit,
    Requisition,
    RequisitionLine,
    StockBalance,
    StockMovement,
    Store,
)
from ..permissions import ADJUST, ALLOT, ISSUE, RECEIVE, TRANSFER
from ..selectors import balance_list
from ..services.allotments import (
    allotment_create,
    allotment_issue,
    allotment_target_confirm,
    kit_create,
    kit_update,
)
from ..services.requisitions import (
    requisition_cancel,
    requisition_confirm,
    requisition_create,
    requisition_issue,
    requisition_submit,
)
from ..services.stock import (
    stock_adjust,
    stock_issue,
    stock_receive,
    stock_return,
    stock_reverse,
    stock_transfer,
)
from .serializers import (
    AdjustInput,
    AllotmentInput,
    AllotmentSerializer,
    IssueInput,
    KitInput,
    KitSerializer,
    ReasonInput,
    ReceiveInput,
    RequisitionInput,
    RequisitionIssueInput,
    RequisitionSerializer,
    ReturnInput,
    StockBalanceSerializer,
    StockMovementSerializer,
    TargetInput,
    TransferInput,
)

SERVICE_DECIDES = "service"  # the service checks who may act (the requester, the receiver)


class SuppliesPermission(ScopedPermission):
    """The model permissions of the scoped viewsets, and per action the one it needs
    (`action_perms`); SERVICE_DECIDES leaves it to the service (only the receiver signs)."""

    def _action_perm(self, view):
        return getattr(view, "action_perms", {}).get(getattr(view, "action", None))

    def has_object_permission(self, request, view, obj):
        perm = self._action_perm(view)
        if perm == SERVICE_DECIDES:
            return True
        if perm is not None:
            from houqin.core import access

            return access.has_perm(request.user, perm, obj.school)
        return super().has_object_permission(request, view, obj)


def _input(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _own(model, pk, school, field, qs=None):
    """The row of `model` with `pk` in `school` (None for None); else an error keyed by field."""
    if pk is None:
        return None
    qs = qs if qs is not None else model.objects.filter(school=school)
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: _("Unknown %(what)s.") % {"what": model._meta.verbose_name}})
    return obj


def _person(pk, school, field):
    if pk is None:
        return None
    user = people_of_school(school).filter(pk=pk).first()
    if user is None:
        raise ValidationError({field: _("Unknown person.")})
    return user


def _lines(raw, school):
    items = {i.pk: i for i in Item.objects.filter(school=school, pk__in=[r["item"] for r in raw])}
    lines = []
    for number, r in enumerate(raw, start=1):
        if r["item"] not in items:
            raise ValidationError({"lines": _("Line %(n)s: unknown item.") % {"n": number}})
        lines.append({**r, "item": items[r["item"]]})
    return lines


class RegistryViewSet(ScopedModelViewSet):
    model = None
    permission_classes = [SuppliesPermission]
    action_perms = {}

    @property
    def entry(self):
        return registry.get(self.model)

    @property
    def filterset_class(self):
        return self.entry.filterset

    def answer(self, obj, serializer_class=None, code=status.HTTP_200_OK):
        serializer_class = serializer_class or self.serializer_class
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, status=code)


class StockBalanceViewSet(RegistryViewSet):
    """The stock list (balances; read) and, on one balance, issue / transfer / count adjustment."""

    model = StockBalance
    serializer_class = StockBalanceSerializer
    http_method_names = ["get", "post", "head", "options"]
    action_perms = {"issue": ISSUE, "transfer": TRANSFER, "adjust": ADJUST}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # OpenAPI schema generation
            return StockBalance.objects.none()
        if self.detail:
            return super().get_queryset()
        return balance_list(user=self.request.user, scope=self.request.scope)

    def create(self, request, *args, **kwargs):
        # Balances follow from movements (receive into a store: POST /stores/{id}/receive/).
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)

    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None, **kwargs):
        balance = self.get_object()
        data = _input(IssueInput, request)
        school = balance.school
        movement = stock_issue(
            school=school,
            item=balance.item,
            store=balance.store,
            quantity=data["quantity"],
            issued_to=_person(data["issued_to"], school, "issued_to"),
            actor=request.user,
            department=_own(Department, data["department"], school, "department"),
            room=_own(Room, data["room"], school, "room"),
            reference=data["reference"],
            note=data["note"],
        )
        return self.answer(movement, StockMovementSerializer, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None, **kwargs):
        balance = self.get_object()
        data = _input(TransferInput, request)
        out, inbound = stock_transfer(
            school=balance.school,
            item=balance.item,
            from_store=balance.store,
            to_store=_own(Store, data["to_store"], balance.school, "to_store"),
            quantity=data["quantity"],
            actor=request.user,
            reference=data["reference"],
        )
        serializer = StockMovementSerializer([out, inbound], many=True, context=self.get_serializer_context())
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None, **kwargs):
        balance = self.get_object()
        data = _input(AdjustInput, request)
        movement = stock_adjust(
            school=balance.school,
            item=balance.item,
            store=balance.store,
            counted=data["counted"],
            actor=request.user,
            reason=data["reason"],
            unit_cost=data["unit_cost"],
            lot=data["lot"],
            expiry_date=data["expiry_date"],
        )
        return self.answer(movement, StockMovementSerializer, status.HTTP_201_CREATED)


class StoreViewSet(RegistryViewSet):
    """Stores; POST /stores/{id}/receive/ books goods in."""

    model = Store
    action_perms = {"receive": RECEIVE}

    @property
    def serializer_class(self):
        return self.entry.serializer

    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None, **kwargs):
        store = self.get_object()
        data = _input(ReceiveInput, request)
        movement = stock_receive(
            school=store.school,
            item=_own(Item, data["item"], store.school, "item"),
            store=store,
            quantity=data["quantity"],
            unit_cost=data["unit_cost"],
            actor=request.user,
            lot=data["lot"],
            expiry_date=data["expiry_date"],
            reference=data["reference"],
            note=data["note"],
        )
        return self.answer(movement, StockMovementSerializer, status.HTTP_201_CREATED)


class StockMovementViewSet(RegistryViewSet):
    """The ledger (read); on one movement: return (an issue) or reverse (another entry)."""

    model = StockMovement
    serializer_class = StockMovementSerializer
    http_method_names = ["get", "post", "head", "options"]
    action_perms = {"reverse": ADJUST, "return_": ISSUE}

    def create(self, request, *args, **kwargs):
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)

    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None, **kwargs):
        movement = self.get_object()
        reversal = stock_reverse(
            movement=movement, actor=request.user, reason=_input(ReasonInput, request)["reason"]
        )
        return self.answer(reversal, code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None, **kwargs):
        movement = self.get_object()
        data = _input(ReturnInput, request)
        back = stock_return(
            issue=movement, quantity=data["quantity"], actor=request.user, reason=data["reason"]
        )
        return self.answer(back, code=status.HTTP_201_CREATED)


class RequisitionViewSet(RegistryViewSet):
    """Requisitions; POST creates a draft; submit, issue, confirm (the receiver), cancel."""

    model = Requisition
    serializer_class = RequisitionSerializer
    http_method_names = ["get", "post", "head", "options"]
    action_perms = {
        "submit": SERVICE_DECIDES,
        "confirm": SERVICE_DECIDES,
        "cancel": SERVICE_DECIDES,
        "issue": ISSUE,
    }

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("lines", queryset=RequisitionLine.objects.select_related("item")))
        )

    def create(self, request, *args, **kwargs):
        data = _input(RequisitionInput, request)
        school = request.scope
        requisition = requisition_create(
            actor=request.user,
            school=school,
            purpose=data["purpose"],
            lines=_lines(data["lines"], school),
            department=_own(Department, data["department"], school, "department"),
            room=_own(Room, data["room"], school, "room"),
        )
        return self.answer(requisition, code=status.HTTP_201_CREATED)

    def _answer(self, obj):
        return self.answer(Requisition.objects.get(pk=obj.pk))

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, **kwargs):
        return self._answer(requisition_submit(actor=request.user, requisition=self.get_object()))

    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None, **kwargs):
        requisition = self.get_object()
        data = _input(RequisitionIssueInput, request)
        store = _own(Store, data["store"], requisition.school, "store")
        quantities = {}
        for key, value in data["quantities"].items():
            if not str(key).isdecimal():
                raise ValidationError({"quantities": _("Unknown line.")})
            quantities[int(key)] = value
        requisition_issue(actor=request.user, requisition=requisition, store=store, quantities=quantities)
        return self._answer(requisition)

    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, **kwargs):
        return self._answer(requisition_confirm(actor=request.user, requisition=self.get_object()))

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        requisition = self.get_object()
        reason = _input(ReasonInput, request)["reason"]
        return self._answer(requisition_cancel(actor=request.user, requisition=requisition, reason=reason))


class KitViewSet(RegistryViewSet):
    model = Kit
    serializer_class = KitSerializer
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("lines__item")

    def create(self, request, *args, **kwargs):
        data = _input(KitInput, request)
        school = request.scope
        kit = kit_create(
            actor=request.user,
            school=school,
            name=data["name"],
            description=data["description"],
            lines=_lines(data["lines"], school),
        )
        return self.answer(kit, code=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        kit = self.get_object()
        data = _input(KitInput, request)
        kit = kit_update(
            actor=request.user,
            kit=kit,
            name=data["name"],
            description=data["description"],
            is_active=data["is_active"],
            lines=_lines(data["lines"], kit.school),
        )
        return self.answer(Kit.objects.get(pk=kit.pk))


class AllotmentViewSet(RegistryViewSet):
    """Allotments; POST makes one from a kit; issue (one action for every class); confirm (the
    class head signs for their class: {"target": id})."""

    model = Allotment
    serializer_class = AllotmentSerializer
    http_method_names = ["get", "post", "head", "options"]
    action_perms = {"issue": ALLOT, "confirm": SERVICE_DECIDES}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("lines__item", "targets__room__building")

    def create(self, request, *args, **kwargs):
        data = _input(AllotmentInput, request)
        school = request.scope
        rooms = list(Room.objects.filter(school=school, pk__in=data["rooms"]).select_related("building"))
        if len(rooms) != len(set(data["rooms"])):
            raise ValidationError({"rooms": _("Unknown room.")})
        semester = None
        if data["semester"] is not None:
            semester = Semester.objects.filter(
                pk=data["semester"], school__path__in=school.ancestor_paths()
            ).first()
            if semester is None:
                raise ValidationError({"semester": _("Unknown semester.")})
        pupils = {}
        for key, value in data["pupils"].items():
            if not str(key).isdecimal():
                raise ValidationError({"pupils": _("Unknown room.")})
            pupils[int(key)] = value
        allotment = allotment_create(
            actor=request.user,
            school=school,
            title=data["title"],
            kit=_own(Kit, data["kit"], school, "kit"),
            store=_own(Store, data["store"], school, "store"),
            rooms=rooms,
            semester=semester,
            pupils=pupils,
            note=data["note"],
        )
        return self.answer(Allotment.objects.get(pk=allotment.pk), code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None, **kwargs):
        allotment = self.get_object()
        result = allotment_issue(actor=request.user, allotment=allotment)
        payload = self.answer(Allotment.objects.get(pk=allotment.pk)).data
        payload = {
            **payload,
            "issued": [t.pk for t in result.issued],
            "short": [{"target": t.pk, "shortage": t.shortage} for t in result.short],
        }
        return Response(payload)

    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, **kwargs):
        allotment = self.get_object()
        target_id = _input(TargetInput, request)["target"]
        target = AllotmentTarget.objects.filter(allotment=allotment, pk=target_id).first()
        if target is None:
            raise ValidationError({"target": _("Unknown class of this allotment.")})
        allotment_target_confirm(actor=request.user, target=target)
        return self.answer(Allotment.objects.get(pk=allotment.pk))
