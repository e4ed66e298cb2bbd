"""Places: campus > building > room. Every room has a kind and a responsible person."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import SchoolOwned


class Campus(SchoolOwned):
    """A 校区 of a school."""

    name = models.CharField(_("name"), max_length=60)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        ordering = ["school", "name"]
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="campus_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:campus_detail", args=[self.pk])


class Building(SchoolOwned):
    """A building on a campus (教学楼, 办公楼, 学生宿舍楼, 食堂, 仓库 …)."""

    campus = models.ForeignKey(
        Campus, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("campus")
    )
    name = models.CharField(_("name"), max_length=60)
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)
    built_year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    structure = models.CharField(_("structure"), max_length=30, blank=True)

    class Meta:
        ordering = ["school", "campus", "name"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [models.UniqueConstraint(fields=["campus", "name"], name="building_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:building_detail", args=[self.pk])


class RoomKind(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom")
    OFFICE = "office", _("Office")
    DORMITORY = "dormitory", _("Dormitory")
    LAB = "lab", _("Laboratory")
    FUNCTIONAL = "functional", _("Multimedia / functional room")
    CANTEEN = "canteen", _("Canteen")
    STORE = "store", _("Store")
    OTHER = "other", _("Other")


class Room(SchoolOwned):
    """A room, signed for by its responsible person (分室保管)."""

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("building")
    )
    number = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=RoomKind.choices, default=RoomKind.CLASSROOM)
    floor = models.SmallIntegerField(_("floor"), default=1)
    capacity = models.PositiveIntegerField(_("capacity"), default=0)
    area = models.DecimalField(_("area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    responsible = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rooms",
        verbose_name=_("responsible person"),
    )
    department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rooms",
        verbose_name=_("department"),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["school", "building", "floor", "number"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["building", "number"], name="room_unique_number")]

    def __str__(self):
        return f"{self.building.name} {self.number}{' ' + self.name if self.name else ''}"

    def get_absolute_url(self):
        return reverse("core:room_detail", args=[self.pk])
