import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from wekker import scale as scale_module


class Command(BaseCommand):
    help = (
        "Insert national-scale data for benchmarks (about 430 Missions Locales, 4,000 groups, "
        "50,000 contacts, 30,000 meetings, 150,000 agenda items, 100,000 actions, 1,000,000 "
        "observations at --scale 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Fraction of the full size (default 1.0).")
        parser.add_argument("--no-observations", action="store_true", help="Skip the indicator observations.")

    def handle(self, *args, scale, no_observations, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be between 0 and 10.")
        if scale_module.already_seeded():
            raise CommandError("Scale data is already there (groups whose slug starts with 'scale-').")
        started = time.perf_counter()
        sizes, timings = scale_module.seed(scale, observations=not no_observations, log=self.stdout.write)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Done in {elapsed:.0f} s: " + ", ".join(f"{v} {k}" for k, v in sizes.items()))
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # What autovacuum would do later, at once: fresh statistics (plans for a bulk-loaded
                # database are otherwise made on the sizes of an empty one), and the rows inserted
                # since the trigram indexes were made moved from their pending list into the
                # indexes (until then every search reads that list: 60 ms instead of 1 ms).
                cursor.execute("VACUUM ANALYZE")
                cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
                self.stdout.write(f"Database size: {cursor.fetchone()[0]}")
