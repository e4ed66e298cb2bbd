"""The asset card (资产卡片): one item or a counted batch, with its value, place and keeper."""

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from .. import depreciation
from ..choices import (
    OFF_BOOKS,
    AcquisitionMethod,
    AssetClass,
    AssetCondition,
    AssetStatus,
    FundingSource,
    ProcurementForm,
    Tracking,
    UsePurpose,
)


class Asset(SchoolOwned):
    """An asset card, with the fields of a real 资产卡片 (DOMAIN.md §2.5).

    The card's current state — room, department, custodian, user, status, condition, quantity —
    is a cache of its event ledger (AssetEvent): the services change it only together with the
    event that says why, in one transaction. The card details (name, category, model, invoice …)
    are edited directly and change-logged.

    A batch card (`tracking` = batch) counts like items: 50 desks in room 203. Moving, lending,
    reporting or disposing part of a batch splits it first: a new card takes that quantity and
    its share of the value, `origin` points back at the batch, and both keep their history.

    Value: `amount` is the original value (unit price × quantity when registered), depreciated
    straight-line over `depreciation_months` from `depreciation_start` (see ..depreciation);
    `net_book_value()` needs no query. `search_text` holds the name, the code and the pinyin
    initials in lower case for the list's search box (prefix and contains).
    """

    code = models.CharField(_("asset number"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    category = models.ForeignKey(
        "assets.AssetCategory", on_delete=models.PROTECT, related_name="assets", verbose_name=_("category")
    )
    asset_class = models.CharField(
        _("class"), max_length=20, choices=AssetClass.choices, default=AssetClass.FIXED, editable=False
    )
    tracking = models.CharField(
        _("kept as"), max_length=10, choices=Tracking.choices, default=Tracking.SINGLE
    )
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    model_number = models.CharField(_("model"), max_length=100, blank=True)
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    unit_price = models.DecimalField(_("unit price (yuan)"), max_digits=14, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"), default=1, editable=False)
    amount = models.DecimalField(_("original value (yuan)"), max_digits=16, decimal_places=2, editable=False)
    residual_value = models.DecimalField(
        _("residual value (yuan)"), max_digits=16, decimal_places=2, default=0, editable=False
    )
    depreciation_class = models.CharField(
        _("depreciation class"),
        max_length=40,
        blank=True,
        help_text=_("Empty: the category's. Buildings choose theirs by structure."),
    )
    depreciation_months = models.PositiveSmallIntegerField(
        _("depreciation life (months)"), default=0, editable=False, help_text=_("0: not depreciated.")
    )
    depreciation_start = models.DateField(_("depreciated from"), null=True, blank=True, editable=False)
    depreciation_end = models.DateField(_("depreciated until"), null=True, blank=True, editable=False)
    invoice_number = models.CharField(_("invoice number"), max_length=60, blank=True)
    voucher_number = models.CharField(_("accounting voucher number"), max_length=60, blank=True)
    funding_source = models.CharField(
        _("funding source"), max_length=20, choices=FundingSource.choices, default=FundingSource.FISCAL
    )
    procurement_form = models.CharField(
        _("procurement form"), max_length=20, choices=ProcurementForm.choices, default=ProcurementForm.SELF
    )
    acquisition_method = models.CharField(
        _("acquired by"), max_length=20, choices=AcquisitionMethod.choices, default=AcquisitionMethod.PURCHASE
    )
    acquired_on = models.DateField(_("acquisition date"))
    booked_on = models.DateField(_("booking date"), null=True, blank=True)
    supplier = models.CharField(_("supplier"), max_length=100, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=60, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    use_purpose = models.CharField(
        _("use"), max_length=20, choices=UsePurpose.choices, default=UsePurpose.TEACHING
    )
    room = models.ForeignKey(
        "core.Room",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
        verbose_name=_("room"),
        editable=False,
    )
    department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
        verbose_name=_("department"),
        editable=False,
    )
    custodian = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets_in_custody",
        verbose_name=_("custodian"),
        editable=False,
    )
    used_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets_in_use",
        verbose_name=_("user"),
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AssetStatus.choices, default=AssetStatus.IN_USE, editable=False
    )
    condition = models.CharField(
        _("condition"),
        max_length=20,
        choices=AssetCondition.choices,
        default=AssetCondition.GOOD,
        editable=False,
    )
    origin = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offspring",
        verbose_name=_("split or transferred from"),
        editable=False,
    )
    disposed_on = models.DateField(_("off the books on"), null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    search_text = models.CharField(max_length=400, blank=True, editable=False)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        # By the column, not the school's own ordering (its path): the (school, code) index then
        # serves a page of a large list without sorting it.
        ordering = ["school_id", "code"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="asset_code_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="asset_quantity_positive"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="asset_amount_not_negative"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="asset_unit_price_not_negative"),
            models.CheckConstraint(
                condition=Q(tracking=Tracking.BATCH) | Q(quantity=1), name="asset_single_is_one"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status"], name="asset_school_status"),
            models.Index(fields=["school", "room"], name="asset_school_room"),
            models.Index(fields=["school", "category"], name="asset_school_category"),
            models.Index(fields=["school", "custodian"], name="asset_school_custodian"),
            models.Index(fields=["school", "name"], name="asset_school_name"),
            models.Index(fields=["school", "acquired_on"], name="asset_school_acquired"),
            # Prefix search inside one school on PostgreSQL (LIKE 'abc%' needs the pattern opclass);
            # other databases ignore the opclasses.
            models.Index(
                fields=["school", "search_text"],
                name="asset_school_search",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("assets:asset_detail", args=[self.pk])

    @property
    def on_books(self):
        return self.status not in OFF_BOOKS

    @property
    def is_batch(self):
        return self.tracking == Tracking.BATCH

    def book_value(self, as_of: datetime.date | None = None) -> depreciation.BookValue:
        """The card's depreciation and net book value on `as_of` (today), from its own columns."""
        return depreciation.book_value(
            amount=self.amount,
            residual=self.residual_value,
            life_months=self.depreciation_months,
            start=self.depreciation_start,
            end=self.depreciation_end,
            as_of=as_of or timezone.localdate(),
        )

    def net_book_value(self, as_of=None):
        return self.book_value(as_of).net

    @property
    def depreciation_years(self):
        return self.depreciation_months / 12 if self.depreciation_months else 0
