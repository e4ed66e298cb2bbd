"""Room custody (分室保管): the responsible person's semester sign-off of the room's property."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core.models import ChangeAction
from houqin.core.selectors import semester_current
from houqin.core.services.changelog import changelog_record

from ..models import RoomSignoff
from ..selectors import room_assets
from .common import invalid


def signoff_lines(room):
    """The room's property list as it is signed: one line per card on the books."""
    return [
        {
            "asset": a.pk,
            "code": a.code,
            "name": a.name,
            "quantity": a.quantity,
            "unit": a.unit,
            "status": a.status,
            "amount": str(a.amount),
        }
        for a in room_assets(room)
    ]


def room_signoff(*, actor, room, note=""):
    """The room's responsible person confirms its property list now (a timestamped sign-off,
    for the current semester). Nobody else signs for them."""
    if actor is None or room.responsible_id is None or actor.pk != room.responsible_id:
        raise PermissionDenied(
            _("Only the room's responsible person signs its property list (%(person)s).")
            % {"person": room.responsible or _("nobody is named")}
        )
    if not room.is_active:
        raise invalid(None, _("Room %(room)s is no longer in use.") % {"room": room})
    note = (note or "").strip()
    if len(note) > 200:
        raise invalid("note", _("At most 200 characters."))
    lines = signoff_lines(room)
    with transaction.atomic():
        signoff = RoomSignoff.objects.create(
            school=room.school,
            room=room,
            semester=semester_current(room.school),
            signed_by=actor,
            signed_at=timezone.now(),
            lines=lines,
            items=len(lines),
            total_quantity=sum(line["quantity"] for line in lines),
            total_amount=sum((Decimal(line["amount"]) for line in lines), Decimal("0.00")),
            note=note,
        )
        changelog_record(actor=actor, obj=signoff, action=ChangeAction.CREATE)
    return signoff
