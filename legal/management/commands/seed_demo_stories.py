from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from legal.demo import seed_stories
from recovery.demo import seed_background_jobs


class Command(BaseCommand):
    help = (
        "Demo referrals (pending, accepted, returned), a lapsed agreement and background "
        "jobs (once)."
    )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        self.stdout.write(str(seed_stories()))
        self.stdout.write(str(seed_background_jobs()))
