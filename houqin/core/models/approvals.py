"""The one approval engine: policies of steps per node and document kind, requests, decisions."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import SchoolOwned


class ApprovalLevel(models.TextChoices):
    """Where the approver of a step must hold the role, seen from the document's school."""

    SCHOOL = "school", _("The school itself")
    DISTRICT = "district", _("Central school")
    BUREAU = "bureau", _("Education bureau")


class ApprovalPolicy(SchoolOwned):
    """For one document kind at one node (and its subtree unless overridden): the steps."""

    kind = models.CharField(_("document kind"), max_length=60)
    name = models.CharField(_("name"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")
        ordering = ["school__path", "kind"]
        constraints = [models.UniqueConstraint(fields=["school", "kind"], name="approval_policy_unique")]

    def __str__(self):
        return self.name or str(self.get_kind_display())

    def get_absolute_url(self):
        return reverse("core:approvalpolicy_detail", args=[self.pk])

    def get_kind_display(self):
        from houqin.core.approvals import kind_label

        return kind_label(self.kind)


class ApprovalStep(models.Model):
    """A role at a level approves; if the amount is within `max_amount` this step is the last."""

    policy = models.ForeignKey(ApprovalPolicy, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    role = models.ForeignKey("core.Role", on_delete=models.PROTECT, related_name="+", verbose_name=_("role"))
    level = models.CharField(
        _("level"), max_length=20, choices=ApprovalLevel.choices, default=ApprovalLevel.SCHOOL
    )
    max_amount = models.DecimalField(
        _("final up to amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Requests up to this amount end at this step; empty means no limit."),
    )

    class Meta:
        ordering = ["policy", "order"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        constraints = [models.UniqueConstraint(fields=["policy", "order"], name="approval_step_unique")]

    def __str__(self):
        return f"{self.order}. {self.role} ({self.get_level_display()})"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApprovalRequest(SchoolOwned):
    """One document on its way through the steps of its policy.

    The steps are copied when the request is submitted, so a later change of policy does not
    move a request that is already under way.
    """

    kind = models.CharField(_("document kind"), max_length=60, db_index=True)
    number = models.CharField(_("number"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    document = GenericForeignKey("content_type", "object_id")
    requester = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="approval_requests", verbose_name=_("requester")
    )
    steps = models.JSONField(_("steps"), default=list)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=0)
    # The waiting step's role and level, copied out of `steps` so the inbox finds the requests a
    # person may decide with one indexed query instead of reading every request's JSON.
    current_role_code = models.CharField(max_length=40, blank=True, editable=False)
    current_level = models.CharField(max_length=20, blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.PENDING,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["school", "status"]),
            models.Index(fields=["status", "current_role_code"]),
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("core:approvalrequest_detail", args=[self.pk])

    def get_kind_display(self):
        from houqin.core.approvals import kind_label

        return kind_label(self.kind)

    @property
    def is_pending(self):
        return self.status == ApprovalStatus.PENDING

    @property
    def current(self):
        """The step waiting for a decision, as copied at submission (None once decided)."""
        if self.status != ApprovalStatus.PENDING or self.current_step >= len(self.steps):
            return None
        return self.steps[self.current_step]


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class ApprovalDecision(models.Model):
    """A decision on one step: who, when, what, and why."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="decisions")
    step_index = models.PositiveSmallIntegerField()
    role_code = models.CharField(max_length=40)
    actor = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        ordering = ["request", "step_index"]
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")
        constraints = [
            models.UniqueConstraint(fields=["request", "step_index"], name="approval_decision_once")
        ]

    def __str__(self):
        return f"{self.request} #{self.step_index + 1}: {self.get_decision_display()}"


class Duty(models.TextChoices):
    """Duties a person takes on a document; the rule book says which ones exclude each other."""

    REQUESTER = "requester", _("Requester")
    APPROVER = "approver", _("Approver")
    CASHIER = "cashier", _("Cashier")
    BOOKKEEPER = "bookkeeper", _("Bookkeeper")
    BUYER = "buyer", _("Buyer")
    RECEIVER = "receiver", _("Receiver")
    INSPECTOR = "inspector", _("Inspector")


class DocumentDuty(models.Model):
    """User U performed duty D on the document behind an approval request."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="duties")
    duty = models.CharField(_("duty"), max_length=20, choices=Duty.choices)
    user = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document duty")
        verbose_name_plural = _("document duties")
        constraints = [
            models.UniqueConstraint(fields=["request", "duty", "user"], name="document_duty_unique")
        ]

    def __str__(self):
        return f"{self.get_duty_display()}: {self.user}"
