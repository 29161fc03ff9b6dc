"""What the employer's account statement shows of the Board's waivers (registered from
CouncilConfig.ready)."""

from django.db.models import Case, DecimalField, F, OuterRef, QuerySet, Sum, When

from core.money import MONEY


def _signed_total(waivers) -> QuerySet:
    from council.models import WaiverStatus

    amount = F("fines") + F("surcharges")
    return waivers.annotate(
        total=Sum(
            Case(
                When(status=WaiverStatus.PENDING, then=amount),
                default=-amount,
                output_field=DecimalField(**MONEY),
            )
        )
    ).values("total")


def outstanding_waivers_by_employer(today) -> QuerySet:
    """Per employer OuterRef("pk"), over its periods past due on `today`: the same sum."""
    from council.models import Waiver

    return _signed_total(
        Waiver.objects.outstanding()
        .filter(period__employer=OuterRef("pk"), period__due_date__lt=today)
        .order_by()
        .values("period__employer")
    )


def outstanding_waivers_by_period() -> QuerySet:
    """Per period OuterRef("pk"): the waivers approved and not yet applied in the
    account system (positive) less those revoked after it applied them (negative)."""
    from council.models import Waiver

    return _signed_total(
        Waiver.objects.outstanding().filter(period=OuterRef("pk")).order_by().values("period")
    )
