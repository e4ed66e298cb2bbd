"""The change log: who changed which object when, and each field before and after."""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import SchoolScopedQuerySet

# Keys a service writes that are not fields of the model (e.g. "an attachment was added").
EXTRA_CHANGE_LABELS = {
    "attachment": _("attachment"),
}


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")


def _display_value(field, value):
    """A stored snapshot value as a person reads it: choice labels, yes/no; text otherwise."""
    if value is None or value == "":
        return None
    if field is not None:
        choices = getattr(field, "flatchoices", None)
        if choices:
            for key, label in choices:
                if str(key) == str(value):
                    return label
        if isinstance(field, models.BooleanField) and isinstance(value, bool):
            return _("yes") if value else _("no")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


class ChangeLogEntry(models.Model):
    """One change of one object, written by the service that made it, in the same transaction."""

    school = models.ForeignKey(
        "core.School",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("school"),
    )
    actor = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    actor_name = models.CharField(_("by"), max_length=60)
    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=ChangeAction.choices)
    changes = models.JSONField(_("changes"), default=dict)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log")
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-time"]),
            # The change log page: one school's (or a district's) entries, newest first.
            models.Index(fields=["school", "-time"]),
        ]

    def __str__(self):
        return f"{self.actor_name} {self.get_action_display()} {self.object_repr}"

    def get_absolute_url(self):
        return reverse("core:changelog_detail", args=[self.pk])

    @property
    def model_class(self):
        return self.content_type.model_class() if self.content_type_id else None

    @property
    def object_type(self):
        """ "app_label.model", the object type as the API names it ("core.room")."""
        return f"{self.content_type.app_label}.{self.content_type.model}"

    @property
    def object_type_label(self):
        """The object's kind as a person names it ("room"), not its table name."""
        model = self.model_class
        return model._meta.verbose_name if model is not None else self.content_type.model

    def field_label(self, name):
        model = self.model_class
        if model is not None:
            try:
                label = getattr(model._meta.get_field(name), "verbose_name", None)
            except FieldDoesNotExist:  # a service-written key, or a field since removed
                label = None
            if label is not None:  # (reverse relations have no verbose name)
                return label
        return EXTRA_CHANGE_LABELS.get(name, name)

    def _fields_in_order(self):
        """The changed keys in the model's field order (a database may reorder JSON keys)."""
        model = self.model_class
        fields = {f.name: f for f in model._meta.concrete_fields} if model is not None else {}
        order = {name: i for i, name in enumerate(fields)}
        keys = sorted(self.changes, key=lambda n: (order.get(n, len(order)), n))
        return [(key, fields.get(key)) for key in keys]

    def changed_labels(self):
        """Names of the changed fields, as people call them."""
        return [self.field_label(key) for key, _field in self._fields_in_order()]

    def change_rows(self):
        """[(label, before, after)] in field order, values shown as a person reads them."""
        rows = []
        for name, field in self._fields_in_order():
            pair = self.changes[name]
            before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            rows.append(
                (
                    self.field_label(name),
                    _display_value(field, before),
                    _display_value(field, after),
                )
            )
        return rows
