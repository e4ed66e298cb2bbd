"""Disposal and inter-school transfer through the approval engine, end to end."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from houqin.assets import depreciation
from houqin.assets.choices import AssetStatus, DocumentStatus, EventKind
from houqin.assets.models import Asset, AssetEvent, Disposal, Transfer
from houqin.assets.selectors import asset_timeline
from houqin.assets.services.disposals import (
    DISPOSAL_KIND,
    disposal_policy_ensure,
    disposal_policy_steps,
    disposal_record_outcome,
    disposal_request,
    transfer_request,
)
from houqin.assets.services.incidents import incident_report
from houqin.assets.services.loans import asset_lend
from houqin.core.models import ApprovalPolicy, ApprovalRequest, Decision, Notification, SchoolKind
from houqin.core.services.approvals import approval_decide, approval_policy_set, approval_withdraw
from houqin.core.services.rules import rule_override_set
from houqin.core.tests.factories import make_school, member

from .factories import make_asset, make_desks

TODAY = timezone.localdate()
YEAR = TODAY.year
OLD = datetime.date(2005, 8, 20)


@pytest.fixture
def old_desks(categories, school_a):
    return make_asset(
        school_a,
        name="旧木制课桌椅",
        category="A05010304",
        unit_price=Decimal("120.00"),
        quantity=24,
        acquired_on=OLD,
        status="idle",
    )


def scrap(actor, school, lines, **kwargs):
    data = {"method": "scrap", "ground": "end_of_life", "reason": "桌面破损，无维修价值", **kwargs}
    return disposal_request(actor=actor, school=school, lines=lines, **data)


def approve(request, actor, comment=""):
    return approval_decide(actor=actor, request=request, decision=Decision.APPROVE, comment=comment)


def counts():
    return (
        Asset.objects.count(),
        AssetEvent.objects.count(),
        Disposal.objects.count(),
        Transfer.objects.count(),
        ApprovalRequest.objects.count(),
    )


def test_policy_steps_come_from_the_rule_book_bands(db, district, school_a):
    assert disposal_policy_steps(school_a) == [
        {"role": "principal", "level": "school", "max_amount": Decimal("500.00")},
        {"role": "district_supervisor", "level": "district", "max_amount": None},
    ]
    bureau = make_school("县教育局", kind=SchoolKind.BUREAU)
    central = make_school("中心学校", kind=SchoolKind.DISTRICT, parent=bureau)
    village = make_school("村小", parent=central)
    assert disposal_policy_steps(village) == [
        {"role": "principal", "level": "school", "max_amount": Decimal("500.00")},
        {"role": "district_supervisor", "level": "district", "max_amount": Decimal("1000.00")},
        {"role": "district_supervisor", "level": "bureau", "max_amount": None},
    ]
    rule_override_set(
        actor=None,
        school=school_a,
        key="assets.disposal_bands",
        value=[
            {"up_to": 2000, "approver": "school", "review": ""},
            {"up_to": None, "approver": "bureau", "review": ""},
        ],
    )
    assert disposal_policy_steps(school_a) == [
        {"role": "principal", "level": "school", "max_amount": Decimal("2000.00")},
        {"role": "district_supervisor", "level": "district", "max_amount": None},
    ]


def test_the_policy_is_ensured_once_at_the_central_school(db, district, school_a, school_b):
    policy = disposal_policy_ensure(school=school_a)
    assert (policy.school, policy.kind) == (district, DISPOSAL_KIND)
    assert [(s.role.code, s.level, s.max_amount) for s in policy.steps.all()] == [
        ("principal", "school", Decimal("500.00")),
        ("district_supervisor", "district", None),
    ]
    assert disposal_policy_ensure(school=school_b) == policy
    assert ApprovalPolicy.objects.filter(kind=DISPOSAL_KIND).count() == 1


def test_a_disposal_approved_end_to_end(old_desks, school_a, head_a, principal_a, supervisor):
    disposal = scrap(head_a, school_a, [(old_desks, 12)], appraisal="两名教师鉴定")
    old_desks.refresh_from_db()
    line = disposal.lines.get()
    card = line.asset
    assert (old_desks.quantity, card.quantity, card.status, card.origin) == (
        12,
        12,
        AssetStatus.AWAITING_DISPOSAL,
        old_desks,
    )
    assert (line.quantity, line.original_value, line.book_value, line.status_before) == (
        12,
        Decimal("1440.00"),
        Decimal("0.00"),  # fully depreciated long ago
        AssetStatus.IDLE,
    )
    request = disposal.approval_request
    assert (disposal.number, request.number, request.amount, request.kind, disposal.status) == (
        f"CZ-{YEAR}-0001",
        f"CZ-{YEAR}-0001",
        Decimal("1440.00"),
        DISPOSAL_KIND,
        DocumentStatus.PENDING,
    )
    assert [s["role_code"] for s in request.steps] == ["principal", "district_supervisor"]
    assert (disposal.original_value, disposal.book_value, disposal.before_min_life) == (
        Decimal("1440.00"),
        Decimal("0.00"),
        False,
    )
    approve(request, principal_a)
    card.refresh_from_db()
    assert card.status == AssetStatus.AWAITING_DISPOSAL
    request.refresh_from_db()
    approve(request, supervisor, "同意报废")
    card.refresh_from_db()
    disposal.refresh_from_db()
    assert (card.status, card.disposed_on, card.depreciation_end) == (
        AssetStatus.DISPOSED,
        TODAY,
        depreciation.month_start(TODAY),
    )
    assert (disposal.status, disposal.decided_at is not None) == (DocumentStatus.APPROVED, True)
    assert list(card.events.order_by("pk").values_list("kind", "actor")) == [
        ("split_in", head_a.pk),
        ("disposal_request", head_a.pk),
        ("disposal", supervisor.pk),
    ]
    # The rest of the batch stays on the books; the disposed card keeps its history.
    assert old_desks.status == AssetStatus.IDLE
    assert [e.event.kind for e in asset_timeline(card, user=supervisor)] == [
        "disposal",
        "disposal_request",
        "split_in",
        "register",
    ]
    disposal_record_outcome(actor=head_a, disposal=disposal, approval_document_number="太教财〔2026〕12号")
    disposal.refresh_from_db()
    assert disposal.approval_document_number == "太教财〔2026〕12号"


def test_a_small_disposal_ends_with_the_principal(old_desks, school_a, head_a, principal_a):
    disposal = scrap(head_a, school_a, [(old_desks, 3)])
    assert disposal.approval_request.amount == Decimal("360.00")
    assert [s["role_code"] for s in disposal.approval_request.steps] == ["principal"]
    approve(disposal.approval_request, principal_a)
    disposal.refresh_from_db()
    assert disposal.status == DocumentStatus.APPROVED
    assert disposal.lines.get().asset.status == AssetStatus.DISPOSED


def test_rejected_or_withdrawn_the_cards_come_back(old_desks, school_a, head_a, principal_a):
    first = scrap(head_a, school_a, [(old_desks, 3)])
    approval_decide(
        actor=principal_a, request=first.approval_request, decision=Decision.REJECT, comment="还能用"
    )
    first.refresh_from_db()
    card = first.lines.get().asset
    card.refresh_from_db()
    assert (first.status, card.status) == (DocumentStatus.REJECTED, AssetStatus.IDLE)
    cancel = card.events.get(kind=EventKind.DISPOSAL_CANCEL)
    assert (cancel.actor, cancel.status_before, cancel.status_after) == (
        principal_a,
        "awaiting_disposal",
        "idle",
    )
    second = scrap(head_a, school_a, [(card, None)])
    approval_withdraw(actor=head_a, request=second.approval_request)
    second.refresh_from_db()
    card.refresh_from_db()
    assert (second.status, card.status) == (DocumentStatus.WITHDRAWN, AssetStatus.IDLE)


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("on_loan", "lines"),
        ("awaiting", "lines"),
        ("other_school", "lines"),
        ("quantity_zero", "lines"),
        ("quantity_negative", "lines"),
        ("quantity_too_many", "lines"),
        ("twice", "lines"),
        ("none", "lines"),
        ("lost_scrapped", "method"),
        ("bad_method", "method"),
        ("bad_ground", "ground"),
        ("no_reason", "reason"),
    ],
)
def test_bad_disposals_change_nothing(
    old_desks, school_a, school_b, head_a, storekeeper_a, teacher_a, case, field
):
    projector = make_asset(school_a, name="投影仪", category="A02020200", acquired_on=OLD)
    asset_lend(actor=storekeeper_a, asset=projector, borrower=teacher_a, due_on=TODAY)
    waiting = make_asset(school_a, name="旧电脑", acquired_on=OLD)
    scrap(head_a, school_a, [(waiting, None)])
    lost = make_asset(school_a, name="相机", category="A02020000", acquired_on=OLD)
    incident_report(actor=head_a, asset=lost, kind="loss", description="丢了")
    foreign = make_asset(school_b, name="别校电脑", acquired_on=OLD)
    lines, kwargs = [(old_desks, 2)], {}
    if case == "on_loan":
        lines = [(projector, None)]
    elif case == "awaiting":
        lines = [(Asset.objects.get(name="旧电脑"), None)]
    elif case == "other_school":
        lines = [(foreign, None)]
    elif case.startswith("quantity"):
        lines = [(old_desks, {"quantity_zero": 0, "quantity_negative": -1, "quantity_too_many": 25}[case])]
    elif case == "twice":
        lines = [(old_desks, 1), (old_desks, 2)]
    elif case == "none":
        lines = []
    elif case == "lost_scrapped":
        lines = [(lost, None)]
    elif case == "bad_method":
        kwargs = {"method": "burn"}
    elif case == "bad_ground":
        kwargs = {"ground": "boredom"}
    elif case == "no_reason":
        kwargs = {"reason": " "}
    before = counts()
    statuses = dict(Asset.objects.values_list("pk", "status"))
    with pytest.raises(ValidationError) as caught:
        scrap(head_a, school_a, lines, **kwargs)
    assert field in caught.value.message_dict
    assert counts() == before
    assert dict(Asset.objects.values_list("pk", "status")) == statuses
    old_desks.refresh_from_db()
    assert old_desks.quantity == 24


def test_refusal_messages(old_desks, school_a, head_a, storekeeper_a, teacher_a):
    projector = make_asset(school_a, name="投影仪", category="A02020200", acquired_on=OLD)
    asset_lend(actor=storekeeper_a, asset=projector, borrower=teacher_a, due_on=TODAY)
    scrap(head_a, school_a, [(old_desks, None)])
    projector.refresh_from_db()
    old_desks.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        scrap(head_a, school_a, [(projector, None), (old_desks, None)])
    assert caught.value.message_dict["lines"] == [
        f"{projector} is on loan; it can be disposed of once it is back.",
        f"{old_desks} is already awaiting disposal.",
    ]


def test_before_the_minimum_life_a_reason_is_needed(categories, school_a, head_a, room_a):
    desks = make_desks(school_a, room_a, acquired_on=datetime.date(2024, 8, 20))
    with pytest.raises(ValidationError) as caught:
        scrap(head_a, school_a, [(desks, 2)])
    months = depreciation.months_between(datetime.date(2024, 8, 1), depreciation.add_months(TODAY, 1))
    assert caught.value.message_dict["justification"] == [
        "These assets have not reached their minimum life; say why they go now: "
        f"{desks} has been in use {months} of its 180 months."
    ]
    assert Disposal.objects.count() == 0
    disposal = scrap(
        head_a, school_a, [(desks, 2)], ground="force_majeure", justification="暴雨淹水，桌面泡坏"
    )
    assert (disposal.before_min_life, disposal.justification) == (True, "暴雨淹水，桌面泡坏")
    rule_override_set(
        actor=None, school=school_a, key="assets.disposal_before_min_life_needs_justification", value=False
    )
    assert scrap(head_a, school_a, [(desks, 1)]).before_min_life is True


def test_vehicles_always_go_through_every_step(categories, school_a, head_a, principal_a, supervisor):
    van = make_asset(
        school_a, name="校车", category="A02030000", unit_price=Decimal("300.00"), acquired_on=OLD
    )
    disposal = scrap(head_a, school_a, [(van, None)])
    request = disposal.approval_request
    assert (disposal.always_to_finance, request.amount) == (True, None)
    assert [s["role_code"] for s in request.steps] == ["principal", "district_supervisor"]


def test_only_the_office_requests_disposals(old_desks, school_a, teacher_a):
    with pytest.raises(PermissionDenied):
        scrap(teacher_a, school_a, [(old_desks, 1)])
    assert Disposal.objects.count() == 0


def test_a_transfer_to_a_sister_school_end_to_end(
    categories, school_a, school_b, head_a, head_b, supervisor, room_a
):
    pcs = make_asset(
        school_a,
        name="学生计算机",
        unit_price=Decimal("3600.00"),
        quantity=10,
        room=room_a,
        acquired_on=datetime.date(2023, 9, 1),
    )
    transfer = transfer_request(
        actor=head_a, school=school_a, to_school=school_b, reason="示范小学计算机教室扩班", lines=[(pcs, 4)]
    )
    line = transfer.lines.get()
    part = line.asset
    pcs.refresh_from_db()
    assert (pcs.quantity, part.quantity, part.status) == (6, 4, AssetStatus.AWAITING_TRANSFER)
    request = transfer.approval_request
    assert (transfer.number, request.amount, [s["role_code"] for s in request.steps]) == (
        f"DB-{YEAR}-0001",
        Decimal("14400.00"),
        ["district_supervisor"],
    )
    approve(request, supervisor)
    part.refresh_from_db()
    line.refresh_from_db()
    new = line.new_asset
    assert (part.status, part.disposed_on, part.depreciation_end) == (
        AssetStatus.TRANSFERRED,
        TODAY,
        depreciation.month_start(TODAY),
    )
    assert (new.school, new.code, new.quantity, new.amount, new.status, new.room, new.origin) == (
        school_b,
        f"ZC-{YEAR}-0001",
        4,
        Decimal("14400.00"),
        AssetStatus.IDLE,
        None,
        part,
    )
    assert (new.depreciation_start, new.depreciation_months, new.acquisition_method) == (
        datetime.date(2023, 9, 1),
        72,
        "transfer",
    )
    # The month of the transfer is depreciated once: by the receiving school (当月增加当月计提).
    assert new.net_book_value() == part.net_book_value() - Decimal("200.00")
    assert part.events.get(kind=EventKind.TRANSFER_OUT).related_asset == new
    assert new.events.get(kind=EventKind.TRANSFER_IN).related_asset == part
    assert Notification.objects.filter(user=head_b, school=school_b).count() == 1
    # The receiving school sees its card's own life; the district sees where it came from.
    assert [e.event.kind for e in asset_timeline(new, user=head_b)] == ["transfer_in"]
    assert [(e.event.kind, e.inherited_from) for e in asset_timeline(new, user=supervisor)] == [
        ("transfer_in", None),
        ("transfer_request", part),
        ("split_in", part),
        ("register", pcs),
    ]


@pytest.mark.parametrize("target", ["other_district", "itself", "bureau_node"])
def test_transfers_stay_inside_the_district(categories, school_a, head_a, school_x, target):
    pc = make_asset(school_a)
    to_school = {"other_district": school_x, "itself": school_a, "bureau_node": None}[target]
    before = counts()
    with pytest.raises(ValidationError) as caught:
        transfer_request(
            actor=head_a, school=school_a, to_school=to_school, reason="调拨", lines=[(pc, None)]
        )
    assert "to_school" in caught.value.message_dict
    assert counts() == before


def test_a_schools_own_policy_takes_precedence(old_desks, school_a, head_a, principal_a, district):
    from houqin.core.tests.factories import role

    role("principal")
    approval_policy_set(
        actor=None,
        school=school_a,
        kind=DISPOSAL_KIND,
        steps=[{"role": "principal", "level": "school", "max_amount": None}],
    )
    disposal = scrap(head_a, school_a, [(old_desks, None)])
    assert [s["role_code"] for s in disposal.approval_request.steps] == ["principal"]
    assert not ApprovalPolicy.objects.filter(school=district, kind=DISPOSAL_KIND).exists()
    member(district, "district_supervisor")
