import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from employers.models import Employer
from solvency.services import assess


class Command(BaseCommand):
    help = "Whether an employer is solvent today: exit 0 when solvent, 1 when not (with why)."

    def add_arguments(self, parser):
        parser.add_argument("employer_number", metavar="NUMERO_PATRONAL")

    def handle(self, *args, employer_number, **options):
        employer = Employer.objects.filter(employer_number=employer_number.strip()).first()
        if employer is None:
            raise CommandError(_("No employer has the number %(n)s.") % {"n": employer_number})
        assessment = assess(employer)
        self.stdout.write(f"{employer.employer_number} {employer.legal_name}: {assessment.label}")
        if assessment.agreement is not None:
            self.stdout.write(
                _("Agreement %(n)s in force and up to date.") % {"n": assessment.agreement.pk}
            )
        for reason in assessment.reasons:
            self.stdout.write(f"- {reason}")
        if not assessment.solvent:
            sys.exit(1)
