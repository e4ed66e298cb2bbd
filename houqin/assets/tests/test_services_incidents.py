"""Damage, loss and theft: reports with photos, repair, compensation at the school's rule, follow-up."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from houqin.assets.choices import AssetStatus, IncidentStatus, LoanStatus
from houqin.assets.models import Asset, AssetEvent, AssetIncident
from houqin.assets.services.incidents import (
    incident_close,
    incident_compensation_pay,
    incident_compensation_set,
    incident_follow_up,
    incident_repair_finish,
    incident_repair_start,
    incident_report,
)
from houqin.assets.services.loans import asset_lend
from houqin.core.models import Attachment
from houqin.core.services.rules import rule_override_set

from .factories import make_asset, make_desks

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo(name="damage.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (12, 12), (180, 40, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def counts():
    return (
        Asset.objects.count(),
        AssetEvent.objects.count(),
        AssetIncident.objects.count(),
        Attachment.objects.count(),
    )


def test_the_rooms_teacher_reports_damage_with_photos_and_it_is_repaired(
    categories, school_a, head_a, teacher_a, room_a
):
    desks = make_desks(school_a, room_a)
    incident = incident_report(
        actor=teacher_a,
        asset=desks,
        kind="damage",
        quantity=3,
        description="三张桌面开裂",
        responsible_party="三年级2班",
        photos=[photo("a.png"), photo("b.png")],
    )
    desks.refresh_from_db()
    broken = incident.asset
    assert (desks.quantity, broken.quantity, broken.condition, broken.status) == (47, 3, "damaged", "in_use")
    assert (incident.kind, incident.quantity, incident.status, incident.reported_by) == (
        "damage",
        3,
        IncidentStatus.REPORTED,
        teacher_a,
    )
    attachments = Attachment.objects.filter(object_id=incident.pk).order_by("original_name")
    assert [(a.original_name, a.uploaded_by) for a in attachments] == [
        ("a.png", teacher_a),
        ("b.png", teacher_a),
    ]
    started = incident_repair_start(
        actor=head_a, incident=incident, repairer="黄大伟", reference="WX-2026-0007"
    )
    broken.refresh_from_db()
    assert (started.status, broken.status, started.repair_reference) == (
        "in_repair",
        "under_repair",
        "WX-2026-0007",
    )
    done = incident_repair_finish(actor=head_a, incident=incident, cost=Decimal("150.00"))
    broken.refresh_from_db()
    assert (done.status, done.repair_cost, done.closed_on) == ("repaired", Decimal("150.00"), TODAY)
    assert (broken.status, broken.condition) == ("in_use", "good")
    assert list(broken.events.order_by("pk").values_list("kind", "amount")) == [
        ("split_in", Decimal("780.00")),
        ("damage", None),
        ("repair_start", None),
        ("repair_done", Decimal("150.00")),
    ]


def test_beyond_repair_the_card_waits_idle(categories, school_a, head_a):
    tv = make_asset(school_a, name="电视机", category="A02090000", unit_price=Decimal("3000.00"))
    incident = incident_report(actor=head_a, asset=tv, kind="damage", description="主板烧坏")
    incident_repair_start(actor=head_a, incident=incident)
    incident_repair_finish(
        actor=head_a, incident=incident, repaired=False, cost=Decimal("80.00"), note="无法修复"
    )
    tv.refresh_from_db()
    incident.refresh_from_db()
    assert (tv.status, tv.condition, incident.status) == ("idle", "unrepairable", "unrepairable")


@pytest.mark.parametrize(
    ("basis", "due"),
    [
        # 1200.00 bought 5 Sep 2022, 60 months; lost 10 Mar 2025: 31 months depreciated.
        ("net_book_value", Decimal("580.00")),
        ("original_value", Decimal("1200.00")),
    ],
)
def test_a_loss_is_paid_for_at_the_schools_basis(categories, school_a, head_a, room_a, basis, due):
    rule_override_set(actor=None, school=school_a, key="assets.compensation_basis", value=basis)
    balances = make_asset(
        school_a,
        name="电子天平",
        category="A02120000",
        unit_price=Decimal("1200.00"),
        quantity=6,
        room=room_a,
        acquired_on=datetime.date(2022, 9, 5),
    )
    lost = incident_report(
        actor=head_a,
        asset=balances,
        kind="loss",
        quantity=1,
        occurred_on=datetime.date(2025, 3, 10),
        description="实验课后少一台",
    )
    card = lost.asset
    assert (card.status, card.quantity, card.amount) == (AssetStatus.LOST, 1, Decimal("1200.00"))
    incident_compensation_set(actor=head_a, incident=lost, payer_name="王同学家长")
    lost.refresh_from_db()
    assert (lost.compensation_basis, lost.compensation_due, lost.payer_name) == (basis, due, "王同学家长")
    incident_compensation_pay(actor=head_a, incident=lost, amount=Decimal("100.00"), receipt_number="SK-1")
    lost.refresh_from_db()
    assert (lost.compensation_paid, lost.status, lost.compensation_outstanding) == (
        Decimal("100.00"),
        IncidentStatus.REPORTED,
        due - Decimal("100.00"),
    )
    with pytest.raises(ValidationError) as caught:
        incident_compensation_pay(actor=head_a, incident=lost, amount=due)
    assert caught.value.messages == [f"Only {due - Decimal('100.00')} yuan is outstanding."]
    incident_compensation_pay(
        actor=head_a, incident=lost, amount=due - Decimal("100.00"), receipt_number="SK-2"
    )
    lost.refresh_from_db()
    assert (lost.compensation_paid, lost.status, lost.closed_on, lost.receipt_number) == (
        due,
        IncidentStatus.CLOSED,
        TODAY,
        "SK-2",
    )
    assert list(card.events.filter(kind="compensation").order_by("pk").values_list("amount", flat=True)) == [
        Decimal("100.00"),
        due - Decimal("100.00"),
    ]
    card.refresh_from_db()
    assert card.status == AssetStatus.LOST  # on the books until a write-off is approved
    with pytest.raises(ValidationError):
        incident_compensation_set(actor=head_a, incident=lost, payer_name="别人")


def test_theft_is_followed_up_and_the_property_recovered(categories, school_a, head_a, room_a):
    projector = make_asset(school_a, name="投影仪", category="A02020200", room=room_a)
    stolen = incident_report(actor=head_a, asset=projector, kind="theft", description="周末被盗")
    projector.refresh_from_db()
    assert projector.status == AssetStatus.LOST
    incident_follow_up(
        actor=head_a, incident=stolen, note="已报案", police_report_number="太公2026-118", found_on=TODAY
    )
    stolen.refresh_from_db()
    assert (stolen.police_report_number, stolen.follow_up) == (
        "太公2026-118",
        f"{TODAY.isoformat()} {head_a}: 已报案",
    )
    incident_follow_up(actor=head_a, incident=stolen, note="派出所追回", recovered=True, found_on=TODAY)
    stolen.refresh_from_db()
    projector.refresh_from_db()
    assert (stolen.status, projector.status) == (IncidentStatus.RECOVERED, AssetStatus.IN_USE)
    assert list(projector.events.order_by("pk").values_list("kind", flat=True)) == [
        "register",
        "theft",
        "recovered",
    ]
    with pytest.raises(ValidationError):
        incident_follow_up(actor=head_a, incident=stolen, note="again")


def test_lost_while_on_loan_closes_the_loan(categories, school_a, storekeeper_a, head_a, teacher_a):
    camera = make_asset(school_a, name="相机", category="A02020000")
    loan = asset_lend(actor=storekeeper_a, asset=camera, borrower=teacher_a, due_on=TODAY)
    incident = incident_report(actor=head_a, asset=camera, kind="loss", description="外出活动遗失")
    loan.refresh_from_db()
    camera.refresh_from_db()
    assert (loan.status, camera.status, incident.responsible_party, incident.status_before) == (
        LoanStatus.LOST,
        AssetStatus.LOST,
        str(teacher_a),
        AssetStatus.ON_LOAN,
    )
    incident_follow_up(actor=head_a, incident=incident, note="找到了", recovered=True)
    camera.refresh_from_db()
    assert camera.status == AssetStatus.IDLE


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "fire"}, "kind"),
        ({"description": " "}, "description"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": 51}, "quantity"),
        ({"occurred_on": TODAY + datetime.timedelta(days=1)}, "occurred_on"),
    ],
)
def test_bad_reports_change_nothing(categories, school_a, head_a, room_a, kwargs, field):
    desks = make_desks(school_a, room_a)
    data = {"kind": "damage", "description": "坏了", **kwargs}
    before = counts()
    with pytest.raises(ValidationError) as caught:
        incident_report(actor=head_a, asset=desks, photos=[photo()], **data)
    assert field in caught.value.message_dict
    assert counts() == before


def test_who_may_report(categories, school_a, head_a, room_a, room_a2, teacher_a, principal_a):
    in_their_room = make_asset(school_a, room=room_a)
    elsewhere = make_asset(school_a, room=room_a2)
    incident_report(actor=teacher_a, asset=in_their_room, kind="damage", description="屏幕花了")
    for actor in (teacher_a, principal_a):
        with pytest.raises(PermissionDenied):
            incident_report(actor=actor, asset=elsewhere, kind="damage", description="x")
    assert AssetIncident.objects.count() == 1
    with pytest.raises(PermissionDenied):
        incident_repair_start(actor=teacher_a, incident=AssetIncident.objects.get())


def test_damage_on_loan_waits_for_the_return_and_a_report_can_be_closed(
    categories, school_a, storekeeper_a, head_a, teacher_a
):
    projector = make_asset(school_a, name="投影仪", category="A02020200")
    asset_lend(actor=storekeeper_a, asset=projector, borrower=teacher_a, due_on=TODAY)
    with pytest.raises(ValidationError) as caught:
        incident_report(actor=head_a, asset=projector, kind="damage", description="x")
    assert caught.value.messages == [f"{projector} is on loan; note its damage when it is returned."]
    pc = make_asset(school_a)
    lost = incident_report(actor=head_a, asset=pc, kind="loss", description="找不到了")
    with pytest.raises(ValidationError):
        incident_close(actor=head_a, incident=lost, note="")
    incident_close(actor=head_a, incident=lost, note="无人赔偿，待报损")
    lost.refresh_from_db()
    assert (lost.status, lost.closed_on) == (IncidentStatus.CLOSED, TODAY)
