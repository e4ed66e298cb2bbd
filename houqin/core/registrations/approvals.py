"""The approval surface: requests (read, decide, withdraw, submit a general request) and policies.

Requests are never edited or deleted through generic pages: they move only through the engine.
"""

from django.utils.translation import gettext_lazy as _

from .. import approvals  # noqa: F401  (registers the "core.general" document kind)
from ..api.approvals import (
    ApprovalPolicySerializer,
    ApprovalPolicyViewSet,
    ApprovalRequestSerializer,
    ApprovalRequestViewSet,
)
from ..filtersets.approvals import ApprovalPolicyFilterSet, ApprovalRequestFilterSet
from ..models import ApprovalPolicy, ApprovalRequest
from ..models.changelog import EXTRA_CHANGE_LABELS
from ..registry import registry
from ..tables.approvals import ApprovalPolicyTable, ApprovalRequestTable
from ..views.approvals import (
    ApprovalPolicyDetailView,
    ApprovalPolicyEditView,
    ApprovalPolicyListView,
    ApprovalRequestDecideView,
    ApprovalRequestDetailView,
    ApprovalRequestListView,
    ApprovalRequestSubmitView,
    ApprovalRequestWithdrawView,
)

registry.register(
    ApprovalRequest,
    filterset=ApprovalRequestFilterSet,
    table=ApprovalRequestTable,
    serializer=ApprovalRequestSerializer,
    api_viewset=ApprovalRequestViewSet,
    select_related=("school", "requester"),
    actions=("list", "detail"),
    api_actions=("list", "retrieve", "create"),
    views={"list": ApprovalRequestListView, "detail": ApprovalRequestDetailView},
    extra_views={
        "add": ("add/", ApprovalRequestSubmitView),
        "decide": ("<int:pk>/decide/", ApprovalRequestDecideView),
        "withdraw": ("<int:pk>/withdraw/", ApprovalRequestWithdrawView),
    },
    list_template="core/approvals/request_list.html",
    detail_template="core/approvals/request_detail.html",
)
registry.register(
    ApprovalPolicy,
    url_prefix="approvalpolicies",
    filterset=ApprovalPolicyFilterSet,
    table=ApprovalPolicyTable,
    serializer=ApprovalPolicySerializer,
    api_viewset=ApprovalPolicyViewSet,
    select_related=("school",),
    prefetch_related=("steps__role",),
    actions=("list", "detail"),
    api_actions=("list", "retrieve"),
    views={"list": ApprovalPolicyListView, "detail": ApprovalPolicyDetailView},
    extra_views={
        "add": ("add/", ApprovalPolicyEditView),
        "edit": ("<int:pk>/edit/", ApprovalPolicyEditView),
    },
    list_template="core/approvals/policy_list.html",
    detail_template="core/approvals/policy_detail.html",
)

# Keys the approval services write into the change log besides model fields.
EXTRA_CHANGE_LABELS.setdefault("steps", _("steps"))
EXTRA_CHANGE_LABELS.setdefault("decision", _("decision"))
EXTRA_CHANGE_LABELS.setdefault("duties", _("duties on the document"))
