"""Pages of the asset register: the registry's (cards, categories, events, loans, incidents,
disposals, transfers, sign-offs) and room custody."""

from django.urls import path

from houqin.core.routing import page_urls

from .views.custody import RoomCustodyListView, RoomCustodyPrintView, RoomCustodySignView, RoomCustodyView

app_name = "assets"

urlpatterns = [
    *page_urls("assets"),
    path("rooms/", RoomCustodyListView.as_view(), name="room_custody_list"),
    path("rooms/<int:pk>/", RoomCustodyView.as_view(), name="room_custody"),
    path("rooms/<int:pk>/sign/", RoomCustodySignView.as_view(), name="room_custody_sign"),
    path("rooms/<int:pk>/print/", RoomCustodyPrintView.as_view(), name="room_custody_print"),
]

# Stocktakes (清查盘点): every route keyed by the stocktake.
from .views import stocktakes as stocktake_views  # noqa: E402
from .views.labels import AssetLabelsView  # noqa: E402

urlpatterns += [
    path("labels/", AssetLabelsView.as_view(), name="asset_labels"),
    path("stocktakes/", stocktake_views.StocktakeListView.as_view(), name="stocktake_list"),
    path("stocktakes/add/", stocktake_views.StocktakeAddView.as_view(), name="stocktake_add"),
    path("stocktakes/<int:pk>/", stocktake_views.StocktakeDetailView.as_view(), name="stocktake_detail"),
    path("stocktakes/<int:pk>/count/", stocktake_views.StocktakeCountView.as_view(), name="stocktake_count"),
    path(
        "stocktakes/<int:pk>/resolve/",
        stocktake_views.StocktakeResolveView.as_view(),
        name="stocktake_resolve",
    ),
    path("stocktakes/<int:pk>/close/", stocktake_views.StocktakeCloseView.as_view(), name="stocktake_close"),
    path(
        "stocktakes/<int:pk>/report/", stocktake_views.StocktakeReportView.as_view(), name="stocktake_report"
    ),
]

# Reports (the ledger summary, intact rate, class care, district totals), each with ?export=xlsx.
from .views import reports as report_views  # noqa: E402

urlpatterns += [
    path("reports/", report_views.LedgerReportView.as_view(), name="report_ledger"),
    path("reports/intact/", report_views.IntactReportView.as_view(), name="report_intact"),
    path("reports/class-care/", report_views.ClassCareReportView.as_view(), name="report_class_care"),
    path("reports/district/", report_views.DistrictReportView.as_view(), name="report_district"),
]
