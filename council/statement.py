"""What the employer's account statement shows of the Board's waivers (registered from
CouncilConfig.ready)."""

from django.db.models import Case, DecimalField, F, OuterRef, QuerySet, Sum, When

from core.money import MONEY


def outstanding_waivers_by_period() -> QuerySet:
    """Per period OuterRef("pk"): the waivers approved and not yet applied in the
    account system (positive) less those revoked after it applied them (negative)."""
    from council.models import Waiver, WaiverStatus

    amount = F("fines") + F("surcharges")
    return (
        Waiver.objects.outstanding()
        .filter(period=OuterRef("pk"))
        .order_by()
        .values("period")
        .annotate(
            total=Sum(
                Case(
                    When(status=WaiverStatus.PENDING, then=amount),
                    default=-amount,
                    output_field=DecimalField(**MONEY),
                )
            )
        )
        .values("total")
    )
