"""The demo district gets a semester of repairs and rounds (once); the scale step adds its
requests in bulk and the services number on after them."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count

from houqin.core import scale as core_scale
from houqin.core.demo import build_demo as core_demo
from houqin.core.models import School, SchoolKind, User

from ..choices import RequestSource, RoundStatus
from ..demo import build_demo
from ..models import Checklist, InspectionPlan, InspectionRound, RepairRequest, WorkOrder
from ..scale import PER_SCHOOL, scale_maintenance
from ..selectors import dashboard
from .factories import report

NOW = datetime.datetime(2026, 11, 20, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_the_demo_semester(client):
    district = core_demo().district
    counts = build_demo(district, None, now=NOW)
    schools = School.objects.in_scope(district).filter(kind=SchoolKind.SCHOOL)
    assert (counts.checklists, counts.plans) == (3 * schools.count(), 3 * schools.count())
    assert Checklist.objects.count() == counts.checklists
    assert set(InspectionPlan.objects.values_list("name", flat=True)) == {
        "每周五校园校舍全面检查",
        "每周一教室宿舍设施检查",
        "开学前维修检查",
    }
    # Every Friday from the week before the semester (28 August) to the 20th of November, and
    # the campaign in the week before it started, at every school.
    fridays = InspectionRound.objects.filter(plan__name="每周五校园校舍全面检查")
    assert fridays.filter(school__code="TPHZL").count() == 13
    assert (
        InspectionRound.objects.filter(
            plan__name="开学前维修检查", occurrence_date=datetime.date(2026, 8, 25)
        ).count()
        == 5
    )
    statuses = dict(InspectionRound.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses[RoundStatus.COMPLETED] > statuses[RoundStatus.MISSED] > 0
    sources = dict(RepairRequest.objects.values_list("source").annotate(n=Count("pk")))
    assert sources[RequestSource.MEMBER] > 300 and sources[RequestSource.INSPECTION] > 10
    assert WorkOrder.objects.filter(status="closed").count() > 300
    assert WorkOrder.objects.filter(status__in=("assigned", "in_progress")).exists()
    assert RepairRequest.objects.filter(rating=5).exists()
    # Nothing is dated after "now".
    assert not RepairRequest.objects.filter(reported_at__gt=NOW).exists()
    assert not WorkOrder.objects.filter(completed_at__gt=NOW).exists()
    head = User.objects.get(username="zhoujianguo")
    board = dashboard(user=head, scope=School.objects.get(code="TPHZL"), now=NOW)
    assert board.completed > 50 and board.overall.median_hours > 0 and board.rounds_due > 20
    # A second build changes nothing.
    assert build_demo(district, None, now=NOW).requests == 0
    assert RepairRequest.objects.count() == sum(sources.values())


@pytest.mark.django_db
def test_the_scale_step(monkeypatch, head_a, teacher_a, room_a):
    ctx = core_scale.ScaleContext(
        schools_count=3, rooms_per_school=20, users_per_school=10, schools_per_district=2, password_hash="x"
    )
    for step in (
        core_scale.scale_tree,
        core_scale.scale_people,
        core_scale.scale_places,
        core_scale.scale_semesters,
    ):
        step(ctx)
    scale_maintenance(ctx)
    requests = RepairRequest.objects.filter(school__in=ctx.schools)
    assert requests.count() == 3 * PER_SCHOOL
    assert ctx.counts["maintenance.RepairRequest"] == 3 * PER_SCHOOL
    assert WorkOrder.objects.filter(school__in=ctx.schools).count() == ctx.counts["maintenance.WorkOrder"]
    closed = WorkOrder.objects.filter(school__in=ctx.schools, status="closed")
    assert all(
        o.resolution_seconds == int((o.completed_at - o.request.reported_at).total_seconds())
        for o in closed[:50]
    )
    # Numbers are unique and the services continue after them.
    assert requests.values("school", "number").distinct().count() == 3 * PER_SCHOOL
    school = ctx.schools[0]
    people = ctx.people[school.pk]
    room = requests.filter(school=school).first().room
    new = report(people[-1], room)
    assert not requests.filter(school=school, number=new.number).exclude(pk=new.pk).exists()
