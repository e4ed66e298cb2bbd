"""Asset cards: registration, classification, splits and moves, status, card details, corrections."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from houqin.assets.choices import AssetClass, AssetStatus, EventKind
from houqin.assets.models import Asset, AssetEvent
from houqin.assets.selectors import asset_timeline
from houqin.assets.services.assets import (
    asset_event_reverse,
    asset_move,
    asset_set_status,
    asset_split,
    asset_update,
)
from houqin.assets.services.loans import asset_lend
from houqin.core.models import ChangeLogEntry
from houqin.core.services.rules import rule_override_set
from houqin.core.tests.factories import UserFactory

from .factories import category, make_asset, make_desks, make_room

YEAR = timezone.localdate().year


def counts():
    return (Asset.objects.count(), AssetEvent.objects.count(), ChangeLogEntry.objects.count())


def log_of(obj):
    return list(
        ChangeLogEntry.objects.filter(content_type__model=obj._meta.model_name, object_id=str(obj.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_register_a_single_item(categories, school_a, head_a, room_a, teacher_a):
    pc = make_asset(
        school_a,
        actor=head_a,
        name="台式计算机",
        serial_number="PC-001",
        room=room_a,
        custodian=teacher_a,
        unit_price=Decimal("4800.00"),
        acquired_on=datetime.date(2025, 3, 10),
    )
    assert pc.code == f"ZC-{YEAR}-0001"
    assert (pc.quantity, pc.amount, pc.unit, pc.asset_class) == (
        1,
        Decimal("4800.00"),
        "台",
        AssetClass.FIXED,
    )
    assert (pc.depreciation_class, pc.depreciation_months, pc.depreciation_start) == (
        "",
        72,
        datetime.date(2025, 3, 1),
    )
    assert pc.residual_value == Decimal("0.00")
    assert pc.search_text == f"台式计算机 zc-{YEAR}-0001 tsjsj"
    assert (pc.room, pc.custodian, pc.status, pc.condition) == (room_a, teacher_a, "in_use", "good")
    assert pc.net_book_value(datetime.date(2026, 2, 28)) == Decimal("4000.00")  # 12 of 72 months
    [event] = AssetEvent.objects.filter(asset=pc)
    assert (event.kind, event.quantity, event.quantity_after, event.to_room, event.actor, event.amount) == (
        EventKind.REGISTER,
        1,
        1,
        room_a,
        head_a,
        Decimal("4800.00"),
    )
    assert event.occurred_on == datetime.date(2025, 3, 10)
    assert log_of(pc) == ["create"]


def test_register_a_batch_and_numbers_follow_each_other(categories, school_a, school_b, head_a, room_a):
    desks = make_desks(school_a, room_a, actor=head_a)
    assert (desks.code, desks.quantity, desks.amount, desks.asset_class) == (
        f"ZC-{YEAR}-0001",
        50,
        Decimal("13000.00"),
        AssetClass.FIXED,
    )
    assert (desks.depreciation_months, desks.unit) == (180, "把")
    assert make_asset(school_a).code == f"ZC-{YEAR}-0002"
    # Numbers are per school.
    assert make_asset(school_b).code == f"ZC-{YEAR}-0001"


RULES = {
    "threshold_500": ("assets.capitalisation_threshold", "500.00"),
    "special_1500": ("assets.capitalisation_threshold_special_equipment", "1500.00"),
    "no_bulk": ("assets.bulk_like_items_are_fixed_assets", False),
    "sports_always": ("assets.always_fixed_asset_kinds", ["A02350000"]),
}


@pytest.mark.parametrize(
    ("code", "price", "rules", "expected", "months"),
    [
        ("A02010100", "4800.00", (), AssetClass.FIXED, 72),  # a computer
        ("A02010100", "999.99", (), AssetClass.LOW_VALUE, 0),  # below the threshold
        ("A02010100", "1000.00", (), AssetClass.FIXED, 72),  # at the threshold
        ("A02010100", "800.00", ("threshold_500",), AssetClass.FIXED, 72),  # a school's lower line
        ("A02350000", "120.00", (), AssetClass.LOW_VALUE, 0),  # a basketball
        ("A02350000", "120.00", ("sports_always",), AssetClass.FIXED, 60),  # listed as always fixed
        ("A05010304", "260.00", (), AssetClass.FIXED, 180),  # chairs: large batches of like items
        ("A05010304", "260.00", ("no_bulk",), AssetClass.LOW_VALUE, 0),
        ("A04010000", "25.00", (), AssetClass.FIXED, 0),  # books: fixed, never depreciated
        ("A02330000", "1200.00", (), AssetClass.FIXED, 60),  # special equipment, 2022 rule: 1000
        ("A02330000", "1200.00", ("special_1500",), AssetClass.LOW_VALUE, 0),  # legacy 1500 line
        ("A01010000", "800000.00", (), AssetClass.FIXED, 600),  # a building, reinforced concrete
    ],
)
def test_classification_follows_the_rule_book(categories, school_a, code, price, rules, expected, months):
    for name in rules:
        key, value = RULES[name]
        rule_override_set(actor=None, school=school_a, key=key, value=value)
    card = make_asset(school_a, name="测试", category=code, unit_price=Decimal(price))
    assert (card.asset_class, card.depreciation_months) == (expected, months)


def test_depreciation_class_of_a_building_by_structure_and_the_residual_rule(categories, school_a):
    rule_override_set(actor=None, school=school_a, key="assets.depreciation_residual_rate", value="0.05")
    rule_override_set(
        actor=None, school=school_a, key="assets.depreciation_starts_month_acquired", value=False
    )
    house = make_asset(
        school_a,
        name="旧教学楼",
        category="A01010000",
        depreciation_class="building_brick_wood",
        unit_price=Decimal("300000.00"),
        acquired_on=datetime.date(1993, 8, 10),
    )
    assert (house.depreciation_months, house.depreciation_start, house.residual_value) == (
        360,
        datetime.date(1993, 9, 1),
        Decimal("15000.00"),
    )
    assert house.net_book_value(datetime.date(2030, 1, 1)) == Decimal("15000.00")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quantity": 0, "tracking": "batch"}, "quantity"),
        ({"quantity": -1, "tracking": "batch"}, "quantity"),
        ({"quantity": "x", "tracking": "batch"}, "quantity"),
        ({"quantity": 5, "tracking": "single"}, "quantity"),
        ({"unit_price": Decimal("-1.00")}, "unit_price"),
        ({"unit_price": "abc"}, "unit_price"),
        ({"unit_price": Decimal("1.005")}, "unit_price"),
        ({"name": "  "}, "name"),
        ({"acquired_on": datetime.date(2099, 1, 1)}, "acquired_on"),
        ({"booked_on": datetime.date(2025, 1, 1), "acquired_on": datetime.date(2025, 3, 1)}, "booked_on"),
        ({"room": "B"}, "room"),
        ({"custodian": "B"}, "custodian"),
        ({"category": "B"}, "category"),
        ({"status": "on_loan"}, "status"),
        ({"condition": "damaged"}, "condition"),
        ({"funding_source": "lottery"}, "funding_source"),
        ({"depreciation_class": "spaceships"}, "depreciation_class"),
    ],
)
def test_bad_registration_changes_nothing(
    categories, school_a, school_b, head_a, head_b, room_b, data, field
):
    from houqin.assets.services.categories import category_create

    foreign = {
        "room": room_b,
        "custodian": head_b,
        "category": category_create(
            actor=None, school=school_b, data={"parent": category("A02010100"), "name": "别校类别"}
        ),
    }
    data = {k: (foreign[k] if v == "B" else v) for k, v in data.items()}
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_asset(school_a, actor=head_a, **data)
    assert field in caught.value.message_dict
    assert counts() == before
    # The number was not used up.
    assert make_asset(school_a).code == f"ZC-{YEAR}-0001"


def test_a_teacher_may_not_register(categories, school_a, teacher_a):
    with pytest.raises(PermissionDenied):
        make_asset(school_a, actor=teacher_a)
    assert Asset.objects.count() == 0


def test_moving_part_of_a_batch_splits_it(categories, school_a, head_a, room_a, room_a2):
    desks = make_desks(school_a, room_a, actor=head_a)
    moved = asset_move(actor=head_a, asset=desks, quantity=20, room=room_a2, note="分班")
    desks.refresh_from_db()
    assert (desks.quantity, desks.amount, desks.room) == (30, Decimal("7800.00"), room_a)
    assert (moved.quantity, moved.amount, moved.room, moved.origin) == (
        20,
        Decimal("5200.00"),
        room_a2,
        desks,
    )
    assert moved.code == f"ZC-{YEAR}-0002"
    assert (moved.depreciation_months, moved.depreciation_start, moved.asset_class) == (
        desks.depreciation_months,
        desks.depreciation_start,
        desks.asset_class,
    )
    assert list(desks.events.order_by("pk").values_list("kind", "quantity", "quantity_after")) == [
        ("register", 50, 50),
        ("split_out", 20, 30),
    ]
    assert list(moved.events.order_by("pk").values_list("kind", "quantity", "quantity_after")) == [
        ("split_in", 20, 20),
        ("move", 20, 20),
    ]
    move = moved.events.get(kind="move")
    assert (move.from_room, move.to_room, move.note) == (room_a, room_a2, "分班")
    assert move.changes["room"]["from_id"] == room_a.pk and move.changes["room"]["to_id"] == room_a2.pk
    split = desks.events.get(kind="split_out")
    assert (split.related_asset, split.amount) == (moved, Decimal("5200.00"))
    # The new card's life starts with the batch's registration.
    timeline = asset_timeline(moved, user=head_a)
    assert [(e.event.kind, e.inherited_from) for e in timeline] == [
        ("move", None),
        ("split_in", None),
        ("register", desks),
    ]
    assert log_of(desks) == ["create", "update"]
    assert log_of(moved) == ["create", "update"]


def test_moving_the_whole_card_and_assigning_a_keeper(
    categories, school_a, head_a, room_a, room_a2, teacher_a
):
    pc = make_asset(school_a, actor=head_a, room=room_a)
    assert asset_move(actor=head_a, asset=pc, room=room_a2) == pc
    pc.refresh_from_db()
    assert (pc.room, Asset.objects.count()) == (room_a2, 1)
    asset_move(actor=head_a, asset=pc, custodian=teacher_a)
    pc.refresh_from_db()
    assert pc.custodian == teacher_a
    assert list(pc.events.order_by("pk").values_list("kind", flat=True)) == ["register", "move", "assign"]
    assign = pc.events.get(kind="assign")
    assert assign.changes == {
        "custodian": {"from": None, "to": str(teacher_a), "from_id": None, "to_id": teacher_a.pk}
    }
    assert assign.from_room is None and assign.to_room == room_a2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"quantity": 0, "room": "A2"}, "quantity"),
        ({"quantity": -3, "room": "A2"}, "quantity"),
        ({"quantity": 51, "room": "A2"}, "quantity"),
        ({"room": "B"}, "room"),
        ({"department": "B"}, "department"),
        ({"custodian": "X"}, "custodian"),
        ({}, "__all__"),
        ({"room": "A"}, "__all__"),  # already there
        ({"room": "A2", "occurred_on": datetime.date(2099, 1, 1)}, "occurred_on"),
        ({"room": "INACTIVE"}, "room"),
    ],
)
def test_bad_moves_change_nothing(
    categories, school_a, school_b, head_a, room_a, room_a2, room_b, kwargs, field
):
    from houqin.core.tests.factories import DepartmentFactory

    desks = make_desks(school_a, room_a)
    targets = {
        "A": room_a,
        "A2": room_a2,
        "B": room_b if "room" in kwargs else DepartmentFactory(school=school_b),
        "X": UserFactory(),
        "INACTIVE": make_room(school_a, number="999", is_active=False),
    }
    kwargs = {k: (targets[v] if isinstance(v, str) else v) for k, v in kwargs.items()}
    before = counts()
    with pytest.raises(ValidationError) as caught:
        asset_move(actor=head_a, asset=desks, **kwargs)
    assert field in caught.value.message_dict
    assert counts() == before
    desks.refresh_from_db()
    assert (desks.quantity, desks.room, desks.amount) == (50, room_a, Decimal("13000.00"))


def test_a_card_on_loan_is_not_moved(categories, school_a, head_a, room_a, room_a2, teacher_a):
    projector = make_asset(school_a, name="投影仪", category="A02020200", room=room_a)
    asset_lend(actor=head_a, asset=projector, borrower=teacher_a, due_on=timezone.localdate())
    before = counts()
    with pytest.raises(ValidationError) as caught:
        asset_move(actor=head_a, asset=projector, room=room_a2)
    assert caught.value.messages == [f"{projector} is on loan; it cannot be moved now."]
    assert counts() == before


def test_a_teacher_may_not_move(categories, school_a, teacher_a, room_a, room_a2):
    desks = make_desks(school_a, room_a)
    with pytest.raises(PermissionDenied):
        asset_move(actor=teacher_a, asset=desks, quantity=5, room=room_a2)
    desks.refresh_from_db()
    assert (desks.quantity, Asset.objects.count()) == (50, 1)


def test_split_by_hand_and_refusals(categories, school_a, head_a, room_a):
    desks = make_desks(school_a, room_a)
    part = asset_split(actor=head_a, asset=desks, quantity=1)
    desks.refresh_from_db()
    assert (desks.quantity, desks.amount, part.quantity, part.amount) == (
        49,
        Decimal("12740.00"),
        1,
        Decimal("260.00"),
    )
    single = make_asset(school_a)
    for asset, quantity in ((desks, 49), (desks, 0), (single, 1)):
        with pytest.raises(ValidationError):
            asset_split(actor=head_a, asset=asset, quantity=quantity)
    assert Asset.objects.count() == 3


def test_status_by_hand(categories, school_a, head_a, room_a):
    pc = make_asset(school_a, room=room_a)
    asset_set_status(actor=head_a, asset=pc, status=AssetStatus.IDLE, condition="worn", note="暑假封存")
    pc.refresh_from_db()
    assert (pc.status, pc.condition) == ("idle", "worn")
    event = pc.events.get(kind="status")
    assert (event.status_before, event.status_after, event.note) == ("in_use", "idle", "暑假封存")
    for kwargs in ({"status": "on_loan"}, {"condition": "damaged"}, {}, {"status": "idle"}):
        with pytest.raises(ValidationError):
            asset_set_status(actor=head_a, asset=pc, **kwargs)
    assert pc.events.count() == 2


def test_card_details_and_a_new_price(categories, school_a, head_a, room_a):
    desks = make_desks(school_a, room_a)
    asset_update(
        actor=head_a, instance=desks, data={"unit_price": Decimal("280.00"), "brand": "育才", "room": None}
    )
    desks.refresh_from_db()
    assert (desks.amount, desks.brand, desks.room) == (Decimal("14000.00"), "育才", room_a)
    value = desks.events.get(kind="value")
    assert value.amount == Decimal("1000.00")
    # Re-classified as 用具 (not a class of large batches), 280 yuan each is a low-value item.
    asset_update(actor=head_a, instance=desks, data={"category": category("A05020000"), "name": "学生桌椅"})
    desks.refresh_from_db()
    assert (desks.asset_class, desks.depreciation_months, desks.search_text) == (
        AssetClass.LOW_VALUE,
        0,
        f"学生桌椅 zc-{YEAR}-0001 xszy",
    )
    with pytest.raises(ValidationError) as caught:
        asset_update(actor=head_a, instance=desks, data={"unit_price": Decimal("-5")})
    assert list(caught.value.message_dict) == ["unit_price"]
    desks.refresh_from_db()
    assert desks.amount == Decimal("14000.00")


def test_a_wrong_move_is_corrected_by_a_reversing_entry(categories, school_a, head_a, room_a, room_a2):
    pc = make_asset(school_a, room=room_a)
    asset_move(actor=head_a, asset=pc, room=room_a2)
    move = pc.events.get(kind="move")
    correction = asset_event_reverse(actor=head_a, event=move, note="搬错了")
    pc.refresh_from_db()
    assert (pc.room, correction.kind, correction.reverses, correction.from_room, correction.to_room) == (
        room_a,
        EventKind.CORRECTION,
        move,
        room_a2,
        room_a,
    )
    assert AssetEvent.objects.filter(pk=move.pk).exists()  # the wrong entry stays
    with pytest.raises(ValidationError):
        asset_event_reverse(actor=head_a, event=move, note="again")
    with pytest.raises(ValidationError):
        asset_event_reverse(actor=head_a, event=pc.events.get(kind="register"), note="no")
    assert pc.events.count() == 3
