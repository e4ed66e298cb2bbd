"""Stable choice values of the maintenance app (stored in the database: never rename a value)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RepairKind(models.TextChoices):
    WATER = "water", _("Water")
    ELECTRICITY = "electricity", _("Electricity")
    DOORS_WINDOWS = "doors_windows", _("Doors and windows")
    FURNITURE = "furniture", _("Furniture")
    TEACHING_EQUIPMENT = "teaching_equipment", _("Teaching equipment")
    HEATING = "heating", _("Heating")
    NETWORK = "network", _("Network")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency (danger to people)")
    URGENT = "urgent", _("Urgent (stops teaching or living)")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low (when convenient)")


class RequestSource(models.TextChoices):
    MEMBER = "member", _("Reported by a member")
    PUBLIC = "public", _("Reported through a room's QR code")
    INSPECTION = "inspection", _("Found on an inspection round")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RESOLVED = "resolved", _("Repaired, to be confirmed")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Not accepted")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a worker")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed, to be confirmed")
    CLOSED = "closed", _("Closed")


# Orders a worker still has to finish (they count as open, and as overdue past their due time).
OPEN_ORDER_STATUSES = (OrderStatus.OPEN, OrderStatus.ASSIGNED, OrderStatus.IN_PROGRESS)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")
    ASSIGNED = "assigned", _("Assigned")
    STARTED = "started", _("Work started")
    MATERIAL = "material", _("Material used")
    MATERIAL_REMOVED = "material_removed", _("Material line removed")
    PHOTO = "photo", _("Photo added")
    COMPLETED = "completed", _("Repair completed")
    CONFIRMED = "confirmed", _("Confirmed by the reporter")
    AUTO_CLOSED = "auto_closed", _("Closed without confirmation")
    REOPENED = "reopened", _("Reopened: not fixed")
    OVERDUE = "overdue", _("Overdue")


class PhotoPhase(models.TextChoices):
    BEFORE = "before", _("Before the repair")
    AFTER = "after", _("After the repair")


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly, on a day of the week")
    MONTHLY = "monthly", _("Monthly, on a day of the month")
    BEFORE_SEMESTER = "before_semester", _("Before each semester")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    MISSED = "missed", _("Missed")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not checked")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
