from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from houqin.core.views.home import HomeView, ScopeSwitchView
from houqin.core.views.org import account_urlpatterns

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include(account_urlpatterns)),
    path("scope/", ScopeSwitchView.as_view(), name="scope_switch"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("core/", include("houqin.core.urls")),
    path("assets/", include("houqin.assets.urls")),
    path("maintenance/", include("houqin.maintenance.urls")),
    path("supplies/", include("houqin.supplies.urls")),
    path("procurement/", include("houqin.procurement.urls")),
    path("api/", include("houqin.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api_redoc"),
]
