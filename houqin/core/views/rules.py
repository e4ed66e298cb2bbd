"""Rule book pages: every rule with the value in force at the active scope, one rule's path
from the root, and the editor of the scope's own value (set or clear)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import re_path, reverse
from django.utils.translation import gettext as _
from django.views import View

from .. import access
from ..exports import rows_to_xlsx
from ..forms.rules import RuleFilterForm, RuleOverrideForm
from ..rulebook import GROUPS, RULES, format_value
from ..selectors.rules import rule_history, rule_list, rule_overrides_below, rule_path, rule_row
from ..services.rules import MANAGE_RULES, rule_override_clear, rule_override_set
from .generic import apply_validation_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RuleViewMixin(LoginRequiredMixin):
    def scope_or_403(self):
        scope = self.request.scope
        if not scope:
            raise PermissionDenied(_("You have no membership in any school."))
        return scope

    def definition_or_404(self):
        definition = RULES.get(self.kwargs["key"])
        if definition is None:
            raise Http404
        return definition

    def can_manage(self, scope):
        return access.has_perm(self.request.user, MANAGE_RULES, scope)


def _origin_text(row):
    return row.origin.name if row.origin is not None else _("National default")


class RuleListView(RuleViewMixin, View):
    """All rules, grouped, with the value in force here and where it comes from."""

    template_name = "core/rules/list.html"

    def get(self, request):
        scope = self.scope_or_403()
        form = RuleFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        rows = rule_list(scope=scope, group=filters.get("group") or None, q=filters.get("q") or None)
        can_export = access.has_perm(request.user, "core.export", scope)
        if request.GET.get("export") == "xlsx":
            if not can_export:
                raise PermissionDenied
            return self.export(rows, scope)
        groups = []
        for row in rows:
            if not groups or groups[-1][0] != row.definition.group_code:
                groups.append((row.definition.group_code, row.definition.group_label, []))
            groups[-1][2].append(row)
        ctx = {
            "form": form,
            "scope": scope,
            "groups": groups,
            "count": len(rows),
            "can_export": can_export,
        }
        template = self.template_name
        if request.htmx and not request.htmx.boosted:
            template = f"{template}#results"
        return render(request, template, ctx)

    def export(self, rows, scope):
        headers = [
            _("Group"),
            _("Key"),
            _("Rule"),
            _("Value in force"),
            _("Unit"),
            _("From"),
            _("National default"),
            _("Source"),
            _("Certainty"),
        ]
        data = [
            [
                str(r.definition.group_label),
                r.key,
                str(r.definition.name),
                format_value(r.definition, r.stored),
                str(r.definition.unit),
                _origin_text(r),
                format_value(r.definition, r.national_default),
                str(r.definition.source),
                str(r.definition.certainty_label),
            ]
            for r in rows
        ]
        response = HttpResponse(rows_to_xlsx(_("Rule book"), headers, data), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="rules.xlsx"'
        return response


class RuleDetailView(RuleViewMixin, View):
    """One rule: its definition, the value along the path to the scope, overrides below it
    (for district users) and the history of its overrides."""

    template_name = "core/rules/detail.html"

    def get(self, request, key):
        scope = self.scope_or_403()
        definition = self.definition_or_404()
        row = rule_row(key=key, scope=scope)
        ctx = {
            "scope": scope,
            "definition": definition,
            "row": row,
            "value_text": format_value(definition, row.stored, pretty=True),
            "default_text": format_value(definition, row.national_default, pretty=True),
            "path": [
                (node, override, format_value(definition, override.value, pretty=True) if override else "")
                for node, override in rule_path(key=key, scope=scope)
            ],
            "below": [
                (override, format_value(definition, override.value))
                for override in rule_overrides_below(key=key, scope=scope, user=request.user)
            ],
            "history": [
                (entry, self.changes(definition, entry))
                for entry in rule_history(key=key, scope=scope, user=request.user)
            ],
            "can_manage": self.can_manage(scope),
            "group_label": GROUPS.get(definition.group_code, ""),
        }
        return render(request, self.template_name, ctx)

    @staticmethod
    def changes(definition, entry):
        """(field, before, after) of a log entry; values shown as the rule shows them."""

        def text(name, value):
            if value is None:
                return "—"
            return format_value(definition, value) if name == "value" else str(value)

        return [(name, text(name, pair[0]), text(name, pair[1])) for name, pair in entry.changes.items()]


class RuleEditView(RuleViewMixin, View):
    """Set the active scope's own value of a rule."""

    template_name = "core/rules/edit.html"

    def prepare(self):
        scope = self.scope_or_403()
        definition = self.definition_or_404()
        if not self.can_manage(scope):
            raise PermissionDenied
        return scope, definition

    def render_form(self, form, scope, definition, row, status=200):
        ctx = {
            "form": form,
            "scope": scope,
            "definition": definition,
            "row": row,
            "default_text": format_value(definition, row.national_default, pretty=True),
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, key):
        scope, definition = self.prepare()
        row = rule_row(key=key, scope=scope)
        initial = {}
        if row.override_here is not None:
            initial = {"source": row.override_here.source, "note": row.override_here.note}
        form = RuleOverrideForm(definition=definition, current=row.stored, initial=initial)
        return self.render_form(form, scope, definition, row)

    def post(self, request, key):
        scope, definition = self.prepare()
        form = RuleOverrideForm(request.POST, definition=definition)
        if form.is_valid():
            try:
                rule_override_set(
                    actor=request.user,
                    school=scope,
                    key=key,
                    value=form.cleaned_data["value"],
                    source=form.cleaned_data["source"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(reverse("core:rule_detail", kwargs={"key": key}))
        return self.render_form(form, scope, definition, rule_row(key=key, scope=scope), status=400)


class RuleClearView(RuleViewMixin, View):
    """Remove the active scope's own value: the next node up (or the national default) applies."""

    def post(self, request, key):
        scope = self.scope_or_403()
        self.definition_or_404()
        if not self.can_manage(scope):
            raise PermissionDenied
        try:
            rule_override_clear(actor=request.user, school=scope, key=key)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The value of %(school)s was removed.") % {"school": scope})
        return redirect(reverse("core:rule_detail", kwargs={"key": key}))


KEY_PATTERN = r"(?P<key>[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"

# Mounted by houqin/core/urls.py (URL names core:rule_list, rule_detail, rule_edit, rule_clear).
urlpatterns = [
    re_path(r"^rules/$", RuleListView.as_view(), name="rule_list"),
    re_path(rf"^rules/{KEY_PATTERN}/$", RuleDetailView.as_view(), name="rule_detail"),
    re_path(rf"^rules/{KEY_PATTERN}/edit/$", RuleEditView.as_view(), name="rule_edit"),
    re_path(rf"^rules/{KEY_PATTERN}/clear/$", RuleClearView.as_view(), name="rule_clear"),
]
