"""Purchase requests (部门申请) and their lines."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import AssetTracking, LineKind, ProcurementClass, RequestStatus

# Quantities as the supplies ledger keeps them (whole units and weights, three places).
QUANTITY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0")


class PurchaseRequest(SchoolOwned):
    """A department asks to buy: lines with estimated prices, the reason and the budget line.

    Submitted, it goes through the approval engine by amount (kind "procurement.purchase_request",
    numbers CG-2026-0001); approved, its lines may be quoted for and ordered. The procurement
    class and the split-purchase flag are fixed when it is submitted (what the approver saw).
    """

    number = models.CharField(_("number"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    requested_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
        editable=False,
    )
    reason = models.TextField(_("reason"))
    budget_line = models.CharField(
        _("budget line"), max_length=100, blank=True, help_text=_("e.g. 修购经费, 公用经费")
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT, editable=False
    )
    procurement_class = models.CharField(
        _("procurement class"), max_length=20, choices=ProcurementClass.choices, blank=True, editable=False
    )
    estimated_total = models.DecimalField(_("estimated total (yuan)"), default=ZERO, editable=False, **MONEY)
    approval_request = models.ForeignKey(
        "core.ApprovalRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approval"),
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(_("received at"), null=True, blank=True, editable=False)
    split_flag = models.BooleanField(_("possible split purchase"), default=False, editable=False)
    split_detail = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("purchase request")
        verbose_name_plural = _("purchase requests")
        indexes = [
            models.Index(fields=["school", "status"], name="proc_request_school_status"),
            models.Index(fields=["school", "submitted_at"], name="proc_request_school_submitted"),
        ]

    def __str__(self):
        return f"{self.number or _('Draft')} {self.title}"

    def get_absolute_url(self):
        return reverse("procurement:purchaserequest_detail", args=[self.pk])

    @property
    def is_draft(self):
        return self.status == RequestStatus.DRAFT


class PurchaseRequestLine(models.Model):
    """One thing asked for: a supply (an item of the store's catalogue) or equipment (an asset
    category, carded in a room). The ordered and received quantities are caches kept by the
    order and inspection services."""

    request = models.ForeignKey(PurchaseRequest, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("line"), default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=LineKind.choices, default=LineKind.SUPPLY)
    item = models.ForeignKey(
        "supplies.Item",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("item"),
    )
    asset_category = models.ForeignKey(
        "assets.AssetCategory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asset category"),
    )
    name = models.CharField(_("name"), max_length=100)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    estimated_unit_price = models.DecimalField(_("estimated unit price (yuan)"), **MONEY)
    estimated_amount = models.DecimalField(_("estimated amount (yuan)"), **MONEY)
    room = models.ForeignKey(
        "core.Room",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("for room"),
    )
    store = models.ForeignKey(
        "supplies.Store",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("into store"),
    )
    asset_tracking = models.CharField(
        _("asset cards"), max_length=10, choices=AssetTracking.choices, default=AssetTracking.BATCH
    )
    ordered_quantity = models.DecimalField(_("ordered"), default=ZERO, editable=False, **QUANTITY)
    ordered_amount = models.DecimalField(_("ordered amount (yuan)"), default=ZERO, editable=False, **MONEY)
    received_quantity = models.DecimalField(_("accepted"), default=ZERO, editable=False, **QUANTITY)

    class Meta:
        ordering = ["request", "position", "pk"]
        verbose_name = _("purchase request line")
        verbose_name_plural = _("purchase request lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="proc_request_line_quantity"),
            models.CheckConstraint(condition=Q(estimated_unit_price__gte=0), name="proc_request_line_price"),
            models.CheckConstraint(
                condition=Q(ordered_quantity__gte=0) & Q(ordered_quantity__lte=F("quantity")),
                name="proc_request_line_ordered",
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0) & Q(received_quantity__lte=F("ordered_quantity")),
                name="proc_request_line_received",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.specification}".strip()

    @property
    def school(self):
        return self.request.school

    @property
    def orderable_quantity(self):
        return self.quantity - self.ordered_quantity

    @property
    def spend(self):
        """What the line counts as spent: the ordered amount once ordered, else the estimate."""
        return self.ordered_amount if self.ordered_quantity else self.estimated_amount
