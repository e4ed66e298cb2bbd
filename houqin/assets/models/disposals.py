"""Disposals (报废、报损、出售、调出、捐赠) and transfers between schools of a district, both decided
by the approval engine."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import AssetStatus, DisposalGround, DisposalMethod, DocumentStatus


class Disposal(SchoolOwned):
    """A request to take assets off the books, with its statutory ground and appraisal.

    Submitted together with its approval request (kind "assets.disposal"); the request's number
    is the disposal's. While it waits, its cards are "awaiting disposal"; approval disposes them
    (event, status, end of depreciation) in the approval's own transaction, rejection or
    withdrawal puts them back. Appraisal reports and other papers are attachments.
    """

    number = models.CharField(_("number"), max_length=40, blank=True)
    method = models.CharField(_("method"), max_length=20, choices=DisposalMethod.choices)
    ground = models.CharField(_("ground"), max_length=20, choices=DisposalGround.choices)
    reason = models.TextField(_("explanation"))
    justification = models.TextField(
        _("reason for disposing before the minimum life"),
        blank=True,
        help_text=_("Needed when an asset has not reached its depreciation life."),
    )
    appraisal = models.TextField(_("technical appraisal"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    requested_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    original_value = models.DecimalField(
        _("original value (yuan)"), max_digits=16, decimal_places=2, default=0
    )
    book_value = models.DecimalField(_("net book value (yuan)"), max_digits=16, decimal_places=2, default=0)
    value_basis = models.CharField(_("value routed on"), max_length=20, blank=True)
    always_to_finance = models.BooleanField(
        _("goes to the finance bureau whatever the value"), default=False, editable=False
    )
    before_min_life = models.BooleanField(_("before the minimum life"), default=False, editable=False)
    approval_request = models.ForeignKey(
        "core.ApprovalRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    approval_document_number = models.CharField(
        _("approval document number"),
        max_length=60,
        blank=True,
        help_text=_("批复文号 of the approving authority."),
    )
    proceeds = models.DecimalField(
        _("proceeds (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Income from a sale, paid to the treasury."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("disposal")
        verbose_name_plural = _("disposals")
        indexes = [models.Index(fields=["school", "status"], name="asset_disposal_status")]

    def __str__(self):
        number = self.number or _("Disposal")  # outside the f-string, where makemessages sees it
        return f"{number} {self.get_method_display()}"

    def get_absolute_url(self):
        return reverse("assets:disposal_detail", args=[self.pk])


class DisposalLine(models.Model):
    """One card of a disposal, whole (part of a batch is split off when the request is made).
    Values are those of the day of the request."""

    disposal = models.ForeignKey(Disposal, on_delete=models.CASCADE, related_name="lines")
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, related_name="disposal_lines")
    quantity = models.PositiveIntegerField(_("quantity"))
    original_value = models.DecimalField(_("original value (yuan)"), max_digits=16, decimal_places=2)
    book_value = models.DecimalField(_("net book value (yuan)"), max_digits=16, decimal_places=2)
    status_before = models.CharField(max_length=20, choices=AssetStatus.choices)
    before_min_life = models.BooleanField(default=False)

    class Meta:
        ordering = ["disposal", "id"]
        verbose_name = _("disposal line")
        verbose_name_plural = _("disposal lines")

    def __str__(self):
        return f"{self.asset} × {self.quantity}"


class Transfer(SchoolOwned):
    """Assets going to another school of the same district (调拨), with approval
    (kind "assets.transfer"). On approval the cards leave this school's books and new cards with
    the same value and depreciation are opened at the receiving school, linked to these."""

    number = models.CharField(_("number"), max_length=40, blank=True)
    to_school = models.ForeignKey(
        "core.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("to school")
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    requested_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    original_value = models.DecimalField(
        _("original value (yuan)"), max_digits=16, decimal_places=2, default=0
    )
    book_value = models.DecimalField(_("net book value (yuan)"), max_digits=16, decimal_places=2, default=0)
    approval_request = models.ForeignKey(
        "core.ApprovalRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        indexes = [models.Index(fields=["school", "status"], name="asset_transfer_status")]

    def __str__(self):
        return f"{self.number or _('Transfer')} → {self.to_school}"

    def get_absolute_url(self):
        return reverse("assets:transfer_detail", args=[self.pk])


class TransferLine(models.Model):
    """One card of a transfer and, once approved, the card opened for it at the receiving school."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, related_name="transfer_lines")
    quantity = models.PositiveIntegerField(_("quantity"))
    original_value = models.DecimalField(_("original value (yuan)"), max_digits=16, decimal_places=2)
    book_value = models.DecimalField(_("net book value (yuan)"), max_digits=16, decimal_places=2)
    status_before = models.CharField(max_length=20, choices=AssetStatus.choices)
    new_asset = models.ForeignKey(
        "assets.Asset", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["transfer", "id"]
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")

    def __str__(self):
        return f"{self.asset} × {self.quantity}"
