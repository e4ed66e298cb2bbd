"""Standard allotments: a cleaning kit to every class in one action, all or nothing per class,
a shortage list for the classes the store cannot cover, textbooks by pupil count, and each class
head's signature."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from houqin.core.models import ChangeLogEntry, Notification
from houqin.core.tests.factories import member

from ..models import Allotment, AllotmentTarget, Kit, StockBalance, StockMovement
from ..selectors import allotment_shortage
from ..services.allotments import (
    allotment_create,
    allotment_issue,
    allotment_set_pupils,
    allotment_target_confirm,
    kit_create,
    kit_update,
)
from .factories import classroom, item, receive

D = Decimal
YEAR = timezone.localdate().year


@pytest.fixture
def tools(school_a):
    return {
        "broom": item(school_a, "扫帚", unit="把", category="cleaning"),
        "mop": item(school_a, "拖把", unit="把", category="cleaning"),
        "bucket": item(school_a, "水桶", unit="个", category="cleaning"),
    }


@pytest.fixture
def kit(school_a, head_a, tools):
    return kit_create(
        actor=head_a,
        school=school_a,
        name="教室清洁工具",
        lines=[
            {"item": tools["broom"], "quantity": D(4)},
            {"item": tools["mop"], "quantity": D(2)},
            {"item": tools["bucket"], "quantity": D(1)},
        ],
    )


@pytest.fixture
def heads(school_a):
    return [
        member(school_a, "teacher", username=f"head{n}", full_name=name)
        for n, name in enumerate(["王红梅", "李志华", "张秀英"], 1)
    ]


@pytest.fixture
def classes(school_a, heads):
    first = classroom(school_a, "一年级1班", head=heads[0], number="101")
    building = first.building
    return [
        first,
        classroom(school_a, "一年级2班", head=heads[1], number="102", building=building),
        classroom(school_a, "二年级1班", head=heads[2], number="201", building=building, capacity=40),
    ]


def stock(school_a, store_a, tools, brooms, mops, buckets):
    receive(school_a, tools["broom"], store_a, brooms, "12.00")
    receive(school_a, tools["mop"], store_a, mops, "18.00")
    receive(school_a, tools["bucket"], store_a, buckets, "9.50")


def held(store):
    return dict(StockBalance.objects.filter(store=store).values_list("item__name", "quantity"))


def statuses(allotment):
    return [
        (t.room.name, t.status) for t in allotment.targets.select_related("room").order_by("room__number")
    ]


def test_a_kit_and_its_name(school_a, head_a, kit, tools):
    assert [(line.item.name, line.quantity, line.per_pupil) for line in kit.lines.order_by("pk")] == [
        ("扫帚", D("4.000"), False),
        ("拖把", D("2.000"), False),
        ("水桶", D("1.000"), False),
    ]
    with pytest.raises(ValidationError) as exc:
        kit_create(
            actor=head_a, school=school_a, name="教室清洁工具", lines=[{"item": tools["mop"], "quantity": 1}]
        )
    assert list(exc.value.message_dict) == ["name"]
    assert Kit.objects.count() == 1


def test_a_kit_change_leaves_allotments_made_from_it(
    school_a, head_a, keeper_a, kit, tools, store_a, classes
):
    allotment = allotment_create(
        actor=head_a, school=school_a, title="春季清洁工具", kit=kit, store=store_a, rooms=classes
    )
    kit_update(actor=head_a, kit=kit, name="教室清洁工具", lines=[{"item": tools["broom"], "quantity": D(1)}])
    assert [(line.item.name, line.quantity) for line in allotment.lines.order_by("pk")] == [
        ("扫帚", D("4.000")),
        ("拖把", D("2.000")),
        ("水桶", D("1.000")),
    ]


def test_make_an_allotment_for_the_classes(school_a, head_a, kit, store_a, classes, heads):
    allotment = allotment_create(
        actor=head_a, school=school_a, title="2026春季清洁工具", kit=kit, store=store_a, rooms=classes
    )
    assert (allotment.number, allotment.status, allotment.kit) == (f"PF-{YEAR}-0001", "draft", kit)
    assert [
        (t.room.name, t.receiver, t.pupils, t.status) for t in allotment.targets.order_by("room__number")
    ] == [
        ("一年级1班", heads[0], 45, "pending"),
        ("一年级2班", heads[1], 45, "pending"),
        ("二年级1班", heads[2], 40, "pending"),
    ]


def test_a_class_without_a_head_is_refused(school_a, head_a, kit, store_a, classes):
    orphan = classroom(school_a, "三年级1班", head=None, building=classes[0].building, number="301")
    logs = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        allotment_create(
            actor=head_a, school=school_a, title="x", kit=kit, store=store_a, rooms=[*classes, orphan]
        )
    assert exc.value.message_dict == {"rooms": [f"{orphan} has no class head to sign for it."]}
    assert (Allotment.objects.count(), AllotmentTarget.objects.count(), ChangeLogEntry.objects.count()) == (
        0,
        0,
        logs,
    )


@pytest.mark.parametrize("what", ["store", "kit", "rooms"])
def test_parts_of_another_school_are_refused(
    what, school_a, school_b, head_a, kit, store_a, store_b, classes
):
    kwargs = {"store": store_a, "kit": kit, "rooms": classes}
    if what == "store":
        kwargs["store"] = store_b
    elif what == "kit":
        kwargs["kit"] = Kit.objects.create(school=school_b, name="外校")
    else:
        kwargs["rooms"] = [classroom(school_b, "外校班级", head=head_a)]
    with pytest.raises(ValidationError) as exc:
        allotment_create(actor=head_a, school=school_a, title="x", **kwargs)
    assert what in exc.value.message_dict
    assert Allotment.objects.count() == 0


def test_issue_to_every_class_in_one_action(school_a, head_a, keeper_a, kit, tools, store_a, classes, heads):
    stock(school_a, store_a, tools, brooms=12, mops=6, buckets=3)
    allotment = allotment_create(
        actor=head_a, school=school_a, title="春季清洁工具", kit=kit, store=store_a, rooms=classes
    )
    result = allotment_issue(actor=keeper_a, allotment=allotment)
    assert ([t.room.name for t in result.issued], result.short) == (
        ["一年级1班", "一年级2班", "二年级1班"],
        [],
    )
    allotment.refresh_from_db()
    assert allotment.status == "issued"
    assert held(store_a) == {"扫帚": D("0.000"), "拖把": D("0.000"), "水桶": D("0.000")}
    moves = StockMovement.objects.filter(kind="issue", allotment_target__allotment=allotment)
    assert moves.count() == 9
    first = moves.filter(room=classes[0]).order_by("pk")
    assert [(m.item.name, m.quantity, m.issued_to, m.reference) for m in first] == [
        ("扫帚", D("-4.000"), heads[0], allotment.number),
        ("拖把", D("-2.000"), heads[0], allotment.number),
        ("水桶", D("-1.000"), heads[0], allotment.number),
    ]
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == [
        "head1",
        "head2",
        "head3",
    ]


def test_the_store_short_serves_whom_it_can_and_lists_the_rest(
    school_a, head_a, keeper_a, kit, tools, store_a, classes
):
    stock(school_a, store_a, tools, brooms=10, mops=6, buckets=3)  # brooms for two classes only
    allotment = allotment_create(
        actor=head_a, school=school_a, title="春季清洁工具", kit=kit, store=store_a, rooms=classes
    )
    result = allotment_issue(actor=keeper_a, allotment=allotment)
    assert [t.room.name for t in result.issued] == ["一年级1班", "一年级2班"]
    assert [t.room.name for t in result.short] == ["二年级1班"]
    short = AllotmentTarget.objects.get(room=classes[2])
    assert (short.status, short.shortage) == (
        "short",
        [{"item_id": tools["broom"].pk, "item": "扫帚", "unit": "把", "needed": "4", "available": "2"}],
    )
    # All or nothing: the short class took none of the mops and buckets it could have had.
    assert not StockMovement.objects.filter(allotment_target=short).exists()
    assert held(store_a) == {"扫帚": D("2.000"), "拖把": D("2.000"), "水桶": D("1.000")}
    allotment.refresh_from_db()
    assert allotment.status == "partly_issued"
    assert [
        (r["item"].name, r["needed"], r["available"], r["missing"]) for r in allotment_shortage(allotment)
    ] == [("扫帚", D("4.000"), D("2.000"), D("2.000"))]
    # Two more brooms arrive; the next issue serves the class that was waiting.
    receive(school_a, tools["broom"], store_a, 2, "12.00")
    again = allotment_issue(actor=keeper_a, allotment=allotment)
    assert ([t.room.name for t in again.issued], again.short) == (["二年级1班"], [])
    allotment.refresh_from_db()
    assert (allotment.status, statuses(allotment)) == (
        "issued",
        [("一年级1班", "issued"), ("一年级2班", "issued"), ("二年级1班", "issued")],
    )
    with pytest.raises(ValidationError):
        allotment_issue(actor=keeper_a, allotment=allotment)


def test_textbooks_by_pupil_count(school_a, head_a, keeper_a, store_a, classes):
    books = item(school_a, "作业本", unit="本", category="books")
    receive(school_a, books, store_a, 500, "0.80")
    kit = kit_create(
        actor=head_a,
        school=school_a,
        name="作业本",
        lines=[{"item": books, "quantity": D(2), "per_pupil": True}],
    )
    allotment = allotment_create(
        actor=head_a,
        school=school_a,
        title="春季作业本",
        kit=kit,
        store=store_a,
        rooms=classes[:2],
        pupils={classes[0].pk: 38},
    )
    target = allotment.targets.get(room=classes[1])
    allotment_set_pupils(actor=head_a, target=target, pupils=41)
    allotment_issue(actor=keeper_a, allotment=allotment)
    assert list(
        StockMovement.objects.filter(kind="issue")
        .order_by("room__number")
        .values_list("room__name", "quantity")
    ) == [("一年级1班", D("-76.000")), ("一年级2班", D("-82.000"))]
    assert held(store_a) == {"作业本": D("342.000")}
    with pytest.raises(ValidationError):
        allotment_set_pupils(actor=head_a, target=target, pupils=40)


def test_the_class_head_signs_for_the_kit(school_a, head_a, keeper_a, kit, tools, store_a, classes, heads):
    stock(school_a, store_a, tools, brooms=12, mops=6, buckets=3)
    allotment = allotment_create(
        actor=head_a, school=school_a, title="春季清洁工具", kit=kit, store=store_a, rooms=classes
    )
    target = allotment.targets.get(room=classes[0])
    with pytest.raises(ValidationError):
        allotment_target_confirm(actor=heads[0], target=target)  # nothing issued yet
    allotment_issue(actor=keeper_a, allotment=allotment)
    for other in (heads[1], keeper_a):
        with pytest.raises(PermissionDenied):
            allotment_target_confirm(actor=other, target=target)
    signed = allotment_target_confirm(actor=heads[0], target=target)
    assert (signed.status, signed.confirmed_by, signed.confirmed_at is not None) == (
        "confirmed",
        heads[0],
        True,
    )
    assert statuses(allotment) == [
        ("一年级1班", "confirmed"),
        ("一年级2班", "issued"),
        ("二年级1班", "issued"),
    ]


def test_only_those_who_may_allot(school_a, teacher_a, head_a, kit, store_a, classes):
    with pytest.raises(PermissionDenied):
        allotment_create(actor=teacher_a, school=school_a, title="x", kit=kit, store=store_a, rooms=classes)
    allotment = allotment_create(
        actor=head_a, school=school_a, title="x", kit=kit, store=store_a, rooms=classes
    )
    with pytest.raises(PermissionDenied):
        allotment_issue(actor=teacher_a, allotment=allotment)
    assert StockMovement.objects.count() == 0
