"""The surface of the maintenance models: pages, API and the route-walking leak test."""

from houqin.core.registry import registry

from .api.serializers import (
    ChecklistSerializer,
    InspectionPlanSerializer,
    InspectionRoundSerializer,
    RepairRequestSerializer,
    WorkOrderSerializer,
)
from .api.views import RepairRequestViewSet, WorkOrderViewSet
from .filtersets import (
    ChecklistFilterSet,
    InspectionPlanFilterSet,
    InspectionRoundFilterSet,
    RepairRequestFilterSet,
    WorkOrderFilterSet,
)
from .forms import ChecklistForm, InspectionPlanForm
from .models import Checklist, InspectionPlan, InspectionRound, RepairRequest, WorkOrder
from .services.inspections import (
    checklist_create,
    checklist_delete,
    checklist_update,
    inspection_plan_create,
    inspection_plan_delete,
    inspection_plan_update,
)
from .tables import (
    ChecklistTable,
    InspectionPlanTable,
    InspectionRoundTable,
    RepairRequestTable,
    WorkOrderTable,
)
from .views.inspections import (
    ChecklistDetailView,
    InspectionPlanDetailView,
    InspectionRoundDetailView,
    InspectionRoundWalkView,
)
from .views.orders import (
    MyOrdersView,
    WorkOrderAssignView,
    WorkOrderCompleteView,
    WorkOrderDetailView,
    WorkOrderMaterialRemoveView,
    WorkOrderMaterialTakeView,
    WorkOrderMaterialView,
    WorkOrderPhotoView,
    WorkOrderStartView,
)
from .views.requests import (
    MyRequestsView,
    RepairRequestAcceptView,
    RepairRequestConfirmView,
    RepairRequestDetailView,
    RepairRequestRejectView,
    RepairRequestReopenView,
    RepairRequestReportView,
)

registry.register(
    RepairRequest,
    filterset=RepairRequestFilterSet,
    table=RepairRequestTable,
    serializer=RepairRequestSerializer,
    select_related=("school", "room__building", "reporter"),
    actions=("list", "add", "detail"),
    api_actions=("list", "retrieve", "create"),
    api_viewset=RepairRequestViewSet,
    views={"add": RepairRequestReportView, "detail": RepairRequestDetailView},
    detail_template="maintenance/repairrequest_detail.html",
    extra_views={
        "mine": ("mine/", MyRequestsView),
        "accept": ("<int:pk>/accept/", RepairRequestAcceptView),
        "reject": ("<int:pk>/reject/", RepairRequestRejectView),
        "confirm": ("<int:pk>/confirm/", RepairRequestConfirmView),
        "reopen": ("<int:pk>/reopen/", RepairRequestReopenView),
    },
)
registry.register(
    WorkOrder,
    filterset=WorkOrderFilterSet,
    table=WorkOrderTable,
    serializer=WorkOrderSerializer,
    select_related=("school", "request__room__building", "assignee"),
    prefetch_related=("materials",),
    actions=("list", "detail"),
    api_actions=("list", "retrieve"),
    api_viewset=WorkOrderViewSet,
    views={"detail": WorkOrderDetailView},
    detail_template="maintenance/workorder_detail.html",
    extra_views={
        "mine": ("mine/", MyOrdersView),
        "assign": ("<int:pk>/assign/", WorkOrderAssignView),
        "start": ("<int:pk>/start/", WorkOrderStartView),
        "material": ("<int:pk>/materials/", WorkOrderMaterialView),
        "material_take": ("<int:pk>/materials/store/", WorkOrderMaterialTakeView),
        "material_remove": ("<int:pk>/materials/remove/", WorkOrderMaterialRemoveView),
        "photo": ("<int:pk>/photos/", WorkOrderPhotoView),
        "complete": ("<int:pk>/complete/", WorkOrderCompleteView),
    },
)
registry.register(
    Checklist,
    filterset=ChecklistFilterSet,
    table=ChecklistTable,
    form=ChecklistForm,
    serializer=ChecklistSerializer,
    select_related=("school",),
    create_service=checklist_create,
    update_service=checklist_update,
    delete_service=checklist_delete,
    views={"detail": ChecklistDetailView},
    detail_template="maintenance/checklist_detail.html",
)
registry.register(
    InspectionPlan,
    filterset=InspectionPlanFilterSet,
    table=InspectionPlanTable,
    form=InspectionPlanForm,
    serializer=InspectionPlanSerializer,
    select_related=("school", "inspector"),
    create_service=inspection_plan_create,
    update_service=inspection_plan_update,
    delete_service=inspection_plan_delete,
    views={"detail": InspectionPlanDetailView},
    detail_template="maintenance/inspectionplan_detail.html",
)
registry.register(
    InspectionRound,
    filterset=InspectionRoundFilterSet,
    table=InspectionRoundTable,
    serializer=InspectionRoundSerializer,
    select_related=("school", "plan", "inspector"),
    actions=("list", "detail"),
    api_actions=("list", "retrieve"),
    views={"detail": InspectionRoundDetailView},
    detail_template="maintenance/inspectionround_detail.html",
    extra_views={"walk": ("<int:pk>/walk/", InspectionRoundWalkView)},
)
