from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from legal.demo import seed_stories


class Command(BaseCommand):
    help = "Demo referrals (pending, accepted, returned) and a lapsed agreement (once)."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        self.stdout.write(str(seed_stories()))
