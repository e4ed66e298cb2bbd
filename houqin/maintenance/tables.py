import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import ObjectTable

from .models import Checklist, InspectionPlan, InspectionRound, RepairRequest, WorkOrder


class RepairRequestTable(ObjectTable):
    number = tables.Column(linkify=True)
    room = tables.Column(verbose_name=_("room"), accessor="room", default="—")
    reporter = tables.Column(verbose_name=_("reported by"), accessor="reporter_display", orderable=False)

    class Meta(ObjectTable.Meta):
        model = RepairRequest
        fields = (
            "number",
            "reported_at",
            "kind",
            "urgency",
            "room",
            "status",
            "is_repeat",
            "reporter",
            "school",
        )

    def render_status(self, record, value):
        return format_html('<span class="mstatus mstatus-{}">{}</span>', record.status, value)


class WorkOrderTable(ObjectTable):
    number = tables.Column(
        verbose_name=_("number"), accessor="request__number", linkify=lambda record: record.get_absolute_url()
    )
    kind = tables.Column(verbose_name=_("kind"), accessor="request__kind")
    room = tables.Column(verbose_name=_("room"), accessor="request__room", default="—")
    worker = tables.Column(verbose_name=_("worker"), accessor="worker_display", orderable=False, default="—")

    class Meta(ObjectTable.Meta):
        model = WorkOrder
        fields = (
            "number",
            "kind",
            "urgency",
            "room",
            "status",
            "due_at",
            "worker",
            "completed_at",
            "total_cost",
            "school",
        )

    def render_kind(self, record):
        return record.request.get_kind_display()

    def render_status(self, record, value):
        return format_html('<span class="mstatus mstatus-{}">{}</span>', record.status, value)


class ChecklistTable(ObjectTable):
    name = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Checklist
        fields = ("name", "room_kind", "is_active", "school")


class InspectionPlanTable(ObjectTable):
    name = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = InspectionPlan
        fields = ("name", "recurrence", "weekday", "inspector", "starts_on", "is_active", "school")


class InspectionRoundTable(ObjectTable):
    title = tables.Column(linkify=True)
    progress = tables.Column(verbose_name=_("checked"), accessor="items_done", orderable=False)

    class Meta(ObjectTable.Meta):
        model = InspectionRound
        fields = (
            "title",
            "occurrence_date",
            "due_date",
            "status",
            "inspector",
            "progress",
            "items_failed",
            "school",
        )

    def render_progress(self, record):
        return f"{record.items_done}/{record.items_total}"
