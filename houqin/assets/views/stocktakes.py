"""Stocktake pages: the plans, a plan's progress and discrepancies, the phone counting page of
one room, closing, and the reconciliation report (page and xlsx).

Every route is keyed by the stocktake's pk (the room and the line come as parameters and are
looked up inside the stocktake), so scoping is the stocktake's: another school's plan is a 404.

Counting without a camera library: the counting page has one text box, focused, that takes what
a scanner gives — a handheld barcode/QR scanner types the code and Enter, a phone's own QR app
copies the card's URL to paste — and posts it with htmx; the card's URL or its printed number
both name the card (services.stocktakes.find_card).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from houqin.core import access
from houqin.core.exports import rows_to_xlsx
from houqin.core.models import Building, Room, User
from houqin.core.permissions import model_perm
from houqin.core.selectors.org import people_of_school
from houqin.core.views.generic import ScopedViewMixin, apply_validation_error

from ..models import AssetCategory, Stocktake, StocktakeLine
from ..models.stocktakes import Resolution
from ..selectors_stocktakes import (
    stocktake_discrepancies,
    stocktake_progress,
    stocktake_report,
    stocktake_totals,
)
from ..services import stocktakes as svc

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _perm(user, action, school):
    return access.has_perm(user, model_perm(Stocktake, action), school)


class StocktakeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)
    building = forms.ModelChoiceField(
        label=gettext_lazy("building"), queryset=Building.objects.none(), required=False
    )
    room = forms.ModelChoiceField(label=gettext_lazy("room"), queryset=Room.objects.none(), required=False)
    category = forms.ModelChoiceField(
        label=gettext_lazy("category"), queryset=AssetCategory.objects.none(), required=False
    )
    counters = forms.ModelMultipleChoiceField(
        label=gettext_lazy("counters"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counters"].queryset = people_of_school(school)
        self.fields["building"].queryset = Building.objects.filter(school=school)
        self.fields["room"].queryset = Room.objects.filter(school=school, is_active=True).select_related(
            "building"
        )
        self.fields["category"].queryset = AssetCategory.objects.available_to(school).order_by("code")


class SurplusForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("What was found"), max_length=100)
    category = forms.ModelChoiceField(label=gettext_lazy("category"), queryset=AssetCategory.objects.none())
    unit_price = forms.DecimalField(label=gettext_lazy("unit price (yuan)"), max_digits=14, decimal_places=2)
    quantity = forms.IntegerField(label=gettext_lazy("quantity"), min_value=1, initial=1)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = AssetCategory.objects.available_to(school).order_by("code")


class StocktakeMixin(ScopedViewMixin):
    model = Stocktake
    action = "view"

    def get_object(self):
        qs = Stocktake.objects.for_user(self.request.user).select_related(
            "school", "building", "room", "category", "approval_request"
        )
        stocktake = get_object_or_404(qs, pk=self.kwargs["pk"])
        if not _perm(self.request.user, self.action, stocktake.school):
            raise PermissionDenied
        return stocktake

    def line(self, stocktake, value):
        try:
            return StocktakeLine.objects.select_related("stocktake__school").get(
                stocktake=stocktake, pk=int(value)
            )
        except (TypeError, ValueError, StocktakeLine.DoesNotExist):
            raise Http404 from None


class StocktakeListView(ScopedViewMixin, View):
    model = Stocktake

    def get(self, request, *args, **kwargs):
        scope = self.scope_or_403()
        if not _perm(request.user, "view", scope):
            raise PermissionDenied
        plans = Stocktake.objects.for_user(request.user).in_scope(scope).select_related("school")
        return render(
            request,
            "assets/stocktake_list.html",
            {"plans": plans, "scope": scope, "can_add": _perm(request.user, "add", scope)},
        )


class StocktakeAddView(ScopedViewMixin, View):
    model = Stocktake

    def school(self):
        scope = self.scope_or_403()
        if not _perm(self.request.user, "add", scope):
            raise PermissionDenied
        return scope

    def render_form(self, form, status=200):
        return render(self.request, "assets/stocktake_form.html", {"form": form}, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_form(StocktakeForm(school=self.school()))

    def post(self, request, *args, **kwargs):
        school = self.school()
        form = StocktakeForm(request.POST, school=school)
        if form.is_valid():
            try:
                stocktake = svc.stocktake_create(actor=request.user, school=school, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Stocktake created with %(n)s cards to count.") % {"n": stocktake.lines.count()},
                )
                return redirect(stocktake.get_absolute_url())
        return self.render_form(form, status=400)


class StocktakeDetailView(StocktakeMixin, View):
    """Progress per room (live with htmx), the totals, the discrepancies to resolve, close."""

    def get(self, request, *args, **kwargs):
        stocktake = self.get_object()
        ctx = {
            "stocktake": stocktake,
            "object": stocktake,
            "progress": stocktake_progress(stocktake),
            "totals": stocktake_totals(stocktake),
            "discrepancies": stocktake_discrepancies(stocktake)[:500],
            "resolutions": Resolution.choices,
            "can_count": stocktake.is_open and _perm(request.user, "change", stocktake.school),
            "can_close": stocktake.is_open and _perm(request.user, "add", stocktake.school),
        }
        if request.htmx and request.GET.get("part") == "progress":
            return render(request, "assets/stocktake_detail.html#progress", ctx)
        return render(request, "assets/stocktake_detail.html", ctx)


class StocktakeCountView(StocktakeMixin, View):
    """The phone page of one room (?room=): its expected cards, a scan box, batch counts, and a
    form for something found without a card. Posts answer with the refreshed room panel."""

    action = "change"

    def room(self, stocktake, value):
        try:
            return Room.objects.select_related("building").get(school=stocktake.school, pk=int(value))
        except (TypeError, ValueError, Room.DoesNotExist):
            raise Http404 from None

    def context(self, stocktake, room, **extra):
        lines = (
            StocktakeLine.objects.filter(stocktake=stocktake)
            .filter(Q(room=room) | Q(found_room=room))
            .select_related("asset", "found_room__building")
        )
        progress = next((p for p in stocktake_progress(stocktake) if p["room_id"] == room.pk), None)
        return {
            "stocktake": stocktake,
            "object": stocktake,
            "room": room,
            "lines": lines.order_by("id"),
            "progress": progress,
            "surplus_form": extra.pop("surplus_form", None) or SurplusForm(school=stocktake.school),
            **extra,
        }

    def respond(self, stocktake, room, status=200, **extra):
        ctx = self.context(stocktake, room, **extra)
        if self.request.htmx:
            return render(self.request, "assets/stocktake_count.html#room", ctx)
        return render(self.request, "assets/stocktake_count.html", ctx, status=status)

    def get(self, request, *args, **kwargs):
        stocktake = self.get_object()
        if not request.GET.get("room"):
            # The rooms are chosen on the plan's page.
            return redirect(stocktake.get_absolute_url())
        return self.respond(stocktake, self.room(stocktake, request.GET.get("room")))

    def post(self, request, *args, **kwargs):
        stocktake = self.get_object()
        room = self.room(stocktake, request.GET.get("room") or request.POST.get("room"))
        op = request.POST.get("op")
        extra = {}
        try:
            if op == "scan":
                line = svc.stocktake_scan(
                    actor=request.user, stocktake=stocktake, room=room, code=request.POST.get("code")
                )
                extra["message"] = _("Counted: %(card)s") % {"card": line.asset}
            elif op == "count":
                line = self.line(stocktake, request.POST.get("line"))
                svc.stocktake_count(
                    actor=request.user, line=line, quantity=request.POST.get("quantity"), room=room
                )
                extra["message"] = _("Counted: %(card)s × %(n)s") % {
                    "card": line.asset,
                    "n": request.POST.get("quantity"),
                }
            elif op == "surplus":
                form = SurplusForm(request.POST, school=stocktake.school)
                if form.is_valid():
                    try:
                        svc.stocktake_add_surplus(
                            actor=request.user, stocktake=stocktake, room=room, **form.cleaned_data
                        )
                    except ValidationError as exc:
                        apply_validation_error(form, exc)
                        extra["surplus_form"] = form
                    else:
                        extra["message"] = _("Surplus recorded.")
                else:
                    extra["surplus_form"] = form
            else:
                raise Http404
        except ValidationError as exc:
            extra["errors"] = [m for ms in exc.message_dict.values() for m in ms]
        status = 400 if extra.get("errors") or "surplus_form" in extra else 200
        return self.respond(stocktake, room, status=status, **extra)


class StocktakeResolveView(StocktakeMixin, View):
    """POST line=, resolution= (or recount=1), note=: one discrepancy resolved."""

    action = "change"

    def post(self, request, *args, **kwargs):
        stocktake = self.get_object()
        line = self.line(stocktake, request.POST.get("line"))
        try:
            if request.POST.get("recount"):
                svc.stocktake_recount(actor=request.user, line=line)
            else:
                svc.stocktake_resolve(
                    actor=request.user,
                    line=line,
                    resolution=request.POST.get("resolution"),
                    note=request.POST.get("note", ""),
                )
        except ValidationError as exc:
            for ms in exc.message_dict.values():
                for m in ms:
                    messages.error(request, m)
        return redirect(stocktake.get_absolute_url())


class StocktakeCloseView(StocktakeMixin, View):
    action = "add"

    def post(self, request, *args, **kwargs):
        stocktake = self.get_object()
        try:
            stocktake = svc.stocktake_close(actor=request.user, stocktake=stocktake)
        except ValidationError as exc:
            for ms in exc.message_dict.values():
                for m in ms:
                    messages.error(request, m)
        else:
            messages.success(
                request, _("Submitted for approval as %(number)s.") % {"number": stocktake.number}
            )
        return redirect(stocktake.get_absolute_url())


class StocktakeReportView(StocktakeMixin, View):
    """Books vs counted by room and by category; ?export=xlsx for the spreadsheet."""

    def get(self, request, *args, **kwargs):
        stocktake = self.get_object()
        report = stocktake_report(stocktake)
        if request.GET.get("export") == "xlsx":
            if not access.has_perm(request.user, "core.export", stocktake.school):
                raise PermissionDenied  # as every other export
            response = HttpResponse(report_xlsx(stocktake, report), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="stocktake-{stocktake.pk}.xlsx"'
            return response
        return render(
            request, "assets/stocktake_report.html", {"stocktake": stocktake, "object": stocktake, **report}
        )


REPORT_HEADERS = (
    gettext_lazy("Books: quantity"),
    gettext_lazy("Books: value"),
    gettext_lazy("Counted: quantity"),
    gettext_lazy("Counted: value"),
    gettext_lazy("Difference: quantity"),
    gettext_lazy("Difference: value"),
)
REPORT_KEYS = (
    "expected_quantity",
    "expected_value",
    "counted_quantity",
    "counted_value",
    "quantity_difference",
    "value_difference",
)


def report_xlsx(stocktake, report):
    """One sheet: the rooms, the categories, then the totals and the matched rate."""
    rows = []
    for title, items in ((_("By room"), report["rooms"]), (_("By category"), report["categories"])):
        rows.append([title])
        rows.extend([row["label"], *(row[k] for k in REPORT_KEYS)] for row in items)
        rows.append([])
    t = report["totals"]
    rows.append(
        [
            _("Total"),
            t["expected_quantity"],
            t["expected_value"],
            t["counted_quantity"],
            t["counted_value"],
            t["counted_quantity"] - t["expected_quantity"],
            t["counted_value"] - t["expected_value"],
        ]
    )
    rows.append([_("Books and property agree (%)"), t["match_rate"]])
    return rows_to_xlsx(str(stocktake.name), ["", *map(str, REPORT_HEADERS)], rows)
