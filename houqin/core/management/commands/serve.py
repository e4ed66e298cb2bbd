"""`houqin serve`: apply migrations and serve Houqin with waitress (a production WSGI server
that also runs on a school's Windows laptop)."""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply migrations and serve Houqin (default http://127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOUQIN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("HOUQIN_PORT", "8000")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("HOUQIN_THREADS", "8")))
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, host, port, threads, no_migrate, **options):
        from waitress import serve

        from houqin.wsgi import application

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Houqin is running at http://{host}:{port}/  (Ctrl+C to stop)")
        serve(application, host=host, port=port, threads=threads, ident="houqin")
