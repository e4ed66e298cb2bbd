"""Pages of the ledger import: upload a ledger, the import's page (the mapping, the dry run's
findings, the commit, then the cards registered), and the uploaded file.

Every page works on the active school (upload) or on an import the user may see (the rest):
another school's import is a 404. Uploading, re-mapping and committing need the permission to
add assets at the import's school, as registering a card does.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from houqin.core import access
from houqin.core.views.attachments import FILE_CSP
from houqin.core.views.generic import ObjectDetailView, ScopedViewMixin, apply_validation_error

from ..choices import AssetClass, Tracking
from ..forms_imports import LedgerUploadForm, MappingForm
from ..models import AssetImport
from ..services.imports import (
    ADD,
    asset_import_cards,
    asset_import_commit,
    asset_import_remap,
    asset_import_upload,
    field_label,
    mapping_missing,
)

CARDS_PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _messages_of(exc):
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return exc.messages


class AssetImportAddView(ScopedViewMixin, View):
    """导入资产台账: upload a ledger to the active school; the import's page shows the dry run."""

    model = AssetImport
    template_name = "assets/import_upload.html"

    def school(self):
        scope = self.scope_or_403()
        if not access.has_perm(self.request.user, ADD, scope):
            raise PermissionDenied
        return scope

    def render_form(self, form, school, status=200):
        return render(self.request, self.template_name, {"form": form, "school": school}, status=status)

    def get(self, request, *args, **kwargs):
        school = self.school()
        return self.render_form(LedgerUploadForm(), school)

    def post(self, request, *args, **kwargs):
        school = self.school()
        form = LedgerUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                asset_import = asset_import_upload(
                    actor=request.user, school=school, uploaded_file=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s was read and checked; nothing is registered yet.") % {"name": asset_import},
                )
                return redirect(asset_import.get_absolute_url())
        return self.render_form(form, school, status=400)


class AssetImportDetailView(ObjectDetailView):
    """The import: its mapping (changeable until it is committed), the dry run's counts, first
    cards, skipped rows and errors, the commit button; once committed, the cards registered."""

    def extra_context(self, obj):
        user = self.request.user
        may_add = access.has_perm(user, ADD, obj.school)
        report = obj.report or {}
        missing = report.get("missing") or mapping_missing(obj.mapping)
        fields_of = {int(index): field_label(name) for name, index in (obj.mapping or {}).items()}
        ctx = {
            "report": report,
            "missing": missing,
            "may_add": may_add,
            "can_commit": may_add
            and not obj.is_committed
            and not missing
            and obj.error_count == 0
            and obj.card_count > 0,
            "columns": [
                {**c, "field_label": fields_of.get(c["index"], "")} for c in obj.layout.get("columns", [])
            ],
            "sample": [
                {
                    **row,
                    "asset_class": AssetClass(row["asset_class"]).label,
                    "tracking": Tracking(row["tracking"]).label,
                }
                for row in report.get("sample", [])
            ],
            "errors": [
                {**e, "field_label": field_label(e["field"]) if e["field"] else ""}
                for e in report.get("errors", [])
            ],
            "error_summary": [
                {**e, "field_label": field_label(e["field"]) if e["field"] else ""}
                for e in report.get("summary", [])
            ],
        }
        if may_add and not obj.is_committed:
            ctx["mapping_form"] = MappingForm(asset_import=obj)
        if obj.is_committed:
            page = Paginator(asset_import_cards(obj), CARDS_PER_PAGE).get_page(self.request.GET.get("page"))
            ctx["cards"] = page
        return ctx


class _ImportAction(ScopedViewMixin, View):
    """A POST on one import of the user's schools, by someone who may add assets there."""

    model = AssetImport

    def get_import(self):
        asset_import = self.get_object()
        if not access.has_perm(self.request.user, ADD, asset_import.school):
            raise PermissionDenied
        return asset_import


class AssetImportMappingView(_ImportAction):
    """POST: the mapping form; the ledger is checked again with it."""

    def post(self, request, *args, **kwargs):
        asset_import = self.get_import()
        form = MappingForm(request.POST, asset_import=asset_import)
        if form.is_valid():
            try:
                asset_import_remap(actor=request.user, asset_import=asset_import, mapping=form.mapping())
            except ValidationError as exc:
                for message in _messages_of(exc):
                    messages.error(request, message)
            else:
                messages.success(request, _("Checked again with this mapping."))
        else:
            messages.error(request, _("Choose each field's column from its list."))
        return redirect(asset_import.get_absolute_url())


class AssetImportCommitView(_ImportAction):
    """POST: register every row, or none."""

    def post(self, request, *args, **kwargs):
        asset_import = self.get_import()
        try:
            asset_import = asset_import_commit(actor=request.user, asset_import=asset_import)
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(n)s cards registered, %(amount)s yuan in all.")
                % {"n": asset_import.card_count, "amount": asset_import.total_amount},
            )
        return redirect(asset_import.get_absolute_url())


class AssetImportFileView(ScopedViewMixin, View):
    """The uploaded ledger itself, as a download."""

    model = AssetImport

    def get(self, request, *args, **kwargs):
        asset_import = self.get_object()
        self.check_perm("view", asset_import.school)
        try:
            fh = asset_import.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404
        response = FileResponse(fh, as_attachment=True, filename=asset_import.file_name, content_type=XLSX)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = FILE_CSP
        response["Cache-Control"] = "private, no-cache"
        return response
