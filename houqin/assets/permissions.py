"""Permissions of the asset register beyond view/add/change/delete of its models.

The default roles reach them through their patterns: the head of logistics and the storekeeper
hold "assets.*"; principals, supervisors and auditors read ("*.view_*"); teachers hold
assets.view_asset. A room's responsible person signs the room's list and may report damage or
loss of the property in their care without any of these (they answer for it by name).
"""

from django.utils.translation import gettext_lazy as _

from houqin.core.permissions import register_permissions

MOVE = "assets.move_asset"
LEND = "assets.lend_asset"
REPORT = "assets.report_incident"
HANDLE = "assets.handle_incident"
DISPOSE = "assets.dispose_asset"
TRANSFER = "assets.transfer_asset"
CORRECT = "assets.correct_event"

register_permissions(
    {
        MOVE: _("Move assets between rooms, departments and keepers; split batches"),
        LEND: _("Lend assets, issue them for the semester and take them back"),
        REPORT: _("Report damage, loss or theft of any asset"),
        HANDLE: _("Handle damage, loss and theft: repairs, compensation, follow-up"),
        DISPOSE: _("Request the disposal of assets"),
        TRANSFER: _("Request transfers of assets to another school"),
        CORRECT: _("Correct a move or an assignment by a reversing entry"),
    }
)
