"""Work order pages: the order with its materials and photos, and the worker's actions on a
phone: start, add a material, add photos, complete. "My jobs" lists the worker's queue."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from houqin.core import access
from houqin.core.views.actions import NoForm, ObjectActionView
from houqin.core.views.generic import ObjectDetailView, ScopedViewMixin
from houqin.supplies.selectors import balances_in_stock

from ..choices import OPEN_ORDER_STATUSES, OrderStatus
from ..forms import AssignForm, CompleteForm, MaterialForm, PhotoForm, StoreMaterialForm
from ..models import WorkOrder, WorkOrderMaterial, WorkOrderPhoto
from ..permissions import ASSIGN, WORK
from ..selectors import request_events, worker_orders, workers_for
from ..services.orders import (
    work_order_assign,
    work_order_complete,
    work_order_material_add,
    work_order_material_remove,
    work_order_material_take,
    work_order_photo_add,
    work_order_start,
)


class WorkOrderDetailView(ObjectDetailView):
    def extra_context(self, obj):
        user = self.request.user
        unfinished = obj.status in OPEN_ORDER_STATUSES
        can_work = access.has_perm(user, WORK, obj.school)
        ctx = {
            "request_obj": obj.request,
            "materials": list(obj.materials.select_related("added_by", "stock_movement__store")),
            "photos": list(WorkOrderPhoto.objects.filter(order=obj).select_related("attachment")),
            "events": request_events(obj.request),
            "can_assign": unfinished and access.has_perm(user, ASSIGN, obj.school),
            "can_start": can_work and obj.status in (OrderStatus.OPEN, OrderStatus.ASSIGNED),
            "can_work": can_work and unfinished,
            "can_photo": can_work and obj.status != OrderStatus.CLOSED,
        }
        if ctx["can_assign"]:
            ctx["assign_form"] = AssignForm(
                workers=workers_for(obj.school),
                initial={
                    "assignee": obj.assignee_id,
                    "contractor_name": obj.contractor_name,
                    "contractor_phone": obj.contractor_phone,
                },
            )
        if ctx["can_work"]:
            ctx["material_form"] = MaterialForm()
            balances = balances_in_stock(school=obj.school)
            if balances.exists():
                ctx["store_form"] = StoreMaterialForm(balances=balances)
            ctx["complete_form"] = CompleteForm(
                initial={"labour_hours": obj.labour_hours, "labour_cost": obj.labour_cost}
            )
        if ctx["can_photo"]:
            ctx["photo_form"] = PhotoForm()
        return ctx


class WorkOrderAssignView(ObjectActionView):
    perm = ASSIGN

    def get_form(self, obj):
        return AssignForm(self.request.POST, workers=workers_for(obj.school))

    def perform(self, obj, data):
        work_order_assign(
            actor=self.request.user,
            order=obj,
            assignee=data["assignee"],
            contractor_name=data["contractor_name"],
            contractor_phone=data["contractor_phone"],
        )
        self.success_message = _("Assigned to %(worker)s.") % {
            "worker": data["assignee"].display_name if data["assignee"] else data["contractor_name"]
        }


class WorkOrderStartView(ObjectActionView):
    perm = WORK
    form_class = NoForm

    def perform(self, obj, data):
        work_order_start(actor=self.request.user, order=obj)
        self.success_message = _("Started.")


class WorkOrderMaterialView(ObjectActionView):
    perm = WORK
    form_class = MaterialForm

    def perform(self, obj, data):
        line = work_order_material_add(
            actor=self.request.user,
            order=obj,
            item_name=data["item_name"],
            quantity=data["quantity"],
            unit=data["unit"],
            unit_cost=data["unit_cost"],
        )
        self.success_message = _("Recorded: %(line)s.") % {"line": line}


class WorkOrderMaterialTakeView(ObjectActionView):
    perm = WORK

    def get_form(self, obj):
        return StoreMaterialForm(self.request.POST, balances=balances_in_stock(school=obj.school))

    def perform(self, obj, data):
        line = work_order_material_take(
            actor=self.request.user, order=obj, balance=data["balance"], quantity=data["quantity"]
        )
        self.success_message = _("Taken from %(store)s: %(line)s.") % {
            "store": line.stock_movement.store.name,
            "line": line,
        }


class WorkOrderMaterialRemoveView(ObjectActionView):
    perm = WORK
    form_class = NoForm

    def perform(self, obj, data):
        line_id = self.request.POST.get("line", "")
        line = WorkOrderMaterial.objects.filter(
            order=obj, pk=int(line_id) if line_id.isdecimal() else 0
        ).first()
        if line is None:
            raise ValidationError(_("Choose a material line of this order."))
        work_order_material_remove(actor=self.request.user, line=line)
        self.success_message = _("Removed: %(line)s.") % {"line": line}


class WorkOrderPhotoView(ObjectActionView):
    perm = WORK
    form_class = PhotoForm

    def perform(self, obj, data):
        marks = work_order_photo_add(
            actor=self.request.user, order=obj, photos=data["photos"], phase=data["phase"]
        )
        self.success_message = _("%(n)s photo(s) added.") % {"n": len(marks)}


class WorkOrderCompleteView(ObjectActionView):
    perm = WORK
    form_class = CompleteForm

    def perform(self, obj, data):
        work_order_complete(
            actor=self.request.user,
            order=obj,
            labour_hours=data["labour_hours"],
            labour_cost=data["labour_cost"],
            note=data["note"],
        )
        self.success_message = _("Completed; the reporter is asked to confirm.")


class MyOrdersView(ScopedViewMixin, View):
    """The worker's queue: their unfinished orders, most urgent due first."""

    model = WorkOrder

    def get(self, request, *args, **kwargs):
        scope = self.scope_or_403()
        self.check_perm("view", scope)
        rows = list(worker_orders(user=request.user, scope=scope)[:200])
        return render(request, "maintenance/my_orders.html", {"rows": rows, "scope": scope})
