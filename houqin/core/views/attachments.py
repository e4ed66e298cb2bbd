"""Attachment pages: upload to a record, download through a scoped view, remove.

Files are never served from a public media URL: every download passes the same scoping
(404 for another school's file) and permission checks (403) as the record it belongs to.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .. import access
from ..models import Attachment
from ..selectors.changelog import attachment_can_delete, attachment_get, attachment_target, attachments_for
from ..services.attachments import (
    attachment_add,
    attachment_delete,
    attachment_thumbnail,
)
from .generic import apply_validation_error

# Served files may not run anything, even if a browser were to render one as a page.
FILE_CSP = "default-src 'none'; img-src 'self'; sandbox"


class AttachmentForm(forms.Form):
    """Shape only; the service checks size and content."""

    file = forms.FileField(label=gettext_lazy("file"))
    description = forms.CharField(label=gettext_lazy("description"), max_length=200, required=False)


def back_url(obj):
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return f"{url}?tab=attachments" if url else "/"


def attachments_context(user, obj, form=None):
    """What core/_attachments.html needs, from any view that shows an object's files."""
    return {
        "object": obj,
        "model_meta": obj._meta,
        "attachments": attachments_for(obj, user=user),
        "can_attach": access.has_perm(user, "core.add_attachment", obj.school),
        "attach_form": form,
        "max_upload_bytes": settings.HOUQIN_MAX_UPLOAD_BYTES,
    }


class AttachmentUploadView(LoginRequiredMixin, View):
    """POST a file to a record. Success: back to its Attachments tab (or the updated tab for
    htmx). Failure: the form with the reason, and nothing stored."""

    template_name = "core/attachments/upload.html"

    def _prepare(self, request, app_label, model, pk):
        obj = attachment_target(user=request.user, app_label=app_label, model_name=model, pk=pk)
        if not access.has_perm(request.user, "core.add_attachment", obj.school):
            raise PermissionDenied
        return obj

    def get(self, request, app_label, model, pk):
        obj = self._prepare(request, app_label, model, pk)
        ctx = attachments_context(request.user, obj, AttachmentForm())
        return render(request, self.template_name, ctx)

    def post(self, request, app_label, model, pk):
        obj = self._prepare(request, app_label, model, pk)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment = attachment_add(
                    actor=request.user,
                    obj=obj,
                    uploaded_file=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                if request.htmx:
                    ctx = attachments_context(request.user, obj)
                    ctx["attach_saved"] = attachment
                    return render(request, "core/_attachments.html", ctx)
                messages.success(request, _("Attached %(name)s.") % {"name": attachment.original_name})
                return redirect(back_url(obj))
        ctx = attachments_context(request.user, obj, form)
        if request.htmx:
            # htmx swaps only 2xx answers; the tab shows the form with its errors in place.
            return render(request, "core/_attachments.html", ctx)
        return render(request, self.template_name, ctx, status=400)


class AttachmentDownloadView(LoginRequiredMixin, View):
    """The file itself: pictures shown inline, everything else downloaded."""

    leak_model = Attachment  # the route-walking leak test aims <pk> at an attachment

    def get(self, request, pk):
        attachment = attachment_get(user=request.user, pk=pk)
        try:
            fh = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404
        response = FileResponse(
            fh,
            as_attachment=not attachment.is_image,
            filename=attachment.original_name,
            content_type=attachment.mime_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = FILE_CSP
        response["Cache-Control"] = "private, no-cache"
        return response


class AttachmentThumbnailView(LoginRequiredMixin, View):
    """A small JPEG of a picture, for the list of attachments."""

    leak_model = Attachment

    def get(self, request, pk):
        attachment = attachment_get(user=request.user, pk=pk)
        if not attachment.is_image:
            raise Http404
        try:
            data = attachment_thumbnail(attachment=attachment)
        except FileNotFoundError:
            raise Http404
        response = HttpResponse(data, content_type="image/jpeg")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = FILE_CSP
        response["Cache-Control"] = "private, max-age=86400"
        return response


class AttachmentDeleteView(LoginRequiredMixin, View):
    leak_model = Attachment

    def post(self, request, pk):
        user = request.user
        attachment = attachment_get(user=user, pk=pk)
        if not attachment_can_delete(user, attachment):
            raise PermissionDenied
        target = attachment.target
        name = attachment.original_name
        attachment_delete(actor=user, attachment=attachment)
        if target is None:
            messages.success(request, _("Removed %(name)s.") % {"name": name})
            return redirect("home")
        if request.htmx:
            return render(request, "core/_attachments.html", attachments_context(user, target))
        messages.success(request, _("Removed %(name)s.") % {"name": name})
        return redirect(back_url(target))


urlpatterns = [
    path(
        "attachments/<slug:app_label>/<slug:model>/<int:pk>/upload/",
        AttachmentUploadView.as_view(),
        name="attachment_upload",
    ),
    path("attachments/<int:pk>/download/", AttachmentDownloadView.as_view(), name="attachment_download"),
    path("attachments/<int:pk>/thumbnail/", AttachmentThumbnailView.as_view(), name="attachment_thumbnail"),
    path("attachments/<int:pk>/delete/", AttachmentDeleteView.as_view(), name="attachment_delete"),
]
