"""`houqin import_categories [FILE]`: load the national asset classification from a CSV file."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from houqin.assets.services.categories import SHIPPED_FILE, category_import


class Command(BaseCommand):
    help = (
        "Load national asset categories (GB/T 14885-2022 codes) from a CSV file: all rows or none. "
        "Without FILE, the table shipped with Houqin (the 门类 and the classes schools use most)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(SHIPPED_FILE), help="CSV file (UTF-8)")

    def handle(self, *args, file, **options):
        try:
            result = category_import(file)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}")
        except ValidationError as exc:
            messages = (
                exc.message_dict.get("file", exc.messages) if hasattr(exc, "error_dict") else exc.messages
            )
            raise CommandError("Nothing was imported:\n" + "\n".join(messages))
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged; "
                f"{result.legacy_codes} 2010 codes mapped."
            )
        )
