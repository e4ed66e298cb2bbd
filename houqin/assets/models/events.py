"""The asset ledger: what happened to each card, in order. Append-only."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned

from ..choices import AssetStatus, EventKind


class AssetEvent(SchoolOwned):
    """One thing that happened to an asset: registered, moved, lent, damaged, disposed …

    Rows are only ever added (there is no update or delete service); a mistake is corrected by
    a new event that undoes it, pointing at the one it reverses (`reverses`). The card's cached
    state is updated in the same transaction as the event, so the ledger is the truth and the
    card agrees with it.

    `quantity` is the number of items the event concerns and `quantity_after` the card's quantity
    after it; `from_room`/`to_room` and `status_before`/`status_after` are columns (room custody
    pages and reports ask for them), the other changed fields are in `changes` as
    {field: [before, after]} texts. The business document behind an event, if any, is linked:
    a loan, an incident, a disposal, a transfer, the ledger import that registered the card;
    `related_asset` is the other card of a split or a transfer.
    """

    asset = models.ForeignKey(
        "assets.Asset", on_delete=models.PROTECT, related_name="events", verbose_name=_("asset")
    )
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    occurred_on = models.DateField(_("date"))
    actor = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    quantity_after = models.PositiveIntegerField(_("quantity after"), default=1)
    from_room = models.ForeignKey(
        "core.Room",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from room"),
    )
    to_room = models.ForeignKey(
        "core.Room",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to room"),
    )
    status_before = models.CharField(
        _("status before"), max_length=20, choices=AssetStatus.choices, blank=True
    )
    status_after = models.CharField(_("status after"), max_length=20, choices=AssetStatus.choices, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)
    related_asset = models.ForeignKey(
        "assets.Asset",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("related asset"),
    )
    loan = models.ForeignKey(
        "assets.AssetLoan", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    incident = models.ForeignKey(
        "assets.AssetIncident", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    disposal = models.ForeignKey(
        "assets.Disposal", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    transfer = models.ForeignKey(
        "assets.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    asset_import = models.ForeignKey(
        "assets.AssetImport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("ledger import"),
    )
    reverses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("corrects"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("asset event")
        verbose_name_plural = _("asset events")
        indexes = [
            models.Index(fields=["asset", "created_at"], name="asset_event_asset"),
            models.Index(fields=["school", "kind", "created_at"], name="asset_event_school_kind"),
            models.Index(fields=["from_room", "created_at"], name="asset_event_from_room"),
            models.Index(fields=["to_room", "created_at"], name="asset_event_to_room"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.asset.code if self.asset_id else ''} · {self.occurred_on}"

    def get_absolute_url(self):
        return reverse("assets:assetevent_detail", args=[self.pk])
