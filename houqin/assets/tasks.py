"""Background tasks of the asset register: thin wrappers that call services.

PERIODIC_TASKS lists (task, seconds) pairs that `houqin scheduler` enqueues on that interval;
both tasks are safe to run more often than needed (a loan is reminded once per interval, a
stale import deleted once)."""

from django_tasks import task


@task()
def remind_overdue_loans():
    from .services.loans import loan_overdue_remind

    return loan_overdue_remind()


@task()
def discard_stale_imports():
    from .services.imports import asset_imports_discard_stale

    return asset_imports_discard_stale()


PERIODIC_TASKS = [(remind_overdue_loans, 3600), (discard_stale_imports, 24 * 3600)]
