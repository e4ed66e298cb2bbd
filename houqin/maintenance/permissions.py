"""Permissions of the maintenance app beyond view/add/change/delete of its models.

The default roles reach them through their patterns: head of logistics, logistics staff and
repair workers hold "maintenance.*"; teachers hold add/view of repair requests only.
"""

from django.utils.translation import gettext_lazy as _

from houqin.core.permissions import register_permissions

TRIAGE = "maintenance.triage_repairrequest"
ASSIGN = "maintenance.assign_workorder"
WORK = "maintenance.work_workorder"
INSPECT = "maintenance.record_inspectionround"
DASHBOARD = "maintenance.view_dashboard"

register_permissions(
    {
        TRIAGE: _("Accept or refuse repair requests, confirm on a reporter's behalf"),
        ASSIGN: _("Assign work orders to workers or contractors"),
        WORK: _("Work on repair orders (start, materials, photos, complete)"),
        INSPECT: _("Walk inspection rounds and record their results"),
        DASHBOARD: _("Read the repairs and inspections dashboard"),
    }
)
