"""The asset register's report pages, each with its xlsx export (?export=xlsx): the ledger
summary, the intact rate, the classes' care of their rooms' property over a semester and the
district totals. All read the active scope through houqin.assets.selectors_reports."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from houqin.core import access
from houqin.core.exports import rows_to_xlsx
from houqin.core.views.generic import ScopedViewMixin

from ..forms_reports import LedgerForm, LevelForm, SemesterForm
from ..models import Asset, AssetIncident
from ..selectors_reports import (
    CLASS_CARE_DEFINITION,
    GROUPINGS,
    INTACT_DEFINITION,
    class_care,
    district_totals,
    intact_rate,
    ledger_summary,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABS = (
    ("assets:report_ledger", gettext_lazy("Ledger summary")),
    ("assets:report_intact", gettext_lazy("Intact rate")),
    ("assets:report_class_care", gettext_lazy("Class care")),
    ("assets:report_district", gettext_lazy("District totals")),
)


class ReportView(ScopedViewMixin, View):
    """Checks the model's view permission at the active scope, renders the page or, with
    ?export=xlsx and the export right, the workbook."""

    model = Asset
    template_name = ""
    url_name = ""

    def report_context(self, scope):
        raise NotImplementedError

    def workbook(self, ctx):
        """(file name, sheet title, headers, rows) of the export."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        scope = self.scope_or_403()
        self.check_perm("view", scope)
        can_export = access.has_perm(request.user, "core.export", scope)
        ctx = {"scope": scope, **self.report_context(scope)}
        if request.GET.get("export") == "xlsx":
            if not can_export:
                raise PermissionDenied
            name, title, headers, rows = self.workbook(ctx)
            response = HttpResponse(rows_to_xlsx(title, headers, rows), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        query = request.GET.copy()
        query["export"] = "xlsx"
        ctx.update(
            can_export=can_export,
            export_query=query.urlencode(),
            tabs=[(reverse(name), label, name == self.url_name) for name, label in TABS],
            list_url=reverse("assets:asset_list"),
        )
        return render(request, self.template_name, ctx)


def _money_columns():
    return [
        _("Cards"),
        _("Quantity"),
        _("Original value (yuan)"),
        _("Net book value (yuan)"),
    ]


def _money_cells(f):
    return [f.cards, f.quantity, f.original, f.net]


class LedgerReportView(ReportView):
    """资产台账汇总 by category, room, department or school."""

    template_name = "assets/report_ledger.html"
    url_name = "assets:report_ledger"

    def report_context(self, scope):
        form = LedgerForm(self.request.GET or None)
        by, level = form.by_or_default(), form.level_or_default()
        report = ledger_summary(user=self.request.user, scope=scope, by=by, level=level)
        return {"form": form, "report": report, "by_label": GROUPINGS[by]}

    def workbook(self, ctx):
        report, scope = ctx["report"], ctx["scope"]
        headers = [ctx["by_label"]]
        if report.by == "category":
            headers = [_("Code"), _("Category")]
        elif report.by in ("room", "department"):
            headers.append(_("School"))
        headers += _money_columns()
        rows = []
        for row in report.rows:
            lead = [row.code, row.label] if report.by == "category" else [row.label]
            if report.by in ("room", "department"):
                lead.append(row.school)
            rows.append([*lead, *_money_cells(row.figures)])
        pad = len(headers) - 4
        rows.append([_("Total"), *[""] * (pad - 1), *_money_cells(report.total)])
        title = _("Ledger summary")
        name = f"assets-ledger-{report.by}-{scope.pk}-{report.as_of.isoformat()}"
        return name, title, headers, rows


class IntactReportView(ReportView):
    """完好率 by category."""

    template_name = "assets/report_intact.html"
    url_name = "assets:report_intact"

    def report_context(self, scope):
        form = LevelForm(self.request.GET or None)
        report = intact_rate(user=self.request.user, scope=scope, level=form.level_or_default())
        return {"form": form, "report": report, "definition": INTACT_DEFINITION}

    def workbook(self, ctx):
        report, scope = ctx["report"], ctx["scope"]
        headers = [
            _("Code"),
            _("Category"),
            _("Quantity on the books"),
            _("Intact"),
            _("Damaged or under repair"),
            _("Beyond repair"),
            _("Lost"),
            _("Intact rate (%)"),
        ]

        def cells(f):
            return [f.quantity, f.intact, f.damaged, f.beyond_repair, f.lost, f.intact_rate]

        rows = [[row.code, row.label, *cells(row.figures)] for row in report.rows]
        rows.append([_("Total"), "", *cells(report.total)])
        rows.append([])
        rows.append([str(INTACT_DEFINITION)])
        name = f"assets-intact-{scope.pk}-{report.as_of.isoformat()}"
        return name, _("Intact rate"), headers, rows


class ClassCareReportView(ReportView):
    """班级财产爱护: damage, loss and theft per class over a semester, ranked."""

    model = AssetIncident
    template_name = "assets/report_class_care.html"
    url_name = "assets:report_class_care"

    def report_context(self, scope):
        user = self.request.user
        form = SemesterForm(self.request.GET or None, user=user, scope=scope)
        semester = form.semester_or_default()
        if not self.request.GET:
            form = SemesterForm(initial={"semester": semester}, user=user, scope=scope)
        report = class_care(user=user, scope=scope, semester=semester)
        return {"form": form, "report": report, "definition": CLASS_CARE_DEFINITION}

    def workbook(self, ctx):
        report, scope = ctx["report"], ctx["scope"]
        headers = [
            _("Rank"),
            _("School"),
            _("Class"),
            _("Room"),
            _("Class head"),
            _("Incidents"),
            _("Damage"),
            _("Loss or theft"),
            _("Quantity"),
            _("Value (yuan)"),
            _("Compensation paid (yuan)"),
        ]

        def cells(r):
            return [r.incidents, r.damages, r.losses, r.items, r.value, r.compensation]

        rows = [
            [
                r.rank,
                r.school.name,
                r.class_name,
                str(r.room),
                r.head.display_name if r.head else "",
                *cells(r),
            ]
            for r in report.rows
        ]
        if report.other is not None and report.other.incidents:
            rows.append(["", "", _("Other rooms or no room"), "", "", *cells(report.other)])
        if report.total is not None:
            rows.append(["", "", _("Total"), "", "", *cells(report.total)])
        semester = report.semester
        rows.append([])
        rows.append([str(semester) if semester else _("No semester is set up.")])
        rows.append([str(CLASS_CARE_DEFINITION)])
        name = (
            f"assets-class-care-{scope.pk}-{semester.school_year}-{semester.term}"
            if semester
            else (f"assets-class-care-{scope.pk}")
        )
        return name, _("Class care"), headers, rows


class DistrictReportView(ReportView):
    """One row per school under the active scope (a central school), and the district total."""

    template_name = "assets/report_district.html"
    url_name = "assets:report_district"

    def report_context(self, scope):
        report = district_totals(user=self.request.user, scope=scope)
        return {"report": report, "definition": INTACT_DEFINITION}

    def workbook(self, ctx):
        report, scope = ctx["report"], ctx["scope"]
        headers = [_("School"), *_money_columns(), _("Intact"), _("Intact rate (%)")]
        rows = [
            [row.label, *_money_cells(row.figures), row.figures.intact, row.figures.intact_rate]
            for row in report.rows
        ]
        rows.append([_("Total"), *_money_cells(report.total), report.total.intact, report.total.intact_rate])
        name = f"assets-district-{scope.pk}-{report.as_of.isoformat()}"
        return name, _("District totals"), headers, rows
