"""The requisition as a document kind of the approval engine (requisitions above the threshold)."""

from django.utils.translation import gettext_lazy as _

from houqin.core.approvals import register_document_kind

REQUISITION_KIND = "supplies.requisition"


def _approved(request):
    from .services.requisitions import requisition_approval_decided

    requisition_approval_decided(request=request, outcome="approved")


def _rejected(request):
    from .services.requisitions import requisition_approval_decided

    requisition_approval_decided(request=request, outcome="rejected")


def _withdrawn(request):
    from .services.requisitions import requisition_approval_decided

    requisition_approval_decided(request=request, outcome="withdrawn")


register_document_kind(
    REQUISITION_KIND,
    _("Supplies requisition"),
    "LYSP",
    on_approved=_approved,
    on_rejected=_rejected,
    on_withdrawn=_withdrawn,
)
