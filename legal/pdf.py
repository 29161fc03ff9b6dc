from django.utils import timezone

from core.money import amount_in_words
from core.pdf import render_pdf
from employers.queries import account_statement
from legal.models import LegalReferral, ReferralStatus


def render_certificate_pdf(referral: LegalReferral) -> bytes:
    """The Certificación de Mora Patronal the Legal Unit receives with the case."""
    today = timezone.localdate()
    statement = account_statement(referral.case.employer, today)
    return render_pdf(
        "legal/certificate_pdf.html",
        {
            "referral": referral,
            "statement": statement,
            "arrears_periods": [
                p for p in statement.periods if p.balance > 0 and p.due_date < today
            ],
            "arrears_words": amount_in_words(statement.net_arrears),
            # A referral given back is closed: its certificate may be reprinted for the
            # record, never presented to a court.
            "not_valid": referral.status in (ReferralStatus.RETURNED, ReferralStatus.CLOSED),
            "today": today,
        },
    )
