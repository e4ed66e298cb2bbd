import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import ApprovalPolicy, ApprovalRequest
from . import ObjectTable


class ApprovalRequestTable(ObjectTable):
    number = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    kind = tables.Column(verbose_name=_("Document kind"))
    requester = tables.Column(verbose_name=_("Requester"), order_by=("requester__full_name",))
    status = tables.Column(verbose_name=_("Status"))
    waiting_for = tables.Column(verbose_name=_("Waiting for"), empty_values=(), orderable=False)

    class Meta(ObjectTable.Meta):
        model = ApprovalRequest
        fields = (
            "number",
            "title",
            "kind",
            "amount",
            "requester",
            "school",
            "status",
            "waiting_for",
            "submitted_at",
        )

    def render_kind(self, record):
        return record.get_kind_display()

    def value_kind(self, record):
        return str(record.get_kind_display())

    def render_status(self, record):
        return format_html('<span class="status-{}">{}</span>', record.status, record.get_status_display())

    def value_status(self, record):
        return str(record.get_status_display())

    def render_waiting_for(self, record):
        step = record.current
        if step is None:
            return "—"
        return f"{record.current_step + 1}/{len(record.steps)} {step['role_name']}"

    def value_waiting_for(self, record):
        step = record.current
        return step["role_name"] if step else ""


class ApprovalPolicyTable(ObjectTable):
    kind = tables.Column(verbose_name=_("Document kind"), linkify=True)
    name = tables.Column(linkify=True)
    steps = tables.Column(verbose_name=_("Steps"), empty_values=(), orderable=False)

    class Meta(ObjectTable.Meta):
        model = ApprovalPolicy
        fields = ("kind", "name", "school", "steps", "is_active")

    def render_kind(self, record):
        return record.get_kind_display()

    def value_kind(self, record):
        return str(record.get_kind_display())

    def render_steps(self, record):
        parts = []
        for step in record.steps.all():
            limit = f" ≤ {step.max_amount}" if step.max_amount is not None else ""
            parts.append(f"{step.role.name}{limit}")
        return " → ".join(parts)
