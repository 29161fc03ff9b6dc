"""Demo stories of the later states, on top of the demo activity: referrals by hand
(pending, accepted with progress, returned) and an agreement that lapsed. Made through
the same services the pages and the nightly jobs use. Never used in production."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from agreements import services as agreement_services
from agreements.jobs import agreements_lapse
from legal import services
from legal.models import LegalReferral
from people.models import User
from people.roles import Role
from recovery.models import CaseStatus, RecoveryCase


def seed_stories() -> dict[str, int]:
    """Once: skipped when any referral exists."""
    if LegalReferral.objects.exists():
        return {"skipped": 1}
    legal = User.objects.filter(groups__name=Role.LEGAL.value, is_active=True).first()
    open_cases = (
        RecoveryCase.objects.with_debt()
        .filter(status=CaseStatus.OPEN, agent__isnull=False, debt__gt=Decimal("300.00"))
        .select_related("agent", "employer")
    )
    cases = list(open_cases.order_by("-debt")[:3])
    # The smallest debt: its agreement needs no approval before signing.
    lapsing = open_cases.exclude(pk__in=[case.pk for case in cases]).order_by("debt").first()
    if len(cases) < 3 or lapsing is None or legal is None:
        return {"skipped": 1}
    today = timezone.localdate()
    pending, accepted, returned = cases
    services.referral_create(
        case=pending, actor=pending.agent, reason="No atiende requerimientos desde hace un año."
    )
    referral = services.referral_create(
        case=accepted, actor=accepted.agent, reason="Empresa con bienes embargables."
    )
    services.referral_accept(referral=referral, actor=legal)
    services.referral_update(
        referral=referral,
        actor=legal,
        judicial_stage="filed",
        amount_recovered=Decimal("0.00"),
        notes="Demanda presentada en el Juzgado de lo Civil.",
    )
    referral = services.referral_create(
        case=returned, actor=returned.agent, reason="Incumple los compromisos de pago."
    )
    services.referral_return(
        referral=referral, actor=legal, reason="Falta la certificación de la escritura social."
    )
    # Signed 40 days ago, down payment never paid: the nightly job lets it lapse.
    agreement = agreement_services.agreement_create(
        case=lapsing,
        actor=lapsing.agent,
        down_payment=(lapsing.debt * Decimal("0.2")).quantize(Decimal("0.01")),
        installments=3,
        first_due_date=today + datetime.timedelta(days=30),
    )
    if not agreement.needs_approval:
        agreement_services.agreement_sign(
            agreement=agreement,
            actor=lapsing.agent,
            signed_on=today - datetime.timedelta(days=agreement.policy.down_payment_days + 10),
        )
    return {"referrals": 3, "lapsed": agreements_lapse(run_date=today)}
