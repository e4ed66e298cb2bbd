"""`houqin import-assets --school CODE --file LEDGER.xlsx [--dry-run] [--user USERNAME]`: bring a
school's Excel asset ledger into the register, all rows or none (the same service as the page)."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from houqin.assets.services.imports import asset_import_check, asset_import_commit, asset_import_upload
from houqin.core.models import School, User

SHOWN_ERRORS = 50


def _messages(exc):
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return getattr(exc, "messages", None) or [str(exc)]


class Command(BaseCommand):
    help = (
        "Import an Excel asset ledger (资产台账) into a school's asset register: the header is found, "
        "the columns mapped by their names, every row checked; then all rows are registered, or none "
        "if any row has an error. With --dry-run nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="the school's code")
        parser.add_argument("--file", required=True, help="the ledger, an .xlsx workbook")
        parser.add_argument("--dry-run", action="store_true", help="check every row, register nothing")
        parser.add_argument(
            "--user", help="who imports (needs the permission to add assets there); default: the system"
        )

    def handle(self, *args, school, file, dry_run, user, **options):
        try:
            node = School.objects.get(code=school)
        except School.DoesNotExist:
            raise CommandError(f"No school with the code {school}.")
        actor = None
        if user:
            try:
                actor = User.objects.get(username=user, is_active=True)
            except User.DoesNotExist:
                raise CommandError(f"No active user {user}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        service = asset_import_check if dry_run else asset_import_upload
        try:
            with path.open("rb") as fh:
                asset_import = service(actor=actor, school=node, uploaded_file=File(fh, name=path.name))
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(_messages(exc)))
        self._report(asset_import)
        if asset_import.error_count or asset_import.report.get("missing"):
            raise CommandError(
                "Nothing was imported: correct the ledger (or map its columns on the import's page)."
            )
        if dry_run:
            self.stdout.write(self.style.SUCCESS("Dry run: every row is right; nothing was registered."))
            return
        try:
            asset_import = asset_import_commit(actor=actor, asset_import=asset_import)
        except ValidationError as exc:
            self._report(asset_import)
            raise CommandError("Nothing was imported:\n" + "\n".join(_messages(exc)))
        self.stdout.write(
            self.style.SUCCESS(
                f"Registered {asset_import.card_count} cards ({asset_import.item_count} items, "
                f"{asset_import.total_amount} yuan) at {node}; import #{asset_import.pk}."
            )
        )

    def _report(self, asset_import):
        layout, report = asset_import.layout, asset_import.report
        self.stdout.write(
            f"Sheet {asset_import.sheet_name}, header in row {', '.join(map(str, layout.get('header_rows', [])))}; "
            f"columns: {', '.join(f'{k}={v}' for k, v in asset_import.mapping.items())}"
        )
        for missing in report.get("missing", []):
            self.stdout.write(f"Not mapped: {missing}")
        self.stdout.write(
            f"{asset_import.card_count} cards, {asset_import.item_count} items, {asset_import.total_amount} yuan; "
            f"{asset_import.error_count} rows with errors."
        )
        for warning in report.get("warnings", []):
            self.stdout.write(f"Warning: {warning}")
        for error in report.get("errors", [])[:SHOWN_ERRORS]:
            self.stdout.write(f"Row {error['row']} {error['column']} {error['value']!r}: {error['message']}")
        if asset_import.error_count > SHOWN_ERRORS:
            self.stdout.write(f"… and {asset_import.error_count - SHOWN_ERRORS} more.")
