"""The agreement (convenio de pago) and its payment-status letter, as PDF."""

import datetime

from django.conf import settings

from core.money import ZERO, amount_in_words
from core.pdf import render_pdf


def render_agreement_pdf(agreement) -> bytes:
    """The agreement as the notary receives it: the parties with their identification
    and capacity, the debt with its totals, the schedule, the clauses, place and date
    of signature and the signatures; "BORRADOR" across every page while an approval it
    needs is missing."""
    installments = list(agreement.installments.order_by("number"))
    periods = list(agreement.periods.select_related("period"))
    totals = {
        name: sum((getattr(p, name) for p in periods), ZERO)
        for name in ("contributions", "fines", "surcharges")
    }
    return render_pdf(
        "agreements/agreement_pdf.html",
        {
            "agreement": agreement,
            "periods": periods,
            "period_totals": totals,
            "installments": installments,
            "total_words": amount_in_words(agreement.total_amount),
            "down_words": amount_in_words(agreement.down_payment),
            "policy": agreement.policy,
            "draft": agreement.needs_approval,
            "city": agreement.branch.letter_city,
            "signatory_name": settings.INSTITUTE_SIGNATORY_NAME,
            "signatory_title": settings.INSTITUTE_SIGNATORY_TITLE,
        },
    )


def render_status_letter_pdf(agreement, today: datetime.date) -> bytes:
    installments = list(agreement.installments.order_by("number"))
    paid = sum(i.paid_amount for i in installments)
    owed = agreement.total_amount - paid
    return render_pdf(
        "agreements/status_letter_pdf.html",
        {
            "agreement": agreement,
            "installments": installments,
            "payments": agreement.payments.filter(reversed_at__isnull=True).order_by("paid_on"),
            "paid": paid,
            "owed": owed,
            "owed_words": amount_in_words(max(owed, 0)),
            "today": today,
        },
    )
