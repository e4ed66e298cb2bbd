"""The user's own notifications: list (unread first in bold), open one, mark all read.

Notifications belong to one person: every query here is limited to the requesting user, so
anyone else's notification is a 404.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import ngettext
from django.views import View

from ..models import Notification
from ..selectors.notifications import notification_list, notification_unread_count
from ..services.notifications import notification_mark_all_read, notification_mark_read

PER_PAGE = 30


class NotificationListView(LoginRequiredMixin, View):
    template_name = "core/notifications/list.html"

    def get(self, request):
        unread_only = request.GET.get("unread") == "1"
        rows = notification_list(user=request.user, unread_only=unread_only)
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
        ctx = {
            "page_obj": page,
            "notifications": page.object_list,
            "unread_only": unread_only,
            "unread_total": notification_unread_count(request.user),
        }
        template = self.template_name
        if request.htmx and not request.htmx.boosted:
            template = f"{template}#results"
        return render(request, template, ctx)


class NotificationOpenView(LoginRequiredMixin, View):
    """Opening a notification marks it read, then follows its link if it stays on this site."""

    template_name = "core/notifications/detail.html"
    leak_model = Notification  # the route-walking leak test aims <pk> at a notification

    def get(self, request, pk):
        notification = get_object_or_404(notification_list(user=request.user), pk=pk)
        notification_mark_read(user=request.user, notification=notification)
        if notification.local_url:
            return redirect(notification.local_url)
        return render(request, self.template_name, {"notification": notification})


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        count = notification_mark_all_read(user=request.user)
        if count:
            messages.success(
                request,
                ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
                % {"count": count},
            )
        return redirect("core:notification_list")


urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="notification_list"),
    path("notifications/<int:pk>/", NotificationOpenView.as_view(), name="notification_open"),
    path("notifications/read-all/", NotificationReadAllView.as_view(), name="notification_read_all"),
]
