"""The periodic alert task (django-tasks, immediate in tests) and its place in the scheduler."""

import datetime
from decimal import Decimal

from django.utils import timezone

from houqin.core.models import Notification

from ..tasks import PERIODIC_TASKS, supplies_alerts_run, supplies_check_item
from .factories import item, receive


def test_the_alert_run_is_a_periodic_task():
    assert [(task.name, seconds) for task, seconds in PERIODIC_TASKS] == [("supplies_alerts_run", 3600)]


def test_the_task_tells_the_keepers_of_low_stock_and_expiry(school_a, keeper_a, store_a):
    toner = item(school_a, "硒鼓", unit="个", min_stock=Decimal("2"))
    receive(school_a, toner, store_a, 1, "180.00")
    soap = item(school_a, "洗手液", unit="瓶")
    expiry = timezone.localdate() + datetime.timedelta(days=5)
    receive(school_a, soap, store_a, 6, "9.90", lot="S-1", expiry_date=expiry)
    result = supplies_alerts_run.enqueue()
    assert result.return_value == {"raised": 2, "cleared": 0, "notified": 2}
    assert sorted(Notification.objects.values_list("user__username", "title")) == [
        ("keeper_a", "Low stock: 硒鼓, 1 个 left (minimum 2)"),
        ("keeper_a", f"Near expiry: 洗手液, 6 瓶 of lot S-1 expire on {expiry.isoformat()} in 物资仓库"),
    ]
    assert supplies_alerts_run.enqueue().return_value == {"raised": 0, "cleared": 0, "notified": 0}


def test_the_item_check_after_an_issue(school_a, keeper_a, store_a):
    toner = item(school_a, "硒鼓", unit="个", min_stock=Decimal("2"))
    receive(school_a, toner, store_a, 1, "180.00")
    assert supplies_check_item.enqueue(school_a.pk, toner.pk).return_value == {
        "raised": 1,
        "cleared": 0,
        "notified": 1,
    }
    assert supplies_check_item.enqueue(school_a.pk, 999999).return_value == {
        "raised": 0,
        "cleared": 0,
        "notified": 0,
    }


def test_the_head_of_logistics_hears_when_there_is_no_storekeeper(school_a, head_a, store_a):
    toner = item(school_a, "硒鼓", unit="个", min_stock=Decimal("2"))
    receive(school_a, toner, store_a, 1, "180.00")
    supplies_alerts_run.enqueue()
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["head_a"]


def test_the_command_runs_the_alerts_once(school_a, keeper_a, store_a):
    from io import StringIO

    from django.core.management import call_command

    toner = item(school_a, "硒鼓", unit="个", min_stock=Decimal("2"))
    receive(school_a, toner, store_a, 1, "180.00")
    out = StringIO()
    call_command("supplies_alerts", stdout=out)
    assert out.getvalue().strip() == "raised=1 cleared=0 notified=1"
