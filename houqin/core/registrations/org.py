"""People: the membership list, add and remove pages, and /api/core/memberships/.

Membership changes are governed by one permission, core.manage_members (given at a node, it
covers the subtree); the generic add/change/delete_membership codes would only confuse the
role editor, so they are taken out of the catalogue.
"""

from django.utils.translation import gettext_lazy as _

from ..api.org import MembershipViewSet
from ..api.serializers import MembershipSerializer
from ..filtersets.org import MembershipFilterSet
from ..models import Membership
from ..permissions import PERMISSIONS, register_permissions
from ..registry import registry
from ..tables.org import MembershipTable
from ..views.org import MembershipAddView, MembershipDeleteView, MembershipListView

registry.register(
    Membership,
    filterset=MembershipFilterSet,
    table=MembershipTable,
    serializer=MembershipSerializer,
    select_related=("user", "role", "school", "department"),
    actions=("list",),
    views={"list": MembershipListView},
    list_template="core/org/membership_list.html",
    extra_views={
        "add": ("add/", MembershipAddView),
        "delete": ("<int:pk>/delete/", MembershipDeleteView),
    },
    api_actions=("list", "retrieve", "create", "destroy"),
    api_viewset=MembershipViewSet,
)
for action in ("add", "change", "delete"):
    PERMISSIONS.pop(f"core.{action}_membership", None)

register_permissions({"core.view_role": _("View roles and their permissions")})
