"""Pages of the asset card: the card with its value and whole life, and its operations."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import access
from houqin.core.permissions import model_perm
from houqin.core.selectors.approvals import approval_request_for_document
from houqin.core.views.generic import ObjectDetailView

from .. import permissions as perms
from ..choices import (
    DISPOSABLE,
    LENDABLE,
    MANUAL,
    MOVABLE,
    OFF_BOOKS,
    OPEN_INCIDENT,
    TRANSFERABLE,
    AssetStatus,
    LoanStatus,
)
from ..forms import IncidentReportForm, LendForm, MoveForm, SplitForm, StatusForm
from ..models import Asset, AssetEvent
from ..selectors import ASSET_LIST_RELATED, asset_timeline, change_rows
from ..services.assets import asset_move, asset_set_status, asset_split
from ..services.incidents import REPORTABLE, incident_report, may_report
from ..services.loans import asset_lend
from .base import ActionView


class AssetDetailView(ObjectDetailView):
    """The card: details, value today, place and keeper, what is out on loan or wrong with it,
    and its whole life (its events, and those of the batch it was split from)."""

    def extra_context(self, obj):
        user = self.request.user
        school = obj.school
        today = timezone.localdate()
        on_books = obj.status not in OFF_BOOKS
        can = {
            "move": on_books and obj.status in MOVABLE and access.has_perm(user, perms.MOVE, school),
            "split": on_books
            and obj.is_batch
            and obj.quantity > 1
            and access.has_perm(user, perms.MOVE, school),
            "status": obj.status in MANUAL and access.has_perm(user, perms.MOVE, school),
            "lend": obj.status in LENDABLE and access.has_perm(user, perms.LEND, school),
            "report": any(obj.status in states for states in REPORTABLE.values()) and may_report(user, obj),
            "dispose": obj.status in DISPOSABLE and access.has_perm(user, perms.DISPOSE, school),
            "transfer": obj.status in TRANSFERABLE and access.has_perm(user, perms.TRANSFER, school),
            "correct": access.has_perm(user, perms.CORRECT, school),
            "loans": access.has_perm(user, model_perm(obj.loans.model, "view"), school),
            "incidents": access.has_perm(user, model_perm(obj.incidents.model, "view"), school),
        }
        open_loan = obj.loans.filter(status=LoanStatus.OUT).select_related("borrower").first()
        incidents = (
            list(obj.incidents.filter(status__in=OPEN_INCIDENT).order_by("-occurred_on"))
            if can["incidents"]
            else []
        )
        pending = None
        line = obj.disposal_lines.select_related("disposal").order_by("-pk").first()
        if obj.status == AssetStatus.AWAITING_DISPOSAL and line is not None:
            pending = approval_request_for_document(line.disposal)
        return {
            "value": obj.book_value(today),
            "today": today,
            "timeline": asset_timeline(obj, user=user),
            "can": can,
            "open_loan": open_loan,
            "open_incidents": incidents,
            "pending_request": pending,
            "disposal_line": line,
            "offspring": Asset.objects.for_user(user).filter(origin=obj).order_by("pk"),
        }


class AssetActionView(ActionView):
    model = Asset
    select_related = ASSET_LIST_RELATED

    def form_kwargs(self, obj):
        return {"user": self.request.user, "asset": obj}


class AssetMoveView(AssetActionView):
    """Move a card (or part of a batch) to another room or department, or another keeper."""

    form_class = MoveForm
    perm = perms.MOVE

    def get_title(self, obj):
        return _("Move or reassign %(asset)s") % {"asset": obj}

    def perform(self, form, obj):
        changes = form.changes()
        return asset_move(
            actor=self.request.user,
            asset=obj,
            quantity=form.cleaned_data.get("quantity") if obj.is_batch else None,
            occurred_on=form.cleaned_data.get("occurred_on"),
            note=form.cleaned_data.get("note", ""),
            **changes,
        )

    def success_message(self, result):
        return _("Moved: %(asset)s.") % {"asset": result}


class AssetSplitView(AssetActionView):
    form_class = SplitForm
    perm = perms.MOVE

    def form_kwargs(self, obj):
        return {}

    def get_title(self, obj):
        return _("Split %(asset)s") % {"asset": obj}

    def perform(self, form, obj):
        return asset_split(actor=self.request.user, asset=obj, quantity=form.cleaned_data["quantity"])

    def success_message(self, result):
        return _("Split off: %(asset)s.") % {"asset": result}


class AssetStatusView(AssetActionView):
    form_class = StatusForm
    perm = perms.MOVE

    def form_kwargs(self, obj):
        return {"initial": {"status": obj.status, "condition": obj.condition}}

    def get_title(self, obj):
        return _("Status of %(asset)s") % {"asset": obj}

    def perform(self, form, obj):
        data = form.cleaned_data
        return asset_set_status(
            actor=self.request.user,
            asset=obj,
            status=data["status"] if data["status"] != obj.status else None,
            condition=data["condition"] if data["condition"] != obj.condition else None,
            note=data.get("note", ""),
        )


class AssetLendView(AssetActionView):
    """Lend a card to a person, or issue it to a department or class for the semester."""

    form_class = LendForm
    perm = perms.LEND

    def form_kwargs(self, obj):
        kwargs = super().form_kwargs(obj)
        kind = self.request.GET.get("kind")
        if kind:
            kwargs["initial"] = {"kind": kind}
        return kwargs

    def get_title(self, obj):
        return _("Lend or issue %(asset)s") % {"asset": obj}

    def perform(self, form, obj):
        data = dict(form.cleaned_data)
        if not obj.is_batch:
            data.pop("quantity", None)
        return asset_lend(actor=self.request.user, asset=obj, **data)

    def success_message(self, result):
        return _("Lent: %(loan)s.") % {"loan": result}


class AssetReportView(AssetActionView):
    """Report damage, loss or theft, with photos. The custodian, the user and the room's
    responsible person may report on what they keep; the office on everything."""

    form_class = IncidentReportForm

    def check(self, obj):
        if not may_report(self.request.user, obj):
            raise PermissionDenied

    def form_kwargs(self, obj):
        return {"asset": obj}

    def get_title(self, obj):
        return _("Report damage, loss or theft of %(asset)s") % {"asset": obj}

    def perform(self, form, obj):
        data = form.cleaned_data
        incident = incident_report(
            actor=self.request.user,
            asset=obj,
            kind=data["kind"],
            quantity=data.get("quantity") if obj.is_batch else None,
            occurred_on=data.get("occurred_on"),
            description=data["description"],
            responsible_party=data.get("responsible_party", ""),
            photos=data.get("photos") or [],
        )
        self.incident = incident
        if access.has_perm(self.request.user, model_perm(type(incident), "view"), incident.school):
            return incident
        return incident.asset

    def success_message(self, result):
        return _("Reported: %(incident)s.") % {"incident": self.incident}


class AssetDisposeView(AssetActionView):
    """From the card to the disposal form with this card chosen."""

    perm = perms.DISPOSE

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check(obj)
        return redirect(f"{reverse('assets:disposal_add')}?assets={obj.pk}")

    post = get


class AssetTransferView(AssetDisposeView):
    perm = perms.TRANSFER

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check(obj)
        return redirect(f"{reverse('assets:transfer_add')}?assets={obj.pk}")

    post = get


class AssetEventDetailView(ObjectDetailView):
    """One ledger entry, with the correction that reverses it (or the button to write one)."""

    def fields(self, obj):
        names = [
            "occurred_on",
            "kind",
            "asset",
            "quantity",
            "quantity_after",
            "from_room",
            "to_room",
            "status_before",
            "status_after",
            "amount",
            "related_asset",
            "loan",
            "incident",
            "disposal",
            "transfer",
            "reverses",
            "actor",
            "note",
        ]
        out = []
        for name in names:
            field = AssetEvent._meta.get_field(name)
            display = getattr(obj, f"get_{name}_display", None)
            out.append((field.verbose_name, display() if display else getattr(obj, name)))
        return out

    def extra_context(self, obj):
        user = self.request.user
        from ..services.assets import REVERSIBLE

        corrected_by = obj.reversed_by.first()
        return {
            "change_rows": change_rows(obj),
            "corrected_by": corrected_by,
            "can_correct": obj.kind in REVERSIBLE
            and corrected_by is None
            and access.has_perm(user, perms.CORRECT, obj.school),
        }
