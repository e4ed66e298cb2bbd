"""/api/assets/: the registry's endpoints of the asset register."""

from houqin.core.routing import api_router

urlpatterns = [*api_router("assets").urls]
