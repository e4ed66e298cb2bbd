"""`houqin demo`: migrate, build the demo district once (core's part, then every app's), print
its logins."""

import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from houqin.core.demo import app_demo_builders, build_demo, format_logins


class Command(BaseCommand):
    help = (
        "Apply migrations and load the demo district (太平街道办事处中心学校) unless it is there "
        "already; print the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the SQLite database file first (embedded SQLite only; needs --yes).",
        )
        parser.add_argument("--yes", action="store_true", help="Confirm --reset.")

    def handle(self, *args, reset, yes, **options):
        if reset:
            self.reset_database(yes)
        call_command("migrate", interactive=False, verbosity=0)
        result = build_demo()
        if result.created:
            self.stdout.write(self.style.SUCCESS(_("The demo district was created.")))
        else:
            self.stdout.write(_("The demo district is already there; nothing was changed."))
        # Each app's demo adds its records once and leaves a district that has them alone.
        for config, build in app_demo_builders():
            started = time.perf_counter()
            build(result.district)
            self.stdout.write(
                _("%(app)s: ready (%(seconds).1f s)")
                % {"app": config.verbose_name, "seconds": time.perf_counter() - started}
            )
        self.stdout.write(format_logins(result))

    def reset_database(self, yes):
        """Delete the embedded SQLite file (and its WAL files). Nothing else is ever deleted."""
        if connection.vendor != "sqlite":
            raise CommandError(
                "--reset only deletes the embedded SQLite database. "
                "Drop and re-create a PostgreSQL database yourself."
            )
        name = str(connection.settings_dict["NAME"])
        if not name or name == ":memory:" or name.startswith("file:"):
            raise CommandError("--reset needs an SQLite database file.")
        path = Path(name)
        if not yes:
            raise CommandError(f"--reset deletes {path} and everything in it. Add --yes to confirm.")
        connection.close()
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        self.stdout.write(f"Deleted {path}.")
