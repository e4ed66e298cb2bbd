"""/api/core/rules/: the rule book at the active scope (the same selectors and services as the
pages). GET the list or one rule; PUT sets the scope's own value, DELETE removes it."""

from django.urls import re_path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from .. import access
from ..rulebook import GROUPS, RULES
from ..selectors.rules import RuleRow, rule_list, rule_overrides_below, rule_path, rule_row
from ..services.rules import MANAGE_RULES, rule_override_clear, rule_override_set
from .pagination import StandardPagination


class NodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


def _node(school):
    return None if school is None else {"id": school.pk, "name": school.name, "kind": school.kind}


class RuleSerializer(serializers.Serializer):
    """A rule with the value in force at the scope. Values are in their stored form: a number
    with decimals as a string ("1000.00"), tables as JSON."""

    key = serializers.CharField()
    name = serializers.CharField()
    group = serializers.CharField()
    group_name = serializers.CharField()
    kind = serializers.CharField()
    unit = serializers.CharField()
    description = serializers.CharField()
    source = serializers.CharField()
    certainty = serializers.CharField()
    national_default = serializers.JSONField()
    value = serializers.JSONField()
    origin = NodeSerializer(allow_null=True, help_text="The node whose value is in force; null = national.")
    overridden_here = serializers.BooleanField()

    def to_representation(self, row):
        d = row.definition
        return {
            "key": d.key,
            "name": str(d.name),
            "group": d.group_code,
            "group_name": str(d.group_label),
            "kind": d.kind,
            "unit": str(d.unit),
            "description": str(d.description),
            "source": str(d.source),
            "certainty": d.certainty,
            "national_default": row.national_default,
            "value": row.stored,
            "origin": _node(row.origin),
            "overridden_here": row.override_here is not None,
        }


class OverrideSerializer(serializers.Serializer):
    school = NodeSerializer()
    value = serializers.JSONField()
    source = serializers.CharField()
    note = serializers.CharField()

    def to_representation(self, override):
        return {
            "school": _node(override.school),
            "value": override.value,
            "source": override.source,
            "note": override.note,
        }


class PathStepSerializer(serializers.Serializer):
    school = NodeSerializer()
    override = serializers.JSONField(allow_null=True, help_text="The node's own value, or null.")


class RuleDetailSerializer(RuleSerializer):
    path = PathStepSerializer(many=True, help_text="From the root to the scope.")
    overrides_below = OverrideSerializer(many=True)

    def to_representation(self, row):
        data = super().to_representation(row)
        data["path"] = [
            {
                "school": _node(node),
                "override": None
                if override is None
                else {"value": override.value, "source": override.source, "note": override.note},
            }
            for node, override in self.context.get("path", [])
        ]
        data["overrides_below"] = [OverrideSerializer(o).data for o in self.context.get("below", [])]
        return data


class RuleOverrideInputSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text='The value: a number, "1000.00", true, or a JSON table.')
    source = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class HasScope(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.scope)


class RuleScopeMixin:
    permission_classes = [HasScope]

    def get_definition(self):
        definition = RULES.get(self.kwargs["key"])
        if definition is None:
            raise NotFound
        return definition


@extend_schema(
    parameters=[
        OpenApiParameter("group", str, enum=list(GROUPS), description="Only the rules of this group."),
        OpenApiParameter("q", str, description="Text in the key, name, description or source."),
    ]
)
class RuleListAPIView(RuleScopeMixin, generics.ListAPIView):
    """Every rule with the value in force at the active scope and where it comes from."""

    serializer_class = RuleSerializer
    pagination_class = StandardPagination
    filter_backends = []  # the rules are not a queryset; group and q are read below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        params = self.request.query_params
        return rule_list(
            scope=self.request.scope, group=params.get("group") or None, q=params.get("q") or None
        )


class RuleDetailAPIView(RuleScopeMixin, generics.GenericAPIView):
    """One rule at the active scope; PUT sets the scope's own value, DELETE removes it."""

    serializer_class = RuleOverrideInputSerializer

    def get_serializer(self, *args, **kwargs):
        """What a PUT sends; the browsable API fills its form from the value in force."""
        instance = kwargs.pop("instance", args[0] if args else None)
        if isinstance(instance, RuleRow):
            here = instance.override_here
            instance = {
                "value": instance.stored,
                "source": here.source if here else "",
                "note": here.note if here else "",
            }
        return RuleOverrideInputSerializer(instance, **kwargs)

    def detail_response(self, status_code=status.HTTP_200_OK):
        key, scope = self.kwargs["key"], self.request.scope
        context = {
            "path": rule_path(key=key, scope=scope),
            "below": list(rule_overrides_below(key=key, scope=scope, user=self.request.user)),
        }
        row = rule_row(key=key, scope=scope)
        return Response(RuleDetailSerializer(row, context=context).data, status=status_code)

    def check_manage(self):
        if not access.has_perm(self.request.user, MANAGE_RULES, self.request.scope):
            raise PermissionDenied

    @extend_schema(responses=RuleDetailSerializer)
    def get(self, request, key):
        self.get_definition()
        return self.detail_response()

    @extend_schema(request=RuleOverrideInputSerializer, responses=RuleDetailSerializer)
    def put(self, request, key):
        self.get_definition()
        self.check_manage()
        data = RuleOverrideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule_override_set(actor=request.user, school=request.scope, key=key, **data.validated_data)
        return self.detail_response()

    @extend_schema(responses={204: None})
    def delete(self, request, key):
        self.get_definition()
        self.check_manage()
        if rule_row(key=key, scope=request.scope).override_here is None:
            raise NotFound("The active scope has no value of its own for this rule.")
        rule_override_clear(actor=request.user, school=request.scope, key=key)
        return Response(status=status.HTTP_204_NO_CONTENT)


KEY_PATTERN = r"(?P<key>[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"

# Mounted by houqin/core/api/urls.py under /api/core/.
urlpatterns = [
    re_path(r"^rules/$", RuleListAPIView.as_view(), name="rule-list"),
    re_path(rf"^rules/{KEY_PATTERN}/$", RuleDetailAPIView.as_view(), name="rule-detail"),
]
