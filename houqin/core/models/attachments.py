"""Files and photos attached to any school-owned object."""

import os
import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import SchoolOwned


def attachment_path(instance, filename):
    """A generated name under the owner's folder: the uploader's file name never reaches the disk."""
    ext = os.path.splitext(os.path.basename(filename))[1].lower()
    ext = ext if ext[1:].isalnum() and len(ext) <= 6 else ""
    return f"attachments/{instance.school_id}/{instance.content_type_id}/{instance.object_id}/{uuid.uuid4().hex}{ext}"


class Attachment(SchoolOwned):
    """A checked file (type sniffed from its content, size limited) kept with an object.

    Served only through the scoped download view, never from a public media URL.
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    is_image = models.BooleanField(_("image"), default=False)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        "core.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("core:attachment_download", args=[self.pk])

    @property
    def object_type(self):
        """ "app_label.model" of the record the file belongs to ("core.room")."""
        return f"{self.content_type.app_label}.{self.content_type.model}"

    @property
    def thumbnail_url(self):
        return reverse("core:attachment_thumbnail", args=[self.pk])
