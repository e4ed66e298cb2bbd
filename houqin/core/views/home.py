"""The home page (what waits for me, what my school has) and the school switcher."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from .. import access
from ..middleware import set_scope
from ..models import SchoolKind
from ..selectors.org import rooms_in_care, scope_overview


class HomeView(LoginRequiredMixin, View):
    """A school user sees their school; a district user the district's totals and one row per
    school (the district-wide view), until they switch to one school."""

    def get(self, request):
        scope = request.scope
        user = request.user
        ctx = {"totals": None}
        if scope:
            ctx.update(
                totals=scope_overview(scope=scope, user=user),
                is_district=scope.kind in (SchoolKind.DISTRICT, SchoolKind.BUREAU),
                show_rooms=access.has_perm(user, "core.view_room", scope),
                show_people=access.has_perm(user, "core.view_membership", scope),
                my_rooms=list(rooms_in_care(user=user, scope=scope)[:20]),
            )
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
