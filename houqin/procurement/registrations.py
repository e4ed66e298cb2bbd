"""The purchasing pages and API (imported by ProcurementConfig.ready).

Suppliers and their certificates have the generic pages. Requests are written through their
own form (header and lines) and move on through their workflow pages; quotes, orders and
inspections are made from the request's and the order's pages and are never edited (an order
is cancelled; an inspection stands, corrected in the store's ledger or on the cards).
"""

from houqin.core.registry import registry

from .api import serializers as s
from .api.views import (
    InspectionViewSet,
    PurchaseOrderViewSet,
    PurchaseRequestViewSet,
    QuoteViewSet,
    SupplierViewSet,
    viewset,
)
from .filtersets import (
    InspectionFilterSet,
    PurchaseOrderFilterSet,
    PurchaseRequestFilterSet,
    QuoteFilterSet,
    SupplierCertificateFilterSet,
    SupplierFilterSet,
)
from .forms import PurchaseRequestForm, SupplierCertificateForm, SupplierForm
from .models import Inspection, PurchaseOrder, PurchaseRequest, Quote, Supplier, SupplierCertificate
from .services.quotes import quote_delete
from .services.requests import purchase_request_delete
from .services.suppliers import (
    certificate_create,
    certificate_delete,
    certificate_update,
    supplier_create,
    supplier_delete,
    supplier_update,
)
from .tables import (
    InspectionTable,
    PurchaseOrderTable,
    PurchaseRequestTable,
    QuoteTable,
    SupplierCertificateTable,
    SupplierTable,
)
from .views.orders import (
    InspectionAddView,
    InspectionDetailView,
    InspectionDocxView,
    InspectionPrintView,
    PurchaseOrderCancelView,
    PurchaseOrderDetailView,
    PurchaseOrderDocxView,
    PurchaseOrderPrintView,
)
from .views.requests import (
    PurchaseOrderAddView,
    PurchaseRequestCancelView,
    PurchaseRequestDetailView,
    PurchaseRequestFormView,
    PurchaseRequestSubmitView,
    PurchaseRequestWithdrawView,
    QuoteAddView,
    QuoteCompareView,
)
from .views.suppliers import (
    SupplierBlockView,
    SupplierCertificateEditView,
    SupplierDetailView,
    SupplierUnblockView,
)

API_READ = ("list", "retrieve")


def _supplier_create(*, actor, model, school, data):
    return supplier_create(actor=actor, school=school, data=data)


def _certificate_create(*, actor, model, school, data):
    return certificate_create(actor=actor, school=school, data=data)


registry.register(
    Supplier,
    filterset=SupplierFilterSet,
    table=SupplierTable,
    form=SupplierForm,
    serializer=s.SupplierSerializer,
    select_related=("school",),
    create_service=_supplier_create,
    update_service=supplier_update,
    delete_service=supplier_delete,
    views={"detail": SupplierDetailView},
    detail_template="procurement/supplier_detail.html",
    extra_views={
        "block": ("<int:pk>/block/", SupplierBlockView),
        "unblock": ("<int:pk>/unblock/", SupplierUnblockView),
    },
)
registry.register(
    SupplierCertificate,
    url_prefix="certificates",
    filterset=SupplierCertificateFilterSet,
    table=SupplierCertificateTable,
    form=SupplierCertificateForm,
    serializer=s.SupplierCertificateSerializer,
    select_related=("school", "supplier"),
    create_service=_certificate_create,
    update_service=certificate_update,
    delete_service=certificate_delete,
    views={"add": SupplierCertificateEditView, "edit": SupplierCertificateEditView},
)
registry.register(
    PurchaseRequest,
    url_prefix="requests",
    filterset=PurchaseRequestFilterSet,
    table=PurchaseRequestTable,
    form=PurchaseRequestForm,
    serializer=s.PurchaseRequestSerializer,
    select_related=(
        "school",
        "department",
        "requested_by",
        "approval_request",
        "comparison__chosen_quote__supplier",
    ),
    prefetch_related=("lines", "comparison__signers"),
    delete_service=purchase_request_delete,
    api_actions=("list", "retrieve", "create"),
    views={
        "detail": PurchaseRequestDetailView,
        "add": PurchaseRequestFormView,
        "edit": PurchaseRequestFormView,
    },
    detail_template="procurement/request_detail.html",
    extra_views={
        "submit": ("<int:pk>/submit/", PurchaseRequestSubmitView),
        "withdraw": ("<int:pk>/withdraw/", PurchaseRequestWithdrawView),
        "cancel": ("<int:pk>/cancel/", PurchaseRequestCancelView),
        "quote": ("<int:pk>/quote/", QuoteAddView),
        "compare": ("<int:pk>/compare/", QuoteCompareView),
        "order": ("<int:pk>/order/", PurchaseOrderAddView),
    },
)
registry.register(
    Quote,
    filterset=QuoteFilterSet,
    table=QuoteTable,
    serializer=s.QuoteSerializer,
    select_related=("school", "request", "supplier", "recorded_by"),
    prefetch_related=("lines",),
    delete_service=quote_delete,
    actions=("list", "detail", "delete"),
    api_actions=("list", "retrieve", "create", "destroy"),
)
registry.register(
    PurchaseOrder,
    url_prefix="orders",
    filterset=PurchaseOrderFilterSet,
    table=PurchaseOrderTable,
    serializer=s.PurchaseOrderSerializer,
    select_related=("school", "supplier", "created_by"),
    prefetch_related=("lines__request_line", "buyers"),
    actions=("list", "detail"),
    api_actions=("list", "retrieve", "create"),
    views={"detail": PurchaseOrderDetailView},
    detail_template="procurement/order_detail.html",
    extra_views={
        "print": ("<int:pk>/print/", PurchaseOrderPrintView),
        "docx": ("<int:pk>/docx/", PurchaseOrderDocxView),
        "cancel": ("<int:pk>/cancel/", PurchaseOrderCancelView),
        "inspect": ("<int:pk>/inspect/", InspectionAddView),
    },
)
registry.register(
    Inspection,
    filterset=InspectionFilterSet,
    table=InspectionTable,
    serializer=s.InspectionSerializer,
    select_related=("school", "order__supplier", "recorded_by"),
    prefetch_related=("lines__assets", "inspectors"),
    actions=("list", "detail"),
    api_actions=("list", "retrieve", "create"),
    views={"detail": InspectionDetailView},
    detail_template="procurement/inspection_detail.html",
    extra_views={
        "print": ("<int:pk>/print/", InspectionPrintView),
        "docx": ("<int:pk>/docx/", InspectionDocxView),
    },
)

# The viewsets with actions or their own create need their registry entry, so they are attached
# once it exists.
registry.get(Supplier).api_viewset = viewset(Supplier, SupplierViewSet)
registry.get(PurchaseRequest).api_viewset = viewset(PurchaseRequest, PurchaseRequestViewSet)
registry.get(Quote).api_viewset = viewset(Quote, QuoteViewSet)
registry.get(PurchaseOrder).api_viewset = viewset(PurchaseOrder, PurchaseOrderViewSet)
registry.get(Inspection).api_viewset = viewset(Inspection, InspectionViewSet)
