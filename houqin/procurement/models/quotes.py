"""Supplier quotes on a purchase request and the signed comparison (三家比价, 询价记录单)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import SavingBasis
from .requests import MONEY


class Quote(SchoolOwned):
    """One supplier's written quote for every line of a request (one quote per supplier)."""

    request = models.ForeignKey(
        "procurement.PurchaseRequest",
        on_delete=models.PROTECT,
        related_name="quotes",
        verbose_name=_("request"),
    )
    supplier = models.ForeignKey(
        "procurement.Supplier", on_delete=models.PROTECT, related_name="quotes", verbose_name=_("supplier")
    )
    quoted_on = models.DateField(_("quoted on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    contact_person = models.CharField(_("quoted by"), max_length=50, blank=True)
    total = models.DecimalField(_("total (yuan)"), editable=False, **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"), editable=False
    )

    class Meta:
        ordering = ["request", "total", "pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["request", "supplier"], name="procurement_quote_one_per_supplier")
        ]

    def __str__(self):
        return f"{self.supplier} · {self.total}"

    def get_absolute_url(self):
        return reverse("procurement:quote_detail", args=[self.pk])


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    request_line = models.ForeignKey(
        "procurement.PurchaseRequestLine", on_delete=models.CASCADE, related_name="quote_lines"
    )
    unit_price = models.DecimalField(_("unit price (yuan)"), **MONEY)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)

    class Meta:
        ordering = ["quote", "request_line__position"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "request_line"], name="procurement_quote_line_unique"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="procurement_quote_line_price"
            ),
        ]

    def __str__(self):
        return f"{self.request_line}: {self.unit_price}"


class QuoteComparison(SchoolOwned):
    """The decision on a request's quotes: the chosen one, who signed, why, and the saving.

    saving = reference − chosen total, where the reference is the cheapest of the other quotes
    or their mean (rule procurement.saving_basis, copied into `saving_basis` so a later change
    of the rule does not rewrite history). A dearer choice gives a negative saving and needs a
    written reason.
    """

    request = models.OneToOneField(
        "procurement.PurchaseRequest",
        on_delete=models.PROTECT,
        related_name="comparison",
        verbose_name=_("request"),
    )
    chosen_quote = models.ForeignKey(
        Quote, on_delete=models.PROTECT, related_name="+", verbose_name=_("chosen quote")
    )
    quote_count = models.PositiveSmallIntegerField(_("quotes compared"))
    chosen_total = models.DecimalField(_("chosen total (yuan)"), **MONEY)
    cheapest_total = models.DecimalField(_("cheapest total (yuan)"), **MONEY)
    reference_total = models.DecimalField(_("compared with (yuan)"), null=True, blank=True, **MONEY)
    saving_basis = models.CharField(_("saving measured against"), max_length=20, choices=SavingBasis.choices)
    saving = models.DecimalField(_("saving (yuan)"), **MONEY)
    reason = models.TextField(_("reason for the choice"), blank=True)
    signers = models.ManyToManyField("core.User", related_name="+", verbose_name=_("signed by"))
    decided_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("quote comparison")
        verbose_name_plural = _("quote comparisons")

    def __str__(self):
        return f"{self.request.number} · {self.chosen_quote.supplier}"

    def get_absolute_url(self):
        return self.request.get_absolute_url()

    @property
    def chose_cheapest(self):
        return self.chosen_total <= self.cheapest_total
