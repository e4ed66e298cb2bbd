import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import ObjectTable

from .models import Inspection, PurchaseOrder, PurchaseRequest, Quote, Supplier, SupplierCertificate


def _status(record, value):
    return format_html('<span class="p-status pstatus-{}">{}</span>', record.status, value)


class SupplierTable(ObjectTable):
    name = tables.Column(linkify=True)
    is_blocked = tables.BooleanColumn(verbose_name=_("blocked"))

    class Meta(ObjectTable.Meta):
        model = Supplier
        fields = ("name", "contact_person", "phone", "goods", "is_blocked", "school")


class SupplierCertificateTable(ObjectTable):
    supplier = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(ObjectTable.Meta):
        model = SupplierCertificate
        fields = ("supplier", "kind", "number", "issued_by", "expires_on", "school")

    def render_expires_on(self, record, value):
        if record.is_expired:
            return format_html('<span class="p-expired">{}</span>', value.isoformat())
        return value.isoformat()


class PurchaseRequestTable(ObjectTable):
    number = tables.Column(linkify=lambda record: record.get_absolute_url(), default=_("Draft"))
    requested_by = tables.Column(verbose_name=_("requested by"))
    split_flag = tables.BooleanColumn(verbose_name=_("possible split purchase"))

    class Meta(ObjectTable.Meta):
        model = PurchaseRequest
        fields = (
            "number",
            "title",
            "department",
            "requested_by",
            "estimated_total",
            "procurement_class",
            "is_urgent",
            "split_flag",
            "status",
            "submitted_at",
            "school",
        )

    def render_number(self, record, value):
        return value or _("Draft")

    def render_status(self, record, value):
        return _status(record, value)


class QuoteTable(ObjectTable):
    request = tables.Column(verbose_name=_("request"), accessor="request__number")
    supplier = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(ObjectTable.Meta):
        model = Quote
        fields = ("request", "supplier", "quoted_on", "total", "note", "school")


class PurchaseOrderTable(ObjectTable):
    number = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = PurchaseOrder
        fields = (
            "number",
            "supplier",
            "ordered_on",
            "expected_on",
            "total",
            "received_total",
            "status",
            "delivery_place",
            "school",
        )

    def render_status(self, record, value):
        if record.is_late:
            return format_html(
                '<span class="p-status pstatus-{}">{}</span> <span class="p-late">{}</span>',
                record.status,
                value,
                _("late"),
            )
        return _status(record, value)


class InspectionTable(ObjectTable):
    number = tables.Column(linkify=True)
    order = tables.Column(verbose_name=_("order"), accessor="order__number")
    supplier = tables.Column(verbose_name=_("supplier"), accessor="order__supplier__name")

    class Meta(ObjectTable.Meta):
        model = Inspection
        fields = (
            "number",
            "inspected_on",
            "order",
            "supplier",
            "delivery_note_number",
            "delivered_total",
            "accepted_total",
            "school",
        )
