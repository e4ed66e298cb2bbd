"""Suppliers of a school, with their licences and certificates."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import CertificateKind


class Supplier(SchoolOwned):
    """A supplier the school buys from (供应商): contacts, licences, notes, and a blocked flag.

    A blocked supplier keeps its history but gets no new quotes or orders.
    """

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        help_text=_("统一社会信用代码, 18 characters."),
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank and account"), max_length=100, blank=True)
    goods = models.CharField(
        _("goods supplied"), max_length=200, blank=True, help_text=_("e.g. furniture, stationery")
    )
    note = models.TextField(_("note"), blank=True)
    is_blocked = models.BooleanField(_("blocked"), default=False, editable=False)
    blocked_reason = models.CharField(_("why blocked"), max_length=200, blank=True, editable=False)
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["school", "name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="procurement_supplier_unique_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("procurement:supplier_detail", args=[self.pk])


class SupplierCertificate(SchoolOwned):
    """A licence or certificate of a supplier (营业执照, 食品经营许可证 …) with its validity.

    `reminded_for` is the expiry date a reminder was last sent for: a renewed certificate (a new
    date) is reminded of again, the same one only once.
    """

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("supplier")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=CertificateKind.choices)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: no expiry."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["school", "supplier", "expires_on"]
        verbose_name = _("supplier certificate")
        verbose_name_plural = _("supplier certificates")
        indexes = [models.Index(fields=["school", "expires_on"], name="proc_cert_school_expiry")]

    def __str__(self):
        return f"{self.supplier} · {self.get_kind_display()}{' ' + self.number if self.number else ''}"

    def get_absolute_url(self):
        return reverse("procurement:suppliercertificate_detail", args=[self.pk])

    @property
    def is_expired(self):
        return self.expires_on is not None and self.expires_on < timezone.localdate()
