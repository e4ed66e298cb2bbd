"""The change log list: one row per change, linking to its before/after page."""

import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..models import ChangeLogEntry
from . import ObjectTable


class ChangeLogTable(ObjectTable):
    time = tables.DateTimeColumn(linkify=True, format="Y-m-d H:i:s")
    object_type = tables.Column(
        accessor="object_type_label", verbose_name=capfirst(_("object type")), orderable=False
    )
    fields = tables.Column(empty_values=(), verbose_name=capfirst(_("changed fields")), orderable=False)

    class Meta(ObjectTable.Meta):
        model = ChangeLogEntry
        fields = ("time", "actor_name", "action", "object_type", "object_repr", "fields", "school")

    def render_fields(self, record):
        return ", ".join(str(label) for label in record.changed_labels()) or "—"
