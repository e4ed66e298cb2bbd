"""Supplies of the demo district (houqin/core/demo.py builds the district first).

`build_demo(district, actor)` gives every school a store (物资仓库, kept by its storekeeper or
head of logistics), a realistic catalogue (粉笔, 复印纸, 硒鼓, 扫帚, 拖把, 水桶, 簸箕, 灯管,
门锁 …) and the two kits of a semester (the classroom cleaning tools, exercise books by pupil
count), and replays the current semester through the services: the opening stock, the
cleaning kit allotted to every class on the first days (the mops run short for the last classes
of 黄竹林学校, which wait on the shortage list), the class heads signing for their kits (赵晓燕
of 三年级2班 has not yet), then week after week the teachers' and offices' requisitions — asked,
issued by the storekeeper, signed for — with restocking, a count difference, a return, toner
cartridges above the approval threshold approved by the head of logistics; and at the end a
requisition waiting for approval, one ready to issue, one partly issued, one draft, toner below
its minimum and a bottle of disinfectant near its expiry date.

The history is replayed on a clock set to each event's day (django.utils.timezone.now is
pointed at it while the demo builds, single-threaded, in one transaction), so movements, their
change log, requisitions and notifications all carry the day they happened. Deterministic
(a fixed seed) and run once: a district that has supply kits already is left as it is.
"""

import datetime
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from houqin.core.demo import SEMESTERS
from houqin.core.models import Department, Membership, Notification, Room, RoomKind, School, SchoolKind
from houqin.core.services.approvals import approval_decide, approval_policy_set
from houqin.core.services.objects import object_create

from .approvals import REQUISITION_KIND
from .choices import ItemCategory, RequisitionStatus
from .models import Item, Kit, StockBalance, StockMovement, Store
from .services.allotments import allotment_create, allotment_issue, allotment_target_confirm, kit_create
from .services.requisitions import (
    requisition_confirm,
    requisition_create,
    requisition_issue,
    requisition_submit,
)
from .services.stock import stock_adjust, stock_issue, stock_receive, stock_return

SEED = 20260302
DEFAULT_DAYS = 100  # replayed when no semester of the demo has begun
D = Decimal

