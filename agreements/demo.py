"""Demo activity on top of the demo employers: follow-ups, promises and agreements,
made through the same services the pages use. Never used in production."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from agreements import payments
from agreements import services as agreement_services
from agreements.models import Installment, PaymentAgreement
from recovery import services as case_services
from recovery.models import CaseStatus, FollowUp, RecoveryCase


def seed_activity(*, seed: int = 2026, share: float = 0.25) -> dict[str, int]:
    """Work on about `share` of the assigned cases: calls, promises, agreements."""
    if FollowUp.objects.exists():
        return {"skipped": 1}
    rng = random.Random(seed)
    today = timezone.localdate()
    counts = {"follow_ups": 0, "promises": 0, "agreements": 0, "payments": 0}
    cases = list(
        RecoveryCase.objects.with_debt()
        .filter(status=CaseStatus.OPEN, agent__isnull=False, debt__gt=0)
        .select_related("agent", "employer")
        .order_by("pk")
    )
    for case in cases:
        roll = rng.random()
        if roll > share:
            continue
        agent = case.agent
        if roll < share * 0.4:
            case_services.follow_up_record(
                case=case,
                actor=agent,
                kind="call",
                outcome="promised",
                contact_person="Contador de la empresa",
                notes="Promete abonar la próxima semana.",
                promise_amount=(case.debt * Decimal("0.3")).quantize(Decimal("0.01")),
                promise_date=today + datetime.timedelta(days=rng.randint(1, 10)),
            )
            counts["promises"] += 1
        elif roll < share * 0.7 and case.debt >= Decimal("200.00"):
            case_services.follow_up_record(
                case=case,
                actor=agent,
                kind="visit",
                outcome="reached",
                contact_person="Representante legal",
                notes="Solicita convenio de pago.",
            )
            agreement = agreement_services.agreement_create(
                case=case,
                actor=agent,
                down_payment=(case.debt * Decimal("0.2")).quantize(Decimal("0.01")),
                installments=rng.choice([3, 6]),
                first_due_date=today + datetime.timedelta(days=30),
            )
            counts["agreements"] += 1
            if not agreement.needs_approval and rng.random() < 0.6:
                put_in_force(agreement, actor=agent, book=rng.randint(1, 40))
                counts["payments"] += 1
        else:
            case_services.follow_up_record(
                case=case,
                actor=agent,
                kind="call",
                outcome="not_reached",
                next_action="Volver a llamar",
                next_action_on=today + datetime.timedelta(days=rng.randint(0, 3)),
            )
        counts["follow_ups"] += 1
    return counts


def backdate(agreement, *, days: int) -> None:
    """Move an agreement's dates `days` back, as if it had been signed that much
    earlier: the demo's way to show a breach, which the services never let one make
    (a first installment must fall due after today). Demo data only."""
    shift = datetime.timedelta(days=days)
    dated = ["first_due_date", "signed_on", "legalized_on", "activated_on"]
    PaymentAgreement.objects.filter(pk=agreement.pk).update(
        **{field: F(field) - shift for field in dated}
    )
    Installment.objects.filter(agreement=agreement).update(due_date=F("due_date") - shift)
    agreement.refresh_from_db()


def put_in_force(agreement: PaymentAgreement, *, actor, book: int = 1) -> None:
    """Sign and legalize an agreement today, record its down payment and activate it."""
    today = timezone.localdate()
    agreement_services.agreement_sign(agreement=agreement, actor=actor, signed_on=today)
    agreement_services.agreement_legalize(
        agreement=agreement,
        actor=actor,
        legalized_on=today,
        notary="Lic. Rosa Elena Guevara",
        protocol=f"Libro {book}, folio {agreement.pk % 200 + 1}",
    )
    payments.payment_record(
        agreement=agreement,
        actor=actor,
        receipt_number=f"DEMO-{agreement.pk:06d}",
        paid_on=today,
        amount=agreement.down_payment,
    )
    agreement_services.agreement_activate(agreement=agreement, actor=actor)


def payment_history(*, limit: int = 40, seed: int = 2026) -> int:
    """Agreements in force as if signed months ago, each installment that has fallen due
    since paid on its due date: the months behind the demo have payments, so the
    dashboards show a history. Demo data only. Returns the payments recorded."""
    rng = random.Random(seed)
    today = timezone.localdate()
    recorded = 0
    agreements = PaymentAgreement.objects.filter(status="active").order_by("pk")[:limit]
    for agreement in agreements:
        backdate(agreement, days=30 * rng.randint(1, 7) + rng.randint(0, 20))
        due = agreement.installments.filter(due_date__lte=today, number__gt=0).order_by("number")
        for installment in due:
            payments.payment_record(
                agreement=agreement,
                actor=agreement.created_by,
                receipt_number=f"DEMO-{agreement.pk:06d}-{installment.number:02d}",
                paid_on=installment.due_date,
                amount=installment.amount,
            )
            recorded += 1
    return recorded
