"""School property of the demo district (houqin/core/demo.py builds the district first).

`build_demo(district, actor)` registers what a township school really keeps — desks and chairs
per classroom and beds per dormitory as counted batches, projectors and interactive boards,
the computer room, laboratory instruments, books and shelves, a piano, kitchen equipment,
sports equipment — and a little of its life: loans (one overdue), an issue to a class for the
semester, desks damaged and sent to repair, an electronic balance lost and paid for, a stolen
projector followed up, old desks waiting for their scrapping to be approved, and a room list
signed by its class head and changed since.

Everything goes through the services, so the ledger and the change log show how it came about.
Operations that name a person (a loan, a report, a sign-off) are done by the school's own
people; registration is done by `actor` (None: the system). A second call changes nothing.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from houqin.core.models import Membership, Room, RoomKind, School, SchoolKind
from houqin.core.selectors import semester_current
from houqin.core.selectors.org import semester_list

from .choices import AcquisitionMethod, FundingSource, ProcurementForm, UsePurpose
from .models import Asset, AssetCategory
from .services.assets import asset_move, asset_register
from .services.categories import category_import
from .services.custody import room_signoff
from .services.disposals import disposal_policy_ensure, disposal_request, transfer_policy_ensure
from .services.incidents import (
    incident_compensation_pay,
    incident_compensation_set,
    incident_follow_up,
    incident_repair_start,
    incident_report,
)
from .services.loans import asset_issue, asset_lend, loan_return

Y = Decimal


@dataclass
class DemoAssets:
    created: bool
    cards: int = 0
    schools: list = field(default_factory=list)


def _people(school):
    """{role code: first user} of the school's own memberships."""
    out = {}
    for m in Membership.objects.filter(school=school).select_related("user", "role").order_by("pk"):
        out.setdefault(m.role.code, m.user)
    return out


def _keeper(school):
    people = _people(school)
    return people.get("storekeeper") or people.get("head_of_logistics") or people.get("principal")


def _cat(code):
    return AssetCategory.objects.get(school__isnull=True, code=code)


