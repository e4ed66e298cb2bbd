from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "houqin.assets"
    label = "assets"
    verbose_name = _("School property")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Catalogues (permissions, rules), the document kinds of the approval engine, model pages.
        from . import approvals, permissions, registrations, rules  # noqa: F401
