"""Purchase orders (采购订单): to one supplier, from approved request lines."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import OPEN_ORDER, OrderStatus
from .requests import MONEY, QUANTITY, ZERO


class PurchaseOrder(SchoolOwned):
    """An order to one supplier (DD-2026-0001). Deliveries come in one or several inspections;
    the received quantities are caches kept by the inspection service."""

    number = models.CharField(_("number"), max_length=40, editable=False)
    supplier = models.ForeignKey(
        "procurement.Supplier", on_delete=models.PROTECT, related_name="orders", verbose_name=_("supplier")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.OPEN, editable=False
    )
    ordered_on = models.DateField(_("ordered on"))
    expected_on = models.DateField(_("delivery expected by"))
    buyers = models.ManyToManyField("core.User", related_name="+", verbose_name=_("buyers"))
    delivery_place = models.CharField(_("deliver to"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    total = models.DecimalField(_("total (yuan)"), default=ZERO, editable=False, **MONEY)
    received_total = models.DecimalField(_("accepted value (yuan)"), default=ZERO, editable=False, **MONEY)
    created_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("ordered by"), editable=False
    )
    received_at = models.DateTimeField(_("fully received at"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("why cancelled"), max_length=200, blank=True, editable=False)
    late_notified_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-ordered_on", "-pk"]
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        constraints = [models.UniqueConstraint(fields=["school", "number"], name="procurement_order_number")]
        indexes = [models.Index(fields=["school", "status", "expected_on"], name="proc_order_school_due")]

    def __str__(self):
        return f"{self.number} {self.supplier}"

    def get_absolute_url(self):
        return reverse("procurement:purchaseorder_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in OPEN_ORDER

    @property
    def is_late(self):
        return self.is_open and self.expected_on < timezone.localdate()


class PurchaseOrderLine(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    request_line = models.ForeignKey(
        "procurement.PurchaseRequestLine", on_delete=models.PROTECT, related_name="order_lines"
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_price = models.DecimalField(_("unit price (yuan)"), **MONEY)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    received_quantity = models.DecimalField(_("accepted"), default=ZERO, editable=False, **QUANTITY)
    rejected_quantity = models.DecimalField(_("rejected"), default=ZERO, editable=False, **QUANTITY)

    class Meta:
        ordering = ["order", "request_line__position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="proc_order_line_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="proc_order_line_price"),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0) & Q(received_quantity__lte=F("quantity")),
                name="proc_order_line_received",
            ),
        ]

    def __str__(self):
        return str(self.request_line)

    @property
    def outstanding(self):
        return self.quantity - self.received_quantity
