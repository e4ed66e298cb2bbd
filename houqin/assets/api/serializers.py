"""Serializers of the asset register (shape only; the services check the rules)."""

from django.utils import timezone
from rest_framework import serializers

from houqin.core.api.base import ScopedModelSerializer
from houqin.core.forms import scope_field_querysets
from houqin.core.models import Department, Room, User

from ..choices import AssetCondition, AssetStatus, DisposalGround, DisposalMethod, IncidentKind, LoanKind
from ..models import (
    Asset,
    AssetCategory,
    AssetEvent,
    AssetIncident,
    AssetLoan,
    Disposal,
    DisposalLine,
    RoomSignoff,
    Transfer,
    TransferLine,
)

ASSET_FIELDS = [
    "id",
    "school",
    "code",
    "name",
    "category",
    "category_code",
    "category_name",
    "asset_class",
    "tracking",
    "specification",
    "model_number",
    "brand",
    "serial_number",
    "manufacturer",
    "unit",
    "unit_price",
    "quantity",
    "amount",
    "residual_value",
    "depreciation_class",
    "depreciation_months",
    "depreciation_start",
    "depreciation_end",
    "accumulated_depreciation",
    "net_book_value",
    "invoice_number",
    "voucher_number",
    "funding_source",
    "procurement_form",
    "acquisition_method",
    "acquired_on",
    "booked_on",
    "supplier",
    "contract_number",
    "warranty_until",
    "use_purpose",
    "room",
    "room_name",
    "department",
    "custodian",
    "used_by",
    "status",
    "condition",
    "origin",
    "disposed_on",
    "note",
]


class AssetSerializer(ScopedModelSerializer):
    """A card, with its value today. Its place, keeper, status and quantity are read-only here:
    they change through the actions (move, lend, report, dispose …)."""

    category_code = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    room_name = serializers.SerializerMethodField()
    accumulated_depreciation = serializers.SerializerMethodField()
    net_book_value = serializers.SerializerMethodField()

    class Meta:
        model = Asset
        fields = ASSET_FIELDS
        read_only_fields = ["school", "code", "tracking"]

    def _value(self, obj):
        cache = self.context.setdefault("_values", {})
        if obj.pk not in cache:
            cache[obj.pk] = obj.book_value(timezone.localdate())
        return cache[obj.pk]

    def get_room_name(self, obj) -> str | None:
        return str(obj.room) if obj.room_id else None

    def get_accumulated_depreciation(self, obj) -> str:
        return str(self._value(obj).accumulated)

    def get_net_book_value(self, obj) -> str:
        return str(self._value(obj).net)


class AssetCreateSerializer(AssetSerializer):
    """Registering a card also says how many, where and with whom it starts."""

    quantity = serializers.IntegerField(default=1)
    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.all(), required=False, allow_null=True)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    custodian = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    used_by = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=[AssetStatus.IN_USE, AssetStatus.IDLE], default=AssetStatus.IN_USE, required=False
    )
    tracking = serializers.ChoiceField(choices=Asset._meta.get_field("tracking").choices, required=False)

    class Meta(AssetSerializer.Meta):
        read_only_fields = ["school", "code"]


