"""`houqin supplies_alerts`: check low stock and near expiry at every school once, now."""

from django.core.management.base import BaseCommand

from houqin.supplies.services.alerts import stock_alerts_run


class Command(BaseCommand):
    help = "Tell storekeepers of items below their minimum and lots near expiry. Safe to run any number of times."

    def handle(self, *args, **options):
        result = stock_alerts_run()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.as_dict().items()))
