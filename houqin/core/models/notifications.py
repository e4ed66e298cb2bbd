"""In-app notifications (and their email copies when SMTP is configured)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one user; unread until they open it."""

    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="notifications")
    school = models.ForeignKey(
        "core.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title
