"""Reminders: supplier certificates about to expire, orders whose delivery is late.

Each reminder is sent once: a certificate is reminded of once per expiry date (`reminded_for`),
an order once when it becomes late (`late_notified_on`). So the periodic task may run as often
as the scheduler likes.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core.models import User
from houqin.core.rulebook import rule
from houqin.core.services.notifications import notify

from ..choices import OPEN_ORDER
from ..models import PurchaseOrder, SupplierCertificate
from ..rules import CERTIFICATE_WARNING_DAYS

# The rule's largest value: certificates further out are not even read.
MAX_WARNING_DAYS = 365


def _logistics_heads(school):
    return User.objects.filter(
        is_active=True,
        memberships__role__code="head_of_logistics",
        memberships__school__path__in=school.ancestor_paths(),
    ).distinct()


def certificates_expiring_notify(*, on=None):
    """Tell the heads of logistics of each school about certificates of its suppliers that are
    expired or expire within procurement.certificate_warning_days. Returns how many."""
    on = on or timezone.localdate()
    sent = 0
    candidates = (
        SupplierCertificate.objects.filter(
            expires_on__isnull=False, expires_on__lte=on + datetime.timedelta(days=MAX_WARNING_DAYS)
        )
        .exclude(reminded_for=F("expires_on"))
        .select_related("supplier", "school")
        .order_by("pk")
    )
    for certificate in candidates:
        if certificate.expires_on > on + datetime.timedelta(
            days=rule(CERTIFICATE_WARNING_DAYS, certificate.school)
        ):
            continue
        with transaction.atomic():
            claimed = (
                SupplierCertificate.objects.filter(pk=certificate.pk)
                .exclude(reminded_for=certificate.expires_on)
                .update(reminded_for=certificate.expires_on)
            )
            if not claimed:
                continue
            if certificate.expires_on < on:
                title = _("Expired on %(date)s: %(certificate)s")
            else:
                title = _("Expires on %(date)s: %(certificate)s")
            for user in _logistics_heads(certificate.school):
                notify(
                    user=user,
                    title=title % {"date": certificate.expires_on.isoformat(), "certificate": certificate},
                    body=_("Ask %(supplier)s for the renewed certificate.")
                    % {"supplier": certificate.supplier},
                    url=certificate.get_absolute_url(),
                    school=certificate.school,
                )
            sent += 1
    return sent


def orders_late_notify(*, on=None):
    """Tell the buyers (and whoever placed it) about each open order past its expected delivery
    date, once. Returns how many orders."""
    on = on or timezone.localdate()
    sent = 0
    late = PurchaseOrder.objects.filter(
        status__in=OPEN_ORDER, expected_on__lt=on, late_notified_on__isnull=True
    ).select_related("supplier", "school", "created_by")
    for order in late.order_by("pk"):
        with transaction.atomic():
            if not PurchaseOrder.objects.filter(pk=order.pk, late_notified_on__isnull=True).update(
                late_notified_on=on
            ):
                continue
            people = {u.pk: u for u in order.buyers.filter(is_active=True)}
            people.setdefault(order.created_by_id, order.created_by)
            for user in people.values():
                notify(
                    user=user,
                    title=_("Delivery late: %(order)s (expected %(date)s)")
                    % {"order": order, "date": order.expected_on.isoformat()},
                    body=_("Ask %(supplier)s when it comes.") % {"supplier": order.supplier},
                    url=order.get_absolute_url(),
                    school=order.school,
                )
            sent += 1
    return sent


def alerts_tick(*, on=None):
    """Both reminders (the periodic task)."""
    return {"certificates": certificates_expiring_notify(on=on), "orders": orders_late_notify(on=on)}