class _Builder:
    def __init__(self, district, actor):
        self.district = district
        self.actor = actor
        self.cards = 0

    def card(self, school, name, code, price, acquired, *, quantity=1, room=None, **extra):
        data = {
            "name": name,
            "category": _cat(code),
            "unit_price": Y(price),
            "acquired_on": acquired,
            "booked_on": acquired + datetime.timedelta(days=10),
            "quantity": quantity,
            "tracking": "batch" if quantity > 1 else "single",
            "room": room,
            "department": room.department if room is not None else None,
            "custodian": room.responsible if room is not None else extra.pop("custodian", None),
            "funding_source": extra.pop("funding_source", FundingSource.FISCAL),
            "procurement_form": extra.pop("procurement_form", ProcurementForm.CENTRALISED),
            **extra,
        }
        self.cards += 1
        return asset_register(actor=self.actor, school=school, data=data)

    # -- what every school keeps --------------------------------------------------------------
    def school(self, school):
        rooms = list(
            Room.objects.filter(school=school).select_related("building", "responsible", "department")
        )
        built = {r.building.built_year or 2010 for r in rooms}
        year = max(2008, min(built) if built else 2010)
        cards = {}
        for room in rooms:
            if room.kind == RoomKind.CLASSROOM:
                seats = max(room.capacity, 20)
                cards.setdefault("desks", []).append(
                    self.card(
                        school,
                        "学生课桌椅（单人）",
                        "A05010304",
                        "260.00",
                        datetime.date(year + 8, 8, 20),
                        quantity=seats,
                        room=room,
                        specification="可升降 600×400",
                        brand="育才",
                        supplier="昆明育才教学设备有限公司",
                        use_purpose=UsePurpose.TEACHING,
                    )
                )
                cards.setdefault("boards", []).append(
                    self.card(
                        school,
                        "交互式电子白板一体机",
                        "A02020600",
                        "9800.00",
                        datetime.date(2021, 8, 28),
                        room=room,
                        brand="希沃",
                        model_number="S86EC",
                        serial_number=f"SW{school.pk:03d}{room.pk:05d}",
                        warranty_until=datetime.date(2024, 8, 28),
                        supplier="云南视源科技有限公司",
                    )
                )
            elif room.kind == RoomKind.DORMITORY:
                self.card(
                    school,
                    "学生铁架床（上下铺）",
                    "A05010100",
                    "680.00",
                    datetime.date(2013, 8, 15),
                    quantity=max(room.capacity // 2, 2),
                    room=room,
                    specification="1900×900 双层",
                    use_purpose=UsePurpose.LIVING,
                )
            elif room.kind == RoomKind.LAB:
                cards.setdefault("microscopes", []).append(
                    self.card(
                        school,
                        "学生显微镜",
                        "A02330000",
                        "680.00",
                        datetime.date(2018, 3, 12),
                        quantity=max(room.capacity // 2, 12),
                        room=room,
                        model_number="XSP-2CA",
                    )
                )
                cards.setdefault("balances", []).append(
                    self.card(
                        school,
                        "电子天平",
                        "A02120000",
                        "1200.00",
                        datetime.date(2022, 9, 5),
                        quantity=6,
                        room=room,
                        specification="0.01g/500g",
                    )
                )
            elif room.kind == RoomKind.FUNCTIONAL and room.name == "计算机教室":
                self.card(
                    school,
                    "学生计算机",
                    "A02010100",
                    "3800.00",
                    datetime.date(2020, 9, 1),
                    quantity=max(room.capacity, 30),
                    room=room,
                    brand="联想",
                    model_number="启天M430",
                    use_purpose=UsePurpose.TEACHING,
                )
                self.card(
                    school,
                    "教师计算机",
                    "A02010100",
                    "5600.00",
                    datetime.date(2020, 9, 1),
                    room=room,
                    brand="联想",
                    model_number="启天M630",
                    serial_number=f"LX{room.pk:06d}",
                )
            elif room.kind == RoomKind.FUNCTIONAL and room.name == "多媒体教室":
                cards.setdefault("projectors", []).append(
                    self.card(
                        school,
                        "投影仪",
                        "A02020200",
                        "3200.00",
                        datetime.date(2019, 5, 20),
                        room=room,
                        brand="爱普生",
                        model_number="CB-X51",
                        serial_number=f"EP{room.pk:06d}",
                    )
                )
            elif room.kind == RoomKind.FUNCTIONAL and room.name == "图书室":
                self.card(
                    school,
                    "图书（少儿读物）",
                    "A04010000",
                    "25.00",
                    datetime.date(2016, 4, 23),
                    quantity=2400,
                    room=room,
                    unit="册",
                    acquisition_method=AcquisitionMethod.PURCHASE,
                )
                self.card(
                    school,
                    "钢制双面书架",
                    "A05010600",
                    "450.00",
                    datetime.date(2016, 4, 23),
                    quantity=12,
                    room=room,
                )
            elif room.kind == RoomKind.FUNCTIONAL and room.name == "音乐室":
                self.card(
                    school,
                    "立式钢琴",
                    "A02340000",
                    "18000.00",
                    datetime.date(2017, 9, 10),
                    room=room,
                    brand="珠江",
                    model_number="UP118",
                    acquisition_method=AcquisitionMethod.DONATION,
                    funding_source=FundingSource.DONATION,
                    procurement_form=ProcurementForm.DONATION,
                    note="县慈善总会捐赠",
                )
            elif room.kind == RoomKind.CANTEEN and room.name == "操作间":
                for name, price, model in (
                    ("高温消毒柜", "3600.00", "RTP380"),
                    ("燃气蒸饭柜", "8800.00", "ZF-24"),
                    ("四门冷藏柜", "5200.00", "BCD-900"),
                ):
                    self.card(
                        school,
                        name,
                        "A02300000",
                        price,
                        datetime.date(year + 3, 2, 26),
                        room=room,
                        model_number=model,
                        use_purpose=UsePurpose.LIVING,
                    )
            elif room.kind == RoomKind.STORE and room.name == "校产仓库":
                cards["sports"] = [
                    self.card(
                        school,
                        "篮球（7号）",
                        "A02350000",
                        "120.00",
                        datetime.date(2024, 2, 28),
                        quantity=30,
                        room=room,
                        unit="个",
                    ),
                    self.card(
                        school,
                        "乒乓球台",
                        "A02350000",
                        "2400.00",
                        datetime.date(2019, 3, 15),
                        quantity=4,
                        room=room,
                        unit="张",
                    ),
                    self.card(
                        school,
                        "移动式篮球架",
                        "A02350000",
                        "6800.00",
                        datetime.date(2018, 8, 30),
                        quantity=2,
                        room=room,
                        unit="副",
                    ),
                ]
                cards["old_desks"] = self.card(
                    school,
                    "旧木制课桌椅",
                    "A05010304",
                    "120.00",
                    datetime.date(2005, 8, 20),
                    quantity=24,
                    room=room,
                    condition="worn",
                    status="idle",
                    note="教学楼改造时撤下",
                )
            elif room.kind == RoomKind.OFFICE and room.name == "总务处":
                self.card(
                    school,
                    "办公计算机",
                    "A02010100",
                    "4800.00",
                    datetime.date(2022, 6, 18),
                    room=room,
                    brand="联想",
                    model_number="启天M450",
                    serial_number=f"OF{room.pk:06d}",
                    use_purpose=UsePurpose.ADMINISTRATION,
                )
                self.card(
                    school,
                    "A3黑白激光复印机",
                    "A02020100",
                    "12500.00",
                    datetime.date(2021, 4, 8),
                    room=room,
                    brand="理光",
                    model_number="MP 2555SP",
                    use_purpose=UsePurpose.ADMINISTRATION,
                )
        return cards

    # -- a little of their life ----------------------------------------------------------------
    def life(self, school, cards):
        people = _people(school)
        keeper = _keeper(school)
        head = people.get("head_of_logistics") or keeper
        today = timezone.localdate()
        if keeper is None:
            return
        projectors = cards.get("projectors") or []
        teacher = people.get("teacher")
        if projectors and teacher is not None:
            # A projector lent for an open class, three days overdue.
            asset_lend(
                actor=keeper,
                asset=projectors[0],
                borrower=teacher,
                purpose="公开课使用",
                lent_on=today - datetime.timedelta(days=10),
                due_on=today - datetime.timedelta(days=3),
            )
        sports = cards.get("sports")
        if sports:
            semester = (
                semester_current(school)
                or semester_list(user=keeper, scope=school).order_by("-start_date").first()
            )
            classroom = Room.objects.filter(school=school, kind=RoomKind.CLASSROOM).order_by("number").first()
            if semester is not None and classroom is not None:
                asset_issue(
                    actor=keeper,
                    asset=sports[0],
                    quantity=6,
                    borrower=classroom.responsible,
                    borrower_class=classroom.name,
                    purpose="大课间活动",
                    semester=semester,
                    lent_on=max(semester.start_date, today - datetime.timedelta(days=60)),
                )
            # A table lent to the village committee for a week and back in good order.
            loan = asset_lend(
                actor=keeper,
                asset=sports[1],
                quantity=1,
                borrower_name="村委会 李主任",
                purpose="村民文化活动",
                lent_on=today - datetime.timedelta(days=20),
                due_on=today - datetime.timedelta(days=13),
            )
            loan_return(actor=keeper, loan=loan, returned_on=today - datetime.timedelta(days=14), note="完好")
        desks = cards.get("desks") or []
        if desks and head is not None:
            damage = incident_report(
                actor=head,
                asset=desks[0],
                kind="damage",
                quantity=3,
                occurred_on=today - datetime.timedelta(days=6),
                description="三套课桌桌面开裂、椅腿松动",
                responsible_party="",
            )
            incident_repair_start(
                actor=head,
                incident=damage,
                started_on=today - datetime.timedelta(days=4),
                repairer="黄大伟",
            )
        return

    def loss(self, school, cards):
        head = _people(school).get("head_of_logistics")
        balances = cards.get("balances") or []
        if not balances or head is None:
            return
        today = timezone.localdate()
        lost = incident_report(
            actor=head,
            asset=balances[0],
            kind="loss",
            quantity=1,
            occurred_on=today - datetime.timedelta(days=30),
            description="实验课后清点少一台电子天平，经查系学生带出实验室后遗失",
            responsible_party="八年级2班 学生家长",
        )
        incident_compensation_set(actor=head, incident=lost, payer_name="八年级2班 王同学家长")
        lost.refresh_from_db()
        incident_compensation_pay(
            actor=head,
            incident=lost,
            amount=lost.compensation_due,
            paid_on=today - datetime.timedelta(days=20),
            receipt_number="SK-2026-031",
        )

    def theft(self, school, cards):
        head = _people(school).get("head_of_logistics")
        projectors = cards.get("projectors") or []
        boards = cards.get("boards") or []
        target = boards[-1] if boards else (projectors[0] if projectors else None)
        if target is None or head is None:
            return
        today = timezone.localdate()
        stolen = incident_report(
            actor=head,
            asset=target,
            kind="theft",
            occurred_on=today - datetime.timedelta(days=15),
            description="周末教室门锁被撬，一体机被盗",
            responsible_party="",
        )
        incident_follow_up(
            actor=head,
            incident=stolen,
            note="已向太平派出所报案，等待侦查结果",
            police_report_number="太公(刑)受字2026-118",
            found_on=today - datetime.timedelta(days=14),
        )

    def disposal(self, school, cards):
        head = _people(school).get("head_of_logistics")
        old = cards.get("old_desks")
        if old is None or head is None:
            return
        disposal_request(
            actor=head,
            school=school,
            method="scrap",
            ground="end_of_life",
            lines=[(old, 12)],
            reason="2005年购置的木制课桌椅，桌面破损、榫卯松脱，已无维修价值",
            appraisal="经总务处与两名教师现场鉴定，12套无法修复",
        )

    def signoff(self, school):
        """The class head signs the classroom's list; two desks leave it afterwards."""
        room = (
            Room.objects.filter(school=school, kind=RoomKind.CLASSROOM, responsible__isnull=False)
            .order_by("number")
            .first()
        )
        if room is None:
            return
        room_signoff(actor=room.responsible, room=room, note="本学期开学清点无误")
        desks = Asset.objects.filter(room=room, name="学生课桌椅（单人）").first()
        store = Room.objects.filter(school=school, kind=RoomKind.STORE, name="校产仓库").first()
        keeper = _keeper(school)
        if desks is not None and store is not None and keeper is not None:
            asset_move(actor=keeper, asset=desks, quantity=2, room=store, note="学生转出，多余课桌椅收回仓库")

    def build(self):
        if not AssetCategory.objects.filter(school__isnull=True).exists():
            category_import(actor=self.actor)
        disposal_policy_ensure(school=self.district, actor=self.actor)
        transfer_policy_ensure(school=self.district, actor=self.actor)
        schools = list(
            School.objects.subtree(self.district)
            .filter(kind__in=(SchoolKind.SCHOOL, SchoolKind.TEACHING_POINT))
            .order_by("path")
        )
        built = {}
        for school in schools:
            built[school.pk] = self.school(school)
        lost = False
        for i, school in enumerate(schools):
            cards = built[school.pk]
            self.life(school, cards)
            if i == 0:
                self.signoff(school)
                self.theft(school, cards)
            if cards.get("balances") and not lost:
                self.loss(school, cards)
                lost = True
            self.disposal(school, cards)
        return schools


def build_demo(district, actor=None):
    """Add the school property of the demo district (see the module's docstring); nothing is
    changed when the district's schools already have asset cards."""
    if Asset.objects.in_scope(district).exists():
        return DemoAssets(created=False, cards=Asset.objects.in_scope(district).count())
    with transaction.atomic():
        builder = _Builder(district, actor)
        schools = builder.build()
    return DemoAssets(created=True, cards=builder.cards, schools=schools)
