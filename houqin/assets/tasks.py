"""Background tasks of the asset register: thin wrappers that call services."""

from django_tasks import task


@task()
def remind_overdue_loans():
    from .services.loans import loan_overdue_remind

    return loan_overdue_remind()
