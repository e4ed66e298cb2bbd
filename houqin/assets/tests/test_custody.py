"""Room custody: the responsible person's sign-off, and changes after it shown as such."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from houqin.assets.models import RoomSignoff
from houqin.assets.selectors import room_custody
from houqin.assets.services.assets import asset_move
from houqin.assets.services.custody import room_signoff
from houqin.core.models import ChangeLogEntry
from houqin.core.tests.factories import SemesterFactory

from .factories import make_asset, make_desks


def test_the_responsible_person_signs_the_rooms_list(
    categories, school_a, district, teacher_a, room_a, head_a
):
    today = timezone.localdate()
    semester = SemesterFactory(
        school=district,
        start_date=today - timezone.timedelta(days=10),
        end_date=today + timezone.timedelta(days=100),
    )
    desks = make_desks(school_a, room_a)
    board = make_asset(
        school_a,
        name="交互式电子白板一体机",
        category="A02020600",
        unit_price=Decimal("9800.00"),
        room=room_a,
    )
    elsewhere = make_asset(school_a)
    signoff = room_signoff(actor=teacher_a, room=room_a, note="开学清点无误")
    assert (
        signoff.signed_by,
        signoff.semester,
        signoff.items,
        signoff.total_quantity,
        signoff.total_amount,
    ) == (
        teacher_a,
        semester,
        2,
        51,
        Decimal("22800.00"),
    )
    assert signoff.lines == [
        {
            "asset": desks.pk,
            "code": desks.code,
            "name": "学生课桌椅",
            "quantity": 50,
            "unit": "把",
            "status": "in_use",
            "amount": "13000.00",
        },
        {
            "asset": board.pk,
            "code": board.code,
            "name": "交互式电子白板一体机",
            "quantity": 1,
            "unit": "台",
            "status": "in_use",
            "amount": "9800.00",
        },
    ]
    assert elsewhere.pk not in {line["asset"] for line in signoff.lines}
    assert ChangeLogEntry.objects.filter(content_type__model="roomsignoff", actor=teacher_a).count() == 1
    custody = room_custody(room_a)
    assert (custody.signoff, custody.changed_since_signoff, custody.events_since) == (signoff, False, [])


def test_nobody_else_signs(categories, school_a, head_a, room_a, room_a2):
    make_desks(school_a, room_a)
    for actor, room in ((head_a, room_a), (head_a, room_a2), (None, room_a)):
        with pytest.raises(PermissionDenied):
            room_signoff(actor=actor, room=room)
    assert RoomSignoff.objects.count() == 0


def test_changes_after_the_signoff_are_visible(categories, school_a, head_a, teacher_a, room_a, room_a2):
    desks = make_desks(school_a, room_a)
    board = make_asset(school_a, name="白板", category="A02020600", room=room_a)
    signoff = room_signoff(actor=teacher_a, room=room_a)
    moved = asset_move(actor=head_a, asset=desks, quantity=2, room=room_a2)
    asset_move(actor=head_a, asset=board, room=room_a2)
    added = make_asset(school_a, name="讲台", category="A05010200", unit_price=Decimal("600.00"), room=room_a)
    custody = room_custody(room_a)
    desks.refresh_from_db()
    assert custody.changed_since_signoff is True
    assert custody.added == [added]
    assert [line["code"] for line in custody.removed] == [board.code]
    assert [(a, line["quantity"]) for a, line in custody.changed] == [(desks, 50)]
    assert desks.quantity == 48
    kinds = sorted((e.asset.code, e.kind) for e in custody.events_since)
    assert kinds == sorted(
        [
            (desks.code, "split_out"),
            (moved.code, "split_in"),
            (moved.code, "move"),
            (board.code, "move"),
            (added.code, "register"),
        ]
    )
    assert all(e.created_at > signoff.signed_at for e in custody.events_since)
    # Signed again, the list agrees once more.
    room_signoff(actor=teacher_a, room=room_a)
    assert room_custody(room_a).changed_since_signoff is False
