"""The approval API: read requests and policies, submit a general request, decide, withdraw.

The same selectors and FilterSet as the pages; every write goes through the approval services.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from .. import access
from ..approvals import GENERAL_REQUEST
from ..filtersets.approvals import ApprovalPolicyFilterSet, ApprovalRequestFilterSet
from ..models import ApprovalDecision, ApprovalPolicy, ApprovalRequest, ApprovalStep, Decision, DocumentDuty
from ..permissions import model_perm
from ..selectors.approvals import (
    approval_can_view,
    approval_policies_at,
    approval_policies_for,
    approval_requests_for,
)
from ..services.approvals import approval_decide, approval_submit, approval_withdraw


class ApprovalDecisionSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True)

    class Meta:
        model = ApprovalDecision
        fields = ["step_index", "role_code", "actor", "actor_name", "decision", "comment", "decided_at"]


class DocumentDutySerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = DocumentDuty
        fields = ["duty", "user", "user_name"]


class ApprovalStepCopySerializer(serializers.Serializer):
    role_code = serializers.CharField()
    role_name = serializers.CharField()
    level = serializers.CharField()
    max_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class ApprovalRequestSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    school_name = serializers.CharField(source="school.name", read_only=True)
    requester_name = serializers.CharField(source="requester.display_name", read_only=True)
    steps = ApprovalStepCopySerializer(many=True, read_only=True)
    decisions = ApprovalDecisionSerializer(many=True, read_only=True)
    duties = DocumentDutySerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "school",
            "school_name",
            "title",
            "description",
            "amount",
            "requester",
            "requester_name",
            "status",
            "current_step",
            "steps",
            "decisions",
            "duties",
            "submitted_at",
            "decided_at",
        ]
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return str(obj.get_kind_display())


class ApprovalSubmitSerializer(serializers.Serializer):
    """A general request (请示/申请单) submitted at the active school."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class ApprovalDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    step = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="The step index the decision is for (optional).",
    )


class ApprovalRequestAccess(permissions.BasePermission):
    """Lists and submissions need a school to work in; one request needs to be readable by the
    user (the queryset has already hidden other schools' requests as 404)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (view.detail or request.scope))

    def has_object_permission(self, request, view, obj):
        if view.action == "decide":
            return True  # the service says why someone may not decide, as a 400
        return approval_can_view(request.user, obj)


class ApprovalRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Approval requests: read, submit a general request, decide the waiting step, withdraw."""

    queryset = ApprovalRequest.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = ApprovalRequestSerializer
    permission_classes = [ApprovalRequestAccess]
    filterset_class = ApprovalRequestFilterSet
    ordering = ["-submitted_at", "-pk"]

    def get_queryset(self):
        user = self.request.user
        if self.detail:
            qs = ApprovalRequest.objects.for_user(user).select_related("school", "requester")
        else:
            qs = approval_requests_for(user).in_scope(self.request.scope)
        return qs.prefetch_related("decisions__actor", "duties__user").order_by(*self.ordering)

    def list(self, request, *args, **kwargs):
        if not (
            access.has_perm(request.user, model_perm(ApprovalRequest, "view"), request.scope)
            or access.has_perm(request.user, "core.submit_request", request.scope)
        ):
            raise PermissionDenied
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ApprovalSubmitSerializer, responses={201: ApprovalRequestSerializer})
    def create(self, request, *args, **kwargs):
        data = ApprovalSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        instance = approval_submit(
            actor=request.user,
            school=request.scope,
            kind=GENERAL_REQUEST,
            title=data.validated_data["title"],
            description=data.validated_data.get("description", ""),
            amount=data.validated_data.get("amount"),
        )
        return Response(self._out(instance), status=status.HTTP_201_CREATED)

    @extend_schema(request=ApprovalDecideSerializer, responses={200: ApprovalRequestSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None, **kwargs):
        obj = self.get_object()
        data = ApprovalDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        instance = approval_decide(
            actor=request.user,
            request=obj,
            decision=data.validated_data["decision"],
            comment=data.validated_data.get("comment", ""),
            step_index=data.validated_data.get("step"),
        )
        return Response(self._out(instance))

    @extend_schema(request=None, responses={200: ApprovalRequestSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None, **kwargs):
        instance = approval_withdraw(actor=request.user, request=self.get_object())
        return Response(self._out(instance))

    def _out(self, instance):
        fresh = (
            ApprovalRequest.objects.select_related("school", "requester")
            .prefetch_related("decisions__actor", "duties__user")
            .get(pk=instance.pk)
        )
        return ApprovalRequestSerializer(fresh, context=self.get_serializer_context()).data


class ApprovalStepSerializer(serializers.ModelSerializer):
    role_code = serializers.CharField(source="role.code", read_only=True)
    role_name = serializers.CharField(source="role.name", read_only=True)

    class Meta:
        model = ApprovalStep
        fields = ["order", "role", "role_code", "role_name", "level", "max_amount"]


class ApprovalPolicySerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    school_name = serializers.CharField(source="school.name", read_only=True)
    steps = ApprovalStepSerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalPolicy
        fields = ["id", "school", "school_name", "kind", "kind_label", "name", "is_active", "steps"]
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return str(obj.get_kind_display())


class ApprovalPolicyAccess(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        perm = model_perm(ApprovalPolicy, "view")
        if view.detail:
            return access.has_perm(user, perm)
        return bool(request.scope) and access.has_perm(user, perm, request.scope)


class ApprovalPolicyViewSet(viewsets.ReadOnlyModelViewSet):
    """Approval policies bearing on the active school: its own, those above it and below it."""

    queryset = ApprovalPolicy.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = ApprovalPolicySerializer
    permission_classes = [ApprovalPolicyAccess]
    filterset_class = ApprovalPolicyFilterSet

    def get_queryset(self):
        user = self.request.user
        qs = approval_policies_for(user) if self.detail else approval_policies_at(user, self.request.scope)
        return qs.prefetch_related("steps__role").order_by("school__path", "kind")
