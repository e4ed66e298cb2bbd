"""Receiving inspection (验收): what came, what was accepted or refused and why, and where it went."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from .requests import MONEY, QUANTITY, ZERO


class Inspection(SchoolOwned):
    """One delivery inspected (YS-2026-0001), signed by its inspectors (验收书).

    Recorded once, in one transaction with the stock-in movements and the asset cards it
    creates; never edited (a mistake is corrected in the store's ledger or on the cards).
    """

    number = models.CharField(_("number"), max_length=40, editable=False)
    order = models.ForeignKey(
        "procurement.PurchaseOrder",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("order"),
    )
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.ManyToManyField("core.User", related_name="+", verbose_name=_("inspectors"))
    delivery_note_number = models.CharField(_("delivery note number"), max_length=60, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    delivered_total = models.DecimalField(_("delivered value (yuan)"), default=ZERO, editable=False, **MONEY)
    accepted_total = models.DecimalField(_("accepted value (yuan)"), default=ZERO, editable=False, **MONEY)
    recorded_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"), editable=False
    )

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("receiving inspection")
        verbose_name_plural = _("receiving inspections")
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="procurement_inspection_number")
        ]

    def __str__(self):
        return f"{self.number} {self.order.supplier}"

    def get_absolute_url(self):
        return reverse("procurement:inspection_detail", args=[self.pk])


class InspectionLine(models.Model):
    """One order line of a delivery: delivered = accepted + rejected; accepted supplies went into
    `store` (the movement), accepted equipment became the cards in `assets`."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "procurement.PurchaseOrderLine", on_delete=models.PROTECT, related_name="inspection_lines"
    )
    delivered_quantity = models.DecimalField(_("delivered"), **QUANTITY)
    accepted_quantity = models.DecimalField(_("accepted"), **QUANTITY)
    rejected_quantity = models.DecimalField(_("rejected"), **QUANTITY)
    rejection_reason = models.CharField(_("why rejected"), max_length=200, blank=True)
    store = models.ForeignKey(
        "supplies.Store",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("store"),
    )
    room = models.ForeignKey(
        "core.Room", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("room")
    )
    lot = models.CharField(_("lot"), max_length=40, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    unit_price = models.DecimalField(_("unit price (yuan)"), **MONEY)
    accepted_amount = models.DecimalField(_("accepted value (yuan)"), **MONEY)
    stock_movement = models.ForeignKey(
        "supplies.StockMovement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("stock-in"),
    )
    assets = models.ManyToManyField(
        "assets.Asset", related_name="+", blank=True, verbose_name=_("asset cards")
    )

    class Meta:
        ordering = ["inspection", "order_line__request_line__position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_quantity__gte=0) & models.Q(rejected_quantity__gte=0),
                name="proc_inspection_line_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    delivered_quantity=models.F("accepted_quantity") + models.F("rejected_quantity")
                ),
                name="proc_inspection_line_adds_up",
            ),
        ]

    def __str__(self):
        return f"{self.inspection.number} · {self.order_line.request_line}"
