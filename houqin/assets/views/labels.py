"""QR label sheets (PDF) for chosen cards: ?asset=<id> (repeated) for a selection, otherwise
the asset list's current filter; ?layout= one of labels.LAYOUTS."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from houqin.core import access
from houqin.core.permissions import model_perm
from houqin.core.views.generic import ScopedViewMixin

from ..filtersets import AssetFilterSet
from ..labels import LAYOUTS, MAX_LABELS, labels_pdf
from ..models import Asset


class AssetLabelsView(ScopedViewMixin, View):
    model = Asset

    def get(self, request, *args, **kwargs):
        scope = self.scope_or_403()
        if not access.has_perm(request.user, model_perm(Asset, "view"), scope):
            raise PermissionDenied
        layout = request.GET.get("layout") or "a4_3x8"
        qs = Asset.objects.for_user(request.user).in_scope(scope).select_related("school")
        ids = [v for v in request.GET.getlist("asset") if v.isdecimal()]
        if ids:
            qs = qs.filter(pk__in=ids)
        else:
            # As on the list: a filter that does not validate chooses nothing, not everything.
            filterset = AssetFilterSet(request.GET, queryset=qs, request=request)
            qs = filterset.qs if filterset.is_valid() else qs.none()
        count = qs.count()
        if layout not in LAYOUTS or count == 0 or count > MAX_LABELS or request.GET.get("choose"):
            ctx = {
                "layouts": [(k, v["label"]) for k, v in LAYOUTS.items()],
                "count": count,
                "max": MAX_LABELS,
                "query": request.GET.urlencode(),
                "error": _("Choose a layout.") if layout not in LAYOUTS else "",
            }
            status = 200 if request.GET.get("choose") else 400
            return render(request, "assets/labels_choose.html", ctx, status=status)
        pdf = labels_pdf(qs.order_by("code"), layout=layout, request=request)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="asset-labels.pdf"'
        return response
