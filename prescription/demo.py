"""Demo of the prescription clock: periods of the agent's cases about to prescribe,
one prescribed, a demand notice served that restarted an employer's clocks, and a claim
filed in court; every clock then worked out. Never used in production."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from core.calendar import add_months
from employers.demo import demo_old_debt
from legal import services as legal_services
from legal.models import LegalReferral, ReferralStatus
from people.demo import demo_user
from people.roles import Role
from prescription import services
from prescription.models import NoticeService
from recovery.models import LetterKind, RecoveryCase


def seed_prescription() -> dict[str, int]:
    """Once: skipped when a notice served is recorded."""
    if NoticeService.objects.exists():
        return {"skipped": 1}
    agent = demo_user(Role.AGENT, "SS")
    legal = demo_user(Role.LEGAL)
    if agent is None:
        return {"skipped": 1}
    today = timezone.localdate()
    cases = list(
        RecoveryCase.objects.active()
        .filter(agent=agent, status__in=["open", "in_contact"])
        .order_by("pk")[:3]
    )
    if len(cases) < 3:
        return {"skipped": 1}
    ten_years_ago = add_months(today.replace(day=1), -120)
    # The first case: four months that prescribe within weeks, one that already did.
    soon, gone, served = cases
    demo_old_debt(
        soon.employer,
        [add_months(ten_years_ago, months) for months in (-2, 0, 1, 2)],
        Decimal("180.00"),
    )
    # The second: older months, all of them prescribed.
    demo_old_debt(gone.employer, [add_months(ten_years_ago, -14)], Decimal("95.00"))
    # The third: old months too, but a demand served a month ago restarted their clocks.
    demo_old_debt(served.employer, [add_months(ten_years_ago, 1)], Decimal("240.00"))
    services.clocks_refresh(run_date=today)
    services.notice_service_record(
        case=served,
        actor=agent,
        letter=LetterKind.FIRST_DEMAND,
        served_on=today - datetime.timedelta(days=30),
        received_by="Recepción (sello de la empresa)",
        acknowledgement=f"AR-{today.year}-0412",
        notes="Acuse firmado por la recepcionista.",
    )
    filed = 0
    referral = (
        LegalReferral.objects.filter(status=ReferralStatus.ACCEPTED, filed_on__isnull=True)
        .order_by("pk")
        .first()
    )
    if referral is not None and legal is not None:
        legal_services.referral_update(
            referral=referral,
            actor=legal,
            judicial_stage="filed",
            amount_recovered=referral.amount_recovered,
            notes="Demanda ejecutiva presentada en el Juzgado de lo Civil.",
            filed_on=max(referral.referred_on, today - datetime.timedelta(days=12)),
        )
        filed = 1
    counts = services.clocks_nightly(run_date=today)
    return {"notices": 1, "claims_filed": filed, **counts}
