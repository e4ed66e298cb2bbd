"""Stocktakes (清查盘点, DOMAIN.md §2.6): the plan and its snapshot of the books, counting room by
room, discrepancies resolved one by one, and closing through approval, which adjusts the books.

Creating a plan and applying its adjustments are set-based (a few queries whatever the number of
cards) so that a 50,000-item stocktake closes in seconds: see `stocktake_adjustments_apply`.
"""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core.models import ApprovalRequest, ChangeAction, Room, SchoolKind
from houqin.core.permissions import model_perm
from houqin.core.rulebook import rule
from houqin.core.selectors.approvals import approval_policy_for
from houqin.core.services.approvals import approval_policy_set, approval_submit
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.roles import roles_ensure_defaults
from houqin.maintenance.services.public import target_from_token

from .. import depreciation
from ..choices import OFF_BOOKS, AssetStatus, EventKind, Tracking
from ..models import Asset, AssetCategory, AssetEvent, Stocktake, StocktakeLine
from ..models.stocktakes import Resolution, StocktakeStatus
from ..selectors_stocktakes import stocktake_totals
from .assets import STARTS_MONTH_ACQUIRED, asset_register
from .common import check_person, check_room, check_same_school, invalid, require, to_money, today

STOCKTAKE_KIND = "assets.stocktake"
STOCKTAKE_PREFIX = "PD"  # 盘点

# Which resolutions fit which discrepancy.
ALLOWED = {
    "shortage": {Resolution.WRITE_OFF},
    "quantity": {Resolution.ADJUST},
    "surplus": {Resolution.REGISTER, Resolution.MOVE},
    "wrong_room": {Resolution.MOVE},
}
# Cards a stocktake may not write off or move: their fate is being decided elsewhere.
BUSY = frozenset({AssetStatus.AWAITING_DISPOSAL, AssetStatus.AWAITING_TRANSFER, AssetStatus.ON_LOAN})
CARD_URL = re.compile(r"/cards/(\d+)/?")
LABEL_URL = re.compile(r"/maintenance/r/([^/?#\s]+)")


def _require_open(stocktake):
    if stocktake.status != StocktakeStatus.OPEN:
        raise invalid(
            None, _("Stocktake %(st)s is closed or closing: it can no longer change.") % {"st": stocktake}
        )


def _lock(stocktake):
    return Stocktake.objects.select_for_update().select_related("school").get(pk=stocktake.pk)


def scope_assets(*, school, building=None, room=None, category=None):
    """The cards on the books of `school` a plan with this scope counts."""
    qs = Asset.objects.filter(school=school).exclude(status__in=OFF_BOOKS)
    if room is not None:
        qs = qs.filter(room=room)
    elif building is not None:
        qs = qs.filter(room__building=building)
    if category is not None:
        # The national classification is at most four levels deep under a chosen node.
        qs = qs.filter(
            Q(category=category)
            | Q(category__parent=category)
            | Q(category__parent__parent=category)
            | Q(category__parent__parent__parent=category)
        )
    return qs


# ---------------------------------------------------------------------------------------------
# The plan


def stocktake_create(
    *, actor, school, name, building=None, room=None, category=None, counters=(), started_on=None
):
    """A stocktake plan for `school` with its scope, and its snapshot of the books: one line per
    card on the books in scope (expected room, quantity, net book value today), inserted in
    batches from one read of the cards (no per-card query)."""
    require(actor, model_perm(Stocktake, "add"), school)
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    check_same_school(building, school, "building", errors)
    check_room(room, school, errors)
    if room is not None and building is not None and room.building_id != building.pk and "room" not in errors:
        errors["room"] = _("This room is not in the chosen building.")
    if (
        category is not None
        and not AssetCategory.objects.available_to(school).filter(pk=category.pk).exists()
    ):
        errors["category"] = _("This category is not available at %(school)s.") % {"school": school}
    for person in counters:
        check_person(person, school, "counters", errors)
    if errors:
        raise ValidationError(errors)
    day = started_on or today()
    with transaction.atomic():
        stocktake = Stocktake.objects.create(
            school=school,
            name=name,
            building=building,
            room=room,
            category=category,
            started_on=day,
            created_by=actor,
        )
        if counters:
            stocktake.counters.set(counters)
        rows = scope_assets(school=school, building=building, room=room, category=category).values_list(
            "pk",
            "room_id",
            "category_id",
            "tracking",
            "quantity",
            "amount",
            "residual_value",
            "depreciation_months",
            "depreciation_start",
            "depreciation_end",
        )
        _insert_lines(
            stocktake,
            (
                (
                    pk,
                    room_id,
                    category_id,
                    tracking == Tracking.BATCH,
                    quantity,
                    depreciation.book_value(
                        amount=amount, residual=residual, life_months=months, start=start, end=end, as_of=day
                    ).net,
                )
                for pk, room_id, category_id, tracking, quantity, amount, residual, months, start, end in rows.iterator(
                    chunk_size=5000
                )
            ),
        )
        changelog_record(actor=actor, obj=stocktake, action=ChangeAction.CREATE)
    return stocktake


