"""/api/core/changelog/: the change log, read-only, with the page's FilterSet and scoping.

The router here also carries the attachments and notifications endpoints, so the core API
includes the record-keeping endpoints with one line.
"""

from rest_framework import permissions, serializers, viewsets
from rest_framework.routers import SimpleRouter

from .. import access
from ..filtersets.changelog import ChangeLogFilterSet
from ..models import ChangeLogEntry
from ..selectors.changelog import changelog_can_view, changelog_list, changelog_visible


class ChangeLogEntrySerializer(serializers.ModelSerializer):
    object_type = serializers.CharField(read_only=True, help_text='"app_label.model", e.g. "core.room"')
    object_type_label = serializers.CharField(read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = ChangeLogEntry
        fields = [
            "id",
            "time",
            "school",
            "actor",
            "actor_name",
            "action",
            "action_display",
            "object_type",
            "object_type_label",
            "object_id",
            "object_repr",
            "changes",
        ]
        read_only_fields = fields


class ChangeLogPermission(permissions.BasePermission):
    """The list needs core.view_changelog at the active scope; one entry, at its school."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if view.detail:
            return True
        scope = request.scope
        return bool(scope) and access.has_perm(user, "core.view_changelog", scope)

    def has_object_permission(self, request, view, obj):
        return changelog_can_view(request.user, obj)


class ChangeLogViewSet(viewsets.ReadOnlyModelViewSet):
    """Who changed which record when, each field before and after. Newest first."""

    queryset = ChangeLogEntry.objects.none()  # for the schema; rows come from get_queryset
    serializer_class = ChangeLogEntrySerializer
    permission_classes = [ChangeLogPermission]
    filterset_class = ChangeLogFilterSet
    ordering_fields = ["time", "id"]

    def get_queryset(self):
        user = self.request.user
        if self.detail:
            return changelog_visible(user)
        return changelog_list(user=user, scope=self.request.scope).order_by("-time", "-id")


def _router():
    from .attachments import AttachmentViewSet
    from .notifications import NotificationViewSet

    router = SimpleRouter(trailing_slash=True)
    router.register("changelog", ChangeLogViewSet, basename="core-changelog")
    router.register("attachments", AttachmentViewSet, basename="core-attachment")
    router.register("notifications", NotificationViewSet, basename="core-notification")
    return router


router = _router()
