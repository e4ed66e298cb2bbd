"""Purchasing of the demo district (houqin/core/demo.py builds the district first).

`build_demo(district, actor)` gives the schools their suppliers, with licences (one about to
expire, one supplier blocked), and replays a semester of purchases through the services:
50 desks for 黄竹林学校 compared among three quotes (a saving of 650 yuan), delivered with two
desks refused and replaced; copy paper compared and booked into the store; chalk bought in small
lots until the third lot is flagged as a possible split purchase; a projector bought from a
dearer supplier with its reason, whose delivery is late; requests of the middle school waiting
for approval or rejected. Suppliers are registered by `actor` (None: the system); every step of
a purchase is taken by the school's own people. A second call changes nothing.

The services stamp submission, approval and decision times with "now"; to make a semester of
history the demo moves those stamps of its own records back to the day each step happened.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from houqin.assets.models import AssetCategory
from houqin.assets.services.categories import category_import
from houqin.core.models import Decision, Department, Membership, Room, RoomKind, School
from houqin.core.services.approvals import approval_decide
from houqin.core.services.objects import object_create
from houqin.supplies.choices import ItemCategory
from houqin.supplies.models import Item, Store

from .models import PurchaseOrder, PurchaseRequest, QuoteComparison, Supplier
from .services.inspections import inspection_record
from .services.orders import chosen_supplier, order_lines_from_request, purchase_order_create
from .services.quotes import quote_add, quote_comparison_decide
from .services.requests import purchase_policy_ensure, purchase_request_create, purchase_request_submit
from .services.suppliers import certificate_create, supplier_block, supplier_create

Y = Decimal
DESKS = "A05010200"
CHAIRS = "A05010304"
PROJECTOR = "A02020200"

# (name, contact, phone, goods, credit code, licence valid for days (None: no licence), blocked because)
SUPPLIERS = {
    "TPHZL": (
        ("城关家具厂", "李建华", "0871-6581 3301", "课桌椅、档案柜", "91530112MA6K3C2X1A", 700, ""),
        (
            "昆明星辉教学设备有限公司",
            "张明",
            "0871-6530 2288",
            "课桌椅、投影仪、实验器材",
            "91530100MA6N8Q4L2B",
            20,
            "",
        ),
        ("宏达办公家具", "王宏达", "138 8712 4506", "办公家具", "92530112MA6P0R7T3C", 400, ""),
        ("太平文具店", "赵丽", "139 8701 2233", "纸张、粉笔、文具", "92530112MA6Q1R8U4D", 500, ""),
        ("新华文化用品商店", "周平", "0871-6581 4410", "纸张、文具", "92530112MA6R2T9W5E", 300, ""),
        (
            "云岭电器商行",
            "陈刚",
            "137 6600 1919",
            "电器",
            "92530112MA6T3U0W6F",
            None,
            "2025年秋季送货以次充好，两台饮水机无合格证",
        ),
    ),
    "TPZS": (
        ("城关家具厂", "李建华", "0871-6581 3301", "课桌椅", "91530112MA6K3C2X1A", 700, ""),
        ("昆明星辉教学设备有限公司", "张明", "0871-6530 2288", "实验器材", "91530100MA6N8Q4L2B", 20, ""),
        ("宏达办公家具", "王宏达", "138 8712 4506", "办公家具", "92530112MA6P0R7T3C", 400, ""),
        ("太平洁具批发部", "孙强", "135 2900 7788", "清洁用品", "92530112MA6T4W1X7G", 200, ""),
    ),
}
OTHER_SCHOOL_SUPPLIERS = (
    ("太平文具店", "赵丽", "139 8701 2233", "纸张、粉笔、文具", "92530112MA6Q1R8U4D", 500, ""),
)


@dataclass
class DemoProcurement:
    created: bool
    suppliers: int = 0
    requests: int = 0
    orders: int = 0
    inspections: int = 0
    schools: list = field(default_factory=list)


def _people(school):
    """{role code: first user} of the school's own memberships."""
    out = {}
    for m in Membership.objects.filter(school=school).select_related("user", "role").order_by("pk"):
        out.setdefault(m.role.code, m.user)
    return out


