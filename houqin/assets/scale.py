"""Scale data of the asset register: up to a million asset cards across the synthetic city.

`houqin seed-scale --schools 100` gives 10,000 cards to each school, 1,000,000 in all — the
size the asset list and search benchmarks (bench/assets_list.py) are specified at. Larger cities
share the million (200 schools: 5,000 each); smaller ones stay smaller.

Each school's cards are spread over its rooms as a school keeps them: mostly single tracked
items (computers, projectors, instruments, chairs of the office), a quarter counted batches
(desks, beds, books, balls). Classification, depreciation terms and the search text follow the
same rules as a registration (`asset_classify`, `depreciation_terms`, `search_text_for`), worked
out once per kind of card, not per row. Like core's scale data the rows are written in bulk:
one "registered" event per card (so every card's ledger starts where a real one does), no
change log; the school's number sequence continues after the last card.
"""

import datetime
import random
from decimal import Decimal

from houqin.core.models import DocumentSequence, Room
from houqin.core.scale import SCALE_STEPS

from .choices import AssetCondition, AssetStatus, EventKind, Tracking, UsePurpose
from .models import Asset, AssetCategory, AssetEvent
from .services.assets import _depreciation_terms, asset_classify
from .services.categories import category_import
from .services.common import ASSET_NUMBER_PREFIX
from .services.search import pinyin_initials

SCALE_ASSETS = 1_000_000
PER_SCHOOL = 10_000
SEED = 2026
CENT = Decimal("0.01")
# What a school keeps: name, category code, unit price, batch size (1: a single item), use,
# weight (how often such a card occurs).
KINDS = [
    ("学生课桌椅（单人）", "A05010304", "260.00", 45, UsePurpose.TEACHING, 6),
    ("学生铁架床（上下铺）", "A05010100", "680.00", 12, UsePurpose.LIVING, 3),
    ("图书（少儿读物）", "A04010000", "25.00", 200, UsePurpose.TEACHING, 4),
    ("篮球（7号）", "A02350000", "120.00", 20, UsePurpose.TEACHING, 2),
    ("学生计算机", "A02010100", "3800.00", 1, UsePurpose.TEACHING, 18),
    ("教师计算机", "A02010100", "5600.00", 1, UsePurpose.ADMINISTRATION, 8),
    ("办公计算机", "A02010100", "4800.00", 1, UsePurpose.ADMINISTRATION, 8),
    ("投影仪", "A02020200", "3200.00", 1, UsePurpose.TEACHING, 6),
    ("交互式电子白板一体机", "A02020600", "9800.00", 1, UsePurpose.TEACHING, 5),
    ("学生显微镜", "A02330000", "680.00", 1, UsePurpose.TEACHING, 10),
    ("电子天平", "A02120000", "1200.00", 1, UsePurpose.TEACHING, 6),
    ("钢制双面书架", "A05010600", "450.00", 1, UsePurpose.TEACHING, 8),
    ("A3黑白激光复印机", "A02020100", "12500.00", 1, UsePurpose.ADMINISTRATION, 2),
    ("乒乓球台", "A02350000", "2400.00", 1, UsePurpose.TEACHING, 3),
    ("立式钢琴", "A02340000", "18000.00", 1, UsePurpose.TEACHING, 1),
    ("移动式篮球架", "A02350000", "6800.00", 1, UsePurpose.TEACHING, 1),
]
BRANDS = ["联想", "爱普生", "希沃", "奥林巴斯", "育才", "红双喜", "珠江", "惠普", "鸿合", "得力"]
STATUSES = [
    (AssetStatus.IN_USE, 90),
    (AssetStatus.IDLE, 6),
    (AssetStatus.UNDER_REPAIR, 2),
    (AssetStatus.AWAITING_DISPOSAL, 1),
    (AssetStatus.DISPOSED, 1),
]
CONDITIONS = [(AssetCondition.GOOD, 85), (AssetCondition.WORN, 12), (AssetCondition.DAMAGED, 3)]


