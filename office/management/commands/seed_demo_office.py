from django.core.management.base import BaseCommand

from office.demo import seed_office


class Command(BaseCommand):
    help = "Demo office work: guidelines half read, a meeting with open items, trainings (once)."

    def handle(self, *args, **options):
        for key, value in seed_office().items():
            self.stdout.write(f"{key}: {value}")
