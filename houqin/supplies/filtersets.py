"""One FilterSet per list, shared by the page and the API (the same rows for the same query)."""

import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from houqin.core.filtersets import ScopedFilterSet
from houqin.core.models import Room

from .choices import ItemCategory, MovementKind, RequisitionStatus
from .models import Allotment, Item, Kit, Requisition, StockBalance, StockMovement, Store


class ItemFilterSet(ScopedFilterSet):
    search_fields = ("name", "spec", "code")
    category = django_filters.ChoiceFilter(choices=ItemCategory.choices)

    class Meta:
        model = Item
        fields = ["school", "category", "is_active"]


class StoreFilterSet(ScopedFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Store
        fields = ["school", "is_active"]


class StockBalanceFilterSet(ScopedFilterSet):
    search_fields = ("item__name", "item__spec", "item__code")
    category = django_filters.ChoiceFilter(
        field_name="item__category", choices=ItemCategory.choices, label=_("Category")
    )
    in_stock = django_filters.BooleanFilter(method="filter_in_stock", label=_("In stock"))
    low = django_filters.BooleanFilter(method="filter_low", label=_("Below this item's minimum"))

    class Meta:
        model = StockBalance
        fields = ["school", "store", "item"]

    def filter_in_stock(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(quantity__gt=0) if value else queryset.filter(quantity=0)

    def filter_low(self, queryset, name, value):
        if value is None:
            return queryset
        cond = {"quantity__lt": F("item__min_stock")}
        return queryset.filter(**cond) if value else queryset.exclude(**cond)


def _rooms():
    # A room's name includes its building's: read them together, not one query per option.
    return Room.objects.select_related("building")


class StockMovementFilterSet(ScopedFilterSet):
    search_fields = ("item__name", "reference", "note", "lot")
    room = django_filters.ModelChoiceFilter(queryset=_rooms(), label=_("Class / room"))
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices)
    date_from = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = StockMovement
        fields = ["school", "store", "item", "kind", "department", "room", "requisition"]


class RequisitionFilterSet(ScopedFilterSet):
    search_fields = ("number", "purpose", "requester__full_name")
    room = django_filters.ModelChoiceFilter(queryset=_rooms(), label=_("Class / room"))
    status = django_filters.ChoiceFilter(choices=RequisitionStatus.choices)

    class Meta:
        model = Requisition
        fields = ["school", "status", "department", "room", "requester"]


class KitFilterSet(ScopedFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Kit
        fields = ["school", "is_active"]


class AllotmentFilterSet(ScopedFilterSet):
    search_fields = ("number", "title")

    class Meta:
        model = Allotment
        fields = ["school", "status", "store"]