def _kinds(school):
    """Per kind of card, what registration would work out from the category and the rule
    book: (name, category, unit, unit price, batch, use, class, depreciation class, life,
    initials of the name)."""
    category_import()  # the national classes (a no-op once loaded)
    categories = {c.code: c for c in AssetCategory.objects.filter(school__isnull=True)}
    out = []
    for name, code, price, batch, use, weight in KINDS:
        category = categories[code]
        price = Decimal(price)
        asset_class = asset_classify(school=school, category=category, unit_price=price)
        _key, months, _start, _residual = _depreciation_terms(
            school=school,
            category=category,
            asset_class=asset_class,
            depreciation_class="",
            acquired_on=datetime.date(2020, 1, 1),
            amount=price,
        )
        out.append(
            {
                "name": name,
                "category": category,
                "unit": category.unit or "",
                "price": price,
                "batch": batch,
                "use": use,
                "class": asset_class,
                "months": months,
                "initials": pinyin_initials(name),
                "weight": weight,
            }
        )
    return out


def _month_start(day):
    return day.replace(day=1)


def scale_assets(ctx):
    rnd = random.Random(SEED)
    rooms = {}
    for pk, school_id, department_id, responsible_id in (
        Room.objects.filter(school__in=ctx.schools)
        .values_list("pk", "school_id", "department_id", "responsible_id")
        .order_by("pk")
    ):
        rooms.setdefault(school_id, []).append((pk, department_id, responsible_id))
    schools = [s for s in ctx.schools if rooms.get(s.pk)]
    if not schools:
        return
    per_school = min(PER_SCHOOL, SCALE_ASSETS // len(schools))
    kinds = _kinds(schools[0])
    weights = [k["weight"] for k in kinds]
    statuses, status_w = zip(*STATUSES, strict=True)
    conditions, condition_w = zip(*CONDITIONS, strict=True)
    today = datetime.date.today()
    year = today.year
    total = 0
    for school in schools:
        people = ctx.people[school.pk]
        school_rooms = rooms[school.pk]
        cards = []
        for n in range(1, per_school + 1):
            kind = rnd.choices(kinds, weights)[0]
            room_id, department_id, responsible_id = school_rooms[rnd.randrange(len(school_rooms))]
            quantity = kind["batch"] if kind["batch"] == 1 else rnd.randint(kind["batch"] // 2, kind["batch"])
            acquired = today - datetime.timedelta(days=rnd.randint(30, 365 * 15))
            amount = (kind["price"] * quantity).quantize(CENT)
            status = rnd.choices(statuses, status_w)[0]
            code = f"{ASSET_NUMBER_PREFIX}-{year}-{n:04d}"
            months = kind["months"]
            start = _month_start(acquired) if months else None
            cards.append(
                Asset(
                    school=school,
                    code=code,
                    name=kind["name"],
                    category=kind["category"],
                    asset_class=kind["class"],
                    tracking=Tracking.SINGLE if quantity == 1 else Tracking.BATCH,
                    brand=rnd.choice(BRANDS),
                    unit=kind["unit"],
                    unit_price=kind["price"],
                    quantity=quantity,
                    amount=amount,
                    depreciation_months=months,
                    depreciation_start=start,
                    acquired_on=acquired,
                    booked_on=acquired + datetime.timedelta(days=10),
                    use_purpose=kind["use"],
                    room_id=None if status == AssetStatus.DISPOSED else room_id,
                    department_id=department_id,
                    custodian_id=responsible_id or people[0].pk,
                    status=status,
                    condition=rnd.choices(conditions, condition_w)[0],
                    disposed_on=today if status == AssetStatus.DISPOSED else None,
                    search_text=f"{kind['name'].lower()} {code.lower()} {kind['initials']}",
                    created_by_id=people[0].pk,
                )
            )
        ctx.bulk(Asset, cards)
        ids = dict(Asset.objects.filter(school=school).values_list("code", "pk"))
        ctx.bulk(
            AssetEvent,
            [
                AssetEvent(
                    school=school,
                    asset_id=ids[c.code],
                    kind=EventKind.REGISTER,
                    occurred_on=c.acquired_on,
                    actor_id=people[0].pk,
                    quantity=c.quantity,
                    quantity_after=c.quantity,
                    to_room_id=c.room_id,
                    status_after=c.status,
                    amount=c.amount,
                    changes={},
                )
                for c in cards
            ],
        )
        DocumentSequence.objects.update_or_create(
            school=school, prefix=ASSET_NUMBER_PREFIX, year=year, defaults={"last": per_school}
        )
        total += len(cards)
        ctx.counts["asset cards"] += len(cards)
    ctx.log(f"asset cards: {total}")


SCALE_STEPS.append(scale_assets)
