from django.core.management.base import BaseCommand

from employers.arrears import refresh_arrears_summary


class Command(BaseCommand):
    help = (
        "Sum up every employer's arrears again now (what the night does), for the lists "
        "sorted by debt: after a manual correction of periods, or after loading demo data."
    )

    def handle(self, *args, **options):
        employers = refresh_arrears_summary()
        self.stdout.write(f"arrears_summary: {{'employers': {employers}}}")
