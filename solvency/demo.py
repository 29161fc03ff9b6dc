"""Demo certificates: one for a solvent employer, one for an employer solvent with its
agreement in force, both through the service. Never used in production."""

from __future__ import annotations

from agreements.models import AgreementStatus, PaymentAgreement
from employers.models import ContributionPeriod, Employer
from people.demo import demo_user
from people.roles import Role
from solvency import services
from solvency.models import SolvencyCertificate


def seed_solvency() -> dict[str, int]:
    """Once: skipped when any certificate exists."""
    if SolvencyCertificate.objects.exists():
        return {"skipped": 1}
    agent = demo_user(Role.AGENT, "SS")
    if agent is None:
        return {"skipped": 1}
    issued = 0
    with_agreement = PaymentAgreement.objects.filter(
        status=AgreementStatus.ACTIVE, branch=agent.branch
    ).values_list("employer", flat=True)
    owing = ContributionPeriod.objects.filter(balance__gt=0).values("employer")
    candidates = [
        Employer.objects.filter(branch=agent.branch).exclude(pk__in=owing).order_by("pk").first(),
        *Employer.objects.filter(pk__in=with_agreement).order_by("pk")[:5],
    ]
    standings = set()
    for employer in candidates:
        if employer is None:
            continue
        assessment = services.assess(employer)
        if assessment.solvent and assessment.standing not in standings:
            services.certificate_issue(employer=employer, actor=agent)
            standings.add(assessment.standing)
            issued += 1
    return {"certificates": issued}
