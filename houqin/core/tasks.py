"""Background tasks of the core app: thin wrappers that call services, ids only."""

from django_tasks import task


@task()
def send_notification_email(notification_id):
    from .services.notifications import notification_send_email

    notification_send_email(notification_id=notification_id)
