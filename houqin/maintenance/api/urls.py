from django.urls import path

from houqin.core.routing import api_router

from .views import DashboardAPIView

urlpatterns = [
    path("dashboard/", DashboardAPIView.as_view(), name="dashboard"),
    *api_router("maintenance").urls,
]
