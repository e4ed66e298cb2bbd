from .inspections import Checklist, ChecklistItem, InspectionPlan, InspectionResult, InspectionRound
from .orders import WorkOrder, WorkOrderMaterial, WorkOrderPhoto
from .requests import RepairEvent, RepairRequest

__all__ = [
    "Checklist",
    "ChecklistItem",
    "InspectionPlan",
    "InspectionResult",
    "InspectionRound",
    "RepairEvent",
    "RepairRequest",
    "WorkOrder",
    "WorkOrderMaterial",
    "WorkOrderPhoto",
]
