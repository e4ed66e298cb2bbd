from .assets import Asset
from .categories import AssetCategory, LegacyCategoryCode
from .custody import RoomSignoff
from .disposals import Disposal, DisposalLine, Transfer, TransferLine
from .events import AssetEvent
from .imports import AssetImport, ImportStatus
from .incidents import AssetIncident
from .loans import AssetLoan
from .stocktakes import Stocktake, StocktakeLine

__all__ = [
    "Asset",
    "AssetCategory",
    "AssetEvent",
    "AssetImport",
    "AssetIncident",
    "AssetLoan",
    "Disposal",
    "DisposalLine",
    "ImportStatus",
    "LegacyCategoryCode",
    "RoomSignoff",
    "Stocktake",
    "StocktakeLine",
    "Transfer",
    "TransferLine",
]
