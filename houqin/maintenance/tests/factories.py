"""Builders for the maintenance tests: rooms, photos, and requests through the services."""

import datetime
import io
import itertools
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from houqin.core.models.places import RoomKind
from houqin.core.tests.factories import BuildingFactory, CampusFactory, RoomFactory

from ..choices import RepairKind, Urgency

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    """A school time (Asia/Shanghai): at(2026, 9, 7, 8, 0)."""
    return datetime.datetime(*args, tzinfo=SHANGHAI)


_campuses = itertools.count(1)


def building(school, name="教学楼"):
    return BuildingFactory(
        school=school, name=name, campus=CampusFactory(school=school, name=f"校区{next(_campuses)}")
    )


def room(school, number="101", kind=RoomKind.CLASSROOM, bld=None, name=""):
    return RoomFactory(school=school, building=bld or building(school), number=number, kind=kind, name=name)


def png(name="photo.png", color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="scan.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def fake_jpeg(name="photo.jpg"):
    """An executable renamed .jpg: not a picture at all."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 60, content_type="image/jpeg")


def report(
    actor,
    rm,
    *,
    kind=RepairKind.DOORS_WINDOWS,
    urgency=Urgency.NORMAL,
    description="门锁坏了",
    when=None,
    **kw,
):
    from ..services.requests import repair_request_submit

    return repair_request_submit(
        actor=actor, room=rm, kind=kind, urgency=urgency, description=description, at=when, **kw
    )
