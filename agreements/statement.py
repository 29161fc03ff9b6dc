"""What the employer's account statement shows of the agreements: the payments
recorded in Recupera against each period, and their list (registered from
AgreementsConfig.ready)."""

import datetime

from django.db.models import OuterRef, QuerySet, Sum

from employers.queries import RecordedPayment
from employers.queries import register_statement_payments as register


def agreement_payments_by_period(since: datetime.datetime | None = None) -> QuerySet:
    from agreements.models import ConceptAllocation

    allocations = ConceptAllocation.objects.filter(
        agreement_period__period=OuterRef("pk"), payment__reversed_at__isnull=True
    )
    if since is not None:
        allocations = allocations.filter(payment__recorded_at__gt=since)
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


def register_statement_payments() -> None:
    register(agreement_payments_by_period, agreement_payments_of)
