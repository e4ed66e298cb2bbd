"""Background tasks of the supplies app: thin wrappers that call services, ids only.

PERIODIC_TASKS lists (task, seconds) pairs that `houqin scheduler` enqueues on that interval."""

from django_tasks import task


@task()
def supplies_alerts_run():
    """Low stock and near expiry at every school: tell the storekeepers of new conditions."""
    from .services.alerts import stock_alerts_run

    return stock_alerts_run().as_dict()


@task()
def supplies_check_item(school_id, item_id):
    """One item's alerts, right after a movement took it below its minimum."""
    from .services.alerts import stock_alerts_check_item

    return stock_alerts_check_item(school_id=school_id, item_id=item_id)


# Hourly: expiry is counted in days, and a low-stock notice follows each issue on its own.
PERIODIC_TASKS = [(supplies_alerts_run, 3600)]
