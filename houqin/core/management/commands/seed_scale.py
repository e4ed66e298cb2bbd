"""`houqin seed-scale --schools N`: a large synthetic city for benchmarks (see core/scale.py)."""

import time

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from houqin.core.scale import CITY_USERNAME, CORE_STEPS, PASSWORD, seed_scale


class Command(BaseCommand):
    help = "Apply migrations and create a large synthetic district tree for benchmarks (never real data)."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, required=True, help="Number of schools.")
        parser.add_argument("--rooms-per-school", type=int, default=40)
        parser.add_argument("--users-per-school", type=int, default=12)
        parser.add_argument("--schools-per-district", type=int, default=25)
        parser.add_argument(
            "--core-only",
            action="store_true",
            help="Only the organisation, people, places and semesters (no other app's records).",
        )

    def handle(
        self, *args, schools, rooms_per_school, users_per_school, schools_per_district, core_only, **options
    ):
        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        try:
            ctx = seed_scale(
                schools=schools,
                rooms_per_school=rooms_per_school,
                users_per_school=users_per_school,
                schools_per_district=schools_per_district,
                stdout=self.stdout,
                steps=CORE_STEPS if core_only else None,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        width = max(map(len, ctx.counts))
        for label, n in sorted(ctx.counts.items()):
            self.stdout.write(f"{label:{width}}  {n:>9}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {schools} schools in {len(ctx.districts)} districts in "
                f"{time.perf_counter() - started:.1f} s. City-wide login: {CITY_USERNAME} / {PASSWORD}"
            )
        )
