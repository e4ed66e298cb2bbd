"""In-app notifications (and their email copies when SMTP is configured)."""

from django.db import models
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


def is_local_path(url):
    """True for a path on this site ("/core/rooms/3/"), never for anything a browser could read
    as another host ("//evil", "/\\evil", "http:…", control characters)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return False
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False)


class Notification(models.Model):
    """A message to one user; unread until they open it. Per user, not per school."""

    user = models.ForeignKey(
        "core.User", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    school = models.ForeignKey(
        "core.School",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("school"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("core:notification_open", args=[self.pk])

    @property
    def is_read(self):
        return self.read_at is not None

    @property
    def local_url(self):
        """The link if it stays on this site, else "" (opening it must never redirect away)."""
        return self.url if is_local_path(self.url) else ""
