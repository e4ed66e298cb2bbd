"""Item, store, balance and movement pages: the stock list, receiving, issuing, transfers, counts,
returns and reversals."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from houqin.core import access
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import ObjectDetailView, ScopedViewMixin, apply_validation_error

from ..choices import MovementKind
from ..forms import AdjustForm, IssueForm, ReceiveForm, ReturnForm, ReverseForm, TransferForm
from ..models import StockBalance, StockMovement
from ..permissions import ADJUST, ISSUE, RECEIVE, TRANSFER
from ..selectors import issue_returnable, item_totals, lots_of, movements_of_balance
from ..services.stock import (
    stock_adjust,
    stock_issue,
    stock_receive,
    stock_return,
    stock_reverse,
    stock_transfer,
)
from ..tables import StockBalanceTable


class ItemDetailView(ObjectDetailView):
    def extra_context(self, obj):
        quantity, value = item_totals(item=obj)
        balances = list(obj.balances.select_related("store").order_by("store__name"))
        return {"balances": balances, "total_quantity": quantity, "total_value": value}


class StoreDetailView(ObjectDetailView):
    """The store and its stock list (one indexed read of the balances, paginated)."""

    def extra_context(self, obj):
        rows = obj.balances.select_related("item", "store", "school").order_by(
            "item__category", "item__name", "item__spec"
        )
        table = StockBalanceTable(rows, request=self.request, exclude=("store", "school"))
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        return {
            "stock_table": table,
            "can_receive": access.has_perm(self.request.user, RECEIVE, obj.school) and obj.is_active,
        }


class StoreReceiveView(ScopedViewMixin, View):
    """Book goods into the store (入库): a form, then the balance's page."""

    template_name = "supplies/receive.html"

    def _prepare(self):
        store = self.get_object()
        if not access.has_perm(self.request.user, RECEIVE, store.school):
            raise PermissionDenied
        return store

    def render_form(self, store, form, status=200):
        return render(self.request, self.template_name, {"object": store, "form": form}, status=status)

    def get(self, request, *args, **kwargs):
        store = self._prepare()
        initial = {}
        if request.GET.get("item", "").isdecimal():
            initial["item"] = int(request.GET["item"])
        form = ReceiveForm(user=request.user, school=store.school, initial=initial)
        return self.render_form(store, form)

    def post(self, request, *args, **kwargs):
        store = self._prepare()
        form = ReceiveForm(request.POST, user=request.user, school=store.school)
        if form.is_valid():
            data = form.cleaned_data
            try:
                movement = stock_receive(
                    school=store.school,
                    item=data["item"],
                    store=store,
                    quantity=data["quantity"],
                    unit_cost=data["unit_cost"],
                    actor=request.user,
                    lot=data["lot"],
                    expiry_date=data["expiry_date"],
                    reference=data["reference"],
                    note=data["note"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Received: %(movement)s.") % {"movement": movement})
                return redirect(movement.balance.get_absolute_url())
        return self.render_form(store, form, status=400)


class BalanceDetailView(ObjectDetailView):
    """One item in one store: lots, the ledger, and the storekeeper's forms."""

    def extra_context(self, obj):
        user, school = self.request.user, obj.school
        ctx = {
            "lots": lots_of(obj),
            "movements": movements_of_balance(obj),
            "can_issue": access.has_perm(user, ISSUE, school) and obj.quantity > 0,
            "can_transfer": access.has_perm(user, TRANSFER, school) and obj.quantity > 0,
            "can_adjust": access.has_perm(user, ADJUST, school),
            "can_receive": access.has_perm(user, RECEIVE, school) and obj.store.is_active,
        }
        if ctx["can_issue"]:
            ctx["issue_form"] = IssueForm(user=user, school=school, auto_id="issue_%s")
        if ctx["can_transfer"]:
            ctx["transfer_form"] = TransferForm(
                user=user, school=school, exclude_store=obj.store, auto_id="transfer_%s"
            )
        if ctx["can_adjust"]:
            ctx["adjust_form"] = AdjustForm(
                user=user,
                school=school,
                initial={"counted": format(obj.quantity.normalize(), "f")},
                auto_id="adjust_%s",
            )
        return ctx


class BalanceActionView(ObjectActionView):
    model = StockBalance

    def get_form(self, obj):
        return self.form_class(self.request.POST, user=self.request.user, school=obj.school)


class BalanceIssueView(BalanceActionView):
    perm = ISSUE
    form_class = IssueForm

    def perform(self, obj, data):
        movement = stock_issue(
            school=obj.school,
            item=obj.item,
            store=obj.store,
            quantity=data["quantity"],
            issued_to=data["issued_to"],
            actor=self.request.user,
            department=data["department"],
            room=data["room"],
            reference=data["reference"],
            note=data["note"],
        )
        self.success_message = _("Issued: %(movement)s.") % {"movement": movement}


class BalanceTransferView(BalanceActionView):
    perm = TRANSFER
    form_class = TransferForm

    def get_form(self, obj):
        return TransferForm(
            self.request.POST, user=self.request.user, school=obj.school, exclude_store=obj.store
        )

    def perform(self, obj, data):
        out, inbound = stock_transfer(
            school=obj.school,
            item=obj.item,
            from_store=obj.store,
            to_store=data["to_store"],
            quantity=data["quantity"],
            actor=self.request.user,
            reference=data["reference"],
        )
        self.success_message = _("Transferred to %(store)s.") % {"store": inbound.store}


class BalanceAdjustView(BalanceActionView):
    perm = ADJUST
    form_class = AdjustForm

    def perform(self, obj, data):
        movement = stock_adjust(
            school=obj.school,
            item=obj.item,
            store=obj.store,
            counted=data["counted"],
            actor=self.request.user,
            reason=data["reason"],
            unit_cost=data["unit_cost"],
            lot=data["lot"],
            expiry_date=data["expiry_date"],
        )
        self.success_message = _("Recorded: %(movement)s.") % {"movement": movement}


class MovementDetailView(ObjectDetailView):
    def extra_context(self, obj):
        user, school = self.request.user, obj.school
        reversed_by = StockMovement.objects.filter(reverses=obj).first()
        can_return = obj.kind == MovementKind.ISSUE and access.has_perm(user, ISSUE, school)
        returnable = issue_returnable(obj) if can_return else None
        can_reverse = (
            obj.kind not in (MovementKind.ISSUE, MovementKind.REVERSAL)
            and reversed_by is None
            and access.has_perm(user, ADJUST, school)
        )
        return {
            "lot_lines": list(obj.lot_lines.select_related("lot").order_by("pk")),
            "reversed_by": reversed_by,
            "returns": list(obj.returns.order_by("pk")) if obj.kind == MovementKind.ISSUE else [],
            "can_return": bool(returnable),
            "returnable": returnable,
            "return_form": ReturnForm(initial={"quantity": returnable}, auto_id="return_%s")
            if returnable
            else None,
            "can_reverse": can_reverse,
            "reverse_form": ReverseForm(auto_id="reverse_%s") if can_reverse else None,
        }


class MovementReturnView(ObjectActionView):
    model = StockMovement
    perm = ISSUE
    form_class = ReturnForm

    def perform(self, obj, data):
        movement = stock_return(
            issue=obj, quantity=data["quantity"], actor=self.request.user, reason=data["reason"]
        )
        self.success_message = _("Returned to the store: %(movement)s.") % {"movement": movement}


class MovementReverseView(ObjectActionView):
    model = StockMovement
    perm = ADJUST
    form_class = ReverseForm

    def perform(self, obj, data):
        reversal = stock_reverse(movement=obj, actor=self.request.user, reason=data["reason"])
        self.success_message = _("Reversed: %(movement)s.") % {"movement": reversal}
