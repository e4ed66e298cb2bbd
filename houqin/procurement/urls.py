"""Pages of purchasing: the overview, the registry's pages (suppliers, certificates, requests,
quotes, orders, inspections with their workflow pages) and the report."""

from django.urls import path

from houqin.core.routing import page_urls

from .views.reports import DashboardView, ReportView

app_name = "procurement"

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("report/", ReportView.as_view(), name="report"),
    *page_urls("procurement"),
]
