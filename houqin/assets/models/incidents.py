"""Damage, loss and theft of assets, with repair, compensation and follow-up."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import AssetStatus, CompensationBasis, IncidentKind, IncidentStatus


class AssetIncident(SchoolOwned):
    """Something went wrong with (part of) a card: it broke, went missing or was stolen.

    Damage leads to a repair (recorded here; a maintenance work order can drive the same
    services and leave its number in `repair_reference`). Loss and theft may lead to
    compensation, at the basis the school's rule book chooses (original value or net book
    value); the amount due is fixed when the payer is named, payments add up in
    `compensation_paid`. A lost or stolen item stays on the books until a write-off (a disposal)
    is approved. Photos are attachments of the incident.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=IncidentKind.choices)
    asset = models.ForeignKey(
        "assets.Asset", on_delete=models.PROTECT, related_name="incidents", verbose_name=_("asset")
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    occurred_on = models.DateField(_("date"))
    reported_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    description = models.TextField(_("what happened"))
    responsible_party = models.CharField(
        _("who caused it"),
        max_length=100,
        blank=True,
        help_text=_("A person or class answerable for it, if known."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    status_before = models.CharField(max_length=20, choices=AssetStatus.choices, editable=False)
    # Repair
    repair_started_on = models.DateField(_("repair started"), null=True, blank=True)
    repair_finished_on = models.DateField(_("repair finished"), null=True, blank=True)
    repairer = models.CharField(_("repaired by"), max_length=100, blank=True)
    repair_reference = models.CharField(_("work order"), max_length=40, blank=True)
    repair_cost = models.DecimalField(
        _("repair cost (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Theft and loss follow-up
    police_report_number = models.CharField(_("police report number"), max_length=60, blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    # Compensation
    compensation_basis = models.CharField(
        _("compensation basis"), max_length=20, choices=CompensationBasis.choices, blank=True
    )
    compensation_due = models.DecimalField(
        _("compensation due (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    payer_name = models.CharField(_("payer"), max_length=60, blank=True)
    payer = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("payer (login)"),
    )
    compensation_paid = models.DecimalField(_("paid (yuan)"), max_digits=14, decimal_places=2, default=0)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=60, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("damage, loss or theft")
        verbose_name_plural = _("damage, loss and theft")
        indexes = [models.Index(fields=["school", "status"], name="asset_incident_status")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.asset.code if self.asset_id else ''} · {self.occurred_on}"

    def get_absolute_url(self):
        return reverse("assets:assetincident_detail", args=[self.pk])

    @property
    def compensation_outstanding(self):
        if self.compensation_due is None:
            return None
        return max(self.compensation_due - self.compensation_paid, 0)
