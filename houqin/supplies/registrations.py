"""The surface of the supplies models: pages, API and the route-walking leak test."""

from houqin.core.registry import registry

from .api.serializers import (
    AllotmentSerializer,
    ItemSerializer,
    KitSerializer,
    RequisitionSerializer,
    StockBalanceSerializer,
    StockMovementSerializer,
    StoreSerializer,
)
from .api.views import (
    AllotmentViewSet,
    KitViewSet,
    RequisitionViewSet,
    StockBalanceViewSet,
    StockMovementViewSet,
    StoreViewSet,
)
from .filtersets import (
    AllotmentFilterSet,
    ItemFilterSet,
    KitFilterSet,
    RequisitionFilterSet,
    StockBalanceFilterSet,
    StockMovementFilterSet,
    StoreFilterSet,
)
from .forms import ItemForm, StoreForm
from .models import Allotment, Item, Kit, Requisition, StockBalance, StockMovement, Store
from .tables import (
    AllotmentTable,
    ItemTable,
    KitTable,
    RequisitionTable,
    StockBalanceTable,
    StockMovementTable,
    StoreTable,
)
from .views.allotments import (
    AllotmentCreateView,
    AllotmentDetailView,
    AllotmentIssueView,
    AllotmentPupilsView,
    AllotmentSlipsView,
    KitDetailView,
    KitEditView,
)
from .views.requisitions import (
    RequisitionCancelView,
    RequisitionConfirmView,
    RequisitionDetailView,
    RequisitionEditView,
    RequisitionIssueView,
    RequisitionSlipDocxView,
    RequisitionSlipView,
    RequisitionSubmitView,
)
from .views.stock import (
    BalanceAdjustView,
    BalanceDetailView,
    BalanceIssueView,
    BalanceTransferView,
    ItemDetailView,
    MovementDetailView,
    MovementReturnView,
    MovementReverseView,
    StoreDetailView,
    StoreReceiveView,
)

registry.register(
    Item,
    filterset=ItemFilterSet,
    table=ItemTable,
    form=ItemForm,
    serializer=ItemSerializer,
    select_related=("school",),
    views={"detail": ItemDetailView},
    detail_template="supplies/item_detail.html",
)
registry.register(
    Store,
    filterset=StoreFilterSet,
    table=StoreTable,
    form=StoreForm,
    serializer=StoreSerializer,
    select_related=("school", "room__building", "keeper"),
    api_viewset=StoreViewSet,
    views={"detail": StoreDetailView},
    detail_template="supplies/store_detail.html",
    extra_views={"receive": ("<int:pk>/receive/", StoreReceiveView)},
)
registry.register(
    StockBalance,
    filterset=StockBalanceFilterSet,
    table=StockBalanceTable,
    serializer=StockBalanceSerializer,
    select_related=("school", "item", "store"),
    actions=("list", "detail"),
    api_actions=("list", "retrieve"),
    api_viewset=StockBalanceViewSet,
    views={"detail": BalanceDetailView},
    detail_template="supplies/balance_detail.html",
    list_template="supplies/stockbalance_list.html",
    url_prefix="balances",
    extra_views={
        "issue": ("<int:pk>/issue/", BalanceIssueView),
        "transfer": ("<int:pk>/transfer/", BalanceTransferView),
        "adjust": ("<int:pk>/adjust/", BalanceAdjustView),
    },
)
registry.register(
    StockMovement,
    filterset=StockMovementFilterSet,
    table=StockMovementTable,
    serializer=StockMovementSerializer,
    select_related=("school", "item", "store", "actor", "issued_to", "department", "room__building"),
    actions=("list", "detail"),
    api_actions=("list", "retrieve"),
    api_viewset=StockMovementViewSet,
    views={"detail": MovementDetailView},
    detail_template="supplies/movement_detail.html",
    url_prefix="movements",
    extra_views={
        "return": ("<int:pk>/return/", MovementReturnView),
        "reverse": ("<int:pk>/reverse/", MovementReverseView),
    },
)
registry.register(
    Requisition,
    filterset=RequisitionFilterSet,
    table=RequisitionTable,
    serializer=RequisitionSerializer,
    select_related=("school", "requester", "department", "room__building", "receiver"),
    # Only a draft is edited, by its own page (not the generic edit, whose button shows always).
    actions=("list", "add", "detail"),
    api_actions=("list", "retrieve", "create"),
    api_viewset=RequisitionViewSet,
    views={"add": RequisitionEditView, "detail": RequisitionDetailView},
    detail_template="supplies/requisition_detail.html",
    extra_views={
        "edit": ("<int:pk>/edit/", RequisitionEditView),
        "submit": ("<int:pk>/submit/", RequisitionSubmitView),
        "issue": ("<int:pk>/issue/", RequisitionIssueView),
        "confirm": ("<int:pk>/confirm/", RequisitionConfirmView),
        "cancel": ("<int:pk>/cancel/", RequisitionCancelView),
        "slip": ("<int:pk>/slip/", RequisitionSlipView),
        "slip_docx": ("<int:pk>/slip.docx", RequisitionSlipDocxView),
    },
)
registry.register(
    Kit,
    filterset=KitFilterSet,
    table=KitTable,
    serializer=KitSerializer,
    select_related=("school",),
    actions=("list", "add", "detail", "edit"),
    api_actions=("list", "retrieve", "create", "update"),
    api_viewset=KitViewSet,
    views={"add": KitEditView, "edit": KitEditView, "detail": KitDetailView},
    detail_template="supplies/kit_detail.html",
)
registry.register(
    Allotment,
    filterset=AllotmentFilterSet,
    table=AllotmentTable,
    serializer=AllotmentSerializer,
    select_related=("school", "store", "kit", "semester", "created_by"),
    actions=("list", "add", "detail"),
    api_actions=("list", "retrieve", "create"),
    api_viewset=AllotmentViewSet,
    views={"add": AllotmentCreateView, "detail": AllotmentDetailView},
    detail_template="supplies/allotment_detail.html",
    extra_views={
        "issue": ("<int:pk>/issue/", AllotmentIssueView),
        "pupils": ("<int:pk>/pupils/", AllotmentPupilsView),
        "slips": ("<int:pk>/slips/", AllotmentSlipsView),
    },
)
