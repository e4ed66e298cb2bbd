"""Choices of the supplies app: stable values, translatable labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemCategory(models.TextChoices):
    TEACHING = "teaching", _("Teaching supplies")
    OFFICE = "office", _("Office supplies")
    CLEANING = "cleaning", _("Cleaning tools")
    ELECTRICAL = "electrical", _("Electrical and lighting")
    HARDWARE = "hardware", _("Hardware")
    HYGIENE = "hygiene", _("Hygiene and disinfection")
    BOOKS = "books", _("Textbooks and exercise books")
    OTHER = "other", _("Other")


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Stock in")
    ISSUE = "issue", _("Issue")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    ADJUSTMENT = "adjustment", _("Count adjustment")
    RETURN = "return", _("Return to store")
    REVERSAL = "reversal", _("Reversal")


class RequisitionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Ready to issue")
    REJECTED = "rejected", _("Rejected")
    PARTLY_ISSUED = "partly_issued", _("Partly issued")
    ISSUED = "issued", _("Issued")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


# A requisition the storekeeper may still issue against.
ISSUABLE_REQUISITION = (RequisitionStatus.APPROVED, RequisitionStatus.PARTLY_ISSUED)


class AllotmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PARTLY_ISSUED = "partly_issued", _("Partly issued")
    ISSUED = "issued", _("Issued")


class TargetStatus(models.TextChoices):
    PENDING = "pending", _("Not issued yet")
    SHORT = "short", _("Short of stock")
    ISSUED = "issued", _("Issued, waiting for signature")
    CONFIRMED = "confirmed", _("Signed for")


class AlertKind(models.TextChoices):
    LOW_STOCK = "low_stock", _("Low stock")
    NEAR_EXPIRY = "near_expiry", _("Near expiry")
