"""Work orders (维修工单): the job a worker or a contractor does for an accepted request."""

from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import OrderStatus, PhotoPhase, Urgency

ZERO = Decimal("0.00")


class WorkOrder(SchoolOwned):
    """One per accepted request. Its due time comes from the urgency and the school's targets;
    its cost is the labour entered plus the material lines."""

    request = models.OneToOneField(
        "maintenance.RepairRequest",
        on_delete=models.PROTECT,
        related_name="order",
        verbose_name=_("repair request"),
    )
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    assignee = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
        verbose_name=_("worker"),
    )
    contractor_name = models.CharField(_("outside contractor"), max_length=100, blank=True)
    contractor_phone = models.CharField(_("contractor's phone"), max_length=20, blank=True)
    triaged_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    triaged_at = models.DateTimeField(_("accepted at"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(
        _("time to repair (seconds)"),
        null=True,
        blank=True,
        help_text=_("From the report to the completion."),
    )
    labour_hours = models.DecimalField(_("hours worked"), max_digits=6, decimal_places=2, default=ZERO)
    labour_cost = models.DecimalField(_("labour cost"), max_digits=12, decimal_places=2, default=ZERO)
    materials_cost = models.DecimalField(_("materials cost"), max_digits=12, decimal_places=2, default=ZERO)
    total_cost = models.DecimalField(_("total cost"), max_digits=12, decimal_places=2, default=ZERO)
    completion_note = models.CharField(_("what was done"), max_length=300, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    asset_incident = models.ForeignKey(
        "assets.AssetIncident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asset damage record"),
        help_text=_(
            "The asset register's damage record this repair works off (the asset is under repair meanwhile)."
        ),
    )
    overdue_notified_at = models.DateTimeField(_("overdue notice sent"), null=True, blank=True)

    class Meta:
        ordering = ["-triaged_at", "-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    labour_hours__gte=0, labour_cost__gte=0, materials_cost__gte=0, total_cost__gte=0
                ),
                name="workorder_costs_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "due_at"], name="workorder_school_status_due"),
            models.Index(fields=["school", "completed_at"], name="workorder_school_completed"),
            models.Index(fields=["assignee", "status"], name="workorder_assignee_status"),
        ]

    def __str__(self):
        return str(self.request.number) if self.request_id else str(_("work order"))

    def get_absolute_url(self):
        return reverse("maintenance:workorder_detail", args=[self.pk])

    @property
    def is_overdue(self):
        from ..choices import OPEN_ORDER_STATUSES

        return self.status in OPEN_ORDER_STATUSES and self.due_at < timezone.now()

    @property
    def worker_display(self):
        if self.assignee_id:
            return str(self.assignee)
        return self.contractor_name


class WorkOrderMaterial(models.Model):
    """A material line of an order: what was taken from the store (or bought) for the repair.

    The line is the order's bill. A line taken from the store carries its stock movement (the
    issue made through the supplies services in the same transaction), so the store's ledger
    and the order agree; removing the line returns the goods to the store."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="materials", verbose_name=_("work order")
    )
    item_name = models.CharField(_("item"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    added_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"))
    stock_movement = models.OneToOneField(
        "supplies.StockMovement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_order_material",
        verbose_name=_("issued from the store"),
    )

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("material line")
        verbose_name_plural = _("material lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0, unit_cost__gte=0, amount__gte=0),
                name="workordermaterial_positive",
            ),
        ]

    def __str__(self):
        quantity = self.quantity.normalize() if self.quantity is not None else ""
        return f"{self.item_name} × {quantity:f}{self.unit}" if quantity != "" else self.item_name


class WorkOrderPhoto(models.Model):
    """Marks a photo attached to a work order as taken before or after the repair."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="photos", verbose_name=_("work order")
    )
    attachment = models.OneToOneField(
        "core.Attachment", on_delete=models.CASCADE, related_name="+", verbose_name=_("photo")
    )
    phase = models.CharField(_("when"), max_length=8, choices=PhotoPhase.choices)

    class Meta:
        ordering = ["phase", "id"]
        verbose_name = _("work order photo")
        verbose_name_plural = _("work order photos")

    def __str__(self):
        return f"{self.order} {self.get_phase_display()}"
