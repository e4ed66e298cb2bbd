"""The asset register's pages and API (imported by AssetsConfig.ready).

Ledger-like records (events, loans, incidents, sign-offs, disposals, transfers) have no generic
edit or delete: they change only through their workflow pages. Cards are never deleted.
"""

from houqin.core.registry import registry

from .api import serializers as s
from .api.views import AssetLoanViewSet, AssetViewSet, DisposalViewSet, viewset
from .filtersets import (
    AssetCategoryFilterSet,
    AssetEventFilterSet,
    AssetFilterSet,
    AssetImportFilterSet,
    AssetIncidentFilterSet,
    AssetLoanFilterSet,
    DisposalFilterSet,
    RoomSignoffFilterSet,
    TransferFilterSet,
)
from .forms import AssetCategoryForm, AssetForm
from .models import (
    Asset,
    AssetCategory,
    AssetEvent,
    AssetImport,
    AssetIncident,
    AssetLoan,
    Disposal,
    RoomSignoff,
    Transfer,
)
from .services.assets import asset_delete, asset_register_from_form, asset_update
from .services.categories import category_create, category_delete, category_update
from .tables import (
    AssetCategoryTable,
    AssetEventTable,
    AssetImportTable,
    AssetIncidentTable,
    AssetLoanTable,
    AssetTable,
    DisposalTable,
    RoomSignoffTable,
    TransferTable,
)
from .views.assets import (
    AssetDetailView,
    AssetDisposeView,
    AssetEventDetailView,
    AssetLendView,
    AssetMoveView,
    AssetReportView,
    AssetSplitView,
    AssetStatusView,
    AssetTransferView,
)
from .views.categories import AssetCategoryDeleteView, AssetCategoryDetailView, AssetCategoryEditView
from .views.custody import HandbackListView
from .views.imports import (
    AssetImportAddView,
    AssetImportCommitView,
    AssetImportDetailView,
    AssetImportFileView,
    AssetImportMappingView,
)
from .views.workflow import (
    AssetIncidentDetailView,
    AssetLoanDetailView,
    DisposalAddView,
    DisposalDetailView,
    DisposalOutcomeView,
    EventReverseView,
    IncidentCloseView,
    IncidentCompensationView,
    IncidentFollowUpView,
    IncidentPaymentView,
    IncidentRepairFinishView,
    IncidentRepairStartView,
    LoanReturnView,
    TransferAddView,
    TransferDetailView,
)

READ = ("list", "detail")
API_READ = ("list", "retrieve")


def _category_create(*, actor, model, school, data):
    return category_create(actor=actor, school=school, data=data)


