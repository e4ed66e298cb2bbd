"""API of purchasing: the registry's scoped viewsets with the same FilterSets, and the same
services as the pages for everything that writes.

    suppliers        list, retrieve, create, update, destroy; POST …/block/, …/unblock/
    certificates     list, retrieve, create, update, destroy
    requests         list, retrieve, create (with lines); POST …/submit/, …/withdraw/,
                     …/cancel/, …/decide/ (the comparison of quotes)
    quotes           list, retrieve, create (a supplier's prices for every line), destroy
    orders           list, retrieve, create (request lines from one supplier); POST …/cancel/
    inspections      list, retrieve, create (one delivery: stock-in and asset cards in one step)

An action answers 404 for another school's object and 403 without the right to do it.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from houqin.core import access
from houqin.core.api.base import ACTION_METHODS, ScopedModelViewSet
from houqin.core.forms import users_for_school
from houqin.core.models import Department, Room
from houqin.core.permissions import model_perm
from houqin.core.registry import registry

from ..models import PurchaseOrder, PurchaseRequest, PurchaseRequestLine, Supplier
from ..permissions import BLOCK_SUPPLIER, DECIDE_QUOTES
from ..services import links
from ..services.inspections import inspection_record
from ..services.orders import purchase_order_cancel, purchase_order_create
from ..services.quotes import quote_add, quote_comparison_decide
from ..services.requests import (
    may_edit,
    purchase_request_cancel,
    purchase_request_create,
    purchase_request_submit,
    purchase_request_withdraw,
)
from ..services.suppliers import supplier_block, supplier_unblock
from . import serializers as s


class ActionPermission(permissions.IsAuthenticated):
    """For POSTed actions: the object must be visible (the queryset says so); what the user may
    do to it is decided by the service, before it reads the input."""

    def has_object_permission(self, request, view, obj):
        return True


def _one(queryset, pk, field):
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: [f"Unknown {field}: {pk}."]})
    return obj


def _people(school, ids, field):
    ids = list(dict.fromkeys(ids or []))
    found = {u.pk: u for u in users_for_school(school).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({field: [f"Unknown person: {i}." for i in missing]})
    return [found[i] for i in ids]


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ActionsMixin:
    def answer(self, serializer_class, obj, code=status.HTTP_200_OK):
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, status=code)


class SupplierViewSet(ActionsMixin, ScopedModelViewSet):
    """Suppliers of the active scope (q searches name, contact, phone, goods and credit code)."""

    @extend_schema(request=s.ReasonSerializer, responses=s.SupplierSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def block(self, request, pk=None):
        supplier = self.get_object()
        if not access.has_perm(request.user, BLOCK_SUPPLIER, supplier.school):
            self.permission_denied(request)
        data = _input(s.ReasonSerializer, request)
        return self.answer(
            s.SupplierSerializer, supplier_block(actor=request.user, supplier=supplier, reason=data["reason"])
        )

    @extend_schema(request=None, responses=s.SupplierSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def unblock(self, request, pk=None):
        supplier = self.get_object()
        return self.answer(s.SupplierSerializer, supplier_unblock(actor=request.user, supplier=supplier))


class PurchaseRequestViewSet(ActionsMixin, ScopedModelViewSet):
    """Purchase requests of the active scope. POST creates a draft at the active school with its
    lines; …/submit/ sends it for approval."""

    def get_serializer_class(self):
        return s.PurchaseRequestInput if self.action == "create" else s.PurchaseRequestSerializer

    @extend_schema(request=s.PurchaseRequestInput, responses={201: s.PurchaseRequestSerializer})
    def create(self, request, *args, **kwargs):
        school = request.scope
        data = dict(_input(s.PurchaseRequestInput, request))
        user = request.user
        data["department"] = _one(
            Department.objects.for_user(user).filter(school=school), data.get("department"), "department"
        )
        lines = []
        for raw in data.pop("lines"):
            line = dict(raw)
            line["item"] = _one(links.items_for(school), line.get("item"), "item")
            line["asset_category"] = _one(
                links.categories_for(school), line.get("asset_category"), "asset_category"
            )
            line["room"] = _one(Room.objects.for_user(user).filter(school=school), line.get("room"), "room")
            line["store"] = _one(links.stores_for(school), line.get("store"), "store")
            lines.append(line)
        created = purchase_request_create(actor=user, school=school, data=data, lines=lines)
        return self.answer(s.PurchaseRequestSerializer, created, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.PurchaseRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def submit(self, request, pk=None):
        obj = self.get_object()
        return self.answer(
            s.PurchaseRequestSerializer, purchase_request_submit(actor=request.user, request=obj)
        )

    @extend_schema(request=None, responses=s.PurchaseRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def withdraw(self, request, pk=None):
        obj = self.get_object()
        if obj.requested_by_id != request.user.pk:
            self.permission_denied(request)
        return self.answer(
            s.PurchaseRequestSerializer, purchase_request_withdraw(actor=request.user, request=obj)
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.PurchaseRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def cancel(self, request, pk=None):
        obj = self.get_object()
        if not may_edit(request.user, obj):
            self.permission_denied(request)
        data = _input(s.ReasonSerializer, request)
        return self.answer(
            s.PurchaseRequestSerializer,
            purchase_request_cancel(actor=request.user, request=obj, reason=data["reason"]),
        )

    @extend_schema(request=s.ComparisonInput, responses=s.PurchaseRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def decide(self, request, pk=None):
        """Decide the comparison of quotes: the chosen quote, the signers, the reason."""
        obj = self.get_object()
        if not access.has_perm(request.user, DECIDE_QUOTES, obj.school):
            self.permission_denied(request)
        data = _input(s.ComparisonInput, request)
        chosen = _one(obj.quotes.all(), data["chosen_quote"], "chosen_quote")
        signers = _people(obj.school, data["signers"], "signers")
        quote_comparison_decide(
            actor=request.user,
            request=obj,
            chosen_quote=chosen,
            signers=signers,
            reason=data.get("reason", ""),
        )
        obj.refresh_from_db()
        return self.answer(s.PurchaseRequestSerializer, obj)


class QuoteViewSet(ActionsMixin, ScopedModelViewSet):
    """Quotes of the active scope. POST records a supplier's quote on a request: a unit price for
    every line ("prices": [{"line": id, "unit_price": "…"}])."""

    def get_serializer_class(self):
        return s.QuoteInput if self.action == "create" else s.QuoteSerializer

    @extend_schema(request=s.QuoteInput, responses={201: s.QuoteSerializer})
    def create(self, request, *args, **kwargs):
        data = _input(s.QuoteInput, request)
        user = request.user
        target = _one(PurchaseRequest.objects.for_user(user), data["request"], "request")
        supplier = _one(Supplier.objects.for_user(user), data["supplier"], "supplier")
        quote = quote_add(
            actor=user,
            request=target,
            supplier=supplier,
            quoted_on=data["quoted_on"],
            valid_until=data.get("valid_until"),
            contact_person=data.get("contact_person", ""),
            note=data.get("note", ""),
            prices={p["line"]: p["unit_price"] for p in data["prices"]},
        )
        return self.answer(s.QuoteSerializer, quote, status.HTTP_201_CREATED)


class PurchaseOrderViewSet(ActionsMixin, ScopedModelViewSet):
    """Orders of the active scope. POST orders request lines of the active school from one
    supplier; …/cancel/ cancels one of which nothing was delivered."""

    def get_serializer_class(self):
        return s.PurchaseOrderInput if self.action == "create" else s.PurchaseOrderSerializer

    @extend_schema(request=s.PurchaseOrderInput, responses={201: s.PurchaseOrderSerializer})
    def create(self, request, *args, **kwargs):
        school = request.scope
        user = request.user
        data = _input(s.PurchaseOrderInput, request)
        supplier = _one(Supplier.objects.for_user(user), data["supplier"], "supplier")
        visible_lines = PurchaseRequestLine.objects.filter(
            request__in=PurchaseRequest.objects.for_user(user)
        ).select_related("request")
        lines = [
            {
                "request_line": _one(visible_lines, raw["request_line"], "request_line"),
                "quantity": raw["quantity"],
                "unit_price": raw.get("unit_price"),
            }
            for raw in data["lines"]
        ]
        order = purchase_order_create(
            actor=user,
            school=school,
            supplier=supplier,
            lines=lines,
            buyers=_people(school, data["buyers"], "buyers"),
            ordered_on=data.get("ordered_on"),
            expected_on=data["expected_on"],
            delivery_place=data.get("delivery_place", ""),
            note=data.get("note", ""),
        )
        return self.answer(s.PurchaseOrderSerializer, order, status.HTTP_201_CREATED)

    @extend_schema(request=s.ReasonSerializer, responses=s.PurchaseOrderSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ActionPermission])
    def cancel(self, request, pk=None):
        order = self.get_object()
        if not access.has_perm(request.user, model_perm(PurchaseOrder, "change"), order.school):
            self.permission_denied(request)
        data = _input(s.ReasonSerializer, request)
        return self.answer(
            s.PurchaseOrderSerializer,
            purchase_order_cancel(actor=request.user, order=order, reason=data["reason"]),
        )


class InspectionViewSet(ActionsMixin, ScopedModelViewSet):
    """Receiving inspections of the active scope. POST inspects one delivery of an order: the
    stock-in movements and the asset cards are made in the same step, or nothing is."""

    def get_serializer_class(self):
        return s.InspectionInput if self.action == "create" else s.InspectionSerializer

    @extend_schema(request=s.InspectionInput, responses={201: s.InspectionSerializer})
    def create(self, request, *args, **kwargs):
        user = request.user
        data = _input(s.InspectionInput, request)
        order = _one(PurchaseOrder.objects.for_user(user), data["order"], "order")
        school = order.school
        rooms = Room.objects.for_user(user).filter(school=school)
        stores = links.stores_for(school)
        lines = [
            {
                "order_line": raw["order_line"],
                "accepted": raw.get("accepted"),
                "rejected": raw.get("rejected"),
                "reason": raw.get("reason", ""),
                "store": _one(stores, raw.get("store"), "store"),
                "room": _one(rooms, raw.get("room"), "room"),
                "lot": raw.get("lot", ""),
                "expiry_date": raw.get("expiry_date"),
            }
            for raw in data["lines"]
        ]
        inspection = inspection_record(
            actor=user,
            order=order,
            inspectors=_people(school, data["inspectors"], "inspectors"),
            lines=lines,
            inspected_on=data.get("inspected_on"),
            delivery_note_number=data.get("delivery_note_number", ""),
            invoice_number=data.get("invoice_number", ""),
            note=data.get("note", ""),
        )
        return self.answer(s.InspectionSerializer, inspection, status.HTTP_201_CREATED)


def viewset(model, base):
    """The viewset class of a registered model on `base`, allowing the methods of its registered
    API actions, and POST where `base` has actions of its own."""
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
