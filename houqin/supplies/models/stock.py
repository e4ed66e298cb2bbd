"""The stock ledger: append-only movements, and the balances they keep current.

A balance row per item and store holds the quantity and its value (moving average), updated in
the transaction that writes the movement, so reading a balance or a store's stock list never
sums the ledger. Lots (with expiry dates) split a balance's quantity; each movement records
which lots it touched. Movements are never updated or deleted: a mistake is corrected by a
reversing entry (or, for an issue, by a return to the store).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import MovementKind
from .items import MONEY, QUANTITY, UNIT_COST

ZERO = Decimal("0")


class StockBalance(SchoolOwned):
    """What one store holds of one item now, and what it is worth (moving average)."""

    item = models.ForeignKey(
        "supplies.Item", on_delete=models.PROTECT, related_name="balances", verbose_name=_("item")
    )
    store = models.ForeignKey(
        "supplies.Store", on_delete=models.PROTECT, related_name="balances", verbose_name=_("store")
    )
    quantity = models.DecimalField(_("quantity"), default=ZERO, **QUANTITY)
    value = models.DecimalField(_("value (yuan)"), default=ZERO, **MONEY)
    last_movement_at = models.DateTimeField(_("last movement"), null=True, blank=True)

    class Meta:
        ordering = ["school", "store", "item__category", "item__name"]
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(fields=["store", "item"], name="supplies_balance_unique"),
            # The last guard: whatever a service gets wrong, stock never goes negative.
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="supplies_balance_quantity_not_negative"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="supplies_balance_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.item} @ {self.store}"

    def get_absolute_url(self):
        return reverse("supplies:stockbalance_detail", args=[self.pk])

    @property
    def unit_cost(self):
        """The moving-average cost of one unit (4 places); 0 when nothing is in stock."""
        if not self.quantity:
            return Decimal("0.0000")
        return (self.value / self.quantity).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    @property
    def is_low(self):
        return self.quantity < self.item.min_stock


class StockLot(models.Model):
    """The part of a balance from one lot (批号) and expiry date; "" is stock without a lot."""

    balance = models.ForeignKey(StockBalance, on_delete=models.PROTECT, related_name="lots")
    lot = models.CharField(_("lot"), max_length=40, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), default=ZERO, **QUANTITY)
    received_at = models.DateTimeField(_("first received"), default=timezone.now)

    class Meta:
        ordering = [F("expiry_date").asc(nulls_last=True), "pk"]
        verbose_name = _("stock lot")
        verbose_name_plural = _("stock lots")
        constraints = [
            models.UniqueConstraint(
                fields=["balance", "lot", "expiry_date"], name="supplies_lot_unique_dated"
            ),
            # NULLs are distinct in a unique index: the undated lot needs its own.
            models.UniqueConstraint(
                fields=["balance", "lot"],
                condition=Q(expiry_date__isnull=True),
                name="supplies_lot_unique_undated",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="supplies_lot_quantity_not_negative"),
        ]
        indexes = [models.Index(fields=["expiry_date"], name="supplies_lot_expiry")]

    def __str__(self):
        parts = [self.lot or str(_("no lot"))]
        if self.expiry_date:
            parts.append(str(self.expiry_date))
        return " · ".join(parts)


class StockMovement(SchoolOwned):
    """One entry of the ledger: a signed change of one item's quantity and value in one store.

    Immutable once written. `balance_after` and `value_after` are the balance right after it,
    so the ledger reads like a bank statement.
    """

    # Indexes: the ledger is the largest table, and every index is paid on every entry. The
    # balance and school are reached through the composite indexes below; who did it and who
    # received it are shown, not searched.
    school = models.ForeignKey(
        "core.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school"), db_index=False
    )
    balance = models.ForeignKey(
        StockBalance, on_delete=models.PROTECT, related_name="movements", db_index=False
    )
    item = models.ForeignKey(
        "supplies.Item", on_delete=models.PROTECT, related_name="movements", verbose_name=_("item")
    )
    store = models.ForeignKey(
        "supplies.Store", on_delete=models.PROTECT, related_name="movements", verbose_name=_("store")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_cost = models.DecimalField(_("unit cost"), **UNIT_COST)
    value = models.DecimalField(_("value (yuan)"), **MONEY)
    balance_after = models.DecimalField(_("balance after"), **QUANTITY)
    value_after = models.DecimalField(_("value after"), **MONEY)
    lot = models.CharField(_("lot"), max_length=200, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
        db_index=False,
    )
    issued_to = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiver"),
        db_index=False,
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
    requisition = models.ForeignKey(
        "supplies.Requisition",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
        verbose_name=_("requisition"),
    )
    allotment_target = models.ForeignKey(
        "supplies.AllotmentTarget",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
        verbose_name=_("allotment"),
    )
    counterpart = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("other leg of the transfer"),
    )
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    returns_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="returns",
        verbose_name=_("return of issue"),
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        indexes = [
            models.Index(fields=["school", "-occurred_at"], name="supplies_mv_school_time"),
            models.Index(fields=["balance", "-occurred_at"], name="supplies_mv_balance_time"),
            models.Index(fields=["-occurred_at"], name="supplies_mv_time"),
            models.Index(fields=["source_type", "source_id"], name="supplies_mv_source"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="supplies_movement_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="supplies_movement_balance_after"),
        ]

    def __str__(self):
        sign = "+" if self.quantity > 0 else ""
        return f"{self.get_kind_display()} {self.item} {sign}{self.quantity.normalize():f}{self.item.unit}"

    def get_absolute_url(self):
        return reverse("supplies:stockmovement_detail", args=[self.pk])


class StockMovementLot(models.Model):
    """How much of a movement fell on one lot (an issue may draw on several, oldest expiry first)."""

    movement = models.ForeignKey(StockMovement, on_delete=models.PROTECT, related_name="lot_lines")
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="movement_lines", db_index=False)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)

    class Meta:
        ordering = ["movement", "pk"]
        verbose_name = _("movement lot")
        verbose_name_plural = _("movement lots")

    def __str__(self):
        return f"{self.lot}: {self.quantity}"
