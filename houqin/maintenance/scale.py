"""Scale data of repairs: 100,000 repair requests across the synthetic city (`houqin seed-scale`).

500 reports per school, at most 100,000: a city of 200 schools or more (the benchmark's
default) gets all 100,000; a small test city stays small.

Half a year of reports spread over every school's rooms, reported by its people; most are
repaired, confirmed and closed, some wait for confirmation, some are being worked on, a few
are new or refused. Like core's scale data this is written in bulk for speed: no change log,
no progress events, no notifications. Work orders carry their due time (the national default
targets), completion and time to repair, so the dashboard and the lists have real work to do;
the document sequences continue where the numbers stop.
"""

import datetime
import random
from collections import Counter
from decimal import Decimal

from django.utils import timezone

from houqin.core.models import DocumentSequence, Room
from houqin.core.rulebook import rule
from houqin.core.scale import SCALE_STEPS, SCHOOL_ROLES

from .choices import OrderStatus, RepairKind, RequestSource, RequestStatus, Urgency
from .models import RepairRequest, WorkOrder, WorkOrderMaterial
from .rules import RESPONSE_HOURS
from .services.requests import NUMBER_PREFIX

SCALE_REQUESTS = 100_000
PER_SCHOOL = 500  # half a year of small repairs: about four a school day
DAYS = 182
SEED = 4242
KINDS = [
    (RepairKind.DOORS_WINDOWS, 30),
    (RepairKind.ELECTRICITY, 20),
    (RepairKind.FURNITURE, 20),
    (RepairKind.WATER, 15),
    (RepairKind.TEACHING_EQUIPMENT, 8),
    (RepairKind.NETWORK, 4),
    (RepairKind.HEATING, 1),
    (RepairKind.OTHER, 2),
]
URGENCIES = [(Urgency.EMERGENCY, 3), (Urgency.URGENT, 22), (Urgency.NORMAL, 60), (Urgency.LOW, 15)]
MATERIALS = [
    ("球形门锁", "把", Decimal("35.00")),
    ("LED灯管", "根", Decimal("18.00")),
    ("水龙头", "个", Decimal("28.00")),
]
WORKER = SCHOOL_ROLES.index("repair_worker")
HEAD = SCHOOL_ROLES.index("head_of_logistics")


def _status(r, age_days):
    """What became of a report `age_days` old."""
    if age_days < 1:
        return RequestStatus.SUBMITTED if r < 0.5 else RequestStatus.ACCEPTED
    if r < 0.03:
        return RequestStatus.REJECTED
    if age_days < 3:
        return RequestStatus.ACCEPTED if r < 0.4 else RequestStatus.RESOLVED
    if r < 0.05:
        return RequestStatus.ACCEPTED  # overdue, still open
    return RequestStatus.CLOSED


def scale_maintenance(ctx):
    rnd = random.Random(SEED)
    now = timezone.now()
    hours = {u: int(h) for u, h in rule(RESPONSE_HOURS).items()}
    rooms = {}
    for pk, school_id in (
        Room.objects.filter(school__in=ctx.schools).values_list("pk", "school_id").order_by("pk")
    ):
        rooms.setdefault(school_id, []).append(pk)
    schools = [s for s in ctx.schools if rooms.get(s.pk)]
    if not schools:
        return
    kinds, kind_w = zip(*KINDS, strict=True)
    urgencies, urgency_w = zip(*URGENCIES, strict=True)
    seq = Counter()
    requests, plans = [], []
    for n in range(min(SCALE_REQUESTS, PER_SCHOOL * len(schools))):
        school = schools[n % len(schools)]
        people = ctx.people[school.pk]
        age = rnd.random() * DAYS
        reported = now - datetime.timedelta(days=age)
        year = timezone.localtime(reported).year
        urgency = rnd.choices(urgencies, urgency_w)[0]
        status = _status(rnd.random(), age)
        reporter = (
            people[rnd.randrange(len(SCHOOL_ROLES), len(people))]
            if len(people) > len(SCHOOL_ROLES)
            else people[0]
        )
        seq[(school.pk, year)] += 1
        requests.append(
            RepairRequest(
                school=school,
                number=f"{NUMBER_PREFIX}-{year}-{seq[(school.pk, year)]:04d}",
                room_id=rnd.choice(rooms[school.pk]),
                kind=rnd.choices(kinds, kind_w)[0],
                urgency=urgency,
                description="报修（规模测试数据）",
                source=RequestSource.MEMBER,
                reporter=reporter,
                reporter_name=reporter.full_name,
                reported_at=reported,
                status=status,
                rejection_reason="重复报修" if status == RequestStatus.REJECTED else "",
                rating=rnd.choice([5, 5, 5, 4, 4, 3]) if status == RequestStatus.CLOSED else None,
            )
        )
        plans.append((urgency, status, rnd.random(), rnd.random()))
    ctx.bulk(RepairRequest, requests)

    orders = []
    for request, (urgency, status, share, mat) in zip(requests, plans, strict=True):
        if status in (RequestStatus.SUBMITTED, RequestStatus.REJECTED):
            continue
        people = ctx.people[request.school_id]
        due = request.reported_at + datetime.timedelta(hours=hours[urgency])
        triaged = request.reported_at + datetime.timedelta(minutes=20 + int(share * 120))
        order = WorkOrder(
            school_id=request.school_id,
            request=request,
            urgency=urgency,
            due_at=due,
            assignee=people[WORKER if share < 0.8 else HEAD],
            triaged_by=people[HEAD],
            triaged_at=min(triaged, now),
            assigned_at=min(triaged, now),
        )
        if status == RequestStatus.ACCEPTED:
            order.status = OrderStatus.IN_PROGRESS if share < 0.5 else OrderStatus.ASSIGNED
            order.overdue_notified_at = now if due < now else None
        else:
            # Most on time: a share of the target, some later than it.
            spent = datetime.timedelta(hours=hours[urgency] * (0.1 + 1.3 * share))
            completed = min(request.reported_at + spent, now)
            order.completed_at = completed
            order.started_at = triaged + (completed - triaged) / 3 if completed > triaged else completed
            order.resolution_seconds = int((completed - request.reported_at).total_seconds())
            order.labour_hours = Decimal(str(round(0.5 + share * 3, 1)))
            if status == RequestStatus.CLOSED:
                order.status = OrderStatus.CLOSED
                order.closed_at = min(completed + datetime.timedelta(hours=12), now)
            else:
                order.status = OrderStatus.COMPLETED
        if mat < 0.3:
            name, unit, cost = MATERIALS[int(mat * 10) % len(MATERIALS)]
            order.materials_cost = order.total_cost = cost
            order._material = (name, unit, cost)
        orders.append(order)
    ctx.bulk(WorkOrder, orders)
    ctx.bulk(
        WorkOrderMaterial,
        [
            WorkOrderMaterial(
                order=o,
                item_name=o._material[0],
                quantity=Decimal("1"),
                unit=o._material[1],
                unit_cost=o._material[2],
                amount=o._material[2],
                added_by=o.assignee,
                added_at=o.started_at or o.triaged_at,
            )
            for o in orders
            if hasattr(o, "_material")
        ],
    )
    # The services number on from here.
    ctx.bulk(
        DocumentSequence,
        [
            DocumentSequence(school_id=school_id, prefix=NUMBER_PREFIX, year=year, last=last)
            for (school_id, year), last in seq.items()
        ],
    )
    ctx.log(f"maintenance: {len(requests)} repair requests, {len(orders)} work orders")


SCALE_STEPS.append(scale_maintenance)
