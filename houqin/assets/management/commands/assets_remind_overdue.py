"""`houqin assets_remind_overdue`: remind borrowers of overdue loans (run once a day, e.g. by cron)."""

from django.core.management.base import BaseCommand

from houqin.assets.services.loans import loan_overdue_remind


class Command(BaseCommand):
    help = "Tell borrowers and lenders about loans past their due date (again every few days, per the rule book)."

    def handle(self, *args, **options):
        count = loan_overdue_remind()
        self.stdout.write(f"{count} overdue loans reminded.")
