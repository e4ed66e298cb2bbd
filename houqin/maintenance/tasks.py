"""Background tasks of the maintenance app: thin wrappers that call services.

PERIODIC_TASKS lists (task, seconds) pairs that `houqin scheduler` enqueues on that interval."""

from django_tasks import task


@task()
def maintenance_schedule_tick():
    from .services.scheduling import schedule_tick

    return schedule_tick().as_dict()


PERIODIC_TASKS = [(maintenance_schedule_tick, 60)]
