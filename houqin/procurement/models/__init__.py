from .inspections import Inspection, InspectionLine
from .orders import PurchaseOrder, PurchaseOrderLine
from .quotes import Quote, QuoteComparison, QuoteLine
from .requests import PurchaseRequest, PurchaseRequestLine
from .suppliers import Supplier, SupplierCertificate

__all__ = [
    "Inspection",
    "InspectionLine",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseRequest",
    "PurchaseRequestLine",
    "Quote",
    "QuoteComparison",
    "QuoteLine",
    "Supplier",
    "SupplierCertificate",
]
