"""The summaries and every KPI against figures computed by hand on a small fixed data
set: October 2026 in three branches (SS with an agent, SM with another, US with no
agent at all), with a September before it and an empty November after."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from agreements.models import AgreementPolicy, Payment, PaymentAgreement
from legal.models import LegalReferral
from people.models import Branch
from people.roles import Role
from recovery.models import EmployerSnapshot, PaymentPromise
from reporting import kpis
from reporting.models import MonthlySummary
from reporting.summaries import FIGURES, rebuild, summaries_refresh, summarize_month
from tests.factories import CaseFactory, EmployerFactory, PeriodFactory, UserFactory

OCT = datetime.date(2026, 10, 1)
SEP = datetime.date(2026, 9, 1)


@pytest.fixture
def october(db):
    ss, sm, us = (Branch.objects.get(code=c) for c in ("SS", "SM", "US"))
    a = UserFactory(role=Role.AGENT, branch=ss)
    b = UserFactory(role=Role.AGENT, branch=sm)
    e1, e2 = EmployerFactory(branch=ss), EmployerFactory(branch=ss)
    e3, e4 = EmployerFactory(branch=us), EmployerFactory(branch=sm)
    # Billed in the 12 months to October: e1 two periods of 105, e3 one of 105 (one
    # period of October 2025 is outside, one of November is after).
    for employer, month in [
        (e1, datetime.date(2026, 9, 1)),
        (e1, datetime.date(2026, 10, 1)),
        (e3, datetime.date(2025, 11, 1)),
        (e3, datetime.date(2025, 10, 1)),
        (e4, datetime.date(2026, 11, 1)),
    ]:
        PeriodFactory(employer=employer, period=month, due_date=month + datetime.timedelta(40))
    case1 = CaseFactory(employer=e1, agent=a, opened_on=datetime.date(2026, 9, 15))
    CaseFactory(
        employer=e2,
        agent=a,
        opened_on=datetime.date(2026, 10, 5),
        status="closed",
        closed_on=datetime.date(2026, 10, 20),
        close_reason="paid",
    )
    case3 = CaseFactory(employer=e4, agent=b, opened_on=datetime.date(2026, 10, 10))
    policy = AgreementPolicy.objects.first()
    agreement = PaymentAgreement.objects.create(
        case=case1,
        employer=e1,
        branch=ss,
        policy=policy,
        status="active",
        total_amount=Decimal("600.00"),
        down_payment=Decimal("100.00"),
        installments_count=5,
        first_due_date=datetime.date(2026, 11, 1),
        created_by=a,
        signed_on=datetime.date(2026, 10, 1),
        activated_on=datetime.date(2026, 10, 2),
    )
    for receipt, day, amount, reversed_at in [
        ("R1", datetime.date(2026, 10, 15), "100.00", None),
        ("R2", datetime.date(2026, 11, 2), "50.00", None),
        (
            "R3",
            datetime.date(2026, 10, 16),
            "30.00",
            datetime.datetime(2026, 10, 17, tzinfo=datetime.UTC),
        ),
    ]:
        Payment.objects.create(
            agreement=agreement,
            receipt_number=receipt,
            paid_on=day,
            amount=Decimal(amount),
            reversed_at=reversed_at,
        )
    for case, day, status in [
        (case1, datetime.date(2026, 10, 10), "kept"),
        (case3, datetime.date(2026, 10, 12), "broken"),
        (case3, datetime.date(2026, 11, 5), "pending"),
    ]:
        PaymentPromise.objects.create(
            case=case, amount=Decimal("10"), promised_on=day, baseline_paid=0, status=status
        )
    LegalReferral.objects.create(
        case=case3, referred_on=datetime.date(2026, 10, 25), debt=Decimal("105.00")
    )
    # The account system shows 80.00 paid on case3's employer (no agreement) in October.
    period = e4.periods.get()
    period.paid = Decimal("80.00")
    period.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE employers_contributionperiodevent SET pgh_created_at = %s",
            [datetime.datetime(2026, 10, 20, 15, tzinfo=datetime.UTC)],
        )
    # Snapshots: September 30 and October 31.
    for day, employer, debt, bucket in [
        (datetime.date(2026, 9, 30), e1, "300.00", "d0_30"),
        (datetime.date(2026, 9, 30), e2, "105.00", "d0_30"),
        (datetime.date(2026, 9, 30), e3, "200.00", "d365_plus"),
        (datetime.date(2026, 10, 31), e1, "500.00", "d31_90"),
        (datetime.date(2026, 10, 31), e3, "200.00", "d365_plus"),
        (datetime.date(2026, 10, 31), e4, "25.00", ""),
    ]:
        EmployerSnapshot.objects.create(
            taken_on=day,
            employer=employer,
            branch=employer.branch,
            debt=Decimal(debt),
            aging_bucket=bucket,
        )
    return {"ss": ss, "sm": sm, "us": us, "a": a, "b": b}


def _rows(**filters):
    return list(MonthlySummary.objects.filter(**filters).values("month", "rolls", *FIGURES))


def test_october_figures_by_hand(october):
    summarize_month(OCT, as_of=datetime.date(2026, 10, 31))
    ss, sm, us, a, b = (october[k] for k in ("ss", "sm", "us", "a", "b"))
    assert (
        MonthlySummary.objects.filter(month=OCT, is_final=True).count()
        == MonthlySummary.objects.filter(month=OCT).count()
    )
    f_a = kpis.figures(_rows(month=OCT, agent=a), OCT)
    assert f_a["recovered_agreements"] == Decimal("100.00")  # R3 reversed, R2 November
    assert f_a["cases_opened"] == 1 and f_a["cases_closed"] == 1 and f_a["cases_cured"] == 1
    assert f_a["cases_at_start"] == 1 and f_a["cases_active"] == 1
    assert f_a["agreements_signed"] == 1 and f_a["agreements_active"] == 1
    assert kpis.days_to_agreement(f_a) == Decimal("16.0")
    assert kpis.promise_kept_rate(f_a) == Decimal("1")
    assert kpis.cure_rate(f_a) == Decimal("0.5")  # 1 cured of 1 at start + 1 opened
    assert kpis.breach_rate(f_a) == Decimal("0")
    f_b = kpis.figures(_rows(month=OCT, agent=b), OCT)
    assert f_b["recovered_accounts"] == Decimal("80.00")
    assert kpis.recovered(f_b) == Decimal("80.00")
    assert kpis.promise_kept_rate(f_b) == Decimal("0")
    assert f_b["referrals"] == 1
    # The branches' own figures (no agent): US has no agent at all.
    f_ss = kpis.figures(_rows(month=OCT, branch=ss), OCT)
    assert f_ss["employers_active"] == 2 and f_ss["employers_in_arrears"] == 1
    assert f_ss["arrears"] == Decimal("500.00")
    assert f_ss["billed_12m"] == Decimal("210.00")
    assert kpis.delinquency_by_count(f_ss) == Decimal("0.5")
    assert kpis.delinquency_by_amount(f_ss) == Decimal("2.3810")
    assert kpis.aging(f_ss)["d31_90"] == Decimal("500.00")
    # Rolls: of SS's two employers in 0-30 at September's end, one moved to 31-90
    # and one is current.
    assert kpis.roll_rates(f_ss)["d0_30"]["d31_90"] == Decimal("0.5")
    assert kpis.roll_rates(f_ss)["d0_30"]["current"] == Decimal("0.5")
    assert kpis.roll_forward_rate(f_ss) == Decimal("0.5")
    f_us = kpis.figures(_rows(month=OCT, branch=us), OCT)
    assert f_us["billed_12m"] == Decimal("105.00")  # November 2025 only
    assert kpis.roll_forward_rate(f_us) == Decimal("0")  # stayed over 365 days
    assert kpis.recovered(f_us) == 0 and kpis.cure_rate(f_us) is None
    f_sm = kpis.figures(_rows(month=OCT, branch=sm), OCT)
    assert f_sm["employers_in_arrears"] == 0 and f_sm["arrears"] == Decimal("25.00")
    assert kpis.delinquency_by_amount(f_sm) is None  # nothing billed in 12 months
    # The department in total; a month with no target has no "against target".
    total = kpis.figures(_rows(month=OCT), OCT)
    assert kpis.recovered(total) == Decimal("180.00")
    assert kpis.recovered_vs_target(total) is None


def test_an_empty_month_has_no_rates(october):
    summarize_month(datetime.date(2026, 11, 1), as_of=datetime.date(2026, 11, 30))
    f = kpis.figures(_rows(month=datetime.date(2026, 11, 1)), datetime.date(2026, 11, 1))
    assert kpis.recovered(f) == Decimal("50.00")  # R2
    assert kpis.promise_kept_rate(f) is None
    assert kpis.days_to_agreement(f) is None
    assert kpis.delinquency_by_count(f) == Decimal("0")  # no snapshot in November


def test_month_end_is_frozen_and_rebuild_recomputes(october):
    assert summaries_refresh(run_date=datetime.date(2026, 10, 31)) > 0
    frozen = _rows(month=OCT, agent=october["a"])
    # A payment recorded late, dated October: the closed month does not move...
    agreement = PaymentAgreement.objects.get()
    Payment.objects.create(
        agreement=agreement,
        receipt_number="R9",
        paid_on=datetime.date(2026, 10, 30),
        amount=Decimal("7.00"),
    )
    summaries_refresh(run_date=datetime.date(2026, 11, 1))
    summaries_refresh(run_date=datetime.date(2026, 11, 2))
    assert _rows(month=OCT, agent=october["a"]) == frozen
    # ...until the figures are rebuilt by hand.
    rebuild(OCT, OCT, today=datetime.date(2026, 12, 1))
    after = kpis.figures(_rows(month=OCT, agent=october["a"]), OCT)
    assert after["recovered_agreements"] == Decimal("107.00")


def test_the_first_night_of_a_month_closes_the_previous_one(october):
    summaries_refresh(run_date=datetime.date(2026, 10, 20))
    assert not MonthlySummary.objects.filter(month=OCT, is_final=True).exists()
    # The last night of October did not run: November's first night closes it.
    summaries_refresh(run_date=datetime.date(2026, 11, 1))
    rows = MonthlySummary.objects.filter(month=OCT)
    assert rows and all(r.is_final for r in rows)
    assert {r.as_of for r in rows} == {datetime.date(2026, 10, 31)}


def test_a_second_run_changes_nothing(october):
    day = datetime.date(2026, 10, 25)
    assert summaries_refresh(run_date=day) > 0
    assert summaries_refresh(run_date=day) == 0


def test_summaries_agree_with_the_live_data(october):
    """Month to date after the night: the figures are what the tables say now."""
    summaries_refresh(run_date=datetime.date(2026, 10, 31))
    total = kpis.figures(_rows(month=OCT), OCT)
    live_paid = sum(
        p.amount
        for p in Payment.objects.filter(
            reversed_at__isnull=True, paid_on__range=(OCT, datetime.date(2026, 10, 31))
        )
    )
    assert total["recovered_agreements"] == live_paid
    assert total["referrals"] == LegalReferral.objects.filter(referred_on__month=10).count()
    assert (
        total["agreements_signed"] == PaymentAgreement.objects.filter(signed_on__month=10).count()
    )
