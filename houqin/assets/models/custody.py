"""Room custody (分室保管): each semester the room's responsible person signs its property list."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned


class RoomSignoff(SchoolOwned):
    """The responsible person confirmed, at `signed_at`, that the room holds what its list said.

    The list as signed is kept in `lines` ([{asset, code, name, quantity, status}]), so later
    changes (a desk moved out, a projector added) show against it on the room's page.
    """

    room = models.ForeignKey(
        "core.Room", on_delete=models.PROTECT, related_name="asset_signoffs", verbose_name=_("room")
    )
    semester = models.ForeignKey(
        "core.Semester",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("semester"),
    )
    signed_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signed_at = models.DateTimeField(_("signed at"))
    lines = models.JSONField(_("property list"), default=list)
    items = models.PositiveIntegerField(_("cards"), default=0)
    total_quantity = models.PositiveIntegerField(_("items"), default=0)
    total_amount = models.DecimalField(_("original value (yuan)"), max_digits=16, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = _("room sign-off")
        verbose_name_plural = _("room sign-offs")
        indexes = [models.Index(fields=["room", "signed_at"], name="asset_signoff_room")]

    def __str__(self):
        return f"{self.room} · {self.signed_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("assets:roomsignoff_detail", args=[self.pk])
