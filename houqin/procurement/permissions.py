"""Permissions of purchasing beyond view/add/change/delete of its models.

The head of logistics holds "procurement.*"; principals, supervisors and auditors read
("*.view_*"); storekeepers record inspections; teachers file purchase requests for their
department (houqin.core.permissions.DEFAULT_ROLES).
"""

from django.utils.translation import gettext_lazy as _

from houqin.core.permissions import register_permissions

DECIDE_QUOTES = "procurement.decide_quotes"
BLOCK_SUPPLIER = "procurement.block_supplier"

register_permissions(
    {
        DECIDE_QUOTES: _("Decide a quote comparison (choose the supplier)"),
        BLOCK_SUPPLIER: _("Block and unblock suppliers"),
    }
)
