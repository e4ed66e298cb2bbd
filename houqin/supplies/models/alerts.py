"""Which alerts have been sent, so the daily run tells storekeepers once per condition."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import AlertKind


class StockAlert(SchoolOwned):
    """An open (or cleared) low-stock or near-expiry condition of an item at a school."""

    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    item = models.ForeignKey(
        "supplies.Item", on_delete=models.CASCADE, related_name="+", verbose_name=_("item")
    )
    lot = models.ForeignKey(
        "supplies.StockLot", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("stock alert")
        verbose_name_plural = _("stock alerts")
        constraints = [
            # One open alert per condition; a cleared one may be raised again later. (NULLs are
            # distinct in a unique index, so the alerts without a lot need their own.)
            models.UniqueConstraint(
                fields=["school", "kind", "item", "lot"],
                condition=models.Q(cleared_at__isnull=True, lot__isnull=False),
                name="supplies_alert_open_once_lot",
            ),
            models.UniqueConstraint(
                fields=["school", "kind", "item"],
                condition=models.Q(cleared_at__isnull=True, lot__isnull=True),
                name="supplies_alert_open_once",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.item}"
