from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "houqin.maintenance"
    label = "maintenance"
    verbose_name = _("Repairs and inspections")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from houqin.core.qr import room_qr_target_set

        from . import permissions, registrations, rules  # noqa: F401  (catalogues, model pages)
        from .services.public import qr_path

        # A room's QR code opens the fault report for a visitor, the room's page for a member.
        room_qr_target_set(qr_path)
