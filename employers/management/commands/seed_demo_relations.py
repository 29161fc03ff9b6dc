from django.core.management.base import BaseCommand

from employers.demo import seed_relations


class Command(BaseCommand):
    help = "Demo related employers: a company closed with arrears and its reopening (once)."

    def handle(self, *args, **options):
        for key, value in seed_relations().items():
            self.stdout.write(f"{key}: {value}")
