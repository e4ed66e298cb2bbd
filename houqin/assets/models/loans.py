"""Lending (借用) and issue for the semester (学期领用), and their hand-back."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import AssetCondition, AssetStatus, LoanKind, LoanStatus


class AssetLoan(SchoolOwned):
    """Items of one card out of the school's hands until they come back.

    A loan goes to a person with a due date; an issue goes to a department or a class for the
    semester and is due back at its end (the hand-back list). Part of a batch is split off
    first, so `asset` is always exactly what went out; `status_before` is what the card goes
    back to when it returns.
    """

    number = models.CharField(_("number"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=LoanKind.choices, default=LoanKind.LOAN)
    asset = models.ForeignKey(
        "assets.Asset", on_delete=models.PROTECT, related_name="loans", verbose_name=_("asset")
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    borrower = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="asset_loans",
        verbose_name=_("borrower"),
    )
    borrower_name = models.CharField(
        _("borrower (no login)"), max_length=60, blank=True, help_text=_("For a borrower without a login.")
    )
    borrower_department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    borrower_class = models.CharField(_("class"), max_length=40, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    semester = models.ForeignKey(
        "core.Semester",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("semester"),
    )
    lent_on = models.DateField(_("lent on"))
    due_on = models.DateField(_("due on"))
    lent_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("lent by")
    )
    status = models.CharField(_("status"), max_length=10, choices=LoanStatus.choices, default=LoanStatus.OUT)
    status_before = models.CharField(max_length=20, choices=AssetStatus.choices, editable=False)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_condition = models.CharField(
        _("condition on return"), max_length=20, choices=AssetCondition.choices, blank=True
    )
    return_note = models.CharField(_("note on return"), max_length=200, blank=True)
    received_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )
    last_reminded_on = models.DateField(_("last reminded on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-lent_on", "-id"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        indexes = [
            models.Index(fields=["school", "status", "due_on"], name="asset_loan_due"),
            models.Index(fields=["semester", "kind", "status"], name="asset_loan_semester"),
        ]
        constraints = [models.UniqueConstraint(fields=["school", "number"], name="asset_loan_number")]

    def __str__(self):
        return f"{self.number} {self.borrower_display}"

    def get_absolute_url(self):
        return reverse("assets:assetloan_detail", args=[self.pk])

    @property
    def borrower_display(self):
        """Who has it: the person, or the class / department it was issued to."""
        parts = [str(p) for p in (self.borrower or self.borrower_name, self.borrower_department) if p]
        if self.borrower_class:
            parts.append(self.borrower_class)
        return " · ".join(parts)

    def is_overdue(self, today):
        return self.status == LoanStatus.OUT and self.due_on < today