LINE_COLUMNS = ("asset", "room", "category", "is_batch", "expected_quantity", "book_value")
LINE_DEFAULTS = {
    "counted_value": 0,
    "description": "",
    "resolution": "",
    "resolution_note": "",
}


def _insert_lines(stocktake, values, chunk=1000):
    """INSERT the snapshot rows (asset, room, category, is_batch, quantity, book value), a
    thousand per multi-row statement: no model instance per row (50,000 instances cost seconds,
    and executemany is a round trip per row on PostgreSQL)."""
    meta = StocktakeLine._meta
    fields = [meta.get_field("stocktake")] + [meta.get_field(n) for n in (*LINE_COLUMNS, *LINE_DEFAULTS)]
    head = "INSERT INTO {} ({}) VALUES ".format(
        connection.ops.quote_name(meta.db_table),
        ", ".join(connection.ops.quote_name(f.column) for f in fields),
    )
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = tuple(LINE_DEFAULTS.values())

    def flush(cursor, batch):
        cursor.execute(head + ", ".join([one] * len(batch)), [v for row in batch for v in row])

    with connection.cursor() as cursor:
        batch = []
        for pk, room_id, category_id, is_batch, quantity, book in values:
            batch.append((stocktake.pk, pk, room_id, category_id, is_batch, quantity, str(book), *tail))
            if len(batch) >= chunk:
                flush(cursor, batch)
                batch = []
        if batch:
            flush(cursor, batch)


# ---------------------------------------------------------------------------------------------
# Counting


def _counted_value(line, quantity):
    if not line.expected_quantity:
        return line.counted_value
    if quantity == line.expected_quantity:
        return line.book_value
    return depreciation.split_amount(line.book_value, quantity, line.expected_quantity)


def find_card(*, school, text):
    """The card a scanned QR code (the card's page URL) or a typed asset number names.
    ValidationError (key "code") when there is none or it belongs to another school."""
    text = (text or "").strip()
    if not text:
        raise invalid("code", _("Scan or type an asset number."))
    match = CARD_URL.search(text)
    label = LABEL_URL.search(text)
    if label:
        # A printed label encodes the maintenance app's signed entry for the card.
        target = target_from_token(label.group(1))
        asset_id = target.asset.pk if target is not None and target.asset is not None else 0
        qs = Asset.objects.filter(pk=asset_id)
    elif match:
        qs = Asset.objects.filter(pk=int(match.group(1)))
    else:
        qs = Asset.objects.filter(code=text)
    cards = list(qs.select_related("school")[:2])
    own = [c for c in cards if c.school_id == school.pk]
    if own:
        return own[0]
    if cards:
        raise invalid("code", _("%(asset)s belongs to another school.") % {"asset": cards[0]})
    raise invalid("code", _("No asset card %(code)s.") % {"code": text})


def stocktake_scan(*, actor, stocktake, room, code):
    """A card scanned (or typed) in `room`: counted there. A card of the plan is marked found
    (a whole batch unless counted otherwise); a card of the school the plan did not expect
    becomes a surplus line. Returns the line."""
    require(actor, model_perm(Stocktake, "change"), stocktake.school)
    errors = {}
    check_room(room, stocktake.school, errors)
    if errors:
        raise ValidationError(errors)
    card = find_card(school=stocktake.school, text=code)
    with transaction.atomic():
        stocktake = _lock(stocktake)
        _require_open(stocktake)
        line = StocktakeLine.objects.filter(stocktake=stocktake, asset=card).first()
        if line is None:
            line = StocktakeLine(
                stocktake=stocktake,
                asset=card,
                room=None,
                category_id=card.category_id,
                is_batch=card.is_batch,
                expected_quantity=0,
                counted_value=card.net_book_value(),
            )
        quantity = (
            line.counted_quantity if line.counted_quantity else (line.expected_quantity or card.quantity)
        )
        _set_count(line, quantity, room, actor)
    return line


