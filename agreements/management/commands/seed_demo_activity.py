from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agreements.demo import seed_activity


class Command(BaseCommand):
    help = "Demo follow-ups, promises and agreements on the open demo cases (once)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        self.stdout.write(str(seed_activity(seed=seed)))
