"""FilterSets of the asset register: one per list, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from houqin.core.filtersets import ScopedFilterSet
from houqin.core.models import Department, Room, User

from .choices import (
    OFF_BOOKS,
    AssetClass,
    AssetCondition,
    AssetStatus,
    DisposalMethod,
    DocumentStatus,
    EventKind,
    IncidentKind,
    IncidentStatus,
    LoanKind,
    LoanStatus,
    Tracking,
    UsePurpose,
)
from .models import (
    Asset,
    AssetCategory,
    AssetEvent,
    AssetImport,
    AssetIncident,
    AssetLoan,
    Disposal,
    RoomSignoff,
    Transfer,
)
from .services.search import normalise_query


def category_and_below(category):
    """Ids of a class and every class under it (the tree is small: one query)."""
    children = {}
    for pk, parent in AssetCategory.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    ids, todo = [], [category.pk]
    while todo:
        pk = todo.pop()
        ids.append(pk)
        todo.extend(children.get(pk, ()))
    return ids


class AssetFilterSet(ScopedFilterSet):
    """The asset list: search by name, number or pinyin initials ("tyj" finds 投影机), and filter
    by place, keeper, class, status, dates."""

    category = django_filters.ModelChoiceFilter(
        queryset=AssetCategory.objects.all(), method="filter_category", label=_("Category (and below)")
    )
    status = django_filters.ChoiceFilter(choices=AssetStatus.choices)
    on_books = django_filters.BooleanFilter(method="filter_on_books", label=_("On the books"))
    asset_class = django_filters.ChoiceFilter(choices=AssetClass.choices)
    tracking = django_filters.ChoiceFilter(choices=Tracking.choices)
    condition = django_filters.ChoiceFilter(choices=AssetCondition.choices)
    use_purpose = django_filters.ChoiceFilter(choices=UsePurpose.choices)
    # A room is shown as "building number name": the building comes in the same query.
    room = django_filters.ModelChoiceFilter(queryset=Room.objects.select_related("building"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all())
    custodian = django_filters.ModelChoiceFilter(queryset=User.objects.all())
    acquired_on = django_filters.DateFromToRangeFilter(label=_("Acquired between"))

    class Meta:
        model = Asset
        fields = ["school", "category", "status", "room", "department", "custodian", "asset_class"]

    def filter_q(self, queryset, name, value):
        text = normalise_query(value)
        if not text:
            return queryset
        return queryset.filter(search_text__contains=text)

    def filter_category(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(category_id__in=category_and_below(value))

    def filter_on_books(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(status__in=OFF_BOOKS) if value else queryset.filter(status__in=OFF_BOOKS)


class AssetCategoryFilterSet(ScopedFilterSet):
    search_fields = ("code", "name", "legacy_codes__code")
    national = django_filters.BooleanFilter(field_name="school", lookup_expr="isnull", label=_("National"))

    class Meta:
        model = AssetCategory
        fields = ["level", "depreciation_class", "is_active"]

    def filter_q(self, queryset, name, value):
        return super().filter_q(queryset, name, value).distinct()


class AssetEventFilterSet(ScopedFilterSet):
    search_fields = ("asset__code", "asset__name", "note")
    kind = django_filters.MultipleChoiceFilter(choices=EventKind.choices)
    occurred_on = django_filters.DateFromToRangeFilter(label=_("Between"))
    # By id: a drop-down of every card of a school would be thousands of options.
    asset = django_filters.NumberFilter(field_name="asset_id", label=_("Asset id"))

    class Meta:
        model = AssetEvent
        fields = ["school", "kind", "to_room"]


class AssetLoanFilterSet(ScopedFilterSet):
    search_fields = (
        "number",
        "asset__code",
        "asset__name",
        "borrower__full_name",
        "borrower_name",
        "borrower_class",
    )
    kind = django_filters.ChoiceFilter(choices=LoanKind.choices)
    status = django_filters.ChoiceFilter(choices=LoanStatus.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = AssetLoan
        fields = ["school", "kind", "status", "borrower", "borrower_department", "semester"]

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        if value is None:
            return queryset
        today = timezone.localdate()
        late = {"status": LoanStatus.OUT, "due_on__lt": today}
        return queryset.filter(**late) if value else queryset.exclude(**late)


class AssetIncidentFilterSet(ScopedFilterSet):
    search_fields = ("asset__code", "asset__name", "description", "responsible_party", "payer_name")
    kind = django_filters.ChoiceFilter(choices=IncidentKind.choices)
    status = django_filters.ChoiceFilter(choices=IncidentStatus.choices)

    class Meta:
        model = AssetIncident
        fields = ["school", "kind", "status"]


class DisposalFilterSet(ScopedFilterSet):
    search_fields = ("number", "reason", "lines__asset__code", "lines__asset__name")
    method = django_filters.ChoiceFilter(choices=DisposalMethod.choices)
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices)

    class Meta:
        model = Disposal
        fields = ["school", "method", "status", "ground"]

    def filter_q(self, queryset, name, value):
        return super().filter_q(queryset, name, value).distinct()


class TransferFilterSet(ScopedFilterSet):
    search_fields = ("number", "reason", "lines__asset__code", "lines__asset__name")
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices)

    class Meta:
        model = Transfer
        fields = ["school", "status"]

    def filter_q(self, queryset, name, value):
        return super().filter_q(queryset, name, value).distinct()


class RoomSignoffFilterSet(ScopedFilterSet):
    search_fields = ("room__number", "room__name", "room__building__name", "signed_by__full_name", "note")

    class Meta:
        model = RoomSignoff
        fields = ["school", "room", "semester", "signed_by"]


class AssetImportFilterSet(ScopedFilterSet):
    search_fields = ("file_name", "sheet_name")

    class Meta:
        model = AssetImport
        fields = ["school", "status"]
