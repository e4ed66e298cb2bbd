from django.urls import path

from houqin.core.routing import page_urls

from .views.dashboard import DashboardView
from .views.public import PublicReportView, PublicTrackView, QRTargetView

app_name = "maintenance"

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    *page_urls("maintenance"),
    path("r/<str:token>/", QRTargetView.as_view(), name="qr_target"),
    path("report/<str:token>/", PublicReportView.as_view(), name="report_public"),
    path("track/<str:token>/", PublicTrackView.as_view(), name="track_public"),
]
