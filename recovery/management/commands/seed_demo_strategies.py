from django.core.management.base import BaseCommand

from recovery.demo import seed_strategies


class Command(BaseCommand):
    help = "Demo challenger strategy under test, before the first night opens the cases (once)."

    def handle(self, *args, **options):
        for key, value in seed_strategies().items():
            self.stdout.write(f"{key}: {value}")
