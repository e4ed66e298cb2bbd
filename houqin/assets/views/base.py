"""The shape every workflow page of the asset register shares: one form, one service, one object.

Opened from the object's page with htmx, the form comes into the page's action panel (no page
load on a phone); posted, a success sends the browser to the object's page with a message, an
error shows the form again in place. Without JavaScript it is an ordinary page.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from houqin.core import access
from houqin.core.views.generic import apply_validation_error


class ActionView(LoginRequiredMixin, View):
    """Run one service on one object of `model` the user may see (another school's: 404)."""

    model = None
    select_related = ()
    form_class = None
    template_name = "assets/action_form.html"
    title = ""
    perm = None  # needed at the object's school; None when the service decides who may
    submit_label = None
    danger = False

    def get_object(self):
        qs = self.model.objects.for_user(self.request.user)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def check(self, obj):
        if self.perm and not access.has_perm(self.request.user, self.perm, obj.school):
            raise PermissionDenied

    def form_kwargs(self, obj):
        return {}

    def get_form(self, obj, data=None, files=None):
        return self.form_class(data=data, files=files, **self.form_kwargs(obj))

    def perform(self, form, obj):
        """Call the service; return the object whose page comes next."""
        raise NotImplementedError

    def success_message(self, result):
        return None

    def extra_context(self, obj):
        return {}

    def get_title(self, obj):
        return self.title

    def render_form(self, obj, form, status=200):
        ctx = {
            "object": obj,
            "form": form,
            "title": self.get_title(obj),
            "action_url": self.request.get_full_path(),
            "cancel_url": obj.get_absolute_url(),
            "submit_label": self.submit_label,
            "danger": self.danger,
            **self.extra_context(obj),
        }
        if self.request.htmx:
            # htmx swaps only 2xx answers: a refused form comes back as 200 with its errors.
            return render(self.request, f"{self.template_name}#form", ctx)
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check(obj)
        return self.render_form(obj, self.get_form(obj))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check(obj)
        form = self.get_form(obj, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                result = self.perform(form, obj)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                message = self.success_message(result)
                if message:
                    messages.success(request, message)
                url = result.get_absolute_url()
                if request.htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
        return self.render_form(obj, form, status=400)
