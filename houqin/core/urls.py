from .routing import page_urls
from .views.approvals import urlpatterns as approval_urls
from .views.attachments import urlpatterns as attachment_urls
from .views.changelog import urlpatterns as changelog_urls
from .views.notifications import urlpatterns as notification_urls
from .views.org import urlpatterns as org_urls
from .views.rules import urlpatterns as rule_urls

app_name = "core"

urlpatterns = [
    *page_urls("core"),
    *approval_urls,
    *org_urls,
    *rule_urls,
    *changelog_urls,
    *attachment_urls,
    *notification_urls,
]
