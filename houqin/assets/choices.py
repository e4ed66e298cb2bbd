"""Stable choice values of the asset register (stored in the database; labels are translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetStatus(models.TextChoices):
    """Where an asset stands in its life. The two last ones take it off the books."""

    IN_USE = "in_use", _("In use")
    IDLE = "idle", _("Idle")
    ON_LOAN = "on_loan", _("On loan")
    UNDER_REPAIR = "under_repair", _("Under repair")
    AWAITING_DISPOSAL = "awaiting_disposal", _("Awaiting disposal")
    AWAITING_TRANSFER = "awaiting_transfer", _("Awaiting transfer")
    LOST = "lost", _("Lost")
    DISPOSED = "disposed", _("Disposed")
    TRANSFERRED = "transferred", _("Transferred out")


# Cards that have left the school's books (kept, with their whole history, for the record).
OFF_BOOKS = frozenset({AssetStatus.DISPOSED, AssetStatus.TRANSFERRED})
# What each operation accepts: a card on loan or waiting for a decision is not touched.
MOVABLE = frozenset({AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.UNDER_REPAIR})
LENDABLE = frozenset({AssetStatus.IN_USE, AssetStatus.IDLE})
REPORTABLE = frozenset({AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.UNDER_REPAIR, AssetStatus.ON_LOAN})
DISPOSABLE = frozenset({AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.UNDER_REPAIR, AssetStatus.LOST})
TRANSFERABLE = frozenset({AssetStatus.IN_USE, AssetStatus.IDLE})
# The two states a person sets by hand (the others follow from loans, repairs, disposals).
MANUAL = frozenset({AssetStatus.IN_USE, AssetStatus.IDLE})


class AssetCondition(models.TextChoices):
    GOOD = "good", _("Good")
    WORN = "worn", _("Worn but usable")
    DAMAGED = "damaged", _("Damaged")
    UNREPAIRABLE = "unrepairable", _("Beyond repair")


class Tracking(models.TextChoices):
    """A card is one item with its own number, or a counted batch of like items (50 desks)."""

    SINGLE = "single", _("Single item")
    BATCH = "batch", _("Counted batch")


class AssetClass(models.TextChoices):
    FIXED = "fixed", _("Fixed asset")
    LOW_VALUE = "low_value", _("Low-value item")


class AcquisitionMethod(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    DONATION = "donation", _("Donation or sponsorship")
    TRANSFER = "transfer", _("Transfer in")
    SELF_BUILT = "self_built", _("Self-built or self-made")
    SURPLUS = "surplus", _("Found in a count (surplus)")


class FundingSource(models.TextChoices):
    FISCAL = "fiscal", _("Fiscal allocation")
    NON_FISCAL = "non_fiscal", _("Own (non-fiscal) funds")
    DONATION = "donation", _("Donated")
    OTHER = "other", _("Other")


class ProcurementForm(models.TextChoices):
    CENTRALISED = "centralised", _("Centralised government procurement")
    DECENTRALISED = "decentralised", _("Decentralised procurement")
    SELF = "self", _("Purchased by the school")
    DONATION = "donation", _("Donation")
    ALLOCATION = "allocation", _("Allocation")
    OTHER = "other", _("Other")


class UsePurpose(models.TextChoices):
    TEACHING = "teaching", _("Teaching")
    ADMINISTRATION = "administration", _("Administration")
    LIVING = "living", _("Living and logistics")
    OTHER = "other", _("Other")


class EventKind(models.TextChoices):
    """What happened to an asset. Every change of its cached state is one of these."""

    REGISTER = "register", _("Registered")
    MOVE = "move", _("Moved")
    ASSIGN = "assign", _("Assigned")
    STATUS = "status", _("Status changed")
    VALUE = "value", _("Value changed")
    SPLIT_OUT = "split_out", _("Split off part")
    SPLIT_IN = "split_in", _("Split from a batch")
    LOAN = "loan", _("Lent")
    ISSUE = "issue", _("Issued for the semester")
    RETURN = "return", _("Returned")
    DAMAGE = "damage", _("Damage reported")
    REPAIR_START = "repair_start", _("Repair started")
    REPAIR_DONE = "repair_done", _("Repair finished")
    LOSS = "loss", _("Loss reported")
    THEFT = "theft", _("Theft reported")
    RECOVERED = "recovered", _("Recovered")
    COMPENSATION = "compensation", _("Compensation paid")
    DISPOSAL_REQUEST = "disposal_request", _("Disposal requested")
    DISPOSAL_CANCEL = "disposal_cancel", _("Disposal not approved")
    DISPOSAL = "disposal", _("Disposed")
    TRANSFER_REQUEST = "transfer_request", _("Transfer requested")
    TRANSFER_CANCEL = "transfer_cancel", _("Transfer not approved")
    TRANSFER_OUT = "transfer_out", _("Transferred out")
    TRANSFER_IN = "transfer_in", _("Transferred in")
    COUNT = "count", _("Counted")
    CORRECTION = "correction", _("Correction")


class LoanKind(models.TextChoices):
    LOAN = "loan", _("Loan")
    ISSUE = "issue", _("Issue for the semester")


class LoanStatus(models.TextChoices):
    OUT = "out", _("Out")
    RETURNED = "returned", _("Returned")
    LOST = "lost", _("Not returned (lost)")


class IncidentKind(models.TextChoices):
    DAMAGE = "damage", _("Damage")
    LOSS = "loss", _("Loss")
    THEFT = "theft", _("Theft")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    IN_REPAIR = "in_repair", _("In repair")
    REPAIRED = "repaired", _("Repaired")
    UNREPAIRABLE = "unrepairable", _("Beyond repair")
    RECOVERED = "recovered", _("Recovered")
    CLOSED = "closed", _("Closed")


OPEN_INCIDENT = frozenset({IncidentStatus.REPORTED, IncidentStatus.IN_REPAIR})


class CompensationBasis(models.TextChoices):
    NET_BOOK_VALUE = "net_book_value", _("Net book value")
    ORIGINAL_VALUE = "original_value", _("Original value")


class DisposalMethod(models.TextChoices):
    SCRAP = "scrap", _("Scrap")
    SALE = "sale", _("Sale")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    DONATION = "donation", _("Donation")
    WRITE_OFF = "write_off", _("Write-off of a loss")


class DisposalGround(models.TextChoices):
    """The statutory grounds (《行政事业性国有资产管理条例》 art. 21)."""

    OBSOLETE = "obsolete", _("Technically obsolete, or not repairable or not worth repairing")
    LOSS = "loss", _("Shortage in a count, bad debt or abnormal loss")
    END_OF_LIFE = "end_of_life", _("Past its service life and no longer fit for work")
    FORCE_MAJEURE = "force_majeure", _("Destroyed by force majeure")


class DocumentStatus(models.TextChoices):
    """A disposal or a transfer on its way through the approval engine."""

    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
