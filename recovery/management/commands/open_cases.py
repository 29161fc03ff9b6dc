from django.core.management.base import BaseCommand
from django.utils import timezone

from core.management.commands.run_nightly_jobs import parse_date
from recovery.jobs import cases_open


class Command(BaseCommand):
    help = "Open a case for every employer over the threshold that has none (as of --date)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="AAAA-MM-DD, default today.")

    def handle(self, *args, date=None, **options):
        run_date = parse_date(date) if date else timezone.localdate()
        self.stdout.write(f"cases opened: {cases_open(run_date=run_date)}")
