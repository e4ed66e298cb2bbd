"""One FilterSet per list, shared by the page and the API."""

import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.filtersets import ScopedFilterSet

from .choices import OPEN_ORDER, CertificateKind, OrderStatus, ProcurementClass, RequestStatus
from .models import Inspection, PurchaseOrder, PurchaseRequest, Quote, Supplier, SupplierCertificate


class SupplierFilterSet(ScopedFilterSet):
    search_fields = ("name", "contact_person", "phone", "goods", "credit_code")
    is_blocked = django_filters.BooleanFilter(label=_("blocked"))

    class Meta:
        model = Supplier
        fields = ["school", "is_blocked"]


class SupplierCertificateFilterSet(ScopedFilterSet):
    search_fields = ("supplier__name", "number", "issued_by")
    kind = django_filters.ChoiceFilter(choices=CertificateKind.choices, label=_("kind"))
    expiring_within = django_filters.NumberFilter(
        method="filter_expiring", label=_("expired or expiring within (days)"), min_value=0
    )

    class Meta:
        model = SupplierCertificate
        fields = ["school", "supplier", "kind"]

    def filter_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        limit = timezone.localdate() + datetime.timedelta(days=int(value))
        return queryset.filter(expires_on__isnull=False, expires_on__lte=limit)


class PurchaseRequestFilterSet(ScopedFilterSet):
    search_fields = ("number", "title", "reason", "budget_line", "lines__name")
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("status"))
    procurement_class = django_filters.ChoiceFilter(
        choices=ProcurementClass.choices, label=_("procurement class")
    )
    split_flag = django_filters.BooleanFilter(label=_("possible split purchase"))
    is_urgent = django_filters.BooleanFilter(label=_("urgent"))

    class Meta:
        model = PurchaseRequest
        fields = ["school", "status", "department", "procurement_class", "is_urgent", "split_flag"]

    def filter_q(self, queryset, name, value):
        return super().filter_q(queryset, name, value).distinct()


class QuoteFilterSet(ScopedFilterSet):
    search_fields = ("request__number", "request__title", "supplier__name")

    class Meta:
        model = Quote
        fields = ["school", "supplier"]


class PurchaseOrderFilterSet(ScopedFilterSet):
    search_fields = ("number", "supplier__name", "note")
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, label=_("status"))
    late = django_filters.BooleanFilter(method="filter_late", label=_("late"))

    class Meta:
        model = PurchaseOrder
        fields = ["school", "supplier", "status"]

    def filter_late(self, queryset, name, value):
        if value is None:
            return queryset
        late = {"status__in": OPEN_ORDER, "expected_on__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


class InspectionFilterSet(ScopedFilterSet):
    search_fields = (
        "number",
        "order__number",
        "order__supplier__name",
        "delivery_note_number",
        "invoice_number",
    )
    inspected_after = django_filters.DateFilter(field_name="inspected_on", lookup_expr="gte", label=_("from"))
    inspected_before = django_filters.DateFilter(field_name="inspected_on", lookup_expr="lte", label=_("to"))

    class Meta:
        model = Inspection
        fields = ["school", "order"]
