"""Stable choice values of purchasing (stored in the database; labels are translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    FOOD_LICENCE = "food_licence", _("Food business licence")
    PRODUCTION_LICENCE = "production_licence", _("Production licence")
    QUALITY = "quality", _("Quality or inspection certificate")
    TAX = "tax", _("Tax registration")
    OTHER = "other", _("Other")


class LineKind(models.TextChoices):
    """A supply goes into a store; equipment becomes asset cards in a room."""

    SUPPLY = "supply", _("Supplies (into a store)")
    EQUIPMENT = "equipment", _("Equipment (asset cards)")


class AssetTracking(models.TextChoices):
    """How accepted equipment is carded: one counted batch, or one card per item (values of
    houqin.assets.choices.Tracking)."""

    BATCH = "batch", _("One card for the batch")
    SINGLE = "single", _("One card per item")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved, to be ordered")
    REJECTED = "rejected", _("Rejected")
    ORDERED = "ordered", _("Ordered")
    COMPLETED = "completed", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


# A request whose lines may still be quoted for and ordered.
ORDERABLE = frozenset({RequestStatus.APPROVED})
# Requests that count as spending (the split-purchase watch and the reports).
COMMITTED = frozenset(
    {RequestStatus.PENDING, RequestStatus.APPROVED, RequestStatus.ORDERED, RequestStatus.COMPLETED}
)


class ProcurementClass(models.TextChoices):
    """Where a purchase falls against the rule book's procurement limits (DOMAIN.md §5.2)."""

    DIRECT = "direct", _("Small purchase")
    QUOTES = "quotes", _("Three-quote comparison")
    GOVERNMENT = "government", _("Government procurement")
    PUBLIC_TENDER = "public_tender", _("Public tender")


class SavingBasis(models.TextChoices):
    """What the chosen quote is compared with to state the saving."""

    NEXT_CHEAPEST = "next_cheapest", _("The cheapest of the other quotes")
    MEAN_OF_OTHERS = "mean_of_others", _("The mean of the other quotes")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Ordered")
    PARTIAL = "partial", _("Partly delivered")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ORDER = frozenset({OrderStatus.OPEN, OrderStatus.PARTIAL})
