"""The home page (what waits for me, what my school has) and the school switcher."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from .. import access
from ..middleware import set_scope
from ..selectors import scope_totals


class HomeView(LoginRequiredMixin, View):
    def get(self, request):
        scope = request.scope
        ctx = {"totals": scope_totals(scope=scope, user=request.user) if scope else None}
        return render(request, "core/home.html", ctx)


class ScopeSwitchView(LoginRequiredMixin, View):
    """Switch the active school (or the whole district) for lists and new records."""

    def post(self, request):
        try:
            wanted = int(request.POST.get("scope", ""))
        except ValueError:
            raise Http404
        for node in access.scope_choices(request.user):
            if node.pk == wanted:
                set_scope(request, node)
                break
        else:
            raise Http404
        nxt = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
        if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
            nxt = "/"
        return redirect(nxt)
