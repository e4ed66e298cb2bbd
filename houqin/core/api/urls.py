from ..routing import api_router

urlpatterns = [
    *api_router("core").urls,
]
