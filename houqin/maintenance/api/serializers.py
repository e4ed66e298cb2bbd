"""Serializers check the shape of input; the services check the rules."""

from rest_framework import serializers

from houqin.core import access
from houqin.core.api.base import ScopedModelSerializer
from houqin.core.models import Room

from ..choices import PhotoPhase, RepairKind, Urgency
from ..models import (
    Checklist,
    ChecklistItem,
    InspectionPlan,
    InspectionRound,
    RepairRequest,
    WorkOrder,
    WorkOrderMaterial,
)
from ..permissions import TRIAGE


class RepairRequestSerializer(ScopedModelSerializer):
    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.all(), required=False, allow_null=True)
    reporter = serializers.CharField(source="reporter_display", read_only=True)
    order = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = RepairRequest
        fields = [
            "id",
            "number",
            "school",
            "room",
            "asset",
            "location_detail",
            "kind",
            "urgency",
            "description",
            "source",
            "reporter",
            "reporter_phone",
            "status",
            "reported_at",
            "is_repeat",
            "rejection_reason",
            "rating",
            "feedback",
            "order",
        ]
        read_only_fields = [
            "number",
            "school",
            "source",
            "status",
            "reported_at",
            "is_repeat",
            "rejection_reason",
            "rating",
            "feedback",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        # A reporter's phone is for the office and the reporter, not for every reader.
        if request is not None and not (
            request.user.pk == instance.reporter_id or access.has_perm(request.user, TRIAGE, instance.school)
        ):
            data["reporter_phone"] = ""
        return data


class WorkOrderMaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkOrderMaterial
        fields = ["id", "item_name", "quantity", "unit", "unit_cost", "amount", "added_at"]


class WorkOrderSerializer(ScopedModelSerializer):
    number = serializers.CharField(source="request.number", read_only=True)
    kind = serializers.CharField(source="request.kind", read_only=True)
    room = serializers.PrimaryKeyRelatedField(source="request.room", read_only=True)
    materials = WorkOrderMaterialSerializer(many=True, read_only=True)

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "school",
            "request",
            "kind",
            "room",
            "urgency",
            "status",
            "due_at",
            "assignee",
            "contractor_name",
            "triaged_at",
            "assigned_at",
            "started_at",
            "completed_at",
            "closed_at",
            "resolution_seconds",
            "labour_hours",
            "labour_cost",
            "materials_cost",
            "total_cost",
            "completion_note",
            "reopen_count",
            "materials",
        ]
        read_only_fields = fields


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["position", "text", "repair_kind"]
        read_only_fields = ["position"]


class ChecklistSerializer(ScopedModelSerializer):
    items = ChecklistItemSerializer(many=True)

    class Meta:
        model = Checklist
        fields = ["id", "school", "name", "room_kind", "is_active", "items"]
        read_only_fields = ["school"]

    def validate_items(self, value):
        return [(item["text"], item.get("repair_kind") or RepairKind.OTHER) for item in value]


class InspectionPlanSerializer(ScopedModelSerializer):
    room_kinds = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "school",
            "name",
            "recurrence",
            "weekday",
            "day_of_month",
            "days_before",
            "buildings",
            "room_kinds",
            "checklists",
            "inspector",
            "starts_on",
            "ends_on",
            "is_active",
            "generated_through",
            "notes",
        ]
        read_only_fields = ["school", "generated_through"]


class InspectionRoundSerializer(ScopedModelSerializer):
    class Meta:
        model = InspectionRound
        fields = [
            "id",
            "school",
            "plan",
            "title",
            "occurrence_date",
            "due_date",
            "status",
            "inspector",
            "started_at",
            "completed_at",
            "missed_at",
            "items_total",
            "items_done",
            "items_failed",
        ]
        read_only_fields = fields


# --- inputs of the workflow actions -------------------------------------------------------------


class AcceptInput(serializers.Serializer):
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    kind = serializers.ChoiceField(choices=RepairKind.choices, required=False)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    contractor_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contractor_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class AssignInput(serializers.Serializer):
    assignee = serializers.IntegerField(required=False, allow_null=True)
    contractor_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contractor_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ConfirmInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    feedback = serializers.CharField(required=False, allow_blank=True, max_length=200)


class MaterialInput(serializers.Serializer):
    item_name = serializers.CharField(max_length=100)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=10)
    unit_cost = serializers.DecimalField(max_digits=12, decimal_places=2)


class CompleteInput(serializers.Serializer):
    labour_hours = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, default=0)
    labour_cost = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, default=0)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class PhotoInput(serializers.Serializer):
    phase = serializers.ChoiceField(choices=PhotoPhase.choices)
    photos = serializers.ListField(child=serializers.FileField(), max_length=10)
