"""Permissions of the supplies app beyond the model ones (storekeepers and heads of logistics hold
"supplies.*"; teachers may ask for supplies: supplies.add_requisition)."""

from django.utils.translation import gettext_lazy as _

from houqin.core.permissions import register_permissions

RECEIVE = "supplies.receive_stock"
ISSUE = "supplies.issue_stock"
TRANSFER = "supplies.transfer_stock"
ADJUST = "supplies.adjust_stock"
ALLOT = "supplies.issue_allotment"

register_permissions(
    {
        RECEIVE: _("Receive stock into a store"),
        ISSUE: _("Issue stock and take returns"),
        TRANSFER: _("Transfer stock between stores"),
        ADJUST: _("Record count differences and reverse entries"),
        ALLOT: _("Issue standard allotments to classes"),
    }
)
