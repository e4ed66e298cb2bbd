"""Rule book overrides. The rules themselves (key, national default, source) live in
houqin/core/rulebook.py; a node may override a rule for its subtree."""

from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from .base import SchoolOwned


class RuleOverride(SchoolOwned):
    """A node's own value of a rule: the nearest override on the path from the root wins.

    Written by houqin.core.services.rules (validated, permission-checked, change-logged).
    """

    key = models.CharField(_("rule"), max_length=80, db_index=True)
    value = models.JSONField(_("value"))
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=_("Document and number."))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("rule override")
        verbose_name_plural = _("rule overrides")
        ordering = ["key", "school__path"]
        constraints = [models.UniqueConstraint(fields=["school", "key"], name="rule_override_unique")]

    def __str__(self):
        return f"{self.key} @ {self.school}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("core:rule_detail", kwargs={"key": self.key})


def _forget_cached_rules(sender, **kwargs):
    # Cache invalidation, not business logic: however a row changes (service, admin, shell,
    # a test's factory), `rule()` must not serve the old value.
    from houqin.core.rulebook import rules_changed

    rules_changed()


post_save.connect(_forget_cached_rules, sender=RuleOverride, dispatch_uid="rule_override_saved")
post_delete.connect(_forget_cached_rules, sender=RuleOverride, dispatch_uid="rule_override_deleted")
