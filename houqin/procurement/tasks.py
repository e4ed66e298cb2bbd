"""Background tasks of purchasing: thin wrappers that call services.

PERIODIC_TASKS lists (task, seconds) pairs that `houqin scheduler` enqueues on that interval."""

from django_tasks import task


@task()
def procurement_alerts_tick():
    from .services.alerts import alerts_tick

    return alerts_tick()


PERIODIC_TASKS = [(procurement_alerts_tick, 3600)]
