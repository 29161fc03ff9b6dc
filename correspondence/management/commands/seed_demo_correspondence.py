from django.core.management.base import BaseCommand

from correspondence.demo import seed_correspondence


class Command(BaseCommand):
    help = "Demo correspondence: letters due, overdue, answered; a request awaiting (once)."

    def handle(self, *args, **options):
        for key, value in seed_correspondence().items():
            self.stdout.write(f"{key}: {value}")
