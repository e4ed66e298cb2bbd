"""The link to the asset register, only through the assets app's services.

A repair of an asset card is the asset register's damage record (AssetIncident) carried out by
a work order: accepting the request records the damage (unless one is already open) and starts
its repair — the card is "under repair" —; completing the order finishes the repair with the
order's cost — the card is back as it was, and the event with the cost is in its history.
A reopened repair is a new damage record. The calls run inside the maintenance transaction:
if the asset register refuses (the card is on loan, lost …), nothing of the repair changes.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import access

HANDLE = "assets.handle_incident"


def _incidents():
    from houqin.assets.services import incidents

    return incidents


def check_asset(*, asset, school, room, actor):
    """The asset a report names must be a card of the school, on the books, in the room."""
    if asset is None:
        return None
    from houqin.assets.choices import OFF_BOOKS, AssetStatus

    if asset.school_id != school.pk:
        raise ValidationError({"asset": _("This asset belongs to another school.")})
    if actor is not None and not (actor.is_superuser or asset.school_id in access.visible_school_ids(actor)):
        raise ValidationError({"asset": _("This asset belongs to another school.")})
    if asset.status in OFF_BOOKS or asset.status == AssetStatus.LOST:
        raise ValidationError({"asset": _("%(asset)s is no longer in the school.") % {"asset": asset}})
    if room is not None and asset.room_id is not None and asset.room_id != room.pk:
        raise ValidationError(
            {"asset": _("%(asset)s is in another room (%(room)s).") % {"asset": asset, "room": asset.room}}
        )
    return asset


def _handler(actor, school):
    """The asset register's repair steps need assets.handle_incident; a worker who may complete
    the order but not handle incidents acts through the system (the order records who it was)."""
    if actor is None or access.has_perm(actor, HANDLE, school):
        return actor
    return None


def _damage_reporter(order, actor):
    incidents = _incidents()
    asset = order.request.asset
    for person in (actor, order.triaged_by, order.request.reporter):
        if person is not None and incidents.may_report(person, asset):
            return person
    raise ValidationError(
        {
            "asset": _(
                "The damage of %(asset)s must be recorded by someone who may report on it in the asset register."
            )
            % {"asset": asset}
        }
    )


def repair_started(*, order, actor, at):
    """Record the damage (or take the open record) and put the card under repair."""
    request = order.request
    if request.asset_id is None:
        return None
    from houqin.assets.choices import OPEN_INCIDENT, IncidentKind, IncidentStatus
    from houqin.assets.models import AssetIncident

    incidents = _incidents()
    asset = request.asset
    incident = (
        AssetIncident.objects.filter(asset=asset, kind=IncidentKind.DAMAGE, status__in=OPEN_INCIDENT)
        .order_by("-pk")
        .first()
    )
    day = timezone.localdate(at)
    if incident is None:
        incident = incidents.incident_report(
            actor=_damage_reporter(order, actor),
            asset=asset,
            kind=IncidentKind.DAMAGE,
            description=f"{request.number}: {request.description}",
            occurred_on=min(timezone.localdate(request.reported_at), day),
        )
    if incident.status == IncidentStatus.REPORTED:
        incident = incidents.incident_repair_start(
            actor=_handler(actor, order.school),
            incident=incident,
            started_on=max(day, incident.occurred_on),
            repairer=order.worker_display,
            reference=request.number,
        )
    type(order).objects.filter(pk=order.pk).update(asset_incident=incident)
    order.asset_incident = incident
    return incident


def repair_finished(*, order, actor, at):
    """Finish the card's repair with the order's total cost: the card is back in use."""
    if order.asset_incident_id is None:
        return None
    from houqin.assets.choices import IncidentStatus

    incident = order.asset_incident
    if incident.status != IncidentStatus.IN_REPAIR:
        return incident  # finished in the asset register already
    return _incidents().incident_repair_finish(
        actor=_handler(actor, order.school),
        incident=incident,
        finished_on=max(timezone.localdate(at), incident.repair_started_on),
        cost=order.total_cost,
        repaired=True,
        note=f"{order.request.number} {order.completion_note}".strip(),
    )
