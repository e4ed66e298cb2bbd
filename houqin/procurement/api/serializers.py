"""Serializers of purchasing (shape only; the services check the rules).

Objects named by id in an input (items, rooms, suppliers, people, request and order lines) are
looked up by the views in what the user may see at the record's school; an id outside it is
answered like an unknown one.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from houqin.core.api.base import ScopedModelSerializer

from ..choices import AssetTracking, LineKind
from ..models import (
    Inspection,
    InspectionLine,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    Quote,
    QuoteComparison,
    QuoteLine,
    Supplier,
    SupplierCertificate,
)

QUANTITY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}


class SupplierSerializer(ScopedModelSerializer):
    class Meta:
        model = Supplier
        fields = [
            "id",
            "school",
            "name",
            "credit_code",
            "contact_person",
            "phone",
            "email",
            "address",
            "bank_account",
            "goods",
            "note",
            "is_blocked",
            "blocked_reason",
        ]
        read_only_fields = ["school", "is_blocked", "blocked_reason"]


class SupplierCertificateSerializer(ScopedModelSerializer):
    class Meta:
        model = SupplierCertificate
        fields = [
            "id",
            "school",
            "supplier",
            "kind",
            "number",
            "issued_by",
            "issued_on",
            "expires_on",
            "note",
        ]
        read_only_fields = ["school"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


# ---------------------------------------------------------------------------------------------
# Requests


class RequestLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = PurchaseRequestLine
        fields = [
            "id",
            "position",
            "kind",
            "item",
            "asset_category",
            "name",
            "specification",
            "unit",
            "quantity",
            "estimated_unit_price",
            "estimated_amount",
            "room",
            "store",
            "asset_tracking",
            "ordered_quantity",
            "ordered_amount",
            "received_quantity",
        ]
        read_only_fields = fields


class ComparisonSerializer(serializers.ModelSerializer):
    chosen_supplier = serializers.CharField(source="chosen_quote.supplier.name", read_only=True)
    signers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = QuoteComparison
        fields = [
            "chosen_quote",
            "chosen_supplier",
            "quote_count",
            "chosen_total",
            "cheapest_total",
            "reference_total",
            "saving_basis",
            "saving",
            "reason",
            "signers",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class PurchaseRequestSerializer(ScopedModelSerializer):
    lines = RequestLineSerializer(many=True, read_only=True)
    comparison = serializers.SerializerMethodField()

    class Meta:
        model = PurchaseRequest
        fields = [
            "id",
            "school",
            "number",
            "title",
            "department",
            "requested_by",
            "reason",
            "budget_line",
            "is_urgent",
            "needed_by",
            "status",
            "procurement_class",
            "estimated_total",
            "approval_request",
            "submitted_at",
            "approved_at",
            "completed_at",
            "split_flag",
            "split_detail",
            "lines",
            "comparison",
        ]
        read_only_fields = fields

    @extend_schema_field(ComparisonSerializer(allow_null=True))
    def get_comparison(self, obj):
        try:
            comparison = obj.comparison
        except QuoteComparison.DoesNotExist:
            return None
        return ComparisonSerializer(comparison).data


class RequestLineInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LineKind.choices, default=LineKind.SUPPLY)
    item = serializers.IntegerField(required=False, allow_null=True)
    asset_category = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    specification = serializers.CharField(max_length=200, required=False, allow_blank=True)
    unit = serializers.CharField(max_length=10, required=False, allow_blank=True)
    quantity = serializers.DecimalField(**QUANTITY)
    estimated_unit_price = serializers.DecimalField(**MONEY)
    room = serializers.IntegerField(required=False, allow_null=True)
    store = serializers.IntegerField(required=False, allow_null=True)
    asset_tracking = serializers.ChoiceField(choices=AssetTracking.choices, default=AssetTracking.BATCH)


class PurchaseRequestInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    department = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField()
    budget_line = serializers.CharField(max_length=100, required=False, allow_blank=True)
    is_urgent = serializers.BooleanField(default=False)
    needed_by = serializers.DateField(required=False, allow_null=True)
    lines = RequestLineInput(many=True)


# ---------------------------------------------------------------------------------------------
# Quotes


class QuoteLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuoteLine
        fields = ["request_line", "unit_price", "amount"]
        read_only_fields = fields


class QuoteSerializer(ScopedModelSerializer):
    lines = QuoteLineSerializer(many=True, read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)

    class Meta:
        model = Quote
        fields = [
            "id",
            "school",
            "request",
            "supplier",
            "supplier_name",
            "quoted_on",
            "valid_until",
            "contact_person",
            "total",
            "note",
            "recorded_by",
            "lines",
        ]
        read_only_fields = fields


class PriceInput(serializers.Serializer):
    line = serializers.IntegerField()
    unit_price = serializers.DecimalField(**MONEY)


class QuoteInput(serializers.Serializer):
    request = serializers.IntegerField()
    supplier = serializers.IntegerField()
    quoted_on = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True)
    contact_person = serializers.CharField(max_length=50, required=False, allow_blank=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    prices = PriceInput(many=True)


class ComparisonInput(serializers.Serializer):
    chosen_quote = serializers.IntegerField()
    signers = serializers.ListField(child=serializers.IntegerField())
    reason = serializers.CharField(required=False, allow_blank=True)


# ---------------------------------------------------------------------------------------------
# Orders and inspections


class OrderLineSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="request_line.name", read_only=True)

    class Meta:
        model = PurchaseOrderLine
        fields = [
            "id",
            "request_line",
            "name",
            "quantity",
            "unit_price",
            "amount",
            "received_quantity",
            "rejected_quantity",
        ]
        read_only_fields = fields


class PurchaseOrderSerializer(ScopedModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    buyers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "school",
            "number",
            "supplier",
            "status",
            "ordered_on",
            "expected_on",
            "is_late",
            "buyers",
            "delivery_place",
            "note",
            "total",
            "received_total",
            "created_by",
            "received_at",
            "cancelled_at",
            "cancel_reason",
            "lines",
        ]
        read_only_fields = fields


class OrderLineInput(serializers.Serializer):
    request_line = serializers.IntegerField()
    quantity = serializers.DecimalField(**QUANTITY)
    unit_price = serializers.DecimalField(required=False, allow_null=True, **MONEY)


class PurchaseOrderInput(serializers.Serializer):
    supplier = serializers.IntegerField()
    ordered_on = serializers.DateField(required=False, allow_null=True)
    expected_on = serializers.DateField()
    buyers = serializers.ListField(child=serializers.IntegerField())
    delivery_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    lines = OrderLineInput(many=True)


class InspectionLineSerializer(serializers.ModelSerializer):
    assets = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = InspectionLine
        fields = [
            "id",
            "order_line",
            "delivered_quantity",
            "accepted_quantity",
            "rejected_quantity",
            "rejection_reason",
            "store",
            "room",
            "lot",
            "expiry_date",
            "unit_price",
            "accepted_amount",
            "stock_movement",
            "assets",
        ]
        read_only_fields = fields


class InspectionSerializer(ScopedModelSerializer):
    lines = InspectionLineSerializer(many=True, read_only=True)
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "school",
            "number",
            "order",
            "inspected_on",
            "inspectors",
            "delivery_note_number",
            "invoice_number",
            "note",
            "delivered_total",
            "accepted_total",
            "recorded_by",
            "lines",
        ]
        read_only_fields = fields


class InspectionLineInput(serializers.Serializer):
    order_line = serializers.IntegerField()
    accepted = serializers.DecimalField(default=0, **QUANTITY)
    rejected = serializers.DecimalField(default=0, **QUANTITY)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    store = serializers.IntegerField(required=False, allow_null=True)
    room = serializers.IntegerField(required=False, allow_null=True)
    lot = serializers.CharField(max_length=40, required=False, allow_blank=True)
    expiry_date = serializers.DateField(required=False, allow_null=True)


class InspectionInput(serializers.Serializer):
    order = serializers.IntegerField()
    inspected_on = serializers.DateField(required=False, allow_null=True)
    inspectors = serializers.ListField(child=serializers.IntegerField())
    delivery_note_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    invoice_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    lines = InspectionLineInput(many=True)
