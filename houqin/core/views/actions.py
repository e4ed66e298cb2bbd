"""POST-only workflow actions on one object (issue, accept, confirm …), shared by the apps.

The permission is checked before the form is read: someone who may not act gets 403 whatever
they send (404 for another school's object). The service's refusal comes back as a message on
the object's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from .. import access
from .generic import ScopedViewMixin


def error_text(exc_or_form):
    """One line from a ValidationError or a form's errors, for a flash message."""
    if isinstance(exc_or_form, ValidationError):
        return " ".join(exc_or_form.messages)
    parts = []
    for field, errors in exc_or_form.errors.items():
        label = exc_or_form.fields[field].label if field in exc_or_form.fields else ""
        parts += [f"{label}: {e}" if label else str(e) for e in errors]
    return " ".join(parts)


class NoForm:
    """For an action that takes no input: always valid, nothing cleaned."""

    cleaned_data = {}

    def __init__(self, *args, **kwargs):
        pass

    def is_valid(self):
        return True


class ObjectActionView(ScopedViewMixin, View):
    """POST a form to act on one object through a service, then back to the object's page."""

    perm = None
    form_class = NoForm
    success_message = ""
    redirect_to = None
    http_method_names = ["post"]

    def allowed(self, obj):
        return access.has_perm(self.request.user, self.perm, obj.school)

    def get_form(self, obj):
        return self.form_class(self.request.POST, self.request.FILES)

    def perform(self, obj, data):
        """Call the service with the form's cleaned data (subclasses say which)."""
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
            if self.redirect_to:
                return redirect(self.redirect_to)
        return redirect(self.next_url(obj))