registry.register(
    Asset,
    filterset=AssetFilterSet,
    table=AssetTable,
    form=AssetForm,
    serializer=s.AssetSerializer,
    # Few joins, the rest fetched by id for the page: with six joins over the indexed card table
    # PostgreSQL spends ~20 ms planning what takes 0.5 ms to run (bench/assets_list.py).
    select_related=("category", "room__building"),
    prefetch_related=("school", "department", "custodian", "used_by"),
    create_service=asset_register_from_form,
    update_service=asset_update,
    delete_service=asset_delete,
    actions=("list", "add", "detail", "edit"),
    api_actions=("list", "retrieve", "create", "update", "partial_update"),
    views={"detail": AssetDetailView},
    detail_template="assets/asset_detail.html",
    list_template="assets/asset_list.html",
    url_prefix="cards",
    extra_views={
        "move": ("<int:pk>/move/", AssetMoveView),
        "split": ("<int:pk>/split/", AssetSplitView),
        "status": ("<int:pk>/status/", AssetStatusView),
        "lend": ("<int:pk>/lend/", AssetLendView),
        "report": ("<int:pk>/report/", AssetReportView),
        "dispose": ("<int:pk>/dispose/", AssetDisposeView),
        "transfer": ("<int:pk>/transfer/", AssetTransferView),
    },
)
registry.register(
    AssetCategory,
    filterset=AssetCategoryFilterSet,
    table=AssetCategoryTable,
    form=AssetCategoryForm,
    serializer=s.AssetCategorySerializer,
    select_related=("school", "parent"),
    prefetch_related=("legacy_codes",),
    create_service=_category_create,
    update_service=category_update,
    delete_service=category_delete,
    views={
        "detail": AssetCategoryDetailView,
        "edit": AssetCategoryEditView,
        "delete": AssetCategoryDeleteView,
    },
    detail_template="assets/category_detail.html",
    url_prefix="categories",
)
registry.register(
    AssetEvent,
    filterset=AssetEventFilterSet,
    table=AssetEventTable,
    serializer=s.AssetEventSerializer,
    select_related=("school", "asset", "actor", "to_room__building", "from_room__building", "related_asset"),
    actions=READ,
    api_actions=API_READ,
    views={"detail": AssetEventDetailView},
    detail_template="assets/event_detail.html",
    url_prefix="events",
    extra_views={"reverse": ("<int:pk>/correct/", EventReverseView)},
)
registry.register(
    AssetLoan,
    filterset=AssetLoanFilterSet,
    table=AssetLoanTable,
    serializer=s.AssetLoanSerializer,
    select_related=(
        "school",
        "asset",
        "borrower",
        "borrower_department",
        "lent_by",
        "received_by",
        "semester",
    ),
    actions=READ,
    api_actions=API_READ,
    views={"detail": AssetLoanDetailView},
    detail_template="assets/loan_detail.html",
    url_prefix="loans",
    extra_views={
        "return": ("<int:pk>/return/", LoanReturnView),
        "handback": ("handback/", HandbackListView),
    },
)
registry.register(
    AssetIncident,
    filterset=AssetIncidentFilterSet,
    table=AssetIncidentTable,
    serializer=s.AssetIncidentSerializer,
    select_related=("school", "asset", "reported_by", "payer"),
    actions=READ,
    api_actions=API_READ,
    views={"detail": AssetIncidentDetailView},
    detail_template="assets/incident_detail.html",
    url_prefix="incidents",
    extra_views={
        "repair_start": ("<int:pk>/repair/", IncidentRepairStartView),
        "repair_finish": ("<int:pk>/repaired/", IncidentRepairFinishView),
        "compensation": ("<int:pk>/compensation/", IncidentCompensationView),
        "payment": ("<int:pk>/payment/", IncidentPaymentView),
        "follow_up": ("<int:pk>/follow-up/", IncidentFollowUpView),
        "close": ("<int:pk>/close/", IncidentCloseView),
    },
)
registry.register(
    Disposal,
    filterset=DisposalFilterSet,
    table=DisposalTable,
    serializer=s.DisposalSerializer,
    select_related=("school", "requested_by", "approval_request"),
    actions=("list", "add", "detail"),
    api_actions=("list", "retrieve", "create"),
    views={"detail": DisposalDetailView, "add": DisposalAddView},
    detail_template="assets/disposal_detail.html",
    url_prefix="disposals",
    extra_views={"outcome": ("<int:pk>/outcome/", DisposalOutcomeView)},
)
registry.register(
    Transfer,
    filterset=TransferFilterSet,
    table=TransferTable,
    serializer=s.TransferSerializer,
    select_related=("school", "to_school", "requested_by", "approval_request"),
    actions=("list", "add", "detail"),
    api_actions=API_READ,
    views={"detail": TransferDetailView, "add": TransferAddView},
    detail_template="assets/transfer_detail.html",
    url_prefix="transfers",
)
registry.register(
    RoomSignoff,
    filterset=RoomSignoffFilterSet,
    table=RoomSignoffTable,
    serializer=s.RoomSignoffSerializer,
    select_related=("school", "room__building", "semester", "signed_by"),
    actions=READ,
    api_actions=API_READ,
    detail_template="assets/signoff_detail.html",
    url_prefix="signoffs",
)
registry.register(
    AssetImport,
    filterset=AssetImportFilterSet,
    table=AssetImportTable,
    select_related=("school", "created_by", "committed_by"),
    actions=("list", "add", "detail"),
    api_actions=(),  # an upload, a dry run and a commit are pages (and `houqin import-assets`)
    views={"add": AssetImportAddView, "detail": AssetImportDetailView},
    detail_template="assets/import_detail.html",
    url_prefix="imports",
    extra_views={
        "mapping": ("<int:pk>/mapping/", AssetImportMappingView),
        "commit": ("<int:pk>/commit/", AssetImportCommitView),
        "file": ("<int:pk>/file/", AssetImportFileView),
    },
)

# The viewsets with actions need their registry entry, so they are attached once it exists.
registry.get(Asset).api_viewset = viewset(Asset, AssetViewSet)
registry.get(AssetLoan).api_viewset = viewset(AssetLoan, AssetLoanViewSet)
registry.get(Disposal).api_viewset = viewset(Disposal, DisposalViewSet)
