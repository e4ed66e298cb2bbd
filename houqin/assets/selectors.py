"""Reads of the asset register used by pages, the API, services and (later) reports.

Every list a user sees starts from `for_user` (their schools) and the active scope; the joins
a list shows are selected here, once, so no page or endpoint queries per row.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

from houqin.core.models import Room

from .choices import OFF_BOOKS, EventKind, LoanKind, LoanStatus
from .depreciation import book_value
from .models import Asset, AssetCategory, AssetEvent, AssetLoan, RoomSignoff

ASSET_LIST_RELATED = ("school", "category", "room__building", "department", "custodian", "used_by")
EVENT_RELATED = ("asset", "actor", "from_room__building", "to_room__building", "related_asset")


def asset_list(*, user, scope):
    """Cards of the schools in `scope` the user may see, with what the list shows."""
    return Asset.objects.for_user(user).in_scope(scope).select_related(*ASSET_LIST_RELATED)


def asset_get(*, user, pk):
    return Asset.objects.for_user(user).select_related(*ASSET_LIST_RELATED, "origin").get(pk=pk)


def categories_available(*, user, school):
    """Classes a card of `school` may be classified under, that the user sees."""
    return AssetCategory.objects.for_user(user).available_to(school).filter(is_active=True).order_by("code")


def room_assets(room):
    """The cards on the books kept in `room` (its property list)."""
    return (
        Asset.objects.filter(room=room)
        .exclude(status__in=OFF_BOOKS)
        .select_related("category", "custodian")
        .order_by("code")
    )


def change_rows(event):
    """(label, before, after) for the fields an event changed, labelled as on the card."""
    rows = []
    for name, change in (event.changes or {}).items():
        try:
            label = Asset._meta.get_field(name).verbose_name
        except FieldDoesNotExist:  # a field since renamed: show its stored name
            label = name
        rows.append((label, change.get("from"), change.get("to")))
    return rows


@dataclass
class TimelineEntry:
    event: AssetEvent
    inherited_from: Asset | None = None  # the batch the card was split from, for its earlier events

    @property
    def change_rows(self):
        return change_rows(self.event)


def asset_timeline(asset, *, user):
    """The card's whole life, newest first: its own events and, before it was split off a batch
    or transferred in, the events of the card it came from (those the user may see)."""
    entries = [
        TimelineEntry(e) for e in asset.events.select_related(*EVENT_RELATED).order_by("-created_at", "-pk")
    ]
    child, origin = asset, asset.origin
    seen = {asset.pk}
    while origin is not None and origin.pk not in seen:
        seen.add(origin.pk)
        cut = (
            AssetEvent.objects.filter(
                asset=origin,
                related_asset=child,
                kind__in=(EventKind.SPLIT_OUT, EventKind.TRANSFER_OUT),
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        earlier = AssetEvent.objects.for_user(user).filter(asset=origin).select_related(*EVENT_RELATED)
        if cut is not None:
            earlier = earlier.filter(pk__lt=cut)
        entries += [TimelineEntry(e, inherited_from=origin) for e in earlier.order_by("-created_at", "-pk")]
        child, origin = origin, Asset.objects.for_user(user).filter(pk=origin.origin_id).first()
    return entries


def events_of(asset_ids):
    return AssetEvent.objects.filter(asset_id__in=asset_ids).select_related(*EVENT_RELATED)


@dataclass
class RoomCustody:
    """A room's property list now, against the last list its responsible person signed."""

    room: Room
    assets: list
    signoff: RoomSignoff | None
    added: list = field(default_factory=list)  # cards not on the signed list
    removed: list = field(default_factory=list)  # signed lines no longer in the room
    changed: list = field(default_factory=list)  # (card, signed line): quantity or status differs
    events_since: list = field(default_factory=list)

    @property
    def changed_since_signoff(self):
        return bool(self.signoff and (self.added or self.removed or self.changed))

    @property
    def total_quantity(self):
        return sum(a.quantity for a in self.assets)

    @property
    def total_amount(self):
        return sum((a.amount for a in self.assets), Decimal("0.00"))


def room_custody(room):
    """What the room holds, its last sign-off, and what changed after it (visible as such)."""
    assets = list(room_assets(room))
    signoff = RoomSignoff.objects.filter(room=room).select_related("signed_by", "semester").first()
    result = RoomCustody(room=room, assets=assets, signoff=signoff)
    if signoff is None:
        return result
    signed = {line["asset"]: line for line in signoff.lines}
    for a in assets:
        line = signed.get(a.pk)
        if line is None:
            result.added.append(a)
        elif line["quantity"] != a.quantity or line["status"] != a.status:
            result.changed.append((a, line))
    now = {a.pk for a in assets}
    result.removed = [line for pk, line in signed.items() if pk not in now]
    result.events_since = list(
        AssetEvent.objects.filter(Q(from_room=room) | Q(to_room=room), created_at__gt=signoff.signed_at)
        .select_related(*EVENT_RELATED)
        .order_by("-created_at", "-pk")
    )
    return result


def rooms_with_signoffs(*, user, scope, semester=None):
    """Rooms of the scope with their number of cards and their latest sign-off (this semester's
    when a semester is given)."""
    from django.db.models import Count, OuterRef, Subquery

    signoffs = RoomSignoff.objects.filter(room=OuterRef("pk"))
    if semester is not None:
        signoffs = signoffs.filter(semester=semester)
    latest = signoffs.order_by("-signed_at", "-pk")
    return (
        Room.objects.for_user(user)
        .in_scope(scope)
        .filter(is_active=True)
        .select_related("building", "responsible", "school")
        .annotate(
            cards=Count("assets", filter=~Q(assets__status__in=OFF_BOOKS)),
            signed_at=Subquery(latest.values("signed_at")[:1]),
        )
        .order_by("school__path", "building__name", "floor", "number")
    )


def loan_list(*, user, scope):
    return (
        AssetLoan.objects.for_user(user)
        .in_scope(scope)
        .select_related("school", "asset", "borrower", "borrower_department", "lent_by", "semester")
    )


def loans_overdue(*, user, scope, on: datetime.date):
    return loan_list(user=user, scope=scope).filter(status=LoanStatus.OUT, due_on__lt=on)


def handback_list(*, user, scope, semester):
    """What was issued for `semester` and has not come back (the end-of-semester hand-back)."""
    return (
        loan_list(user=user, scope=scope)
        .filter(kind=LoanKind.ISSUE, status=LoanStatus.OUT, semester=semester)
        .order_by("school__path", "borrower_department__name", "borrower_class", "asset__code")
    )


@dataclass(frozen=True)
class AssetTotals:
    cards: int
    quantity: int
    original_value: Decimal
    accumulated: Decimal
    net_book_value: Decimal


def asset_totals(queryset, as_of: datetime.date):
    """Cards, items, original value, accumulated depreciation and net book value of a list of
    cards on a date, in one query (the depreciation is computed from each card's columns)."""
    cards = quantity = 0
    original = accumulated = Decimal("0.00")
    rows = queryset.order_by().values_list(
        "quantity",
        "amount",
        "residual_value",
        "depreciation_months",
        "depreciation_start",
        "depreciation_end",
    )
    for qty, amount, residual, months, start, end in rows.iterator(chunk_size=2000):
        value = book_value(
            amount=amount, residual=residual, life_months=months, start=start, end=end, as_of=as_of
        )
        cards += 1
        quantity += qty
        original += amount
        accumulated += value.accumulated
    return AssetTotals(
        cards=cards,
        quantity=quantity,
        original_value=original,
        accumulated=accumulated,
        net_book_value=original - accumulated,
    )
