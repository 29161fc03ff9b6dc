from django.core.management.base import BaseCommand

from reporting.demo import seed_desk


class Command(BaseCommand):
    help = "Demo of the head's desk: history, the year's plan, summaries and a report (once)."

    def handle(self, *args, **options):
        for key, value in seed_desk().items():
            self.stdout.write(f"{key}: {value}")
