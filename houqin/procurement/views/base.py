"""What the purchasing pages share: POST actions on one object, and form pages on one object."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from houqin.core import access
from houqin.core.views.actions import error_text
from houqin.core.views.generic import ScopedViewMixin, apply_validation_error


class ObjectActionView(ScopedViewMixin, View):
    """POST a small form to act on one object through a service; back to the object's page
    with a message either way. Another school's object answers 404; someone who may not act,
    403, before the form is read."""

    http_method_names = ["post"]
    perm = None
    form_class = None

    def allowed(self, obj):
        return self.perm is None or access.has_perm(self.request.user, self.perm, obj.school)

    def get_form(self, obj):
        return self.form_class(self.request.POST) if self.form_class else None

    def perform(self, obj, data):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        if not self.allowed(obj):
            raise PermissionDenied
        form = self.get_form(obj)
        if form is not None and not form.is_valid():
            messages.error(request, error_text(form))
            return redirect(obj.get_absolute_url())
        try:
            message = self.perform(obj, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, message or _("Saved."))
        return redirect(obj.get_absolute_url())


class ObjectFormView(ScopedViewMixin, View):
    """A page with one form acting on one object (a quote, an order, an inspection): shown with
    GET, posted to the service; a refusal shows the form again with the errors (400)."""

    template_name = None
    title = ""

    def allowed(self, obj):
        raise NotImplementedError

    def get_form(self, obj, data=None, files=None):
        raise NotImplementedError

    def perform(self, obj, form):
        """Call the service; return the object whose page comes next."""
        raise NotImplementedError

    def success_message(self, result):
        return _("Saved.")

    def extra_context(self, obj, form):
        return {}

    def unavailable(self, obj):
        """Why the form cannot be used on `obj` now (an order already received …), or None."""
        return None

    def prepare(self):
        obj = self.get_object()
        if not self.allowed(obj):
            raise PermissionDenied
        return obj

    def render_form(self, obj, form, status=200):
        ctx = {"object": obj, "form": form, "title": self.title, **self.extra_context(obj, form)}
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        obj = self.prepare()
        if (why := self.unavailable(obj)) is not None:
            messages.error(request, why)
            return redirect(obj.get_absolute_url())
        return self.render_form(obj, self.get_form(obj))

    def post(self, request, *args, **kwargs):
        obj = self.prepare()
        if (why := self.unavailable(obj)) is not None:
            messages.error(request, why)
            return redirect(obj.get_absolute_url())
        form = self.get_form(obj, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                result = self.perform(obj, form)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, self.success_message(result))
                return redirect(result.get_absolute_url())
        return self.render_form(obj, form, status=400)
