"""QR codes drawn locally with segno (no external service): the SVG a room's label carries, and
the absolute address it encodes, so a phone's camera opens the room's page.

What a room's code opens is for the apps to say: the repairs app makes it the public entry that
sends a member to the room's page and anyone else to the fault report form. Core cannot import
an app, so the app plugs its target in here when it is ready (`room_qr_target_set`); without
one, the code opens the room's own page.
"""

import io

import segno
from django.conf import settings

_room_target = None


def room_qr_target_set(func):
    """Make `func(room) -> path` what every room's QR code encodes (called from an AppConfig)."""
    global _room_target
    _room_target = func


def room_qr_path(room):
    """The path a room's QR code encodes: the plugged-in target, else the room's page."""
    return _room_target(room) if _room_target is not None else room.get_absolute_url()


def absolute_url(path, request=None):
    """`path` made absolute with settings.SITE_URL when set (the address phones can reach, which
    may differ from the host the office uses), else from the current request."""
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if base:
        return f"{base}{path}"
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def qr_svg_inline(data, *, border=2):
    """An <svg> element (viewBox only, so CSS sizes it) to embed in a page."""
    qr = segno.make(data, error="m")
    return qr.svg_inline(omitsize=True, border=border, svgclass="qr", lineclass=None)


def qr_svg_document(data, *, scale=8, border=4, title=""):
    """A standalone SVG file (image/svg+xml) of the code."""
    qr = segno.make(data, error="m")
    buf = io.BytesIO()
    qr.save(buf, kind="svg", scale=scale, border=border, xmldecl=True, title=title or None)
    return buf.getvalue()
