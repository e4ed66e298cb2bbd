"""The record-keeping surface: change log, attachments and notifications.

These have their own pages (not the generic ones), so only their permissions are declared
here, for the role editor's catalogue.
"""

from django.utils.translation import gettext_lazy as _

from ..permissions import register_permissions

register_permissions(
    {
        "core.view_attachment": _("View attachments"),
        "core.add_attachment": _("Attach files and photos"),
        "core.delete_attachment": _("Remove anyone's attachments"),
    }
)
