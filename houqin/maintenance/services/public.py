"""The public side of reporting: signed tokens for a room's QR code and a request's tracking page,
and the limits that keep an anonymous flood out.

A token is signed with the site's secret (django.core.signing) and names its room, asset or request:
ids cannot be guessed or counted through, and a token never expires (a printed label lasts
years). Changing HOUQIN_SECRET_KEY invalidates every printed label.
"""

from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from houqin.core.models import Room
from houqin.core.rulebook import rule

from ..labels import room_label
from ..models import RepairRequest
from ..rules import ANONYMOUS_LIMITS

TARGET_SALT = "houqin.maintenance.report-target"
REQUEST_SALT = "houqin.maintenance.request-track"
THROTTLE_PREFIX = "houqin:maintenance:anon"


@dataclass(frozen=True)
class Target:
    """What a QR code names: a room, or an asset card (and the room it stands in)."""

    room: object = None
    asset: object = None

    @property
    def school(self):
        return (self.asset or self.room).school

    @property
    def label(self):
        if self.asset is not None:
            return f"{self.asset} · {room_label(self.room)}" if self.room is not None else str(self.asset)
        return room_label(self.room)

    def page_url(self):
        return (self.asset or self.room).get_absolute_url()

    def visible_to(self, user):
        obj = self.asset or self.room
        return user.is_authenticated and type(obj).objects.for_user(user).filter(pk=obj.pk).exists()


# Signed without a timestamp: a label printed today must encode the same address as tomorrow's
# (and the code stays smaller). The tokens never expire; what they name is checked on use.
def _sign(value, salt):
    return signing.Signer(salt=salt).sign_object(value)


def room_token(room):
    return _sign(["r", room.pk], TARGET_SALT)


def asset_token(asset):
    return _sign(["a", asset.pk], TARGET_SALT)


def request_token(request):
    return _sign(request.pk, REQUEST_SALT)


def _unsign(token, salt):
    try:
        return signing.Signer(salt=salt).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool)


def target_from_token(token):
    """The active room or asset card the token names, or None for a forged, damaged or stale
    token (a room no longer in use, an asset no longer on the books)."""
    value = _unsign(token, TARGET_SALT)
    if not (isinstance(value, list) and len(value) == 2 and value[0] in ("r", "a") and _is_id(value[1])):
        return None
    kind, pk = value
    if kind == "r":
        room = (
            Room.objects.filter(pk=pk, is_active=True, school__is_active=True)
            .select_related("school", "building")
            .first()
        )
        return Target(room=room) if room is not None else None
    from houqin.assets.choices import OFF_BOOKS, AssetStatus
    from houqin.assets.models import Asset

    asset = (
        Asset.objects.filter(pk=pk, school__is_active=True)
        .exclude(status__in=[*OFF_BOOKS, AssetStatus.LOST])
        .select_related("school", "room__building")
        .first()
    )
    return Target(room=asset.room, asset=asset) if asset is not None else None


def request_from_token(token):
    pk = _unsign(token, REQUEST_SALT)
    if not _is_id(pk):
        return None
    return RepairRequest.objects.filter(pk=pk).select_related("school", "room__building", "asset").first()


def qr_path(obj):
    """The path a room's or an asset's QR code should encode: the public entry that sends a
    logged-in member to the page of the room (or asset), anyone else to the report form."""
    token = asset_token(obj) if obj._meta.label == "assets.Asset" else room_token(obj)
    return reverse("maintenance:qr_target", args=[token])


def report_path(obj):
    token = asset_token(obj) if obj._meta.label == "assets.Asset" else room_token(obj)
    return reverse("maintenance:report_public", args=[token])


def request_track_path(request):
    return reverse("maintenance:track_public", args=[request_token(request)])


def _count(key, window_seconds):
    """Add one to a fixed-window counter and return the new count."""
    if cache.add(key, 1, window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        return 1


def anonymous_report_allowed(*, target, ip):
    """Count one anonymous report attempt for the address and the room (or asset); False once
    either is over the school's limit (rule maintenance.anonymous_report_limits) in the window."""
    limits = rule(ANONYMOUS_LIMITS, target.school)
    window = int(limits["minutes"]) * 60
    place = f"room:{target.room.pk}" if target.room is not None else f"asset:{target.asset.pk}"
    by_ip = _count(f"{THROTTLE_PREFIX}:ip:{ip or 'unknown'}", window)
    by_room = _count(f"{THROTTLE_PREFIX}:{place}", window)
    return by_ip <= int(limits["per_ip"]) and by_room <= int(limits["per_room"])
