"""What the employer's account statement shows of the agreements: the payments
recorded in Recupera against each period, and their list (registered from
AgreementsConfig.ready)."""

import datetime

from django.db.models import OuterRef, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from employers.queries import EmployerLink, RecordedPayment, register_employer_links
from employers.queries import register_statement_payments as register


def agreement_payments_by_period(since: datetime.datetime | None = None) -> QuerySet:
    from agreements.models import ConceptAllocation

    allocations = ConceptAllocation.objects.live(since).filter(
        agreement_period__period=OuterRef("pk")
    )
    return (
        allocations.order_by()
        .values("agreement_period__period")
        .annotate(total=Sum("amount"))
        .values("total")
    )


def agreement_payments_of(
    employer_id: int, since: datetime.datetime | None = None
) -> list[RecordedPayment]:
    from agreements.models import Payment

    payments = Payment.objects.filter(agreement__employer_id=employer_id, reversed_at__isnull=True)
    if since is not None:
        payments = payments.filter(recorded_at__gt=since)
    return [
        RecordedPayment(p.receipt_number, p.paid_on, p.amount, p.recorded_at)
        for p in payments.order_by("paid_on", "pk")
    ]


def agreement_links(employer, user) -> list[EmployerLink]:
    from agreements.models import PaymentAgreement

    if not user.has_perm("agreements.view_paymentagreement"):
        return []
    agreements = PaymentAgreement.objects.visible_to(user).filter(employer=employer)
    return [
        EmployerLink(
            _("Agreement %(number)s") % {"number": agreement.pk},
            reverse("agreements:agreement_detail", args=[agreement.pk]),
            agreement.get_status_display(),
        )
        for agreement in agreements.order_by("-created_at")[:10]
    ]


def register_statement_payments() -> None:
    register(agreement_payments_by_period, agreement_payments_of)
    register_employer_links(agreement_links)
