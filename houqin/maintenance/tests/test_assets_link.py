"""Repairs of asset cards: through the asset register's services the card is under repair and
back, its history gets the repair with its cost; repeated failures of a card are flagged."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from houqin.assets.models import AssetEvent, AssetIncident
from houqin.assets.tests.factories import load_categories, make_asset

from ..models import RepairRequest, WorkOrder
from ..selectors import Period, dashboard
from ..services.orders import work_order_complete, work_order_material_add
from ..services.public import asset_token
from ..services.requests import repair_request_accept, repair_request_reopen
from .factories import at, report, room

BACKEND = "houqin.core.auth.MembershipBackend"


@pytest.fixture
def computer(school_a, room_a):
    load_categories()
    return make_asset(school_a, name="教室多媒体电脑", room=room_a)


def test_a_repair_puts_the_card_under_repair_and_back_with_its_cost(
    computer, teacher_a, head_a, worker_a, room_a
):
    req = report(
        teacher_a,
        None,
        asset=computer,
        kind="teaching_equipment",
        description="电脑开不了机",
        when=at(2026, 9, 7, 8, 0),
    )
    assert (req.room, req.asset) == (room_a, computer)
    order = repair_request_accept(actor=head_a, request=req, assignee=worker_a, at=at(2026, 9, 7, 9, 0))
    computer.refresh_from_db()
    incident = AssetIncident.objects.get()
    assert computer.status == "under_repair"
    assert (incident.status, incident.repair_reference, incident.repairer, order.asset_incident) == (
        "in_repair",
        "BX-2026-0001",
        "黄大伟",
        incident,
    )
    work_order_material_add(actor=worker_a, order=order, item_name="电源", quantity=1, unit_cost="180.00")
    work_order_complete(
        actor=worker_a, order=order, labour_hours="2", note="换电源", at=at(2026, 9, 8, 10, 0)
    )
    computer.refresh_from_db()
    incident.refresh_from_db()
    assert (computer.status, computer.condition) == ("in_use", "good")
    assert (incident.status, incident.repair_cost) == ("repaired", Decimal("180.00"))
    history = list(AssetEvent.objects.filter(asset=computer).order_by("pk").values_list("kind", "amount"))
    assert history[-3:] == [("damage", None), ("repair_start", None), ("repair_done", Decimal("180.00"))]


def test_a_reopened_asset_repair_is_a_new_damage_record(computer, teacher_a, head_a, worker_a):
    req = report(teacher_a, None, asset=computer, when=at(2026, 9, 7, 8, 0))
    order = repair_request_accept(actor=head_a, request=req, assignee=worker_a)
    work_order_complete(actor=worker_a, order=order, at=at(2026, 9, 7, 12, 0))
    repair_request_reopen(actor=head_a, request=req, reason="又坏了", at=at(2026, 9, 8, 8, 0))
    computer.refresh_from_db()
    assert computer.status == "under_repair"
    assert list(AssetIncident.objects.order_by("pk").values_list("status", flat=True)) == [
        "repaired",
        "in_repair",
    ]
    assert WorkOrder.objects.get().asset_incident == AssetIncident.objects.order_by("pk").last()


def test_an_asset_on_loan_cannot_go_to_repair_and_nothing_changes(computer, teacher_a, head_a):
    from houqin.assets.models import Asset

    req = report(teacher_a, None, asset=computer)
    Asset.objects.filter(pk=computer.pk).update(status="on_loan")
    with pytest.raises(ValidationError):
        repair_request_accept(actor=head_a, request=req)
    req.refresh_from_db()
    assert req.status == "submitted"
    assert WorkOrder.objects.count() == 0
    assert AssetIncident.objects.count() == 0


def test_an_asset_of_another_school_or_room_is_refused(computer, school_b, head_b, teacher_a, school_a):
    with pytest.raises(ValidationError) as exc:
        report(head_b, None, asset=computer)
    assert exc.value.message_dict == {"room": ["Choose a room of your school."]}
    other_room = room(school_a, "999")
    with pytest.raises(ValidationError) as exc:
        report(teacher_a, other_room, asset=computer)
    assert exc.value.message_dict == {"asset": [f"{computer} is in another room (教学楼 301 三年级2班)."]}
    assert RepairRequest.objects.count() == 0


def test_repeated_failures_of_an_asset_are_flagged(computer, teacher_a, head_a, worker_a):
    flags = []
    for day in (1, 10, 20):
        req = report(teacher_a, None, asset=computer, when=at(2026, 9, day, 8, 0))
        flags.append(req.is_repeat)
        order = repair_request_accept(
            actor=head_a, request=req, assignee=worker_a, at=at(2026, 9, day, 8, 30)
        )
        work_order_complete(actor=worker_a, order=order, at=at(2026, 9, day, 10, 0))
    assert flags == [False, False, True]


def test_the_dashboard_names_the_costliest_assets(computer, teacher_a, head_a, worker_a, school_a):
    req = report(teacher_a, None, asset=computer, when=at(2026, 9, 7, 8, 0))
    order = repair_request_accept(actor=head_a, request=req, assignee=worker_a)
    work_order_material_add(actor=worker_a, order=order, item_name="电源", quantity=2, unit_cost="90")
    work_order_complete(actor=worker_a, order=order, at=at(2026, 9, 7, 12, 0))
    import datetime

    board = dashboard(
        user=head_a, scope=school_a, period=Period(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
    )
    assert [(r["asset"], r["cost"], r["n"]) for r in board.costliest_assets] == [
        (computer, Decimal("180.00"), 1)
    ]


def test_an_asset_qr_code_reports_without_login(client, computer, room_a):
    url = reverse("maintenance:report_public", args=[asset_token(computer)])
    page = client.get(url)
    assert page.status_code == 200
    assert "教室多媒体电脑" in page.content.decode()
    response = client.post(
        url, {"kind": "teaching_equipment", "urgency": "normal", "description": "投影仪不亮"}
    )
    assert response.status_code == 302
    req = RepairRequest.objects.get()
    assert (req.asset, req.room, req.source) == (computer, room_a, "public")


def test_the_asset_page_link_prefills_the_report(client, computer, teacher_a, room_a):
    client.force_login(teacher_a, backend=BACKEND)
    page = client.get(reverse("maintenance:repairrequest_add"), {"asset": computer.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'name="asset" value="{computer.pk}"' in html
    assert "教室多媒体电脑" in html
    response = client.post(
        reverse("maintenance:repairrequest_add"),
        {
            "asset": computer.pk,
            "room": room_a.pk,
            "kind": "teaching_equipment",
            "urgency": "normal",
            "description": "黑屏",
        },
    )
    assert response.status_code == 302
    assert RepairRequest.objects.get().asset == computer
