"""The scheduler's tick: everything maintenance does on its own, by the clock.

Run every minute by the task worker (`houqin scheduler` enqueues it, `houqin worker` runs it),
or directly with `houqin maintenance_schedule_tick` (from cron, say). Each step is idempotent:
rounds are unique per plan and date, flags are set once, so a double tick, two workers or a
restart never do anything twice; after an outage the next tick catches up.
"""

import logging
from dataclasses import asdict, dataclass

from django.utils import timezone

from ..models import InspectionPlan
from .inspections import inspection_plan_generate, inspection_rounds_flag_missed
from .orders import work_orders_auto_close, work_orders_flag_overdue

logger = logging.getLogger(__name__)


@dataclass
class TickResult:
    rounds_generated: int = 0
    rounds_missed: int = 0
    orders_overdue: int = 0
    orders_closed: int = 0

    def as_dict(self):
        return asdict(self)


def schedule_tick(*, now=None):
    """Generate due inspection rounds, flag missed rounds and overdue orders, close completed
    orders nobody confirmed in time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = TickResult()
    plans = InspectionPlan.objects.filter(is_active=True, starts_on__lte=today).order_by("pk")
    for plan in plans.only("pk"):
        try:
            result.rounds_generated += len(inspection_plan_generate(plan=plan, now=now))
        except Exception:  # one broken plan must not stop the others (logged, retried next tick)
            logger.exception("maintenance: generating rounds of plan %s failed", plan.pk)
    result.rounds_missed = inspection_rounds_flag_missed(now=now)
    result.orders_overdue = work_orders_flag_overdue(now=now)
    result.orders_closed = work_orders_auto_close(now=now)
    return result
