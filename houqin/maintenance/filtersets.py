"""One FilterSet per list, used by the page and the API alike."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.filtersets import ScopedFilterSet
from houqin.core.models import Building, Room, User

from .choices import (
    OPEN_ORDER_STATUSES,
    OrderStatus,
    Recurrence,
    RepairKind,
    RequestSource,
    RequestStatus,
    RoundStatus,
    Urgency,
)
from .models import Checklist, InspectionPlan, InspectionRound, RepairRequest, WorkOrder


class RepairRequestFilterSet(ScopedFilterSet):
    search_fields = (
        "number",
        "description",
        "location_detail",
        "room__number",
        "room__name",
        "reporter_name",
    )
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices)
    kind = django_filters.ChoiceFilter(choices=RepairKind.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    source = django_filters.ChoiceFilter(choices=RequestSource.choices)
    building = django_filters.ModelChoiceFilter(
        field_name="room__building", queryset=Building.objects.all(), label=_("Building")
    )
    room = django_filters.ModelChoiceFilter(queryset=Room.objects.select_related("building"), label=_("Room"))
    is_repeat = django_filters.BooleanFilter(label=_("Repeated failure"))

    class Meta:
        model = RepairRequest
        fields = ["school", "status", "kind", "urgency", "source", "building", "room", "is_repeat"]


class WorkOrderFilterSet(ScopedFilterSet):
    search_fields = ("request__number", "request__description", "contractor_name", "assignee__full_name")
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    kind = django_filters.ChoiceFilter(
        field_name="request__kind", choices=RepairKind.choices, label=_("Kind")
    )
    assignee = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label=_("Worker"))
    building = django_filters.ModelChoiceFilter(
        field_name="request__room__building", queryset=Building.objects.all(), label=_("Building")
    )
    open = django_filters.BooleanFilter(method="filter_open", label=_("Unfinished"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = WorkOrder
        fields = ["school", "status", "urgency", "kind", "assignee", "building", "open", "overdue"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        cond = Q(status__in=OPEN_ORDER_STATUSES)
        return queryset.filter(cond) if value else queryset.exclude(cond)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        cond = Q(status__in=OPEN_ORDER_STATUSES, due_at__lt=timezone.now())
        return queryset.filter(cond) if value else queryset.exclude(cond)


class ChecklistFilterSet(ScopedFilterSet):
    search_fields = ("name", "items__text")

    class Meta:
        model = Checklist
        fields = ["school", "room_kind", "is_active"]

    def filter_q(self, queryset, name, value):
        return super().filter_q(queryset, name, value).distinct()


class InspectionPlanFilterSet(ScopedFilterSet):
    search_fields = ("name", "notes")
    recurrence = django_filters.ChoiceFilter(choices=Recurrence.choices)

    class Meta:
        model = InspectionPlan
        fields = ["school", "recurrence", "is_active", "inspector"]


class InspectionRoundFilterSet(ScopedFilterSet):
    search_fields = ("title", "plan__name")
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices)
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("Due from"))
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("Due until"))

    class Meta:
        model = InspectionRound
        fields = ["school", "plan", "status", "inspector", "due_after", "due_before"]
