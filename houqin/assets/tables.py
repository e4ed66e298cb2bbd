"""Tables of the asset register (pages and xlsx exports use the same columns)."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import ObjectTable

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


class StatusColumn(tables.Column):
    """The status label with a class per value, so the list can colour it."""

    def render(self, value, record):
        return format_html(
            '<span class="asset-status status-{}">{}</span>', record.status, record.get_status_display()
        )

    def value(self, value, record):
        return record.get_status_display()


class AssetTable(ObjectTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    category = tables.Column(accessor="category__name", verbose_name=_("category"))
    room = tables.Column(verbose_name=_("room"), order_by=("room__building__name", "room__number"))
    status = StatusColumn()
    net_book_value = tables.Column(
        verbose_name=_("net book value (yuan)"),
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "num"}},
    )
    amount = tables.Column(attrs={"td": {"class": "num"}})

    class Meta(ObjectTable.Meta):
        model = Asset
        fields = (
            "code",
            "name",
            "category",
            "specification",
            "quantity",
            "unit",
            "amount",
            "net_book_value",
            "room",
            "custodian",
            "status",
            "acquired_on",
            "school",
        )

    def render_net_book_value(self, record):
        # From the card's own columns: no query per row.
        return record.net_book_value(timezone.localdate())

    def value_net_book_value(self, record):
        return record.net_book_value(timezone.localdate())


class AssetCategoryTable(ObjectTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    school = tables.Column(default=_("National"))

    class Meta(ObjectTable.Meta):
        model = AssetCategory
        fields = (
            "code",
            "name",
            "level",
            "unit",
            "depreciation_class",
            "kind_key",
            "bulk_like",
            "verified",
            "school",
        )


class AssetEventTable(ObjectTable):
    occurred_on = tables.Column(linkify=True)
    asset = tables.Column(linkify=True, order_by=("asset__code",))
    to_room = tables.Column(verbose_name=_("room"))

    class Meta(ObjectTable.Meta):
        model = AssetEvent
        fields = (
            "occurred_on",
            "kind",
            "asset",
            "quantity",
            "to_room",
            "status_after",
            "amount",
            "actor",
            "note",
        )


class AssetLoanTable(ObjectTable):
    number = tables.Column(linkify=True)
    asset = tables.Column(linkify=True, order_by=("asset__code",))
    borrower = tables.Column(accessor="borrower_display", verbose_name=_("borrower"), orderable=False)

    class Meta(ObjectTable.Meta):
        model = AssetLoan
        fields = (
            "number",
            "kind",
            "asset",
            "quantity",
            "borrower",
            "purpose",
            "lent_on",
            "due_on",
            "status",
            "school",
        )
        row_attrs = {"class": lambda record: "overdue" if record.is_overdue(timezone.localdate()) else ""}


class AssetIncidentTable(ObjectTable):
    occurred_on = tables.Column(linkify=True)
    asset = tables.Column(linkify=True, order_by=("asset__code",))

    class Meta(ObjectTable.Meta):
        model = AssetIncident
        fields = (
            "occurred_on",
            "kind",
            "asset",
            "quantity",
            "description",
            "responsible_party",
            "status",
            "compensation_due",
            "compensation_paid",
            "school",
        )


class DisposalTable(ObjectTable):
    number = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Disposal
        fields = (
            "number",
            "method",
            "ground",
            "reason",
            "original_value",
            "book_value",
            "status",
            "requested_by",
            "created_at",
            "school",
        )


class TransferTable(ObjectTable):
    number = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Transfer
        fields = (
            "number",
            "to_school",
            "reason",
            "original_value",
            "status",
            "requested_by",
            "created_at",
            "school",
        )


class RoomSignoffTable(ObjectTable):
    signed_at = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = RoomSignoff
        fields = (
            "signed_at",
            "room",
            "semester",
            "signed_by",
            "items",
            "total_quantity",
            "total_amount",
            "note",
            "school",
        )


class AssetImportTable(ObjectTable):
    file_name = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = AssetImport
        fields = (
            "file_name",
            "created_at",
            "created_by",
            "status",
            "card_count",
            "item_count",
            "total_amount",
            "error_count",
            "committed_at",
            "school",
        )
