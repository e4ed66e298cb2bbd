"""Serializers of the supplies API: they check the shape of the input; the services the rules."""

from rest_framework import serializers

from houqin.core.api.base import ScopedModelSerializer

from ..models import (
    Allotment,
    AllotmentLine,
    AllotmentTarget,
    Item,
    Kit,
    KitLine,
    Requisition,
    RequisitionLine,
    StockBalance,
    StockMovement,
    Store,
)

QUANTITY = {"max_digits": 14, "decimal_places": 3}


class ItemSerializer(ScopedModelSerializer):
    class Meta:
        model = Item
        fields = [
            "id",
            "school",
            "code",
            "name",
            "spec",
            "unit",
            "category",
            "min_stock",
            "shelf_life_days",
            "reference_price",
            "is_active",
            "note",
        ]
        read_only_fields = ["school"]


class StoreSerializer(ScopedModelSerializer):
    keeper_name = serializers.CharField(source="keeper.display_name", read_only=True, default=None)

    class Meta:
        model = Store
        fields = ["id", "school", "name", "room", "keeper", "keeper_name", "is_active", "note"]
        read_only_fields = ["school"]


class StockBalanceSerializer(ScopedModelSerializer):
    item_name = serializers.CharField(source="item.__str__", read_only=True)
    unit = serializers.CharField(source="item.unit", read_only=True)
    store_name = serializers.CharField(source="store.name", read_only=True)
    unit_cost = serializers.DecimalField(max_digits=14, decimal_places=4, read_only=True)
    min_stock = serializers.DecimalField(source="item.min_stock", read_only=True, **QUANTITY)

    class Meta:
        model = StockBalance
        fields = [
            "id",
            "school",
            "item",
            "item_name",
            "unit",
            "store",
            "store_name",
            "quantity",
            "value",
            "unit_cost",
            "min_stock",
            "last_movement_at",
        ]
        read_only_fields = fields


class StockMovementSerializer(ScopedModelSerializer):
    item_name = serializers.CharField(source="item.__str__", read_only=True)
    store_name = serializers.CharField(source="store.name", read_only=True)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "school",
            "balance",
            "item",
            "item_name",
            "store",
            "store_name",
            "kind",
            "quantity",
            "unit_cost",
            "value",
            "balance_after",
            "value_after",
            "lot",
            "expiry_date",
            "occurred_at",
            "actor",
            "issued_to",
            "department",
            "room",
            "requisition",
            "allotment_target",
            "counterpart",
            "reverses",
            "returns_of",
            "reference",
            "note",
        ]
        read_only_fields = fields


class RequisitionLineSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.__str__", read_only=True)

    class Meta:
        model = RequisitionLine
        fields = ["id", "item", "item_name", "quantity", "note"]


class RequisitionSerializer(ScopedModelSerializer):
    lines = RequisitionLineSerializer(many=True, read_only=True)

    class Meta:
        model = Requisition
        fields = [
            "id",
            "school",
            "number",
            "purpose",
            "requester",
            "department",
            "room",
            "receiver",
            "status",
            "amount",
            "needs_approval",
            "approval",
            "submitted_at",
            "approved_at",
            "issued_at",
            "confirmed_at",
            "confirmed_by",
            "lines",
        ]
        read_only_fields = fields


class LineInput(serializers.Serializer):
    item = serializers.IntegerField()
    quantity = serializers.DecimalField(**QUANTITY)
    note = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    per_pupil = serializers.BooleanField(required=False, default=False)


class RequisitionInput(serializers.Serializer):
    purpose = serializers.CharField(max_length=200)
    department = serializers.IntegerField(required=False, allow_null=True, default=None)
    room = serializers.IntegerField(required=False, allow_null=True, default=None)
    lines = LineInput(many=True)


class RequisitionIssueInput(serializers.Serializer):
    store = serializers.IntegerField()
    quantities = serializers.DictField(child=serializers.DecimalField(**QUANTITY))


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class IssueInput(serializers.Serializer):
    quantity = serializers.DecimalField(**QUANTITY)
    issued_to = serializers.IntegerField()
    department = serializers.IntegerField(required=False, allow_null=True, default=None)
    room = serializers.IntegerField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReceiveInput(serializers.Serializer):
    item = serializers.IntegerField()
    quantity = serializers.DecimalField(**QUANTITY)
    unit_cost = serializers.DecimalField(max_digits=14, decimal_places=4)
    lot = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    expiry_date = serializers.DateField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TransferInput(serializers.Serializer):
    to_store = serializers.IntegerField()
    quantity = serializers.DecimalField(**QUANTITY)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class AdjustInput(serializers.Serializer):
    counted = serializers.DecimalField(**QUANTITY)
    reason = serializers.CharField(max_length=200)
    unit_cost = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True, default=None
    )
    lot = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    expiry_date = serializers.DateField(required=False, allow_null=True, default=None)


class ReturnInput(serializers.Serializer):
    quantity = serializers.DecimalField(**QUANTITY)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class KitLineSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.__str__", read_only=True)

    class Meta:
        model = KitLine
        fields = ["id", "item", "item_name", "quantity", "per_pupil"]


class KitSerializer(ScopedModelSerializer):
    lines = KitLineSerializer(many=True, read_only=True)

    class Meta:
        model = Kit
        fields = ["id", "school", "name", "description", "is_active", "lines"]
        read_only_fields = fields


class KitInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)
    lines = LineInput(many=True)


class AllotmentLineSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.__str__", read_only=True)

    class Meta:
        model = AllotmentLine
        fields = ["id", "item", "item_name", "quantity", "per_pupil"]


class AllotmentTargetSerializer(serializers.ModelSerializer):
    room_name = serializers.CharField(source="room.__str__", read_only=True)

    class Meta:
        model = AllotmentTarget
        fields = [
            "id",
            "room",
            "room_name",
            "pupils",
            "receiver",
            "status",
            "shortage",
            "issued_at",
            "confirmed_at",
            "confirmed_by",
        ]


class AllotmentSerializer(ScopedModelSerializer):
    lines = AllotmentLineSerializer(many=True, read_only=True)
    targets = AllotmentTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Allotment
        fields = [
            "id",
            "school",
            "number",
            "title",
            "kit",
            "store",
            "semester",
            "status",
            "issued_at",
            "note",
            "lines",
            "targets",
        ]
        read_only_fields = fields


class AllotmentInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    kit = serializers.IntegerField()
    store = serializers.IntegerField()
    rooms = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    semester = serializers.IntegerField(required=False, allow_null=True, default=None)
    pupils = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False, default=dict)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TargetInput(serializers.Serializer):
    target = serializers.IntegerField()
