"""/api/core/attachments/: list a record's files, upload (multipart), read one, remove one.

A bad file (too large, disguised, an unaccepted type) answers 400 with the reason under
"file", and nothing is stored. Another school's record or file answers 404.
"""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, parsers, permissions, serializers, status, viewsets
from rest_framework.response import Response

from .. import access
from ..filtersets.changelog import AttachmentFilterSet
from ..models import Attachment
from ..selectors.changelog import (
    attachment_can_delete,
    attachment_check_read,
    attachment_list,
    attachment_target,
)
from ..services.attachments import attachment_add, attachment_delete


class AttachmentSerializer(serializers.ModelSerializer):
    object_type = serializers.CharField(help_text=_('"app_label.model" of the record, e.g. "core.room"'))
    object_id = serializers.IntegerField(min_value=1)
    file = serializers.FileField(write_only=True, help_text=_("The file (multipart upload)."))
    download_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "school",
            "object_type",
            "object_id",
            "original_name",
            "mime_type",
            "size",
            "is_image",
            "description",
            "uploaded_by",
            "created_at",
            "download_url",
            "thumbnail_url",
            "file",
        ]
        read_only_fields = [
            "school",
            "original_name",
            "mime_type",
            "size",
            "is_image",
            "uploaded_by",
            "created_at",
        ]

    def validate_object_type(self, value):
        app_label, _sep, model = value.strip().lower().partition(".")
        if not app_label or not model:
            raise serializers.ValidationError(_('Give the object type as "app_label.model".'))
        return f"{app_label}.{model}"

    def _absolute(self, url):
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_download_url(self, obj) -> str:
        return self._absolute(reverse("core:attachment_download", args=[obj.pk]))

    def get_thumbnail_url(self, obj) -> str | None:
        return self._absolute(reverse("core:attachment_thumbnail", args=[obj.pk])) if obj.is_image else None


class AttachmentPermission(permissions.BasePermission):
    """Lists need core.view_attachment at the active scope; creation is checked against the
    target record (in the view and the service); one file, as for its download."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if view.action == "list":
            scope = request.scope
            return bool(scope) and access.has_perm(user, "core.view_attachment", scope)
        return True

    def has_object_permission(self, request, view, obj):
        try:
            attachment_check_read(request.user, obj)
        except PermissionDenied:
            return False
        if view.action == "destroy":
            return attachment_can_delete(request.user, obj)
        return True


class AttachmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Files and photos kept with school records. Filter a record's files with
    ?object_type=core.room&object_id=12."""

    queryset = Attachment.objects.none()  # for the schema; rows come from get_queryset
    serializer_class = AttachmentSerializer
    permission_classes = [AttachmentPermission]
    filterset_class = AttachmentFilterSet
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    ordering_fields = ["created_at", "size", "original_name"]

    def get_queryset(self):
        user = self.request.user
        if self.detail:
            return Attachment.objects.for_user(user).select_related("content_type", "school", "uploaded_by")
        return attachment_list(user=user, scope=self.request.scope)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        app_label, _sep, model = data["object_type"].partition(".")
        # Not a type that carries files, or a record the user's schools do not hold: 404.
        obj = attachment_target(
            user=request.user, app_label=app_label, model_name=model, pk=data["object_id"]
        )
        attachment = attachment_add(
            actor=request.user, obj=obj, uploaded_file=data["file"], description=data.get("description", "")
        )
        out = self.get_serializer(attachment)
        return Response(out.data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        attachment_delete(actor=self.request.user, attachment=instance)
