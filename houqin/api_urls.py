"""/api/: every app's router, token login."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

from houqin.core.api.urls import urlpatterns as core_api

urlpatterns = [
    path("token/", obtain_auth_token, name="api_token"),
    path("core/", include((core_api, "core-api"))),
]
