import datetime

from django.core.management.base import BaseCommand, CommandError

from core.nightly import run_nightly_jobs


def parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be AAAA-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "Run every nightly job in order, as of --date (default today)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day the jobs run as (AAAA-MM-DD).")
        parser.add_argument(
            "--force", action="store_true", help="Run again jobs already run for that date."
        )

    def handle(self, *args, date=None, force=False, **options):
        run_date = parse_date(date) if date else None
        try:
            results = run_nightly_jobs(run_date=run_date, force=force)
        except ValueError as refused:
            raise CommandError(str(refused)) from None
        for job, outcome in results.items():
            self.stdout.write(f"{job}: {outcome}")