def _set_count(line, quantity, room, actor):
    line.counted_quantity = quantity
    if line.expected_quantity:
        line.counted_value = _counted_value(line, quantity)
    line.found_room = room
    line.counted_by = actor
    line.counted_at = timezone.now()
    line.resolution = ""
    line.resolution_note = ""
    line.save()


def stocktake_count(*, actor, line, quantity, room):
    """The number of items of a batch card counted in `room` (0: none found)."""
    require(actor, model_perm(Stocktake, "change"), line.stocktake.school)
    errors = {}
    check_room(room, line.stocktake.school, errors)
    try:
        number = int(str(quantity).strip())
        if str(quantity).strip() != str(number) or number < 0:
            raise ValueError
    except ValueError:
        errors["quantity"] = _("Enter a whole number, 0 or more.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _require_open(_lock(line.stocktake))
        line = StocktakeLine.objects.select_for_update().get(pk=line.pk)
        if not line.is_batch and number > 1:
            raise invalid("quantity", _("A single item is counted once."))
        _set_count(line, number, room, actor)
    return line


def stocktake_add_surplus(*, actor, stocktake, room, description, category, unit_price, quantity=1):
    """Something found in `room` that has no card (盘盈): a surplus line to register."""
    require(actor, model_perm(Stocktake, "change"), stocktake.school)
    errors = {}
    check_room(room, stocktake.school, errors)
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Describe what was found.")
    if category is None:
        errors["category"] = _("This field is required.")
    price = to_money(unit_price, "unit_price", errors)
    try:
        number = int(str(quantity).strip())
        if number < 1:
            raise ValueError
    except ValueError:
        errors["quantity"] = _("The quantity must be at least 1.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        stocktake = _lock(stocktake)
        _require_open(stocktake)
        line = StocktakeLine(
            stocktake=stocktake,
            category=category,
            is_batch=number > 1,
            description=description,
            unit_price=price,
            counted_value=price * number,
        )
        _set_count(line, number, room, actor)
    return line


# ---------------------------------------------------------------------------------------------
# Discrepancies


def stocktake_resolve(*, actor, line, resolution, note=""):
    """Decide what is done about one discrepancy when the stocktake is approved."""
    require(actor, model_perm(Stocktake, "change"), line.stocktake.school)
    kind = line.discrepancy
    if not kind:
        raise invalid("resolution", _("This line agrees with the books."))
    if resolution not in ALLOWED[kind]:
        raise invalid("resolution", _("This resolution does not fit the discrepancy."))
    if kind == "surplus" and resolution == Resolution.MOVE and line.asset_id is None:
        raise invalid("resolution", _("Something without a card is registered, not moved."))
    with transaction.atomic():
        _require_open(_lock(line.stocktake))
        line = StocktakeLine.objects.select_for_update().get(pk=line.pk)
        line.resolution = resolution
        line.resolution_note = (note or "").strip()[:200]
        line.save(update_fields=["resolution", "resolution_note"])
    return line


def stocktake_recount(*, actor, line):
    """Count the line again: its count and resolution are cleared (a surplus line without a
    card is removed)."""
    require(actor, model_perm(Stocktake, "change"), line.stocktake.school)
    with transaction.atomic():
        _require_open(_lock(line.stocktake))
        line = StocktakeLine.objects.select_for_update().get(pk=line.pk)
        if line.is_surplus:
            line.delete()
            return None
        line.counted_quantity = None
        line.counted_value = 0
        line.found_room = None
        line.resolution = ""
        line.resolution_note = ""
        line.counted_by = None
        line.counted_at = None
        line.save()
    return line


def unresolved_lines(stocktake):
    """Lines that disagree with the books and have no resolution yet (set-based)."""
    lines = StocktakeLine.objects.filter(stocktake=stocktake, resolution="")
    return lines.filter(
        Q(expected_quantity=0)
        | Q(counted_quantity__isnull=True)
        | Q(counted_quantity=0)
        | ~Q(counted_quantity=F("expected_quantity"))
        | Q(found_room__isnull=True)
        | ~Q(found_room=F("room"))
        | Q(room__isnull=True)
    )


# ---------------------------------------------------------------------------------------------
# Closing


def stocktake_policy_ensure(*, school, actor=None):
    """The stocktake policy in force at `school`; by default the school's principal approves
    the adjustments (set at the central school, for all its schools)."""
    policy = approval_policy_for(school, STOCKTAKE_KIND)
    if policy is not None:
        return policy
    roles_ensure_defaults()
    node = school.nearest(SchoolKind.DISTRICT) or school
    return approval_policy_set(
        actor=actor,
        school=node,
        kind=STOCKTAKE_KIND,
        name=_("Stocktake adjustments"),
        steps=[{"role": "principal", "level": "school", "max_amount": None}],
    )


def stocktake_close(*, actor, stocktake):
    """Submit the stocktake's adjustments for approval (one request). Refused, nothing changed,
    when it is already closed or closing, or a discrepancy has no resolution yet. The lines are
    read-only from now on; the approval applies them (`stocktake_approved`)."""
    require(actor, model_perm(Stocktake, "add"), stocktake.school)
    with transaction.atomic():
        stocktake = _lock(stocktake)
        if stocktake.status != StocktakeStatus.OPEN:
            raise invalid(None, _("Stocktake %(st)s is already closed or closing.") % {"st": stocktake})
        open_count = unresolved_lines(stocktake).count()
        if open_count:
            raise invalid(None, _("%(n)s discrepancies have no resolution yet.") % {"n": open_count})
        before = snapshot(stocktake)
        totals = stocktake_totals(stocktake)
        stocktake_policy_ensure(school=stocktake.school)
        request = approval_submit(
            actor=actor,
            school=stocktake.school,
            kind=STOCKTAKE_KIND,
            title=_("Stocktake adjustments: %(name)s") % {"name": stocktake.name},
            amount=totals["loss_value"],
            description=_(
                "Books %(eq)s items, %(ev)s yuan; counted %(cq)s items, %(cv)s yuan. "
                "Write-offs %(loss)s yuan, surplus %(gain)s yuan."
            )
            % {
                "eq": totals["expected_quantity"],
                "ev": totals["expected_value"],
                "cq": totals["counted_quantity"],
                "cv": totals["counted_value"],
                "loss": totals["loss_value"],
                "gain": totals["surplus_value"],
            },
            document=stocktake,
        )
        stocktake.status = StocktakeStatus.SUBMITTED
        stocktake.number = request.number
        stocktake.approval_request = request
        stocktake.save()
        changelog_record(actor=actor, obj=stocktake, action=ChangeAction.UPDATE, before=before)
    return stocktake


def _decider(request):
    last = request.decisions.select_related("actor").order_by("-step_index").first()
    return last.actor if last is not None else None


def stocktake_approved(request: ApprovalRequest):
    """The engine approved: the adjustments are applied in the approval's transaction."""
    stocktake = Stocktake.objects.select_for_update().select_related("school").get(pk=request.object_id)
    actor = _decider(request)
    before = snapshot(stocktake)
    stocktake_adjustments_apply(stocktake=stocktake, actor=actor)
    stocktake.status = StocktakeStatus.CLOSED
    stocktake.closed_at = timezone.now()
    stocktake.save()
    changelog_record(actor=actor, obj=stocktake, action=ChangeAction.UPDATE, before=before)


def _reopened(request):
    stocktake = Stocktake.objects.select_for_update().get(pk=request.object_id)
    before = snapshot(stocktake)
    stocktake.status = StocktakeStatus.OPEN
    stocktake.approval_request = None
    stocktake.save()
    changelog_record(actor=request.requester, obj=stocktake, action=ChangeAction.UPDATE, before=before)


def stocktake_rejected(request):
    """Rejected or withdrawn: counting goes on; a new close submits a new request."""
    _reopened(request)


def stocktake_withdrawn(request):
    _reopened(request)


def stocktake_adjustments_apply(*, stocktake, actor):
    """Apply the resolved discrepancies of `stocktake` to the books: the one function that
    writes a stocktake's ledger events and card state, in bulk, inside the caller's transaction.

    Set-based: the cards concerned are read and locked in one query; write-offs are one UPDATE,
    moves one UPDATE per destination room, quantity changes one bulk UPDATE, and all the events
    one bulk INSERT (kind "count", with the changed fields as the other services write them).
    Only surplus without a card goes through `asset_register`, one card each (a handful).
    The change log records the stocktake, not each card: the events are the cards' history.
    Refuses (ValidationError) when a card concerned is off the books, on loan or awaiting a
    decision, so nothing is applied.
    """
    school = stocktake.school
    day = today()
    lines = list(
        StocktakeLine.objects.filter(stocktake=stocktake)
        .exclude(resolution="")
        .values(
            "pk",
            "asset_id",
            "resolution",
            "counted_quantity",
            "found_room_id",
            "description",
            "category_id",
            "unit_price",
            "is_batch",
            "resolution_note",
        )
    )
    ids = sorted({row["asset_id"] for row in lines if row["asset_id"]})
    cards = {
        c.pk: c
        for c in Asset.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .only("pk", "school_id", "status", "room_id", "quantity", "amount", "residual_value", "unit_price")
        .order_by("pk")
    }
    busy = [c for c in cards.values() if c.status in OFF_BOOKS or c.status in BUSY]
    if busy:
        raise invalid(
            None, _("%(n)s cards are off the books, on loan or awaiting a decision.") % {"n": len(busy)}
        )
    note = f"{stocktake.number} {stocktake.name}".strip()
    events = []
    write_off, moves, adjusted = [], defaultdict(list), []

    def event(card, **fields):
        events.append(
            AssetEvent(
                school_id=school.pk,
                asset_id=card.pk,
                kind=EventKind.COUNT,
                occurred_on=day,
                actor=actor,
                note=note,
                **fields,
            )
        )

    for row in lines:
        card = cards.get(row["asset_id"])
        resolution = row["resolution"]
        if resolution == Resolution.WRITE_OFF:
            write_off.append(card.pk)
            event(
                card,
                quantity=card.quantity,
                quantity_after=card.quantity,
                to_room_id=card.room_id,
                status_before=card.status,
                status_after=AssetStatus.DISPOSED,
                amount=card.amount,
                changes={
                    "status": {
                        "from": str(AssetStatus(card.status).label),
                        "to": str(AssetStatus.DISPOSED.label),
                        "from_id": card.status,
                        "to_id": AssetStatus.DISPOSED,
                    }
                },
            )
        elif resolution == Resolution.MOVE or (resolution == Resolution.REGISTER and card is not None):
            moves[row["found_room_id"]].append(card.pk)
            event(
                card,
                quantity=card.quantity,
                quantity_after=card.quantity,
                from_room_id=card.room_id,
                to_room_id=row["found_room_id"],
                status_before=card.status,
                status_after=card.status,
                changes={"room": {"from_id": card.room_id, "to_id": row["found_room_id"]}},
            )
        elif resolution == Resolution.ADJUST:
            new_quantity = row["counted_quantity"]
            old = card.quantity
            card.amount = depreciation.split_amount(card.amount, new_quantity, old)
            card.residual_value = depreciation.split_amount(card.residual_value, new_quantity, old)
            card.quantity = new_quantity
            adjusted.append(card)
            event(
                card,
                quantity=abs(new_quantity - old),
                quantity_after=new_quantity,
                to_room_id=card.room_id,
                status_before=card.status,
                status_after=card.status,
                amount=card.amount,
                changes={
                    "quantity": {
                        "from": str(old),
                        "to": str(new_quantity),
                        "from_id": old,
                        "to_id": new_quantity,
                    }
                },
            )
    now = timezone.now()
    if write_off:
        starts = rule(STARTS_MONTH_ACQUIRED, school)
        Asset.objects.filter(pk__in=write_off).update(
            status=AssetStatus.DISPOSED,
            disposed_on=day,
            depreciation_end=depreciation.end_month(day, starts_month_acquired=starts),
            updated_at=now,
        )
    for room_id, pks in moves.items():
        Asset.objects.filter(pk__in=pks).update(room_id=room_id, updated_at=now)
    if adjusted:
        Asset.objects.bulk_update(adjusted, ["quantity", "amount", "residual_value"], batch_size=2000)
    AssetEvent.objects.bulk_create(events, batch_size=5000)
    for row in lines:
        if row["resolution"] == Resolution.REGISTER and row["asset_id"] is None:
            quantity = row["counted_quantity"]
            card = asset_register(
                actor=None,
                school=school,
                data={
                    "name": row["description"],
                    "category": _category(row["category_id"]),
                    "unit_price": row["unit_price"],
                    "quantity": quantity,
                    "tracking": Tracking.BATCH if quantity > 1 else Tracking.SINGLE,
                    "acquired_on": day,
                    "room": _room(row["found_room_id"]),
                    "note": _("Surplus found by stocktake %(note)s") % {"note": note},
                },
            )
            StocktakeLine.objects.filter(pk=row["pk"]).update(asset=card)
    return len(events)


def _category(pk):
    return AssetCategory.objects.get(pk=pk)


def _room(pk):
    return Room.objects.get(pk=pk) if pk else None
