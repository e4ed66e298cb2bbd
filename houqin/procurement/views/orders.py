"""Order pages: the order with its deliveries; print (HTML) and Word (docx); cancel; and the
receiving inspection form, made for a phone held over the delivered goods."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from houqin.core import access
from houqin.core.permissions import model_perm
from houqin.core.views.generic import ObjectDetailView

from ..documents import inspection_docx, order_docx
from ..forms import InspectionForm, ReasonForm
from ..models import Inspection, PurchaseOrder
from ..selectors import requests_of_order
from ..services.inspections import inspection_record
from ..services.orders import purchase_order_cancel
from .base import ObjectActionView, ObjectFormView

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def order_context(order):
    lines = list(
        order.lines.select_related(
            "request_line__request", "request_line__item", "request_line__asset_category"
        ).order_by("request_line__position", "pk")
    )
    return {
        "lines": lines,
        "requests": requests_of_order(order),
        "buyers": order.buyers.order_by("full_name", "username"),
        "inspections": order.inspections.order_by("inspected_on", "pk"),
    }


class PurchaseOrderDetailView(ObjectDetailView):
    def extra_context(self, obj):
        user = self.request.user
        ctx = order_context(obj)
        ctx.update(
            can_inspect=obj.is_open and access.has_perm(user, model_perm(Inspection, "add"), obj.school),
            can_cancel=obj.is_open
            and not obj.inspections.exists()
            and access.has_perm(user, model_perm(PurchaseOrder, "change"), obj.school),
            cancel_form=ReasonForm(),
        )
        return ctx


class PurchaseOrderPrintView(ObjectDetailView):
    """The order as the supplier gets it, on one printable page."""

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_perm("view", obj.school)
        return render(request, "procurement/order_print.html", {"object": obj, **order_context(obj)})


class PurchaseOrderDocxView(ObjectDetailView):
    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_perm("view", obj.school)
        response = HttpResponse(order_docx(obj), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{obj.number}.docx"'
        return response


class PurchaseOrderCancelView(ObjectActionView):
    form_class = ReasonForm

    def allowed(self, obj):
        return access.has_perm(self.request.user, model_perm(PurchaseOrder, "change"), obj.school)

    def perform(self, obj, data):
        purchase_order_cancel(actor=self.request.user, order=obj, reason=data["reason"])
        return _("Order %(number)s cancelled.") % {"number": obj.number}


class InspectionAddView(ObjectFormView):
    """Inspect a delivery of the order: accepted and rejected quantities (with reasons), where
    accepted goods go, the inspectors, photos and the delivery note, all in one step."""

    template_name = "procurement/inspection_form.html"

    def allowed(self, obj):
        return access.has_perm(self.request.user, model_perm(Inspection, "add"), obj.school)

    def unavailable(self, obj):
        if not obj.is_open:
            return _("Order %(number)s is %(status)s; nothing more is received on it.") % {
                "number": obj.number,
                "status": obj.get_status_display().lower(),
            }
        return None

    def get_form(self, obj, data=None, files=None):
        return InspectionForm(data=data, files=files, order=obj, user=self.request.user)

    def perform(self, obj, form):
        data = form.cleaned_data
        return inspection_record(
            actor=self.request.user,
            order=obj,
            inspectors=list(data["inspectors"]),
            lines=form.inspection_lines(),
            inspected_on=data["inspected_on"],
            delivery_note_number=data.get("delivery_note_number", ""),
            invoice_number=data.get("invoice_number", ""),
            note=data.get("note", ""),
            files=data.get("files") or [],
        )

    def success_message(self, result):
        return _("Inspection %(number)s recorded.") % {"number": result.number}

    def extra_context(self, obj, form):
        return {"title": _("Receiving inspection")}


def inspection_context(inspection):
    lines = list(
        inspection.lines.select_related(
            "order_line__request_line__request", "store", "room__building", "stock_movement"
        ).prefetch_related("assets")
    )
    return {
        "lines": lines,
        "inspectors": inspection.inspectors.order_by("full_name", "username"),
        "order": inspection.order,
    }


class InspectionDetailView(ObjectDetailView):
    def extra_context(self, obj):
        return inspection_context(obj)


class InspectionPrintView(ObjectDetailView):
    """The acceptance certificate (验收单) on one printable page, with places to sign."""

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_perm("view", obj.school)
        return render(
            request, "procurement/inspection_print.html", {"object": obj, **inspection_context(obj)}
        )


class InspectionDocxView(ObjectDetailView):
    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_perm("view", obj.school)
        response = HttpResponse(inspection_docx(obj), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{obj.number}.docx"'
        return response
