"""/api/core/notifications/: the requesting user's own notifications; mark one or all read.

Only ever the requesting user's rows: anyone else's notification is a 404.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..filtersets.changelog import NotificationFilterSet
from ..models import Notification
from ..selectors.notifications import notification_list
from ..services.notifications import notification_mark_all_read, notification_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)
    # Only a link on this site is passed on; anything else would be an open redirect.
    url = serializers.CharField(source="local_url", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "school", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your notifications, newest first; ?unread=true for the unread ones."""

    queryset = Notification.objects.none()  # for the schema; rows come from get_queryset
    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = NotificationFilterSet
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return notification_list(user=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark this notification read."""
        notification = notification_mark_read(user=request.user, notification=self.get_object())
        return Response(NotificationSerializer(notification, context={"request": request}).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark all your unread notifications read; answers how many were marked."""
        return Response(MarkedSerializer({"marked": notification_mark_all_read(user=request.user)}).data)
