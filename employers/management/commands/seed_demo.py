import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from employers.demo import seed_demo
from employers.models import Employer


class Command(BaseCommand):
    help = "Load deterministic demo employers and periods (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--employers", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if employers already exist."
        )

    def handle(self, *args, employers, seed, months, if_empty, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        if employers < 1 or months < 1:
            raise CommandError("--employers and --months must be positive.")
        if if_empty and Employer.objects.exists():
            self.stdout.write("Demo data already loaded; nothing to do.")
            return
        started = time.monotonic()
        result = seed_demo(employers=employers, seed=seed, months=months)
        # Fresh statistics for the loaded tables: autovacuum would take a while, and the
        # first pages would be planned for empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"{result.employers} employers and {result.periods} periods loaded "
            f"in {time.monotonic() - started:.1f} s."
        )