def _category(code):
    return AssetCategory.objects.get(school__isnull=True, code=code)


class _Builder:
    def __init__(self, district, actor):
        self.district = district
        self.actor = actor
        self.today = timezone.localdate()
        # A semester of history: the first purchase eleven weeks ago.
        self.start = self.today - datetime.timedelta(days=77)
        self.result = DemoProcurement(created=True)

    def day(self, offset):
        return min(self.start + datetime.timedelta(days=offset), self.today)

    def at(self, offset, hour=10):
        tz = timezone.get_current_timezone()
        return datetime.datetime.combine(self.day(offset), datetime.time(hour), tzinfo=tz)

    # -- the school's things ------------------------------------------------------------------
    def suppliers(self, school, rows):
        out = {}
        for name, contact, phone, goods, code, valid_days, blocked in rows:
            supplier = supplier_create(
                actor=self.actor,
                school=school,
                data={
                    "name": name,
                    "contact_person": contact,
                    "phone": phone,
                    "goods": goods,
                    "credit_code": code,
                },
            )
            if valid_days is not None:
                certificate_create(
                    actor=self.actor,
                    school=school,
                    data={
                        "supplier": supplier,
                        "kind": "business_licence",
                        "number": code,
                        "issued_by": "昆明市官渡区市场监督管理局",
                        "issued_on": self.today - datetime.timedelta(days=3 * 365),
                        "expires_on": self.today + datetime.timedelta(days=valid_days),
                    },
                )
            if blocked:
                supplier_block(actor=self.actor, supplier=supplier, reason=blocked)
            out[name] = supplier
            self.result.suppliers += 1
        return out

    def store(self, school, keeper):
        store = Store.objects.filter(school=school, is_active=True).order_by("pk").first()
        if store is not None:
            return store
        room = Room.objects.filter(school=school, kind=RoomKind.STORE).order_by("pk").first()
        return object_create(
            actor=self.actor,
            model=Store,
            school=school,
            data={"name": "物资仓库", "room": room, "keeper": keeper},
        )

    def item(self, school, name, spec, unit, category, price):
        item = Item.objects.filter(school=school, name=name, spec=spec).first()
        if item is not None:
            return item
        return object_create(
            actor=self.actor,
            model=Item,
            school=school,
            data={
                "name": name,
                "spec": spec,
                "unit": unit,
                "category": category,
                "reference_price": Y(price),
            },
        )

    def classroom(self, school, name=None):
        rooms = Room.objects.filter(school=school, kind=RoomKind.CLASSROOM).order_by("pk")
        return (rooms.filter(name=name).first() if name else None) or rooms.first()

    def department(self, school, name):
        return Department.objects.filter(school=school, name=name).first()

    # -- one purchase --------------------------------------------------------------------------
    def request(
        self,
        school,
        requester,
        title,
        lines,
        day,
        *,
        department=None,
        reason,
        urgent=False,
        budget="公用经费",
    ):
        request = purchase_request_create(
            actor=requester,
            school=school,
            data={
                "title": title,
                "department": department,
                "reason": reason,
                "budget_line": budget,
                "is_urgent": urgent,
                "needed_by": self.day(day + 30),
            },
            lines=lines,
        )
        request = purchase_request_submit(actor=requester, request=request)
        PurchaseRequest.objects.filter(pk=request.pk).update(submitted_at=self.at(day, 9))
        self.result.requests += 1
        return request

    def approve(self, request, approvers, day):
        approval = request.approval_request
        for approver in approvers:
            approval = approval_decide(
                actor=approver, request=approval, decision=Decision.APPROVE, comment="同意。"
            )
        PurchaseRequest.objects.filter(pk=request.pk).update(approved_at=self.at(day, 15))
        request.refresh_from_db()
        return request

    def quotes(self, request, buyer, offers, day):
        """offers: [(supplier, [unit price per line])]; returns the quotes in that order."""
        lines = list(request.lines.order_by("position"))
        return [
            quote_add(
                actor=buyer,
                request=request,
                supplier=supplier,
                quoted_on=self.day(day),
                valid_until=self.day(day + 30),
                contact_person=supplier.contact_person,
                prices={line.pk: Y(p) for line, p in zip(lines, prices, strict=True)},
            )
            for supplier, prices in offers
        ]

    def decide(self, request, quote, buyer, signers, day, reason=""):
        comparison = quote_comparison_decide(
            actor=buyer, request=request, chosen_quote=quote, signers=signers, reason=reason
        )
        QuoteComparison.objects.filter(pk=comparison.pk).update(decided_at=self.at(day, 16))
        return comparison

    def order(self, request, buyer, buyers, day, due, supplier=None):
        order = purchase_order_create(
            actor=buyer,
            school=request.school,
            supplier=supplier or chosen_supplier(request),
            lines=order_lines_from_request(request),
            buyers=buyers,
            ordered_on=self.day(day),
            expected_on=self.start + datetime.timedelta(days=day + due),
            delivery_place=f"{request.school.name} 总务处",
        )
        PurchaseOrder.objects.filter(pk=order.pk).update(created_at=self.at(day, 11))
        self.result.orders += 1
        return order

    def inspect(self, order, recorder, inspectors, day, lines, note_number, invoice=""):
        inspection = inspection_record(
            actor=recorder,
            order=order,
            inspectors=inspectors,
            lines=lines,
            inspected_on=self.day(day),
            delivery_note_number=note_number,
            invoice_number=invoice,
        )
        order.refresh_from_db()
        if order.received_at is not None:
            PurchaseOrder.objects.filter(pk=order.pk).update(received_at=self.at(day, 17))
        for request in PurchaseRequest.objects.filter(
            lines__order_lines__order=order, completed_at__isnull=False
        ).distinct():
            PurchaseRequest.objects.filter(pk=request.pk).update(completed_at=self.at(day, 17))
        self.result.inspections += 1
        return inspection

    # -- the schools ---------------------------------------------------------------------------
    def huangzhulin(self, school):
        p = _people(school)
        head, principal, keeper = p["head_of_logistics"], p["principal"], p["storekeeper"]
        staff, teacher = p["logistics_staff"], p["teacher"]
        s = self.suppliers(school, SUPPLIERS["TPHZL"])
        store = self.store(school, keeper)
        room = self.classroom(school, "三年级2班")
        grade = self.department(school, "低年级组")
        office = self.department(school, "总务处")

        # 1. Fifty desks for the new classes: three quotes, 48 accepted, 2 refused and replaced.
        desks = self.request(
            school,
            teacher,
            "三年级新增课桌50张",
            [
                {
                    "kind": "equipment",
                    "asset_category": _category(DESKS),
                    "name": "学生课桌",
                    "specification": "单人 1200×450 钢木",
                    "unit": "张",
                    "quantity": 50,
                    "estimated_unit_price": Y("300.00"),
                    "room": room,
                }
            ],
            day=0,
            department=grade,
            reason="秋季学期三年级新增一个班，现有课桌不足，部分桌面开裂。",
        )
        desks = self.approve(desks, [head, principal], day=2)
        a, _b, _c = self.quotes(
            desks,
            head,
            [
                (s["城关家具厂"], ["285.00"]),
                (s["昆明星辉教学设备有限公司"], ["298.00"]),
                (s["宏达办公家具"], ["310.00"]),
            ],
            day=5,
        )
        self.decide(desks, a, head, [head, principal, keeper], day=6)
        order = self.order(desks, head, [head, staff], day=7, due=14)
        line = order.lines.get()
        self.inspect(
            order,
            keeper,
            [keeper, teacher],
            day=20,
            lines=[
                {
                    "order_line": line,
                    "accepted": 48,
                    "rejected": 2,
                    "reason": "两张桌面开裂，退回更换",
                    "room": room,
                }
            ],
            note_number="CG家具送-0915",
            invoice="04512377",
        )
        self.inspect(
            order,
            keeper,
            [keeper, teacher],
            day=27,
            lines=[{"order_line": line, "accepted": 2, "room": room}],
            note_number="CG家具送-0922",
        )

        # 2. Copy paper for the term: above the quote threshold, compared, booked into the store.
        paper = self.item(school, "复印纸", "A4 70g 500张/包×5包", "箱", ItemCategory.OFFICE, "165.00")
        request = self.request(
            school,
            head,
            "本学期复印纸20箱",
            [
                {
                    "kind": "supply",
                    "item": paper,
                    "quantity": 20,
                    "estimated_unit_price": Y("165.00"),
                    "store": store,
                }
            ],
            day=9,
            department=office,
            reason="期中考试及日常教学用纸。",
        )
        request = self.approve(request, [principal], day=10)
        cheap, _n, _k = self.quotes(
            request,
            head,
            [
                (s["太平文具店"], ["156.00"]),
                (s["新华文化用品商店"], ["162.00"]),
                (s["昆明星辉教学设备有限公司"], ["170.00"]),
            ],
            day=11,
        )
        self.decide(request, cheap, head, [head, principal, keeper], day=12)
        order = self.order(request, head, [head, staff], day=12, due=5)
        self.inspect(
            order,
            keeper,
            [keeper, staff],
            day=15,
            lines=[{"order_line": order.lines.get(), "accepted": 20, "lot": "2026-09"}],
            note_number="TP文具-0331",
        )

        # 3. Chalk in small lots: the third lot goes over the quote threshold for the year.
        chalk = self.item(school, "粉笔", "无尘 白色 50支/盒", "盒", ItemCategory.TEACHING, "12.50")
        for n, (quantity, day, approved) in enumerate(
            ((30, 14, True), (40, 40, True), (20, 70, False)), start=1
        ):
            request = self.request(
                school,
                teacher,
                f"粉笔（第{n}批）",
                [
                    {
                        "kind": "supply",
                        "item": chalk,
                        "quantity": quantity,
                        "estimated_unit_price": Y("12.50"),
                        "store": store,
                    }
                ],
                day=day,
                department=grade,
                reason="各班教学用粉笔。",
            )
            if not approved:
                continue  # waiting for the head of logistics, flagged as a possible split purchase
            request = self.approve(request, [head], day=day + 1)
            order = self.order(request, head, [head, staff], day=day + 2, due=3, supplier=s["太平文具店"])
            self.inspect(
                order,
                keeper,
                [keeper],
                day=day + 4,
                lines=[{"order_line": order.lines.get(), "accepted": quantity}],
                note_number=f"TP文具-粉笔{n}",
            )

        # 4. A projector from a dearer supplier, with the reason; the delivery is late.
        request = self.request(
            school,
            head,
            "多媒体教室投影仪更换",
            [
                {
                    "kind": "equipment",
                    "asset_category": _category(PROJECTOR),
                    "name": "投影仪",
                    "specification": "4000流明 短焦",
                    "unit": "台",
                    "quantity": 1,
                    "estimated_unit_price": Y("4800.00"),
                    "room": Room.objects.filter(school=school, name="多媒体教室").first(),
                    "asset_tracking": "single",
                }
            ],
            day=45,
            department=self.department(school, "教务处"),
            reason="多媒体教室投影仪灯泡老化，亮度不足，维修不经济。",
            urgent=True,
        )
        request = self.approve(request, [principal], day=47)
        _h, star, _x = self.quotes(
            request,
            head,
            [
                (s["宏达办公家具"], ["4650.00"]),
                (s["昆明星辉教学设备有限公司"], ["4780.00"]),
                (s["城关家具厂"], ["4990.00"]),
            ],
            day=50,
        )
        self.decide(
            request,
            star,
            head,
            [head, principal, keeper],
            day=52,
            reason="宏达办公家具无投影设备售后资质；星辉在县城设有维修点，承诺48小时上门。",
        )
        self.order(request, head, [head, staff], day=53, due=10)
        return 1

    def middle_school(self, school):
        p = _people(school)
        head, principal, keeper = p["head_of_logistics"], p["principal"], p["storekeeper"]
        teacher = p["teacher"]
        s = self.suppliers(school, SUPPLIERS["TPZS"])
        store = self.store(school, keeper)
        # Cleaning supplies, bought directly (small purchase) and booked into the store.
        mop = self.item(school, "拖把", "棉线 1.3米", "把", ItemCategory.CLEANING, "18.00")
        request = self.request(
            school,
            head,
            "清洁工具补充",
            [
                {
                    "kind": "supply",
                    "item": mop,
                    "quantity": 30,
                    "estimated_unit_price": Y("18.00"),
                    "store": store,
                }
            ],
            day=3,
            reason="开学大扫除，拖把损耗。",
        )
        request = self.approve(request, [principal], day=4)
        order = self.order(request, head, [head, teacher], day=5, due=4, supplier=s["太平洁具批发部"])
        self.inspect(
            order,
            keeper,
            [keeper],
            day=8,
            lines=[{"order_line": order.lines.get(), "accepted": 30}],
            note_number="JJ-0903",
        )
        # Chairs for the laboratory: approved by the head, waiting for the principal.
        chairs = self.request(
            school,
            teacher,
            "七年级实验室学生凳40张",
            [
                {
                    "kind": "equipment",
                    "asset_category": _category(CHAIRS),
                    "name": "实验凳",
                    "specification": "钢木 可叠放",
                    "unit": "张",
                    "quantity": 40,
                    "estimated_unit_price": Y("85.00"),
                    "room": Room.objects.filter(school=school, kind=RoomKind.LAB).first(),
                }
            ],
            day=72,
            department=self.department(school, "七年级组"),
            reason="实验室原有木凳损坏严重。",
        )
        approval_decide(
            actor=head,
            request=chairs.approval_request,
            decision=Decision.APPROVE,
            comment="同意，请校长审批。",
        )
        # A request the head of logistics sent back.
        refused = self.request(
            school,
            teacher,
            "班级饮水机一台",
            [
                {
                    "kind": "equipment",
                    "asset_category": _category("A02010000"),
                    "name": "饮水机",
                    "unit": "台",
                    "quantity": 1,
                    "estimated_unit_price": Y("680.00"),
                }
            ],
            day=60,
            reason="班级饮水机故障。",
        )
        approval_decide(
            actor=head,
            request=refused.approval_request,
            decision=Decision.REJECT,
            comment="先报修，维修不了再申请。",
        )
        return 1

    def other(self, school):
        self.suppliers(school, OTHER_SCHOOL_SUPPLIERS)

    def build(self):
        if not AssetCategory.objects.filter(school__isnull=True).exists():
            category_import(actor=self.actor)
        purchase_policy_ensure(school=self.district)
        schools = list(School.objects.subtree(self.district).filter(kind="school").order_by("path"))
        for school in schools:
            if school.code == "TPHZL":
                self.huangzhulin(school)
            elif school.code == "TPZS":
                self.middle_school(school)
            else:
                self.other(school)
        self.result.schools = schools
        return self.result


def build_demo(district, actor=None):
    """Add the purchasing of the demo district (see the module's docstring); nothing is changed
    when the district's schools already have suppliers."""
    if Supplier.objects.in_scope(district).exists():
        return DemoProcurement(created=False, suppliers=Supplier.objects.in_scope(district).count())
    with transaction.atomic():
        return _Builder(district, actor).build()
