from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    name = "houqin.supplies"
    label = "supplies"
    verbose_name = _("Supplies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Catalogues (permissions, rules, the approval document kind) and the model pages.
        from . import approvals, permissions, registrations, rules  # noqa: F401
