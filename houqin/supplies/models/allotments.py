"""Standard allotments (标准配发): a kit per class issued to every chosen class in one action."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import AllotmentStatus, TargetStatus
from .items import QUANTITY


class Kit(SchoolOwned):
    """What one class gets (教室清洁工具: 扫帚 4, 拖把 2 …); per-pupil lines scale with the class."""

    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["school", "name"]
        verbose_name = _("allotment kit")
        verbose_name_plural = _("allotment kits")
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="supplies_kit_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("supplies:kit_detail", args=[self.pk])


class KitLine(models.Model):
    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "supplies.Item", on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    per_pupil = models.BooleanField(_("per pupil"), default=False)

    class Meta:
        ordering = ["kit", "pk"]
        verbose_name = _("kit line")
        verbose_name_plural = _("kit lines")
        constraints = [
            models.UniqueConstraint(fields=["kit", "item"], name="supplies_kit_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="supplies_kit_line_positive"),
        ]

    def __str__(self):
        return f"{self.item} × {self.quantity.normalize():f}"


class Allotment(SchoolOwned):
    """One semester's allotment of a kit to chosen classes, from one store. Its lines are copied
    from the kit when it is made, so a later change of the kit does not move it."""

    number = models.CharField(_("number"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=100)
    kit = models.ForeignKey(
        Kit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allotments",
        verbose_name=_("kit"),
    )
    store = models.ForeignKey(
        "supplies.Store", on_delete=models.PROTECT, related_name="allotments", verbose_name=_("store")
    )
    semester = models.ForeignKey(
        "core.Semester",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("semester"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AllotmentStatus.choices, default=AllotmentStatus.DRAFT
    )
    created_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("made by"),
    )
    issued_at = models.DateTimeField(_("last issued at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("allotment")
        verbose_name_plural = _("allotments")

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("supplies:allotment_detail", args=[self.pk])


class AllotmentLine(models.Model):
    allotment = models.ForeignKey(Allotment, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "supplies.Item", on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    per_pupil = models.BooleanField(_("per pupil"), default=False)

    class Meta:
        ordering = ["allotment", "pk"]
        verbose_name = _("allotment line")
        verbose_name_plural = _("allotment lines")
        constraints = [
            models.UniqueConstraint(fields=["allotment", "item"], name="supplies_allot_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="supplies_allot_line_positive"),
        ]

    def __str__(self):
        return f"{self.item} × {self.quantity.normalize():f}"

    def quantity_for(self, pupils):
        return self.quantity * pupils if self.per_pupil else self.quantity


class AllotmentTarget(SchoolOwned):
    """One class of an allotment: issued all at once or not at all, then signed for by its head."""

    allotment = models.ForeignKey(Allotment, on_delete=models.CASCADE, related_name="targets")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="+", verbose_name=_("class"))
    pupils = models.PositiveIntegerField(_("pupils"), default=0)
    receiver = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("class head")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TargetStatus.choices, default=TargetStatus.PENDING
    )
    shortage = models.JSONField(_("shortage"), default=list, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    confirmed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed for by"),
    )

    class Meta:
        ordering = ["allotment", "room__building__name", "room__floor", "room__number"]
        verbose_name = _("allotment to a class")
        verbose_name_plural = _("allotments to classes")
        constraints = [models.UniqueConstraint(fields=["allotment", "room"], name="supplies_target_unique")]

    def __str__(self):
        return f"{self.allotment.number} {self.room.name or self.room.number}"

    def get_absolute_url(self):
        return reverse("supplies:allotmenttarget_slip", args=[self.pk])
