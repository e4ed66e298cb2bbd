from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "houqin.procurement"
    label = "procurement"
    verbose_name = _("Procurement")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Catalogues (permissions, rules), the approval document kind, the model pages.
        from . import approvals, permissions, registrations, rules  # noqa: F401
