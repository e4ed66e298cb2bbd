"""Purchasing's document kind in the approval engine (imported by ProcurementConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from houqin.core.approvals import register_document_kind

from .services import requests

# 部门申请 → 权限审批: the request's number is its approval's number (CG-2026-0001).
register_document_kind(
    requests.REQUEST_KIND,
    _("Purchase request"),
    requests.REQUEST_PREFIX,
    on_approved=requests.purchase_request_approved,
    on_rejected=requests.purchase_request_rejected,
    on_withdrawn=requests.purchase_request_withdrawn,
)
