"""People, roles and memberships: a user holds a role at one or more organisation nodes."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import SchoolOwned


class User(AbstractUser):
    """A person who logs in. Everything they may see or do comes from their memberships."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.get_full_name() or self.username

    @property
    def display_name(self):
        return str(self)


class Role(models.Model):
    """A role (校长, 总务主任, 保管员 …) with its default permissions.

    The defaults are the national template; administrators adjust them per node with
    RolePermissionOverride, resolved along the tree like the rule book.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    permissions = models.JSONField(_("default permissions"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return self.name


class RolePermissionOverride(SchoolOwned):
    """A node's change to a role's default permissions; the nearest node on the path wins."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("role"))
    permission = models.CharField(_("permission"), max_length=80)
    granted = models.BooleanField(_("granted"))
    changed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("role permission override")
        verbose_name_plural = _("role permission overrides")
        constraints = [
            models.UniqueConstraint(fields=["school", "role", "permission"], name="role_override_unique")
        ]

    def __str__(self):
        return f"{self.role} {self.permission} {'+' if self.granted else '-'}"


class Membership(SchoolOwned):
    """User U holds role R at node N; it covers N's whole subtree."""

    user = models.ForeignKey(
        "core.User", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("role")
    )
    department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["school__path", "role__sort_order"]
        constraints = [models.UniqueConstraint(fields=["user", "school", "role"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.role} @ {self.school}"
