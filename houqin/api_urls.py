"""/api/: every app's router, token login."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

from houqin.assets.api.urls import urlpatterns as assets_api
from houqin.core.api.urls import urlpatterns as core_api
from houqin.maintenance.api.urls import urlpatterns as maintenance_api
from houqin.procurement.api.urls import urlpatterns as procurement_api
from houqin.supplies.api.urls import urlpatterns as supplies_api

urlpatterns = [
    path("token/", obtain_auth_token, name="api_token"),
    path("core/", include((core_api, "core-api"))),
    path("maintenance/", include((maintenance_api, "maintenance-api"))),
    path("supplies/", include((supplies_api, "supplies-api"))),
    path("procurement/", include((procurement_api, "procurement-api"))),
    path("assets/", include((assets_api, "assets-api"))),
]
