"""Ledger imports (资产台账导入): an Excel ledger a school brings into the register."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.models import SchoolOwned


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Checked, not registered")
    COMMITTED = "committed", _("Registered")


def import_file_path(instance, filename):
    """A generated name under the school's folder: the uploader's file name never reaches the disk."""
    return f"asset-imports/{instance.school_id}/{uuid.uuid4().hex}.xlsx"


class AssetImport(SchoolOwned):
    """One uploaded ledger and what became of it.

    The file is kept (served only through the import's scoped download page) with the layout
    found in it (`layout`: the sheet, its header rows, its columns with their labels and a few
    example values) and the column mapping in force (`mapping`: {card field: column index}).
    Each dry run stores its findings in `report` (the first errors, the first rows as cards, the
    rows skipped, warnings) and its counts in columns; the commit registers the cards in one
    transaction and marks the import committed.

    The cards registered point back here through their "registered" ledger event
    (AssetEvent.asset_import), as other events point at their loan, disposal or transfer: the
    event is where the ledger says why a card exists, a card split off later is not "from the
    import", and the card table needs no column for it.
    """

    file = models.FileField(_("file"), upload_to=import_file_path, max_length=300)
    file_name = models.CharField(_("file name"), max_length=200)
    file_size = models.PositiveIntegerField(_("size"), default=0)
    sheet_name = models.CharField(_("sheet"), max_length=100, blank=True)
    layout = models.JSONField(_("layout"), default=dict, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    row_count = models.PositiveIntegerField(_("rows read"), default=0)
    card_count = models.PositiveIntegerField(_("cards"), default=0)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    total_amount = models.DecimalField(_("total value (yuan)"), max_digits=18, decimal_places=2, default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    committed_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )
    committed_at = models.DateTimeField(_("registered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("assets:assetimport_detail", args=[self.pk])

    @property
    def is_committed(self):
        return self.status == ImportStatus.COMMITTED
