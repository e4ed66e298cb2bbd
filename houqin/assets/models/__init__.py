from .assets import Asset
from .categories import AssetCategory, LegacyCategoryCode
from .custody import RoomSignoff
from .disposals import Disposal, DisposalLine, Transfer, TransferLine
from .events import AssetEvent
from .incidents import AssetIncident
from .loans import AssetLoan
from .stocktakes import Stocktake, StocktakeLine

__all__ = [
    "Asset",
    "AssetCategory",
    "AssetEvent",
    "AssetIncident",
    "AssetLoan",
    "Disposal",
    "DisposalLine",
    "LegacyCategoryCode",
    "RoomSignoff",
    "Stocktake",
    "StocktakeLine",
    "Transfer",
    "TransferLine",
]
