import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements import payments, services
from tests.factories import CaseFactory, PeriodFactory


def owed_periods(employer, months=3, share="100.00", fines="10.00", surcharges="5.00"):
    today = timezone.localdate()
    periods = []
    for index in range(months):
        due = today - datetime.timedelta(days=30 * (months - index) + 10)
        periods.append(
            PeriodFactory(
                employer=employer,
                period=(due - datetime.timedelta(days=40)).replace(day=1),
                due_date=due,
                employer_share=Decimal(share),
                worker_share=Decimal("0"),
                fines=Decimal(fines),
                surcharges=Decimal(surcharges),
            )
        )
    return periods


@pytest.fixture
def case(agent_ss, employer_ss):
    owed_periods(employer_ss)
    return CaseFactory(employer=employer_ss, agent=agent_ss, status="in_contact")


@pytest.fixture
def terms():
    return {
        "down_payment": Decimal("45.00"),
        "installments": 3,
        "first_due_date": timezone.localdate() + datetime.timedelta(days=30),
    }


@pytest.fixture
def agreement(case, agent_ss, terms):
    return services.agreement_create(case=case, actor=agent_ss, **terms)


@pytest.fixture
def active(agreement, agent_ss):
    """Signed, legalized, down payment received and in force."""
    today = timezone.localdate()
    services.agreement_sign(agreement=agreement, actor=agent_ss, signed_on=today)
    services.agreement_legalize(
        agreement=agreement,
        actor=agent_ss,
        legalized_on=today,
        notary="Lic. Ana Mejía",
        protocol="Libro 12, folio 34",
    )
    payments.payment_record(
        agreement=agreement,
        actor=agent_ss,
        receipt_number="R-0",
        paid_on=today,
        amount=Decimal("45.00"),
    )
    services.agreement_activate(agreement=agreement, actor=agent_ss)
    agreement.refresh_from_db()
    return agreement
