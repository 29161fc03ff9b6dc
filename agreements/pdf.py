"""The agreement (convenio de pago) and its payment-status letter, as PDF."""

import datetime

from core.money import amount_in_words
from core.pdf import render_pdf


def render_agreement_pdf(agreement) -> bytes:
    installments = list(agreement.installments.order_by("number"))
    return render_pdf(
        "agreements/agreement_pdf.html",
        {
            "agreement": agreement,
            "periods": agreement.periods.select_related("period"),
            "installments": installments,
            "total_words": amount_in_words(agreement.total_amount),
            "down_words": amount_in_words(agreement.down_payment),
            "policy": agreement.policy,
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
