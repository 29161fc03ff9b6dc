"""What the employer's account statement shows of the agreements: the payments
recorded in Recupera against each period (registered from AgreementsConfig.ready)."""

from django.db.models import OuterRef, QuerySet, Sum

from employers.queries import register_statement_payments as register


def agreement_payments_by_period() -> QuerySet:
    from agreements.models import ConceptAllocation

    return (
        ConceptAllocation.objects.filter(
            agreement_period__period=OuterRef("pk"), payment__reversed_at__isnull=True
        )
        .order_by()
        .values("agreement_period__period")
        .annotate(total=Sum("amount"))
        .values("total")
    )


def register_statement_payments() -> None:
    register(agreement_payments_by_period)
