from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from council.demo import seed_board


class Command(BaseCommand):
    help = "Demo Board requests in every state, sessions, waivers and a dispatch (once)."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        self.stdout.write(str(seed_board()))
