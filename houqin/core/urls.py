from .routing import page_urls

app_name = "core"

urlpatterns = [
    *page_urls("core"),
]
