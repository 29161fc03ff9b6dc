import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.summaries import rebuild


def _month(text: str) -> datetime.date:
    try:
        if len(text) != 7:
            raise ValueError(text)
        return datetime.date.fromisoformat(f"{text}-01")
    except ValueError as exc:
        raise CommandError(f"Not a month (YYYY-MM): {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Recompute the monthly summaries the dashboards and reports read, for a range of "
        "months (closed months included): after a correction, or to fill the months "
        "before go-live from the snapshots there are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="first month, YYYY-MM")
        parser.add_argument("--to", dest="last", help="last month, YYYY-MM (default: this one)")

    def handle(self, *args, first, last, **options):
        today = timezone.localdate()
        first_month = _month(first)
        last_month = _month(last) if last else today.replace(day=1)
        if first_month > last_month:
            raise CommandError("--from comes after --to.")
        for month, rows in rebuild(first_month, last_month, today=today).items():
            self.stdout.write(f"{month}: {rows} rows written")
