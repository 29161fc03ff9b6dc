from django.core.management.base import BaseCommand

from prescription.demo import seed_prescription


class Command(BaseCommand):
    help = (
        "Demo prescription clocks: periods about to prescribe, one prescribed, a notice "
        "served and a claim filed (once)."
    )

    def handle(self, *args, **options):
        for key, value in seed_prescription().items():
            self.stdout.write(f"{key}: {value}")
