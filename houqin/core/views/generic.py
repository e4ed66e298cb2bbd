"""Generic list, detail, edit and delete pages for every registered model.

Scoping and permission checks live here once: a view never filters by hand. Another school's
object answers 404 (it does not exist for this user); a missing permission answers 403.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from .. import access
from ..exports import table_to_xlsx
from ..permissions import model_perm
from ..registry import registry
from ..selectors import object_list
from ..services.objects import object_create, object_delete, object_update

PER_PAGE_CHOICES = (25, 50, 100)


def apply_validation_error(form, exc):
    """Show a service's ValidationError on the form, next to the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ScopedViewMixin(LoginRequiredMixin):
    """Knows its model entry, the user's scope, and how to check a permission."""

    model = None

    @property
    def entry(self):
        return registry.get(self.model)

    def check_perm(self, action, school):
        if not access.has_perm(self.request.user, model_perm(self.model, action), school):
            raise PermissionDenied

    def scope_or_403(self):
        scope = self.request.scope
        if not scope:
            raise PermissionDenied(_("You have no membership in any school."))
        return scope

    def get_object(self):
        qs = self.model.objects.for_user(self.request.user)
        if self.entry.select_related:
            qs = qs.select_related(*self.entry.select_related)
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def base_context(self, **extra):
        meta = self.model._meta
        ctx = {
            "entry": self.entry,
            "model_meta": meta,
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "url_list": self.entry.url_name("list"),
            "url_add": self.entry.url_name("add"),
        }
        ctx.update(extra)
        return ctx


class ObjectListView(ScopedViewMixin, View):
    """Filter, sort, paginate, export. On an htmx request only the results are rendered."""

    template_name = "core/object_list.html"

    def get_queryset(self, scope):
        return object_list(entry=self.entry, user=self.request.user, scope=scope)

    def get(self, request, *args, **kwargs):
        scope = self.scope_or_403()
        self.check_perm("view", scope)
        entry = self.entry
        queryset = self.get_queryset(scope)
        filterset = entry.filterset(request.GET or None, queryset=queryset, request=request)
        rows = (
            filterset.qs
            if filterset.is_bound and filterset.is_valid()
            else (queryset.none() if filterset.is_bound else queryset)
        )
        table = entry.table(rows, request=request)
        if request.GET.get("export") == "xlsx":
            if not access.has_perm(request.user, "core.export", scope):
                raise PermissionDenied
            # The export keeps the page's sorting but takes every row, not just one page.
            RequestConfig(request, paginate=False).configure(table)
            data = table_to_xlsx(table, str(self.model._meta.verbose_name_plural))
            response = HttpResponse(
                data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response["Content-Disposition"] = f'attachment; filename="{self.model._meta.model_name}s.xlsx"'
            return response
        try:
            per_page = int(request.GET.get("per_page", 50))
        except ValueError:
            per_page = 50
        per_page = per_page if per_page in PER_PAGE_CHOICES else 50
        RequestConfig(request, paginate={"per_page": per_page}).configure(table)
        ctx = self.base_context(
            table=table,
            filterset=filterset,
            scope=scope,
            can_add=access.has_perm(request.user, model_perm(self.model, "add"), scope)
            and "add" in entry.actions,
            can_export=access.has_perm(request.user, "core.export", scope),
        )
        template = entry.list_template or self.template_name
        if request.htmx and not request.htmx.boosted:
            template = f"{template}#results"
        return render(request, template, ctx)


class ObjectDetailView(ScopedViewMixin, View):
    """The object's fields, with History and Attachments tabs (loaded by htmx)."""

    template_name = "core/object_detail.html"

    def fields(self, obj):
        """(label, value) pairs for the main tab, from the form's fields or the model's."""
        form = self.entry.form
        names = (
            list(form._meta.fields)
            if form is not None and form._meta.fields != "__all__"
            else [
                f.name
                for f in self.model._meta.concrete_fields
                if f.name not in ("id", "school", "path", "depth")
            ]
        )
        out = []
        for name in names:
            field = self.model._meta.get_field(name)
            display = getattr(obj, f"get_{name}_display", None)
            value = display() if display else getattr(obj, name)
            out.append((field.verbose_name, value))
        return out

    def extra_context(self, obj):
        return {}

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_perm("view", obj.school)
        user = request.user
        tab = request.GET.get("tab", "main")
        ctx = self.base_context(
            object=obj,
            fields=self.fields(obj),
            tab=tab,
            can_change="edit" in self.entry.actions
            and access.has_perm(user, model_perm(self.model, "change"), obj.school),
            can_delete="delete" in self.entry.actions
            and access.has_perm(user, model_perm(self.model, "delete"), obj.school),
            url_edit=self.entry.url_name("edit"),
            url_delete=self.entry.url_name("delete"),
            **self.extra_context(obj),
        )
        if tab in ("history", "attachments"):
            from ..selectors import attachments_for, history_for

            if tab == "history":
                ctx["history"] = history_for(obj, user=user)
            else:
                ctx["attachments"] = attachments_for(obj, user=user)
                ctx["can_attach"] = access.has_perm(user, "core.add_attachment", obj.school)
            if request.htmx:
                return render(request, f"core/object_detail.html#tab_{tab}", ctx)
        return render(request, self.entry.detail_template or self.template_name, ctx)


class ObjectEditView(ScopedViewMixin, View):
    """Create (no pk) or edit (pk): a form whose valid data goes to the model's service."""

    template_name = "core/object_edit.html"

    def get_form(self, obj, school, data=None, files=None):
        return self.entry.form(data=data, files=files, instance=obj, user=self.request.user, school=school)

    def _prepare(self):
        if "pk" in self.kwargs:
            obj = self.get_object()
            self.check_perm("change", obj.school)
            return obj, obj.school
        if "add" not in self.entry.actions:
            raise Http404
        scope = self.scope_or_403()
        self.check_perm("add", scope)
        return None, scope

    def render_form(self, form, obj, school, status=200):
        ctx = self.base_context(form=form, object=obj, school=school)
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        obj, school = self._prepare()
        return self.render_form(self.get_form(obj, school), obj, school)

    def post(self, request, *args, **kwargs):
        obj, school = self._prepare()
        form = self.get_form(obj, school, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                saved = self.save(form, obj, school)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(saved.get_absolute_url())
        return self.render_form(form, obj, school, status=400)

    def save(self, form, obj, school):
        entry = self.entry
        data = form.service_data()
        if obj is None:
            create = entry.create_service or object_create
            return create(actor=self.request.user, model=self.model, school=school, data=data)
        update = entry.update_service or object_update
        return update(actor=self.request.user, instance=obj, data=data)


class ObjectDeleteView(ScopedViewMixin, View):
    template_name = "core/object_delete.html"

    def _prepare(self):
        obj = self.get_object()
        self.check_perm("delete", obj.school)
        return obj

    def get(self, request, *args, **kwargs):
        obj = self._prepare()
        return render(request, self.template_name, self.base_context(object=obj))

    def post(self, request, *args, **kwargs):
        obj = self._prepare()
        delete = self.entry.delete_service or object_delete
        try:
            delete(actor=request.user, instance=obj)
        except ValidationError as exc:
            return render(
                request, self.template_name, self.base_context(object=obj, errors=exc.messages), status=400
            )
        messages.success(request, _("Deleted."))
        return redirect(self.entry.url_name("list"))
