"""Supplier pages: the supplier with its certificates and purchase history; block, unblock."""

from django.utils.translation import gettext as _

from houqin.core import access
from houqin.core.permissions import model_perm
from houqin.core.views.generic import ObjectDetailView, ObjectEditView

from ..forms import ReasonForm
from ..models import SupplierCertificate
from ..permissions import BLOCK_SUPPLIER
from ..selectors import supplier_history
from ..services.suppliers import supplier_block, supplier_unblock
from .base import ObjectActionView


class SupplierDetailView(ObjectDetailView):
    def extra_context(self, obj):
        user = self.request.user
        return {
            "certificates": obj.certificates.order_by("expires_on", "pk"),
            "history": supplier_history(obj),
            "can_block": access.has_perm(user, BLOCK_SUPPLIER, obj.school),
            "can_add_certificate": access.has_perm(user, model_perm(SupplierCertificate, "add"), obj.school),
            "block_form": ReasonForm(),
        }


class SupplierBlockView(ObjectActionView):
    perm = BLOCK_SUPPLIER
    form_class = ReasonForm

    def perform(self, obj, data):
        supplier_block(actor=self.request.user, supplier=obj, reason=data["reason"])
        return _("%(supplier)s is blocked.") % {"supplier": obj}


class SupplierUnblockView(ObjectActionView):
    perm = BLOCK_SUPPLIER

    def perform(self, obj, data):
        supplier_unblock(actor=self.request.user, supplier=obj)
        return _("%(supplier)s is no longer blocked.") % {"supplier": obj}


class SupplierCertificateEditView(ObjectEditView):
    """The generic form; "add a certificate" on a supplier's page comes with ?supplier=<id>."""

    def get_form(self, obj, school, data=None, files=None):
        form = super().get_form(obj, school, data=data, files=files)
        supplier = self.request.GET.get("supplier")
        if obj is None and data is None and supplier and supplier.isdecimal():
            form.initial["supplier"] = int(supplier)
        return form
