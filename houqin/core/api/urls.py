from ..routing import api_router
from .changelog import router as logs_router
from .rules import urlpatterns as rule_urls

urlpatterns = [
    *api_router("core").urls,
    *logs_router.urls,
    *rule_urls,
]
