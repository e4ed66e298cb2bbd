from houqin.core.routing import api_router

urlpatterns = api_router("procurement").urls
