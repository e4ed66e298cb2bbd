"""Stocktakes (清查盘点): a plan of what the books say is where, counted room by room."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned


class StocktakeStatus(models.TextChoices):
    OPEN = "open", _("Counting")
    SUBMITTED = "submitted", _("Closing, awaiting approval")
    CLOSED = "closed", _("Closed")


class Resolution(models.TextChoices):
    """What is done about a discrepancy when the stocktake is closed and approved."""

    WRITE_OFF = "write_off", _("Write off as loss")
    ADJUST = "adjust", _("Adjust the quantity on the books")
    REGISTER = "register", _("Register the surplus")
    MOVE = "move", _("Move to the room it was counted in")


class Stocktake(SchoolOwned):
    """A stocktake plan with its scope and, once created, the snapshot of the books it is
    counted against (its lines). Read-only once submitted for closing; closed when approved."""

    number = models.CharField(_("number"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=100)
    building = models.ForeignKey(
        "core.Building",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("building"),
    )
    room = models.ForeignKey(
        "core.Room", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("room")
    )
    category = models.ForeignKey(
        "assets.AssetCategory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=StocktakeStatus.choices, default=StocktakeStatus.OPEN
    )
    started_on = models.DateField(_("started on"))
    counters = models.ManyToManyField("core.User", blank=True, related_name="+", verbose_name=_("counters"))
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_request = models.ForeignKey(
        "core.ApprovalRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")

    def __str__(self):
        return f"{self.number or self.pk} {self.name}"

    def get_absolute_url(self):
        return reverse("assets:stocktake_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status == StocktakeStatus.OPEN


class StocktakeLine(models.Model):
    """One card the books expect (asset, expected room, quantity, book value at the snapshot),
    or a surplus found while counting (expected quantity 0).

    `counted_quantity` is None until counted; `found_room` is where it was counted. A surplus
    of something without a card carries its description, category and unit price so that it
    can be registered when the stocktake is approved.
    """

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="lines")
    asset = models.ForeignKey(
        "assets.Asset", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    room = models.ForeignKey(
        "core.Room", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("room")
    )
    category = models.ForeignKey(
        "assets.AssetCategory", on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    is_batch = models.BooleanField(default=False)
    expected_quantity = models.PositiveIntegerField(_("on the books"), default=0)
    book_value = models.DecimalField(_("book value (yuan)"), max_digits=16, decimal_places=2, default=0)
    counted_quantity = models.PositiveIntegerField(_("counted"), null=True, blank=True)
    counted_value = models.DecimalField(_("counted value (yuan)"), max_digits=16, decimal_places=2, default=0)
    found_room = models.ForeignKey(
        "core.Room",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("found in"),
    )
    description = models.CharField(_("description"), max_length=100, blank=True)
    unit_price = models.DecimalField(
        _("unit price (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    resolution = models.CharField(_("resolution"), max_length=20, choices=Resolution.choices, blank=True)
    resolution_note = models.CharField(_("note"), max_length=200, blank=True)
    counted_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["room_id", "id"]
        verbose_name = _("stocktake line")
        verbose_name_plural = _("stocktake lines")
        constraints = [
            models.UniqueConstraint(
                fields=["stocktake", "asset"],
                condition=Q(asset__isnull=False),
                name="stocktake_line_asset_once",
            ),
        ]
        indexes = [models.Index(fields=["stocktake", "room"], name="stocktake_line_room")]

    def __str__(self):
        return f"{self.asset or self.description}"

    @property
    def is_surplus(self):
        return self.expected_quantity == 0

    @property
    def discrepancy(self):
        """'' when the line agrees with the books, else shortage, quantity, surplus or wrong_room."""
        if self.is_surplus:
            return "surplus"
        if not self.counted_quantity:
            return "shortage"
        if self.counted_quantity != self.expected_quantity:
            return "quantity"
        if self.found_room_id != self.room_id:
            return "wrong_room"
        return ""
