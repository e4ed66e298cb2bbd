"""Demo repairs and inspections for the demo district (houqin/core/demo.py): a semester of them.

`build_demo(district, actor)` gives every school of the district the checklists and inspection
plans its documents describe — the campus inspected every Friday, classrooms and dormitories
every Monday (doors, windows, glass, lights, locks, taps, beds, desks), a repair campaign the
week before the semester — and replays the semester up to today through the services: the
rounds the scheduler generates, walked room by room (a few items fail and become repairs, a
few rounds are missed), and the small repairs of every day reported by the teachers, accepted,
done by the worker (随叫随到) with the materials taken, confirmed and rated. The last days are
left open, so the lists and the dashboard have work in them.

Deterministic (a fixed random seed) and run once: a district whose schools have checklists
already is left as it is.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from houqin.core.models import Membership, Room, School, SchoolKind
from houqin.core.models.places import RoomKind
from houqin.core.selectors import semester_current

from .choices import Outcome, Recurrence, RepairKind, RoundStatus, Urgency
from .models import Checklist, InspectionResult, InspectionRound
from .services.inspections import (
    checklist_create,
    inspection_plan_create,
    inspection_plan_generate,
    inspection_room_record,
    inspection_rounds_flag_missed,
)
from .services.orders import (
    work_order_complete,
    work_order_material_add,
    work_order_start,
    work_orders_auto_close,
)
from .services.requests import (
    repair_request_accept,
    repair_request_confirm,
    repair_request_reject,
    repair_request_reopen,
    repair_request_submit,
)

SEED = 20260901
DEFAULT_DAYS = 100  # replayed when no semester covers today

CLASSROOM_ITEMS = [
    ("门窗开关正常", RepairKind.DOORS_WINDOWS),
    ("玻璃完好", RepairKind.DOORS_WINDOWS),
    ("门锁完好", RepairKind.DOORS_WINDOWS),
    ("电灯、开关、插座正常", RepairKind.ELECTRICITY),
    ("课桌椅完好", RepairKind.FURNITURE),
    ("黑板、多媒体设备正常", RepairKind.TEACHING_EQUIPMENT),
]
DORMITORY_ITEMS = [
    ("门窗开关正常", RepairKind.DOORS_WINDOWS),
    ("玻璃完好", RepairKind.DOORS_WINDOWS),
    ("门锁完好", RepairKind.DOORS_WINDOWS),
    ("电灯、开关正常", RepairKind.ELECTRICITY),
    ("床铺、床架牢固", RepairKind.FURNITURE),
    ("水管、水龙头不漏水", RepairKind.WATER),
]
GENERAL_ITEMS = [
    ("门窗、门锁完好", RepairKind.DOORS_WINDOWS),
    ("电灯、电线、插座安全", RepairKind.ELECTRICITY),
    ("水电设施正常", RepairKind.WATER),
    ("桌椅、柜子完好", RepairKind.FURNITURE),
]

# What breaks, how often, what the report says, what the repair takes (material, unit, cost).
FAULTS = [
    (
        RepairKind.DOORS_WINDOWS,
        30,
        ["门锁坏了，锁不上", "窗户合页松了，关不严", "窗户玻璃裂了", "门把手掉了"],
        [("球形门锁", "把", "35.00"), ("合页", "副", "6.00"), ("玻璃", "㎡", "60.00"), None],
    ),
    (
        RepairKind.ELECTRICITY,
        20,
        ["日光灯不亮", "插座没电", "开关坏了", "灯管一直闪"],
        [("LED灯管", "根", "18.00"), ("开关面板", "个", "12.00"), ("插座面板", "个", "15.00"), None],
    ),
    (
        RepairKind.FURNITURE,
        20,
        ["课桌桌面松动", "椅子腿断了", "床板裂了", "柜门掉了"],
        [("螺丝", "盒", "8.00"), ("课桌椅配件", "套", "25.00"), ("床板", "块", "45.00"), None],
    ),
    (
        RepairKind.WATER,
        15,
        ["水龙头漏水", "厕所冲水阀坏了", "洗手池下水堵了", "水管接头漏水"],
        [("水龙头", "个", "28.00"), ("冲水阀", "个", "40.00"), ("生料带", "卷", "2.00"), None],
    ),
    (
        RepairKind.TEACHING_EQUIPMENT,
        8,
        ["投影仪不亮", "一体机触摸失灵", "音箱没有声音"],
        [("投影仪灯泡", "个", "260.00"), None, None],
    ),
    (RepairKind.NETWORK, 4, ["教室网络连不上", "网线口松了"], [("水晶头", "个", "1.00"), None]),
    (RepairKind.HEATING, 1, ["暖气片不热"], [None]),
    (RepairKind.OTHER, 2, ["黑板报栏脱落", "窗帘轨道掉了"], [("窗帘轨道", "米", "15.00"), None]),
]
URGENCY = [(Urgency.EMERGENCY, 3), (Urgency.URGENT, 22), (Urgency.NORMAL, 60), (Urgency.LOW, 15)]


@dataclass
class DemoCounts:
    requests: int = 0
    rounds: int = 0
    checklists: int = 0
    plans: int = 0


def _people(school, *roles):
    rows = Membership.objects.filter(school=school, role__code__in=roles).select_related("user", "role")
    by_role = {}
    for m in rows.order_by("pk"):
        by_role.setdefault(m.role.code, m.user)
    return [by_role[r] for r in roles if r in by_role]


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _days(start, end):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


class _SchoolDemo:
    def __init__(self, school, actor, rnd, start, now):
        self.school = school
        self.actor = actor
        self.rnd = rnd
        self.start = start
        self.now = now
        self.today = timezone.localdate(now)
        self.head = (_people(school, "head_of_logistics") or [actor])[0]
        workers = _people(school, "repair_worker", "logistics_staff")
        self.worker = workers[0] if workers else self.head
        self.inspector = (_people(school, "logistics_staff", "repair_worker") or [self.head])[0]
        self.rooms = list(
            Room.objects.filter(school=school, is_active=True).select_related("building", "responsible")
        )
        self.counts = DemoCounts()

    # -- checklists and plans ----------------------------------------------------------------
    def plans(self):
        lists = {}
        for name, kind, items in (
            ("教室设施检查表", RoomKind.CLASSROOM, CLASSROOM_ITEMS),
            ("宿舍设施检查表", RoomKind.DORMITORY, DORMITORY_ITEMS),
            ("校舍通用检查表", "", GENERAL_ITEMS),
        ):
            lists[kind] = checklist_create(
                actor=self.actor,
                school=self.school,
                data={"name": name, "room_kind": kind, "is_active": True, "items": items},
            )
        self.counts.checklists = len(lists)
        kinds = {r.kind for r in self.rooms}
        monday_kinds = [k for k in (RoomKind.CLASSROOM, RoomKind.DORMITORY) if k in kinds]
        starts_on = self.start - datetime.timedelta(days=10)
        specs = [
            ("每周五校园校舍全面检查", Recurrence.WEEKLY, {"weekday": 4}, [], [lists[""]]),
            (
                "每周一教室宿舍设施检查",
                Recurrence.WEEKLY,
                {"weekday": 0},
                monday_kinds,
                [lists[k] for k in monday_kinds],
            ),
            ("开学前维修检查", Recurrence.BEFORE_SEMESTER, {"days_before": 7}, [], list(lists.values())),
        ]
        plans = []
        for name, recurrence, when, room_kinds, checklists in specs:
            if not checklists:
                continue
            plans.append(
                inspection_plan_create(
                    actor=self.actor,
                    school=self.school,
                    data={
                        "name": name,
                        "recurrence": recurrence,
                        **when,
                        "room_kinds": room_kinds,
                        "checklists": checklists,
                        "inspector": self.inspector,
                        "starts_on": starts_on,
                        "notes": "学校后勤工作计划"
                        if recurrence != Recurrence.BEFORE_SEMESTER
                        else "开学前一周对教室、宿舍进行维修",
                    },
                )
            )
        self.counts.plans = len(plans)
        return plans

    # -- the semester, day by day ------------------------------------------------------------
    def replay(self, plans):
        first = min(p.starts_on for p in plans) if plans else self.start
        for day in _days(first, self.today):
            tick = min(_at(day, 6, 30), self.now)
            for plan in plans:
                for rnd in inspection_plan_generate(plan=plan, now=tick):
                    self.counts.rounds += 1
                    self.walk(rnd)
            inspection_rounds_flag_missed(now=tick)
            if day >= self.start and day.weekday() < 5:
                for _ in range(self._reports_today()):
                    self.repair(day)
        work_orders_auto_close(now=self.now)
        inspection_rounds_flag_missed(now=self.now)

    def _reports_today(self):
        # A few small repairs every school day (more in a big school).
        mean = max(1, len(self.rooms)) / 25
        return sum(1 for _ in range(4) if self.rnd.random() < mean / 4)

    def walk(self, rnd):
        """Walk the round on its day (late now and then, missed now and then, not yet if today)."""
        day = rnd.occurrence_date
        luck = self.rnd.random()
        if day >= self.today or luck < 0.08:
            return  # still to do, or missed
        if luck < 0.16:
            day = min(rnd.due_date + datetime.timedelta(days=2), self.today - datetime.timedelta(days=1))
            inspection_rounds_flag_missed(now=_at(day, 0, 5))
            if day < rnd.occurrence_date:
                return
        results = (
            InspectionResult.objects.filter(round=rnd).select_related("room").order_by("room_id", "position")
        )
        by_room = {}
        for result in results:
            by_room.setdefault(result.room, []).append(result)
        minute = 0
        for room, items in by_room.items():
            outcomes = {}
            for result in items:
                if self.rnd.random() < 0.003:
                    outcomes[result.pk] = {
                        "outcome": Outcome.FAIL,
                        "note": f"{result.item_text}有问题，需维修",
                    }
                else:
                    outcomes[result.pk] = {"outcome": Outcome.PASS}
            when = min(_at(day, 8) + datetime.timedelta(minutes=minute), self.now)
            minute += 3
            for request in inspection_room_record(
                actor=self.inspector, round=rnd, room=room, outcomes=outcomes, at=when
            ):
                self.follow(request, when)
        rnd.refresh_from_db()

    def repair(self, day):
        rooms = [r for r in self.rooms if r.kind != RoomKind.STORE] or self.rooms
        if not rooms:
            return
        room = self.rnd.choice(rooms)
        kinds, weights = zip(*[(f, f[1]) for f in FAULTS], strict=True)
        fault = self.rnd.choices(kinds, weights=weights)[0]
        kind, _w, texts, materials = fault
        pick = self.rnd.randrange(len(texts))
        urgency = self.rnd.choices([u for u, _ in URGENCY], weights=[w for _, w in URGENCY])[0]
        reporter = room.responsible or self.head
        at = min(_at(day, self.rnd.randint(7, 16), self.rnd.randint(0, 59)), self.now)
        request = repair_request_submit(
            actor=reporter,
            room=room,
            kind=kind,
            urgency=urgency,
            description=texts[pick],
            at=at,
        )
        self.counts.requests += 1
        self.follow(request, at, material=materials[min(pick, len(materials) - 1)])

    def follow(self, request, at, material=None):
        """The office accepts, the worker comes, repairs and the reporter confirms — as far as
        time has got (a report of the last days is still open)."""
        rnd = self.rnd
        accept_at = at + datetime.timedelta(minutes=rnd.randint(10, 150))
        if accept_at > self.now:
            return
        if rnd.random() < 0.03:
            repair_request_reject(
                actor=self.head, request=request, reason="已有同一故障的报修，合并处理", at=accept_at
            )
            return
        order = repair_request_accept(actor=self.head, request=request, assignee=self.worker, at=accept_at)
        target = (order.due_at - request.reported_at).total_seconds()
        share = rnd.choice([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 0.9, 1.3])  # most on time, some late
        done_at = request.reported_at + datetime.timedelta(seconds=max(1800, target * share))
        start_at = accept_at + (done_at - accept_at) / 3
        if start_at > self.now:
            return
        work_order_start(actor=self.worker, order=order, at=start_at)
        if material is not None:
            name, unit, cost = material
            quantity = Decimal(rnd.choice([1, 1, 1, 2])) if unit not in ("㎡", "米") else Decimal("1.5")
            work_order_material_add(
                actor=self.worker,
                order=order,
                item_name=name,
                quantity=quantity,
                unit=unit,
                unit_cost=cost,
                at=start_at,
            )
        if done_at > self.now:
            return
        hours = Decimal(rnd.choice(["0.5", "1", "1", "1.5", "2", "3"]))
        work_order_complete(actor=self.worker, order=order, labour_hours=hours, note="已修好", at=done_at)
        confirm_at = done_at + datetime.timedelta(hours=rnd.randint(1, 30))
        if confirm_at > self.now or request.reporter_id is None:
            return
        luck = rnd.random()
        if luck < 0.04:
            repair_request_reopen(actor=request.reporter, request=request, reason="还是有问题", at=confirm_at)
            again = confirm_at + datetime.timedelta(hours=rnd.randint(2, 20))
            if again <= self.now:
                order.refresh_from_db()
                work_order_complete(actor=self.worker, order=order, note="重新修好", at=again)
            return
        if luck < 0.85:
            rating = rnd.choices([5, 4, 3], weights=[70, 25, 5])[0]
            repair_request_confirm(
                actor=request.reporter,
                request=request,
                rating=rating,
                feedback="及时" if rating == 5 else "",
                at=confirm_at,
            )
        # The rest wait for the confirmation deadline (closed by the scheduler).


def demo_exists(district):
    return Checklist.objects.in_scope(district).exists()


def build_demo(district, actor=None, *, now=None):
    """Add the semester's repairs and inspections to the demo district's schools (once)."""
    now = now or timezone.now()
    if demo_exists(district):
        return DemoCounts()
    total = DemoCounts()
    rnd = random.Random(SEED)
    schools = School.objects.in_scope(district).filter(kind=SchoolKind.SCHOOL).order_by("path")
    with transaction.atomic():
        for school in schools:
            semester = semester_current(school, on=timezone.localdate(now))
            start = (
                semester.start_date
                if semester
                else timezone.localdate(now) - datetime.timedelta(days=DEFAULT_DAYS)
            )
            demo = _SchoolDemo(school, actor, rnd, start, now)
            if not demo.rooms:
                continue
            plans = demo.plans()
            demo.replay(plans)
            for name in ("requests", "rounds", "checklists", "plans"):
                setattr(total, name, getattr(total, name) + getattr(demo.counts, name))
    return total


def demo_summary(district):
    """What the demo left in the district (for `houqin demo` to print)."""
    rounds = InspectionRound.objects.in_scope(district)
    return {
        "rounds": rounds.count(),
        "rounds_missed": rounds.filter(status=RoundStatus.MISSED).count(),
    }
