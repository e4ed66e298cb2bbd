"""The item catalogue and the stores of a school."""

from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import ItemCategory

# Quantities: whole units (支, 包, 盒) and weights (kg) alike, to three places.
QUANTITY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 16, "decimal_places": 2}
UNIT_COST = {"max_digits": 14, "decimal_places": 4}


class Item(SchoolOwned):
    """A consumable the school keeps in stock (粉笔, 复印纸, 扫帚 …), in one unit of count."""

    code = models.CharField(_("code"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=100)
    spec = models.CharField(_("specification"), max_length=100, blank=True, help_text=_("e.g. A4 70g, 20W"))
    unit = models.CharField(_("unit"), max_length=10, help_text=_("e.g. 盒, 包, 把, kg"))
    category = models.CharField(
        _("category"), max_length=20, choices=ItemCategory.choices, default=ItemCategory.OTHER
    )
    min_stock = models.DecimalField(
        _("minimum stock"),
        default=Decimal("0"),
        help_text=_("Storekeepers are told when the school's total stock falls below this."),
        **QUANTITY,
    )
    shelf_life_days = models.PositiveIntegerField(
        _("shelf life (days)"),
        null=True,
        blank=True,
        help_text=_("Where it applies: a receipt without an expiry date gets one from this."),
    )
    reference_price = models.DecimalField(
        _("reference price (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Estimates a requisition's value while none is in stock."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["school", "category", "name", "spec"]
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")
        constraints = [
            models.UniqueConstraint(fields=["school", "name", "spec"], name="supplies_item_unique_name"),
            models.CheckConstraint(condition=models.Q(min_stock__gte=0), name="supplies_item_min_stock"),
        ]

    def __str__(self):
        return f"{self.name} {self.spec}".strip()

    def get_absolute_url(self):
        return reverse("supplies:item_detail", args=[self.pk])


class Store(SchoolOwned):
    """A store room of a school (物资仓库), kept by a storekeeper."""

    name = models.CharField(_("name"), max_length=60)
    room = models.ForeignKey(
        "core.Room",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("room"),
    )
    keeper = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("storekeeper"),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["school", "name"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="supplies_store_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("supplies:store_detail", args=[self.pk])
