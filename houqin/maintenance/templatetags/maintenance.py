"""Template tags other pages use to offer repairs: the room page's "report a fault"."""

from django import template

from houqin.core import access

from ..permissions import TRIAGE

register = template.Library()
REPORT = "maintenance.add_repairrequest"


@register.inclusion_tag("maintenance/_report_link.html", takes_context=True)
def report_fault_link(context, obj):
    """A "report a fault" button for a room or an asset card when the reader may report there,
    and (for the logistics office) the public address its QR code should open."""
    from ..services.public import qr_path

    user = context["request"].user
    param = "asset" if obj._meta.label == "assets.Asset" else "room"
    return {
        "query": f"?{param}={obj.pk}",
        "can_report": access.has_perm(user, REPORT, obj.school),
        "qr_path": qr_path(obj) if access.has_perm(user, TRIAGE, obj.school) else "",
    }
