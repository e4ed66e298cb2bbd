"""Repair requests (报修): anyone reports a fault; the office follows it to the end."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import EventKind, RepairKind, RequestSource, RequestStatus, Urgency


class RepairRequest(SchoolOwned):
    """A reported fault in a room (or elsewhere on the campus), from a member, from the public
    page a room's QR code opens, or from a failed inspection item."""

    number = models.CharField(_("number"), max_length=30)
    room = models.ForeignKey(
        "core.Room",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repair_requests",
        verbose_name=_("room"),
    )
    asset = models.ForeignKey(
        "assets.Asset",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repair_requests",
        verbose_name=_("asset"),
    )
    location_detail = models.CharField(
        _("where exactly"), max_length=100, blank=True, help_text=_("e.g. the second window on the left")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RepairKind.choices)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("description"))
    source = models.CharField(
        _("source"), max_length=12, choices=RequestSource.choices, default=RequestSource.MEMBER
    )
    reporter = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repair_requests",
        verbose_name=_("reported by"),
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    submitted_ip = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"))
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    rejection_reason = models.CharField(_("reason not accepted"), max_length=200, blank=True)
    is_repeat = models.BooleanField(
        _("repeated failure"),
        default=False,
        help_text=_("The room or the asset has failed repeatedly (rule book)."),
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    feedback = models.CharField(_("feedback"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("repair request")
        verbose_name_plural = _("repair requests")
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="repairrequest_unique_number"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="repairrequest_rating_range",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status"], name="repairrequest_school_status"),
            models.Index(fields=["school", "reported_at"], name="repairrequest_school_time"),
            models.Index(fields=["room", "reported_at"], name="repairrequest_room_time"),
            models.Index(fields=["asset", "reported_at"], name="repairrequest_asset_time"),
            models.Index(fields=["reporter", "reported_at"], name="repairrequest_reporter_time"),
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("maintenance:repairrequest_detail", args=[self.pk])

    @property
    def reporter_display(self):
        if self.reporter_id:
            return str(self.reporter)
        return self.reporter_name or _("anonymous")


class RepairEvent(models.Model):
    """One step of a request's progress, as the reporter reads it. Append-only: never updated or
    deleted (the change log keeps the field-level detail)."""

    request = models.ForeignKey(
        RepairRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("repair request")
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("repair event")
        verbose_name_plural = _("repair events")

    def __str__(self):
        return f"{self.request.number} {self.get_kind_display()}"
