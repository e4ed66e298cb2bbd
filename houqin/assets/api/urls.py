"""/api/assets/: the registry's endpoints of the asset register, and the reports."""

from django.urls import path

from houqin.core.routing import api_router

from .views import ClassCareReportAPIView, DistrictReportAPIView, IntactReportAPIView, LedgerReportAPIView

urlpatterns = [
    *api_router("assets").urls,
    path("reports/ledger/", LedgerReportAPIView.as_view(), name="report-ledger"),
    path("reports/intact/", IntactReportAPIView.as_view(), name="report-intact"),
    path("reports/class-care/", ClassCareReportAPIView.as_view(), name="report-class-care"),
    path("reports/district/", DistrictReportAPIView.as_view(), name="report-district"),
]