# name, spec, unit, category, minimum, shelf life (days), price
CATALOGUE = [
    ("粉笔", "白色 无尘 50支", "盒", ItemCategory.TEACHING, 20, None, "4.50"),
    ("粉笔", "彩色 无尘 50支", "盒", ItemCategory.TEACHING, 5, None, "6.80"),
    ("板擦", "海绵", "个", ItemCategory.TEACHING, 5, None, "3.00"),
    ("复印纸", "A4 70g 500张", "包", ItemCategory.OFFICE, 20, None, "21.00"),
    ("复印纸", "A3 70g 500张", "包", ItemCategory.OFFICE, 3, None, "42.00"),
    ("硒鼓", "HP CF388A", "个", ItemCategory.OFFICE, 3, None, "185.00"),
    ("签字笔", "0.5mm 黑色 12支", "盒", ItemCategory.OFFICE, 5, None, "12.00"),
    ("文件袋", "A4 牛皮纸", "个", ItemCategory.OFFICE, 20, None, "0.80"),
    ("扫帚", "高粱苗", "把", ItemCategory.CLEANING, 6, None, "12.00"),
    ("拖把", "棉线", "把", ItemCategory.CLEANING, 6, None, "16.00"),
    ("水桶", "15L 塑料", "个", ItemCategory.CLEANING, 4, None, "9.50"),
    ("簸箕", "塑料 带长柄", "个", ItemCategory.CLEANING, 4, None, "7.00"),
    ("抹布", "纯棉", "条", ItemCategory.CLEANING, 20, None, "2.00"),
    ("垃圾袋", "平口 60×80cm 50只", "卷", ItemCategory.CLEANING, 10, None, "5.50"),
    ("洗手液", "500ml", "瓶", ItemCategory.HYGIENE, 10, 730, "9.90"),
    ("84消毒液", "500ml", "瓶", ItemCategory.HYGIENE, 10, 365, "6.50"),
    ("医用口罩", "一次性 50只", "盒", ItemCategory.HYGIENE, 5, 730, "15.00"),
    ("灯管", "T8 LED 18W 1.2米", "支", ItemCategory.ELECTRICAL, 10, None, "16.00"),
    ("灯泡", "LED 9W E27", "个", ItemCategory.ELECTRICAL, 5, None, "6.00"),
    ("电池", "5号 碱性 4节", "板", ItemCategory.ELECTRICAL, 5, 1095, "8.00"),
    ("门锁", "执手锁 不锈钢", "把", ItemCategory.HARDWARE, 2, None, "45.00"),
    ("挂锁", "40mm 铜", "把", ItemCategory.HARDWARE, 4, None, "18.00"),
    ("作业本", "16K 练习本", "本", ItemCategory.BOOKS, 200, None, "0.60"),
    ("田字格本", "32K", "本", ItemCategory.BOOKS, 100, None, "0.50"),
]
CLEANING_KIT = [("扫帚", 2), ("拖把", 1), ("水桶", 1), ("簸箕", 1), ("抹布", 2)]
BOOKS_PER_PUPIL = 4  # 作业本 per pupil for the semester
# What teachers ask for week by week: (item, spec, quantities to choose from, purposes)
CLASS_ASKS = [
    ("粉笔", "白色 无尘 50支", (2, 3, 4), ("上课用粉笔", "粉笔用完了")),
    ("粉笔", "彩色 无尘 50支", (1, 2), ("板报用彩色粉笔",)),
    ("复印纸", "A4 70g 500张", (1, 2, 3), ("打印单元测试卷", "复印练习题")),
    ("抹布", "纯棉", (2, 4), ("教室卫生",)),
    ("垃圾袋", "平口 60×80cm 50只", (1, 2), ("教室垃圾桶用",)),
    ("洗手液", "500ml", (1, 2), ("班级洗手台",)),
    ("板擦", "海绵", (1, 2), ("板擦坏了",)),
]
OFFICE_ASKS = [
    ("复印纸", "A4 70g 500张", (5, 8, 10), ("教务处印制试卷", "办公用纸")),
    ("签字笔", "0.5mm 黑色 12支", (1, 2), ("办公用笔",)),
    ("文件袋", "A4 牛皮纸", (20, 30), ("档案整理",)),
    ("灯管", "T8 LED 18W 1.2米", (4, 6), ("更换教室坏灯管",)),
    ("电池", "5号 碱性 4节", (2, 3), ("话筒、遥控器用",)),
    ("84消毒液", "500ml", (4, 6), ("教室消毒",)),
]
RESTOCK = {  # when a store runs low: a delivery of this many at about this price
    "粉笔|白色 无尘 50支": (40, "4.60"),
    "复印纸|A4 70g 500张": (50, "21.50"),
    "抹布|纯棉": (60, "2.10"),
    "垃圾袋|平口 60×80cm 50只": (30, "5.40"),
    "洗手液|500ml": (24, "9.80"),
    "板擦|海绵": (20, "3.00"),
    "签字笔|0.5mm 黑色 12支": (10, "11.50"),
    "文件袋|A4 牛皮纸": (100, "0.80"),
    "灯管|T8 LED 18W 1.2米": (30, "15.50"),
    "电池|5号 碱性 4节": (20, "8.20"),
    "84消毒液|500ml": (24, "6.60"),
    "粉笔|彩色 无尘 50支": (10, "6.80"),
}


@dataclass
class DemoSupplies:
    created: bool
    schools: list = field(default_factory=list)
    items: int = 0
    requisitions: int = 0
    movements: int = 0


@contextmanager
def replayed_clock():
    """Point django.utils.timezone.now at a settable clock (None: the real time) while the
    demo replays its semester, so every stamp the services write is the event's own."""
    real = timezone.now
    clock = {"now": None}

    def now():
        return clock["now"] if clock["now"] is not None else real()

    timezone.now = now
    try:
        yield clock
    finally:
        timezone.now = real


def replay_window(today):
    """The days to replay: the demo semester that has begun (to yesterday), else DEFAULT_DAYS."""
    begun = [(start, end) for _y, _t, start, end in SEMESTERS if start <= today - datetime.timedelta(days=14)]
    if begun:
        start, end = max(begun)
        return start, min(end, today - datetime.timedelta(days=1))
    return today - datetime.timedelta(days=DEFAULT_DAYS), today - datetime.timedelta(days=1)


