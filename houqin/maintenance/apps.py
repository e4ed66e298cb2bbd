from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "houqin.maintenance"
    label = "maintenance"
    verbose_name = _("Repairs and inspections")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import permissions, registrations, rules  # noqa: F401  (catalogues, model pages)
