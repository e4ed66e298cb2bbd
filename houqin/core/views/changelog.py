"""The change log pages: every change in the schools of the active scope, and one change's
before/after. Reading the log needs core.view_changelog; another school's entry is a 404."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from .. import access
from ..exports import table_to_xlsx
from ..filtersets.changelog import ChangeLogFilterSet
from ..models import ChangeAction, ChangeLogEntry
from ..selectors.changelog import changelog_can_view, changelog_list, changelog_visible
from ..tables.changelog import ChangeLogTable

PER_PAGE_CHOICES = (25, 50, 100)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ChangeLogListView(LoginRequiredMixin, View):
    """Filter by person, action, object type, date range and text; export what is filtered."""

    template_name = "core/changelog/list.html"

    def get(self, request):
        scope = request.scope
        if not scope:
            raise PermissionDenied(_("You have no membership in any school."))
        user = request.user
        if not access.has_perm(user, "core.view_changelog", scope):
            raise PermissionDenied
        queryset = changelog_list(user=user, scope=scope)
        filterset = ChangeLogFilterSet(request.GET or None, queryset=queryset, request=request)
        rows = queryset
        if filterset.is_bound:
            # An invalid filter (a bad date) shows its error and no rows, never everything.
            rows = filterset.qs if filterset.is_valid() else queryset.none()
        table = ChangeLogTable(rows, request=request)
        can_export = access.has_perm(user, "core.export", scope)
        if request.GET.get("export") == "xlsx":
            if not can_export:
                raise PermissionDenied
            title = str(ChangeLogEntry._meta.verbose_name_plural)
            response = HttpResponse(table_to_xlsx(table, title), content_type=XLSX)
            response["Content-Disposition"] = 'attachment; filename="changelog.xlsx"'
            return response
        try:
            per_page = int(request.GET.get("per_page", 50))
        except ValueError:
            per_page = 50
        per_page = per_page if per_page in PER_PAGE_CHOICES else 50
        RequestConfig(request, paginate={"per_page": per_page}).configure(table)
        ctx = {
            "table": table,
            "filterset": filterset,
            "can_export": can_export,
            "verbose_name_plural": ChangeLogEntry._meta.verbose_name_plural,
        }
        template = self.template_name
        if request.htmx and not request.htmx.boosted:
            template = f"{template}#results"
        return render(request, template, ctx)


def _target_url(user, entry):
    """A link to the changed object while it still exists and the user may open it."""
    model = entry.model_class
    if entry.action == ChangeAction.DELETE or model is None or not hasattr(model, "get_absolute_url"):
        return ""
    manager = model._default_manager
    qs = manager.for_user(user) if hasattr(manager, "for_user") else None
    if qs is None:
        return ""
    try:
        obj = qs.filter(pk=entry.object_id).first()
    except (ValueError, TypeError, ValidationError):
        return ""
    return obj.get_absolute_url() if obj is not None else ""


class ChangeLogDetailView(LoginRequiredMixin, View):
    template_name = "core/changelog/detail.html"
    leak_model = ChangeLogEntry  # the route-walking leak test aims <pk> at an entry

    def get(self, request, pk):
        user = request.user
        entry = get_object_or_404(changelog_visible(user), pk=pk)
        if not changelog_can_view(user, entry):
            raise PermissionDenied
        ctx = {
            "entry": entry,
            "rows": entry.change_rows(),
            "target_url": _target_url(user, entry),
            "object_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
        }
        return render(request, self.template_name, ctx)


urlpatterns = [
    path("changelog/", ChangeLogListView.as_view(), name="changelog_list"),
    path("changelog/<int:pk>/", ChangeLogDetailView.as_view(), name="changelog_detail"),
]
