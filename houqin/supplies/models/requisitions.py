"""Requisitions (领用单): a teacher or department asks for supplies, the storekeeper issues, the
receiver signs for what was issued."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import RequisitionStatus
from .items import QUANTITY


class Requisition(SchoolOwned):
    """A request for supplies. Above the rule book's threshold it goes through the approval
    engine; the receiver is the requester, or the class head when it is for a class."""

    number = models.CharField(_("number"), max_length=40, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    requester = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("requester")
    )
    department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    room = models.ForeignKey(
        "core.Room",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("class / room"),
    )
    receiver = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("receiver")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RequisitionStatus.choices,
        default=RequisitionStatus.DRAFT,
        db_index=True,
    )
    amount = models.DecimalField(
        _("estimated value (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    needs_approval = models.BooleanField(_("needs approval"), default=False)
    approval = models.ForeignKey(
        "core.ApprovalRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approval"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("last issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    confirmed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed for by"),
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("requisition")
        verbose_name_plural = _("requisitions")
        indexes = [models.Index(fields=["school", "status"], name="supplies_req_school_status")]

    def __str__(self):
        return f"{self.number} {self.purpose}".strip()

    def get_absolute_url(self):
        return reverse("supplies:requisition_detail", args=[self.pk])


class RequisitionLine(models.Model):
    """One item asked for. What was issued against it is read from the ledger."""

    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "supplies.Item", on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["requisition", "pk"]
        verbose_name = _("requisition line")
        verbose_name_plural = _("requisition lines")
        constraints = [
            models.UniqueConstraint(fields=["requisition", "item"], name="supplies_req_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="supplies_req_line_positive"),
        ]

    def __str__(self):
        return f"{self.item} × {self.quantity.normalize():f}"
