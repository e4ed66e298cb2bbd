"""API base classes: the same scoping, permissions, FilterSets and services as the pages."""

from django.db import models
from rest_framework import permissions, serializers, viewsets

from .. import access
from ..forms import scope_field_querysets
from ..permissions import model_perm
from ..selectors import object_list
from ..services.objects import object_create, object_delete, object_update

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class ScopedPermission(permissions.BasePermission):
    """Model permission at the active scope for lists and creation; at the object's school
    for one object (after the scoped queryset has already hidden other schools' objects)."""

    def _perm(self, request, view):
        return model_perm(view.entry.model, METHOD_ACTIONS.get(request.method, "change"))

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if view.detail:
            return True  # decided per object
        scope = request.scope
        return bool(scope) and access.has_perm(user, self._perm(request, view), scope)

    def has_object_permission(self, request, view, obj):
        return access.has_perm(request.user, self._perm(request, view), obj.school)


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related-object choices are limited to what the user may see in the record's school."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None:
            return fields
        instance = self.instance if isinstance(self.instance, models.Model) else None
        school = instance.school if instance is not None else getattr(request, "scope", None)
        holder = {}
        for name, field in fields.items():
            if isinstance(field, serializers.ManyRelatedField):
                field = field.child_relation
            if getattr(field, "queryset", None) is not None and not field.read_only:
                holder[name] = field
        if request.user.is_authenticated:
            scope_field_querysets(holder, request.user, school)
        return fields


class ScopedModelViewSet(viewsets.ModelViewSet):
    entry = None
    permission_classes = [ScopedPermission]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no scope
            return self.entry.model.objects.none()
        user = self.request.user
        if self.detail:
            qs = self.entry.model.objects.for_user(user)
            if self.entry.select_related:
                qs = qs.select_related(*self.entry.select_related)
            return qs
        scope = self.request.scope
        return object_list(entry=self.entry, user=user, scope=scope).order_by(*self.default_ordering())

    def default_ordering(self):
        return self.entry.model._meta.ordering or ["pk"]

    def perform_create(self, serializer):
        create = self.entry.create_service or object_create
        serializer.instance = create(
            actor=self.request.user,
            model=self.entry.model,
            school=self.request.scope,
            data=dict(serializer.validated_data),
        )

    def perform_update(self, serializer):
        update = self.entry.update_service or object_update
        serializer.instance = update(
            actor=self.request.user, instance=serializer.instance, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        delete = self.entry.delete_service or object_delete
        delete(actor=self.request.user, instance=instance)


ACTION_METHODS = {
    "list": "get",
    "retrieve": "get",
    "create": "post",
    "update": "put",
    "partial_update": "patch",
    "destroy": "delete",
}


def scoped_viewset_for(entry):
    """A viewset class for a registry entry, with its serializer and FilterSet."""
    allowed = {ACTION_METHODS[a] for a in entry.api_actions} | {"head", "options"}
    attrs = {
        "entry": entry,
        "serializer_class": entry.serializer,
        "filterset_class": entry.filterset,
        "http_method_names": sorted(allowed),
        "__doc__": entry.model.__doc__,
    }
    return type(f"{entry.model.__name__}ViewSet", (ScopedModelViewSet,), attrs)
