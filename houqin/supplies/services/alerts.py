"""Stock alerts: items below their minimum, lots near (or past) their expiry date.

The conditions are read live (selectors) for the alerts page; this service remembers which
ones the storekeepers have been told about (StockAlert), so the periodic run notifies once per
condition and again only after it cleared and came back.
"""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core.models import Membership, School
from houqin.core.services.notifications import notify

from ..choices import AlertKind
from ..exceptions import _number
from ..models import Item, StockAlert, Store
from ..selectors import low_stock_list, near_expiry_list

# Who hears about a school's stock: its storekeepers and store keepers; else its head of logistics.
KEEPER_ROLES = ("storekeeper",)
FALLBACK_ROLES = ("head_of_logistics",)


@dataclass
class AlertRun:
    raised: int = 0
    cleared: int = 0
    notified: int = 0

    def as_dict(self):
        return {"raised": self.raised, "cleared": self.cleared, "notified": self.notified}


def alert_recipients(school):
    """The people told about `school`'s stock."""
    from houqin.core.models import User

    ids = set(
        Membership.objects.filter(
            school=school, role__code__in=KEEPER_ROLES, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    ids |= set(
        Store.objects.filter(
            school=school, is_active=True, keeper__isnull=False, keeper__is_active=True
        ).values_list("keeper_id", flat=True)
    )
    if not ids:
        ids = set(
            Membership.objects.filter(
                school=school, role__code__in=FALLBACK_ROLES, user__is_active=True
            ).values_list("user_id", flat=True)
        )
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def _conditions(school, *, today, item=None):
    """{(kind, item_id, lot_id): (item, text)} of the school's current alert conditions."""
    found = {}
    for row in low_stock_list(schools=[school], item=item):
        found[(AlertKind.LOW_STOCK, row.item.pk, None)] = (
            row.item,
            _("Low stock: %(item)s, %(total)s %(unit)s left (minimum %(min)s)")
            % {
                "item": row.item,
                "total": _number(row.total),
                "unit": row.item.unit,
                "min": _number(row.item.min_stock),
            },
        )
    if item is None:
        for lot in near_expiry_list(schools=[school], today=today):
            item_obj = lot.balance.item
            text = (
                _("Expired: %(item)s, %(quantity)s %(unit)s of lot %(lot)s expired on %(date)s in %(store)s")
                if lot.expiry_date < today
                else _(
                    "Near expiry: %(item)s, %(quantity)s %(unit)s of lot %(lot)s expire on %(date)s in %(store)s"
                )
            )
            found[(AlertKind.NEAR_EXPIRY, item_obj.pk, lot.pk)] = (
                item_obj,
                text
                % {
                    "item": item_obj,
                    "quantity": _number(lot.quantity),
                    "unit": item_obj.unit,
                    "lot": lot.lot or "—",
                    "date": lot.expiry_date.isoformat(),
                    "store": lot.balance.store,
                },
            )
    return found


def _sync(school, found, run, *, kinds, item=None):
    """Open alerts for new conditions (and tell the keepers), clear the ones that ended."""
    open_alerts = StockAlert.objects.filter(school=school, kind__in=kinds, cleared_at__isnull=True)
    if item is not None:
        open_alerts = open_alerts.filter(item=item)
    existing = {(a.kind, a.item_id, a.lot_id): a for a in open_alerts}
    now = timezone.now()
    ended = [a.pk for key, a in existing.items() if key not in found]
    if ended:
        run.cleared += StockAlert.objects.filter(pk__in=ended).update(cleared_at=now)
    new = [(key, value) for key, value in found.items() if key not in existing]
    if not new:
        return
    recipients = alert_recipients(school)
    url = reverse("supplies:alerts")
    for (kind, _item_id, lot_id), (item_obj, text) in new:
        StockAlert.objects.create(school=school, kind=kind, item=item_obj, lot_id=lot_id, detail=text[:200])
        run.raised += 1
        for user in recipients:
            notify(user=user, title=text, url=url, school=school)
            run.notified += 1


def stock_alerts_run(*, today=None, schools=None) -> AlertRun:
    """Check every school (or `schools`) once; safe to run any number of times."""
    today = today or timezone.localdate()
    run = AlertRun()
    if schools is None:
        ids = set(Item.objects.filter(balances__quantity__gt=0).values_list("school_id", flat=True))
        ids |= set(Item.objects.filter(min_stock__gt=0, is_active=True).values_list("school_id", flat=True))
        ids |= set(StockAlert.objects.filter(cleared_at__isnull=True).values_list("school_id", flat=True))
        schools = School.objects.filter(pk__in=ids).order_by("path")
    for school in schools:
        with transaction.atomic():
            found = _conditions(school, today=today)
            _sync(school, found, run, kinds=[AlertKind.LOW_STOCK, AlertKind.NEAR_EXPIRY])
    return run


def stock_alerts_check_item(*, school_id, item_id):
    """After an issue took an item below its minimum: raise (or clear) its low-stock alert now."""
    school = School.objects.filter(pk=school_id).first()
    item = Item.objects.filter(pk=item_id, school_id=school_id).first()
    if school is None or item is None:
        return AlertRun().as_dict()
    run = AlertRun()
    with transaction.atomic():
        found = _conditions(school, today=timezone.localdate(), item=item)
        _sync(school, found, run, kinds=[AlertKind.LOW_STOCK], item=item)
    return run.as_dict()
