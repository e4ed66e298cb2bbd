"""The demo: a store and a catalogue per school, a semester of allotments and requisitions
replayed through the services, and the open ends the lists show today."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from houqin.core.demo import build_demo as build_core_demo
from houqin.core.models import ApprovalRequest, Notification

from ..demo import build_demo, replay_window
from ..models import AllotmentTarget, Item, Kit, Requisition, StockBalance, StockMovement, Store
from ..selectors import low_stock_list, near_expiry_list

pytestmark = pytest.mark.django_db
MILLI, CENT = Decimal("0.001"), Decimal("0.01")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            district = build_core_demo().district
            result = build_demo(district)
            yield district, result
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_every_school_has_a_store_a_catalogue_and_kits(demo):
    district, result = demo
    assert result.created
    schools = result.schools
    assert [s.name for s in schools] == ["黄竹林学校", "示范小学", "水塘坝小学", "箐门小学", "太平中学"]
    for school in schools:
        assert list(Store.objects.filter(school=school).values_list("name", flat=True)) == ["物资仓库"]
        assert Item.objects.filter(school=school).count() == 24
        assert sorted(Kit.objects.filter(school=school).values_list("name", flat=True)) == [
            "学期作业本",
            "教室清洁工具",
        ]


def test_the_ledger_agrees_with_every_balance(demo):
    district, _ = demo
    for balance in StockBalance.objects.in_scope(district):
        sums = balance.movements.aggregate(q=Sum("quantity"), v=Sum("value"))
        # (SQLite sums decimals in floating point: compare at the columns' places.)
        assert (sums["q"].quantize(MILLI), sums["v"].quantize(CENT)) == (balance.quantity, balance.value), (
            balance
        )
        assert balance.lots.aggregate(q=Sum("quantity"))["q"].quantize(MILLI) == balance.quantity
    assert StockMovement.objects.in_scope(district).count() > 500


def test_the_semester_is_replayed_in_its_days(demo):
    district, _ = demo
    start, end = replay_window(timezone.localdate())
    days = StockMovement.objects.in_scope(district).values_list("occurred_at", flat=True)
    assert min(timezone.localtime(d).date() for d in days) == start
    assert max(timezone.localtime(d).date() for d in days) <= end


def test_the_cleaning_kit_came_short_at_huangzhulin_and_one_head_has_not_signed(demo):
    district, _ = demo
    targets = AllotmentTarget.objects.filter(
        school__name="黄竹林学校", allotment__title__endswith="教室清洁工具"
    )
    assert targets.count() == 12
    assert sorted(t.room.name for t in targets.filter(status="short")) == ["六年级1班", "六年级2班"]
    assert [t.room.name for t in targets.filter(status="issued")] == ["三年级2班"]
    assert targets.filter(status="confirmed").count() == 9
    short = targets.filter(status="short").first()
    assert short.shortage == [
        {
            "item_id": short.shortage[0]["item_id"],
            "item": "拖把 棉线",
            "unit": "把",
            "needed": "1",
            "available": "0",
        }
    ]


def test_requisitions_at_every_stage(demo):
    district, _ = demo
    statuses = set(Requisition.objects.filter(school__name="黄竹林学校").values_list("status", flat=True))
    assert statuses == {"received", "pending", "approved", "partly_issued", "draft"}
    assert Requisition.objects.in_scope(district).filter(status="received").count() > 40
    pending = ApprovalRequest.objects.filter(kind="supplies.requisition", status="pending")
    assert pending.filter(school__name="黄竹林学校").count() == 1
    approved = ApprovalRequest.objects.filter(
        kind="supplies.requisition", status="approved", school__name="黄竹林学校"
    )
    assert approved.count() == 1


def test_the_alerts_show_toner_and_disinfectant(demo):
    district, _ = demo
    school = district.children.get(name="黄竹林学校")
    assert [(r.item.name, r.total) for r in low_stock_list(schools=[school]) if r.item.name == "硒鼓"] == [
        ("硒鼓", Decimal("1.000"))
    ]
    today = timezone.localdate()
    expiring = near_expiry_list(schools=[school], today=today)
    assert [(lot.lot, lot.expiry_date) for lot in expiring] == [
        ("XD-2411", today + datetime.timedelta(days=20))
    ]


def test_old_notifications_are_read(demo):
    district, _ = demo
    cutoff = timezone.now() - datetime.timedelta(days=8)
    assert not Notification.objects.filter(
        created_at__lt=cutoff, read_at__isnull=True, title__contains="领用"
    ).exists()


def test_a_second_build_changes_nothing(demo):
    district, _ = demo
    before = StockMovement.objects.count()
    assert build_demo(district).created is False
    assert StockMovement.objects.count() == before
