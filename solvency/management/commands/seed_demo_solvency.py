from django.core.management.base import BaseCommand

from solvency.demo import seed_solvency


class Command(BaseCommand):
    help = "Demo solvency certificates: a solvent employer's, one with an agreement (once)."

    def handle(self, *args, **options):
        for key, value in seed_solvency().items():
            self.stdout.write(f"{key}: {value}")
