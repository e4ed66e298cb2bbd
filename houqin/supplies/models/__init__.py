from .alerts import StockAlert
from .allotments import Allotment, AllotmentLine, AllotmentTarget, Kit, KitLine
from .items import Item, Store
from .requisitions import Requisition, RequisitionLine
from .stock import StockBalance, StockLot, StockMovement, StockMovementLot

__all__ = [
    "Allotment",
    "AllotmentLine",
    "AllotmentTarget",
    "Item",
    "Kit",
    "KitLine",
    "Requisition",
    "RequisitionLine",
    "StockAlert",
    "StockBalance",
    "StockLot",
    "StockMovement",
    "StockMovementLot",
    "Store",
]
