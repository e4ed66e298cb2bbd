"""`houqin maintenance_schedule_tick`: run the maintenance scheduler's tick once, now."""

from django.core.management.base import BaseCommand

from houqin.maintenance.services.scheduling import schedule_tick


class Command(BaseCommand):
    help = (
        "Generate due inspection rounds, flag missed rounds and overdue repairs, close repairs nobody "
        "confirmed in time. Safe to run any number of times."
    )

    def handle(self, *args, **options):
        result = schedule_tick()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.as_dict().items()))
