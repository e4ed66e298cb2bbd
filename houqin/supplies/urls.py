from django.urls import path

from houqin.core.routing import page_urls

from .views.allotments import TargetConfirmView, TargetSlipView
from .views.pages import AlertsView, ReceiptsView, ReportsView

app_name = "supplies"

urlpatterns = [
    *page_urls("supplies"),
    path("receipts/", ReceiptsView.as_view(), name="receipts"),
    path("alerts/", AlertsView.as_view(), name="alerts"),
    path("reports/", ReportsView.as_view(), name="reports"),
    path("allotmenttargets/<int:pk>/", TargetSlipView.as_view(), name="allotmenttarget_slip"),
    path("allotmenttargets/<int:pk>/confirm/", TargetConfirmView.as_view(), name="allotmenttarget_confirm"),
]