class ScopedActionSerializer(serializers.Serializer):
    """An action's input: its choices of rooms, people, departments are those of the school of
    the object acted on (context["school"]) that the user may see."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        school = self.context.get("school")
        holder = {n: f for n, f in fields.items() if getattr(f, "queryset", None) is not None}
        if request is not None and request.user.is_authenticated:
            scope_field_querysets(holder, request.user, school)
        return fields


class MoveSerializer(ScopedActionSerializer):
    """Only the targets sent change; send null to clear one."""

    quantity = serializers.IntegerField(required=False, allow_null=True)
    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.all(), required=False, allow_null=True)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    custodian = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    used_by = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    occurred_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class SplitSerializer(ScopedActionSerializer):
    quantity = serializers.IntegerField()


class StatusSerializer(ScopedActionSerializer):
    status = serializers.ChoiceField(choices=[AssetStatus.IN_USE, AssetStatus.IDLE], required=False)
    condition = serializers.ChoiceField(choices=[AssetCondition.GOOD, AssetCondition.WORN], required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class LendSerializer(ScopedActionSerializer):
    kind = serializers.ChoiceField(choices=LoanKind.choices, default=LoanKind.LOAN)
    quantity = serializers.IntegerField(required=False, allow_null=True)
    borrower = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    borrower_name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    borrower_department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    borrower_class = serializers.CharField(required=False, allow_blank=True, max_length=40)
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=200)
    lent_on = serializers.DateField(required=False, allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True)


class ReturnSerializer(ScopedActionSerializer):
    returned_on = serializers.DateField(required=False, allow_null=True)
    condition = serializers.ChoiceField(choices=AssetCondition.choices, default=AssetCondition.GOOD)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReportSerializer(ScopedActionSerializer):
    kind = serializers.ChoiceField(choices=IncidentKind.choices)
    quantity = serializers.IntegerField(required=False, allow_null=True)
    occurred_on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField()
    responsible_party = serializers.CharField(required=False, allow_blank=True, max_length=100)


class DisposeSerializer(ScopedActionSerializer):
    method = serializers.ChoiceField(choices=DisposalMethod.choices)
    ground = serializers.ChoiceField(choices=DisposalGround.choices)
    reason = serializers.CharField()
    justification = serializers.CharField(required=False, allow_blank=True)
    appraisal = serializers.CharField(required=False, allow_blank=True)
    proceeds = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    quantity = serializers.IntegerField(required=False, allow_null=True)


class TransferRequestSerializer(ScopedActionSerializer):
    # Any school of the district receives, including ones the requester cannot open: the view
    # resolves the id within the district.
    to_school = serializers.IntegerField()
    reason = serializers.CharField()
    quantity = serializers.IntegerField(required=False, allow_null=True)


class LineInputSerializer(serializers.Serializer):
    asset = serializers.IntegerField()
    quantity = serializers.IntegerField(required=False, allow_null=True)


class DisposalCreateSerializer(DisposeSerializer):
    quantity = None
    lines = LineInputSerializer(many=True)


class AssetCategorySerializer(ScopedModelSerializer):
    legacy_codes = serializers.SerializerMethodField()

    class Meta:
        model = AssetCategory
        fields = [
            "id",
            "school",
            "parent",
            "code",
            "name",
            "level",
            "unit",
            "depreciation_class",
            "kind_key",
            "special_equipment",
            "bulk_like",
            "verified",
            "is_active",
            "legacy_codes",
        ]
        read_only_fields = ["school", "level", "verified"]
        extra_kwargs = {"code": {"required": False, "allow_blank": True}}
        # Uniqueness is per school: the service checks it.
        validators = []

    def get_legacy_codes(self, obj) -> list[str]:
        return [f"{c.code} {c.name}".strip() for c in obj.legacy_codes.all()]


class AssetEventSerializer(ScopedModelSerializer):
    asset_code = serializers.CharField(source="asset.code", read_only=True)

    class Meta:
        model = AssetEvent
        fields = [
            "id",
            "school",
            "asset",
            "asset_code",
            "kind",
            "occurred_on",
            "actor",
            "quantity",
            "quantity_after",
            "from_room",
            "to_room",
            "status_before",
            "status_after",
            "changes",
            "amount",
            "related_asset",
            "loan",
            "incident",
            "disposal",
            "transfer",
            "reverses",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class AssetLoanSerializer(ScopedModelSerializer):
    asset_code = serializers.CharField(source="asset.code", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = AssetLoan
        fields = [
            "id",
            "school",
            "number",
            "kind",
            "asset",
            "asset_code",
            "quantity",
            "borrower",
            "borrower_name",
            "borrower_department",
            "borrower_class",
            "purpose",
            "semester",
            "lent_on",
            "due_on",
            "lent_by",
            "status",
            "returned_on",
            "return_condition",
            "return_note",
            "received_by",
            "overdue",
        ]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue(timezone.localdate())


class AssetIncidentSerializer(ScopedModelSerializer):
    asset_code = serializers.CharField(source="asset.code", read_only=True)

    class Meta:
        model = AssetIncident
        fields = [
            "id",
            "school",
            "kind",
            "asset",
            "asset_code",
            "quantity",
            "occurred_on",
            "reported_by",
            "description",
            "responsible_party",
            "status",
            "repair_started_on",
            "repair_finished_on",
            "repairer",
            "repair_reference",
            "repair_cost",
            "police_report_number",
            "follow_up",
            "compensation_basis",
            "compensation_due",
            "payer_name",
            "payer",
            "compensation_paid",
            "paid_on",
            "receipt_number",
            "closed_on",
        ]
        read_only_fields = fields


class DisposalLineSerializer(serializers.ModelSerializer):
    asset_code = serializers.CharField(source="asset.code", read_only=True)

    class Meta:
        model = DisposalLine
        fields = ["asset", "asset_code", "quantity", "original_value", "book_value", "before_min_life"]
        read_only_fields = fields


class DisposalSerializer(ScopedModelSerializer):
    lines = DisposalLineSerializer(many=True, read_only=True)

    class Meta:
        model = Disposal
        fields = [
            "id",
            "school",
            "number",
            "method",
            "ground",
            "reason",
            "justification",
            "appraisal",
            "status",
            "requested_by",
            "original_value",
            "book_value",
            "value_basis",
            "always_to_finance",
            "before_min_life",
            "approval_request",
            "decided_at",
            "approval_document_number",
            "proceeds",
            "lines",
        ]
        read_only_fields = fields


class TransferLineSerializer(serializers.ModelSerializer):
    asset_code = serializers.CharField(source="asset.code", read_only=True)

    class Meta:
        model = TransferLine
        fields = ["asset", "asset_code", "quantity", "original_value", "book_value"]
        read_only_fields = fields


class TransferSerializer(ScopedModelSerializer):
    lines = TransferLineSerializer(many=True, read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "school",
            "number",
            "to_school",
            "reason",
            "status",
            "requested_by",
            "original_value",
            "book_value",
            "approval_request",
            "decided_at",
            "lines",
        ]
        read_only_fields = fields


class RoomSignoffSerializer(ScopedModelSerializer):
    class Meta:
        model = RoomSignoff
        fields = [
            "id",
            "school",
            "room",
            "semester",
            "signed_by",
            "signed_at",
            "lines",
            "items",
            "total_quantity",
            "total_amount",
            "note",
        ]
        read_only_fields = fields
