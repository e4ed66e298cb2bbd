"""Tables of the supplies lists (the page and its xlsx export use the same columns)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import ObjectTable

from .models import Allotment, Item, Kit, Requisition, StockBalance, StockMovement, Store


def _quantity(value):
    return format(value.normalize(), "f") if value is not None else "—"


class QuantityColumn(tables.Column):
    def render(self, value):
        return _quantity(value)

    def value(self, value):
        return value


class ItemTable(ObjectTable):
    name = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Item
        fields = (
            "name",
            "spec",
            "code",
            "unit",
            "category",
            "min_stock",
            "shelf_life_days",
            "is_active",
            "school",
        )

    def render_min_stock(self, value):
        return _quantity(value)


class StoreTable(ObjectTable):
    name = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Store
        fields = ("name", "room", "keeper", "is_active", "school")


class StockBalanceTable(ObjectTable):
    item = tables.Column(linkify=lambda record: record.get_absolute_url(), verbose_name=_("item"))
    unit = tables.Column(accessor="item__unit", verbose_name=_("unit"), orderable=False)
    quantity = QuantityColumn()
    unit_cost = tables.Column(verbose_name=_("average cost"), orderable=False)
    min_stock = QuantityColumn(accessor="item__min_stock", verbose_name=_("minimum"), orderable=False)

    class Meta(ObjectTable.Meta):
        model = StockBalance
        fields = (
            "item",
            "store",
            "quantity",
            "unit",
            "unit_cost",
            "value",
            "min_stock",
            "last_movement_at",
            "school",
        )
        row_attrs = {"class": lambda record: "low" if record.is_low else ""}


class StockMovementTable(ObjectTable):
    occurred_at = tables.DateTimeColumn(linkify=True, format="Y-m-d H:i")
    quantity = QuantityColumn()
    balance_after = QuantityColumn()

    class Meta(ObjectTable.Meta):
        model = StockMovement
        fields = (
            "occurred_at",
            "kind",
            "item",
            "store",
            "quantity",
            "unit_cost",
            "value",
            "balance_after",
            "lot",
            "issued_to",
            "department",
            "room",
            "reference",
            "actor",
            "school",
        )


class RequisitionTable(ObjectTable):
    number = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Requisition
        fields = (
            "number",
            "purpose",
            "requester",
            "department",
            "room",
            "status",
            "amount",
            "created_at",
            "school",
        )


class KitTable(ObjectTable):
    name = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Kit
        fields = ("name", "description", "is_active", "school")


class AllotmentTable(ObjectTable):
    number = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Allotment
        fields = ("number", "title", "store", "semester", "status", "issued_at", "school")
