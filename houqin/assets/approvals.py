"""The asset register's document kinds in the approval engine (imported by AssetsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from houqin.core.approvals import register_document_kind

from .services import disposals, stocktakes

# 处置 and 调拨: the request numbers are the documents' numbers (CZ-2026-0001, DB-2026-0001).
register_document_kind(
    disposals.DISPOSAL_KIND,
    _("Disposal of assets"),
    "CZ",
    on_approved=disposals.disposal_approved,
    on_rejected=disposals.disposal_rejected,
    on_withdrawn=disposals.disposal_withdrawn,
)
register_document_kind(
    disposals.TRANSFER_KIND,
    _("Transfer of assets to another school"),
    "DB",
    on_approved=disposals.transfer_approved,
    on_rejected=disposals.transfer_rejected,
    on_withdrawn=disposals.transfer_withdrawn,
)
# 盘点: the adjustments of a stocktake (盘盈/盘亏) are applied when approved.
register_document_kind(
    stocktakes.STOCKTAKE_KIND,
    _("Stocktake adjustments"),
    stocktakes.STOCKTAKE_PREFIX,
    on_approved=stocktakes.stocktake_approved,
    on_rejected=stocktakes.stocktake_rejected,
    on_withdrawn=stocktakes.stocktake_withdrawn,
)