def _term(semester):
    """ "2026-2027学年第一学期" (the Chinese a school writes), or "" without a semester."""
    if semester is None:
        return ""
    return f"{semester.school_year}学年第{'一' if semester.term == 1 else '二'}学期"


def _people(school):
    """{role code: [users]} of the school's own memberships, in membership order."""
    out = {}
    for m in (
        Membership.objects.filter(school=school).select_related("user", "role", "department").order_by("pk")
    ):
        out.setdefault(m.role.code, []).append(m.user)
    return out


class _SchoolDemo:
    def __init__(self, builder, school):
        self.b = builder
        self.school = school
        self.rng = random.Random(f"{SEED}-{school.code}")
        people = _people(school)
        self.keeper = (people.get("storekeeper") or people.get("head_of_logistics"))[0]
        self.head = people["head_of_logistics"][0]
        self.classes = list(
            Room.objects.filter(
                school=school, kind=RoomKind.CLASSROOM, is_active=True, responsible__isnull=False
            )
            .select_related("responsible", "department", "building")
            .order_by("building__name", "floor", "number")
        )
        self.offices = [
            d
            for d in Department.objects.filter(school=school, head__isnull=False).select_related("head")
            if d.head_id not in (self.keeper.pk, self.head.pk)
        ]
        self.items = {}

    # -- time ------------------------------------------------------------------------------------
    def at(self, day, hour=9, minute=0):
        return self.b.at(day, hour, minute)

    # -- set-up --------------------------------------------------------------------------------
    def store(self):
        store = Store.objects.filter(school=self.school, name="物资仓库").first()
        if store is None:
            room = Room.objects.filter(school=self.school, kind=RoomKind.STORE, name="物资仓库").first()
            store = object_create(
                actor=self.b.actor,
                model=Store,
                school=self.school,
                data={"name": "物资仓库", "room": room, "keeper": self.keeper},
            )
        self.store_obj = store
        return store

    def catalogue(self):
        for name, spec, unit, category, minimum, shelf, price in CATALOGUE:
            item = Item.objects.filter(school=self.school, name=name, spec=spec).first()
            if item is None:
                item = object_create(
                    actor=self.b.actor,
                    model=Item,
                    school=self.school,
                    data={
                        "name": name,
                        "spec": spec,
                        "unit": unit,
                        "category": category,
                        "min_stock": D(minimum),
                        "shelf_life_days": shelf,
                        "reference_price": D(price),
                    },
                )
                self.b.result.items += 1
            self.items[f"{name}|{spec}"] = item
        self.price = {f"{n}|{s}": D(p) for n, s, _u, _c, _m, _sl, p in CATALOGUE}

    def item(self, name, spec):
        return self.items[f"{name}|{spec}"]

    def receive(self, key, quantity, price=None, **kwargs):
        return stock_receive(
            school=self.school,
            item=self.items[key],
            store=self.store_obj,
            quantity=D(quantity),
            unit_cost=D(price) if price is not None else self.price[key],
            actor=self.keeper,
            **kwargs,
        )

    def held(self, key):
        balance = StockBalance.objects.filter(item=self.items[key], store=self.store_obj).first()
        return balance.quantity if balance else D(0)

    def opening_stock(self, today):
        n = len(self.classes)
        pupils = sum(r.capacity for r in self.classes)
        self.b.clock["now"] = self.at(0, 8, 0)
        plan = {
            "粉笔|白色 无尘 50支": 3 * n + 20,
            "粉笔|彩色 无尘 50支": n + 5,
            "板擦|海绵": n + 5,
            "复印纸|A4 70g 500张": 4 * n + 30,
            "复印纸|A3 70g 500张": 6,
            "硒鼓|HP CF388A": 6,
            "签字笔|0.5mm 黑色 12支": 10,
            "文件袋|A4 牛皮纸": 100,
            "扫帚|高粱苗": 2 * n + 4,
            # 黄竹林学校 is two mops short for its twelve classes (the shortage list).
            "拖把|棉线": n - 2 if self.school.code == "TPHZL" else n + 3,
            "水桶|15L 塑料": n + 2,
            "簸箕|塑料 带长柄": n + 2,
            "抹布|纯棉": 2 * n + 30,
            "垃圾袋|平口 60×80cm 50只": n + 10,
            "灯管|T8 LED 18W 1.2米": 20,
            "灯泡|LED 9W E27": 10,
            "电池|5号 碱性 4节": 10,
            "门锁|执手锁 不锈钢": 4,
            "挂锁|40mm 铜": 6,
            "作业本|16K 练习本": BOOKS_PER_PUPIL * pupils + 100,
            "田字格本|32K": 200,
            "医用口罩|一次性 50只": 10,
            "洗手液|500ml": n + 6,
        }
        for key, quantity in plan.items():
            self.receive(key, quantity, reference="期初库存")
        # Disinfectant: an old lot that expires in a few weeks (the alert) and a fresh one.
        near = today + datetime.timedelta(days=20)
        self.receive("84消毒液|500ml", 6, lot="XD-2411", expiry_date=near, reference="期初库存")
        self.receive("84消毒液|500ml", 24, lot="XD-2508", reference="期初库存")

    def kits(self):
        cleaning = kit_create(
            actor=self.head,
            school=self.school,
            name="教室清洁工具",
            description="每学期开学发放到班",
            lines=[{"item": self.item(*self._key(name)), "quantity": D(q)} for name, q in CLEANING_KIT],
        )
        books = kit_create(
            actor=self.head,
            school=self.school,
            name="学期作业本",
            description="按班级人数发放",
            lines=[
                {"item": self.item("作业本", "16K 练习本"), "quantity": D(BOOKS_PER_PUPIL), "per_pupil": True}
            ],
        )
        return cleaning, books

    def _key(self, name):
        spec = next(s for n, s, *_rest in CATALOGUE if n == name)
        return name, spec

    def allotments(self, cleaning, books, semester):
        if not self.classes:
            return
        self.b.clock["now"] = self.at(1, 8, 30)
        allot = allotment_create(
            actor=self.head,
            school=self.school,
            title=f"{_term(semester)}教室清洁工具",
            kit=cleaning,
            store=self.store_obj,
            rooms=self.classes,
            semester=semester,
        )
        self.b.clock["now"] = self.at(1, 10, 0)
        allotment_issue(actor=self.keeper, allotment=allot)
        waiting_signature = {"赵晓燕"}
        for offset, target in enumerate(allot.targets.filter(status="issued").select_related("receiver")):
            if target.receiver.full_name in waiting_signature:
                continue
            self.b.clock["now"] = self.at(1 + offset % 3, 15, 10 + offset)
            allotment_target_confirm(actor=target.receiver, target=target)
        self.b.clock["now"] = self.at(2, 8, 30)
        books_allot = allotment_create(
            actor=self.head,
            school=self.school,
            title=f"{_term(semester)}作业本",
            kit=books,
            store=self.store_obj,
            rooms=self.classes,
            semester=semester,
        )
        self.b.clock["now"] = self.at(2, 9, 30)
        allotment_issue(actor=self.keeper, allotment=books_allot)
        for offset, target in enumerate(books_allot.targets.select_related("receiver")):
            self.b.clock["now"] = self.at(2, 14, offset)
            allotment_target_confirm(actor=target.receiver, target=target)

    # -- requisitions --------------------------------------------------------------------------
    def ask(self, day, requester, lines, purpose, *, room=None, department=None):
        self.b.clock["now"] = self.at(day, 8 + self.rng.randrange(0, 3), self.rng.randrange(0, 60))
        requisition = requisition_create(
            actor=requester,
            school=self.school,
            purpose=purpose,
            lines=[{"item": self.items[key], "quantity": D(q)} for key, q in lines],
            room=room,
            department=department,
        )
        self.b.result.requisitions += 1
        return requisition

    def restock_for(self, requisition, day):
        for line in requisition.lines.select_related("item"):
            key = f"{line.item.name}|{line.item.spec}"
            if self.held(key) < line.quantity and key in RESTOCK:
                quantity, price = RESTOCK[key]
                self.b.clock["now"] = self.at(day, 7, 40)
                self.receive(
                    key, max(quantity, int(line.quantity) * 2), price, reference=f"采购入库 {day:03d}"
                )

    def full_cycle(self, day, requester, lines, purpose, **kwargs):
        requisition = self.ask(day, requester, lines, purpose, **kwargs)
        requisition = requisition_submit(actor=requester, requisition=requisition)
        if requisition.status != RequisitionStatus.APPROVED:
            return requisition
        self.issue_all(requisition, day + (1 if self.rng.random() < 0.4 else 0))
        return requisition

    def issue_all(self, requisition, day, sign=True):
        self.restock_for(requisition, day)
        self.b.clock["now"] = self.at(day, 14, self.rng.randrange(0, 50))
        quantities = {line.pk: line.quantity for line in requisition.lines.all()}
        requisition_issue(
            actor=self.keeper, requisition=requisition, store=self.store_obj, quantities=quantities
        )
        if sign:
            self.b.clock["now"] = self.at(day, 16, self.rng.randrange(0, 50))
            requisition_confirm(actor=requisition.receiver, requisition=requisition)

    def weeks(self, last_day):
        """Requisitions week after week: class heads for their classes, offices for theirs."""
        day = 5
        while day <= last_day - 7:
            for _ in range(max(1, len(self.classes) // 4)):
                if not self.classes:
                    break
                room = self.rng.choice(self.classes)
                name, spec, quantities, purposes = self.rng.choice(CLASS_ASKS)
                self.full_cycle(
                    day + self.rng.randrange(0, 5),
                    room.responsible,
                    [(f"{name}|{spec}", self.rng.choice(quantities))],
                    f"{room.name}{self.rng.choice(purposes)}",
                    room=room,
                )
            for office in self.offices[:2]:
                if self.rng.random() < 0.6:
                    continue
                name, spec, quantities, purposes = self.rng.choice(OFFICE_ASKS)
                self.full_cycle(
                    day + self.rng.randrange(0, 5),
                    office.head,
                    [(f"{name}|{spec}", self.rng.choice(quantities))],
                    f"{office.name}{self.rng.choice(purposes)}",
                    department=office,
                )
            day += 7

    def toner_and_corrections(self, last_day):
        """Toner above the threshold (approved by the head), a return, a count difference."""
        requester = self.offices[0].head if self.offices else self.head
        department = self.offices[0] if self.offices else None
        where = department.name if department else "总务处"
        requisition = self.ask(
            20, requester, [("硒鼓|HP CF388A", 4)], f"{where}打印机更换硒鼓", department=department
        )
        requisition = requisition_submit(actor=requester, requisition=requisition)
        if requisition.status == RequisitionStatus.PENDING and requester.pk != self.head.pk:
            self.b.clock["now"] = self.at(20, 11, 30)
            approval_decide(
                actor=self.head,
                request=requisition.approval,
                decision="approve",
                comment="同意，期中考试急用。",
            )
            requisition.refresh_from_db()
        if requisition.status == RequisitionStatus.APPROVED:
            self.issue_all(requisition, 21)
        # Paper asked for too generously comes back.
        if self.classes:
            room = self.classes[0]
            big = self.full_cycle(
                30, room.responsible, [("复印纸|A4 70g 500张", 6)], f"{room.name}打印复习资料", room=room
            )
            issue = big.movements.filter(kind="issue").first()
            if issue is not None:
                self.b.clock["now"] = self.at(33, 10, 0)
                stock_return(issue=issue, quantity=D(2), actor=self.keeper, reason="用不完，退回两包")
        # Mid-semester count: two boxes of chalk found broken.
        self.b.clock["now"] = self.at(min(45, last_day - 3), 16, 30)
        chalk = self.item("粉笔", "白色 无尘 50支")
        balance = StockBalance.objects.get(item=chalk, store=self.store_obj)
        stock_adjust(
            school=self.school,
            item=chalk,
            store=self.store_obj,
            counted=balance.quantity - 2,
            actor=self.keeper,
            reason="期中盘点：两盒受潮损坏",
        )

    def open_ends(self, last_day):
        """What the lists show today: toner below its minimum, and requisitions at every stage."""
        toner = "硒鼓|HP CF388A"
        held = self.held(toner)
        if held > 1:
            self.b.clock["now"] = self.at(last_day - 6, 10, 0)
            stock_issue(
                school=self.school,
                item=self.items[toner],
                store=self.store_obj,
                quantity=held - 1,
                issued_to=self.head,
                actor=self.keeper,
                note="总务处打印机、复印机更换",
            )
        requester = self.offices[0].head if self.offices else self.head
        department = self.offices[0] if self.offices else None
        # Waiting for the head of logistics: three toner cartridges (above the threshold).
        if requester.pk != self.head.pk:
            waiting = self.ask(
                last_day - 2, requester, [(toner, 3)], "各办公室打印机备用硒鼓", department=department
            )
            requisition_submit(actor=requester, requisition=waiting)
        if not self.classes:
            return
        rooms = self.classes
        # Ready to issue.
        ready = self.ask(
            last_day - 1,
            rooms[1 % len(rooms)].responsible,
            [("粉笔|白色 无尘 50支", 3)],
            "下周公开课用粉笔",
            room=rooms[1 % len(rooms)],
        )
        requisition_submit(actor=ready.requester, requisition=ready)
        # Partly issued: the store had only part of the exercise books asked for.
        room = rooms[2 % len(rooms)]
        part = self.ask(
            last_day - 3,
            room.responsible,
            [("田字格本|32K", 300), ("抹布|纯棉", 2)],
            f"{room.name}写字课用本",
            room=room,
        )
        requisition_submit(actor=room.responsible, requisition=part)
        lines = {line.item.name: line for line in part.lines.select_related("item")}
        self.b.clock["now"] = self.at(last_day - 2, 14, 0)
        available = min(self.held("田字格本|32K"), D(150))
        requisition_issue(
            actor=self.keeper,
            requisition=part,
            store=self.store_obj,
            quantities={lines["田字格本"].pk: available, lines["抹布"].pk: D(2)},
        )
        # A draft not yet sent.
        room = rooms[3 % len(rooms)]
        self.ask(
            last_day,
            room.responsible,
            [("板擦|海绵", 2), ("抹布|纯棉", 4)],
            f"{room.name}卫生角用品",
            room=room,
        )

    def build(self, today, last_day, semester):
        self.store()
        self.catalogue()
        self.opening_stock(today)
        cleaning, books = self.kits()
        self.allotments(cleaning, books, semester)
        if self.school.code in ("TPHZL", "TPZS", "TPSF"):
            self.weeks(last_day)
            self.toner_and_corrections(last_day)
            self.open_ends(last_day)
        else:
            self.weeks(min(last_day, 40))


class _Builder:
    def __init__(self, district, actor, clock, today):
        self.district = district
        self.actor = actor
        self.clock = clock
        self.today = today
        self.start, self.end = replay_window(today)
        self.result = DemoSupplies(created=True)

    def at(self, day, hour=9, minute=0):
        date = min(self.start + datetime.timedelta(days=day), self.end)
        return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, minute)))

    def policy(self):
        """Requisitions above the threshold: the head of logistics up to 2000 yuan, then the principal."""
        approval_policy_set(
            actor=self.actor,
            school=self.district,
            kind=REQUISITION_KIND,
            name="物资领用审批",
            steps=[
                {"role": "head_of_logistics", "level": "school", "max_amount": D("2000.00")},
                {"role": "principal", "level": "school", "max_amount": None},
            ],
        )

    def semester(self):
        from houqin.core.models import Semester

        return Semester.objects.filter(
            school__path__in=self.district.ancestor_paths(),
            start_date__lte=self.start,
            end_date__gte=self.start,
        ).first()

    def build(self):
        self.clock["now"] = self.at(0, 7, 30)
        self.policy()
        semester = self.semester()
        last_day = (self.end - self.start).days
        schools = list(School.objects.subtree(self.district).filter(kind=SchoolKind.SCHOOL).order_by("path"))
        for school in schools:
            _SchoolDemo(self, school).build(self.today, last_day, semester)
        self.result.schools = schools
        self.result.movements = StockMovement.objects.in_scope(self.district).count()
        return self.result


def demo_exists(district):
    return Kit.objects.in_scope(district).exists()


def build_demo(district, actor=None):
    """Add the supplies of the demo district (see the module's docstring); nothing is changed
    when its schools have supply kits already."""
    if demo_exists(district):
        return DemoSupplies(created=False, items=Item.objects.in_scope(district).count())
    today = timezone.localdate()
    first_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic(), replayed_clock() as clock:
        result = _Builder(district, actor, clock, today).build()
        # What came in more than a week ago has been read; the last week's notices are new.
        cutoff = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=7), datetime.time())
        )
        clock["now"] = None
        Notification.objects.filter(
            pk__gt=first_notification, created_at__lt=cutoff, read_at__isnull=True
        ).update(read_at=F("created_at"))
    return result
