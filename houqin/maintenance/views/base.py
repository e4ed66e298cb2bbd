"""What the maintenance pages share: POST-only workflow actions on one object."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from houqin.core import access
from houqin.core.views.generic import ScopedViewMixin


def error_text(exc_or_form):
    """One line from a ValidationError or a form's errors, for a flash message."""
    if hasattr(exc_or_form, "errors") and not isinstance(exc_or_form, ValidationError):
        parts = []
        for field, errors in exc_or_form.errors.items():
            label = exc_or_form.fields[field].label if field in exc_or_form.fields else ""
            parts += [f"{label}: {e}" if label else str(e) for e in errors]
        return " ".join(parts)
    return " ".join(exc_or_form.messages)


class ObjectActionView(ScopedViewMixin, View):
    """POST a form to act on one object through a service; back to the object's page with a
    message either way. The permission is checked before the form is even read: someone who
    may not act gets 403 whatever they send (404 for another school's object)."""

    perm = None
    form_class = None
    success_message = ""

    def allowed(self, obj):
        return access.has_perm(self.request.user, self.perm, obj.school)

    def get_form(self, obj):
        return self.form_class(self.request.POST, self.request.FILES)

    def perform(self, obj, data):
        raise NotImplementedError

    def next_url(self, obj):
        return obj.get_absolute_url()

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        if not self.allowed(obj):
            raise PermissionDenied
        form = self.get_form(obj)
        if not form.is_valid():
            messages.error(request, error_text(form))
            return redirect(self.next_url(obj))
        try:
            self.perform(obj, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, self.success_message or _("Saved."))
        return redirect(self.next_url(obj))
