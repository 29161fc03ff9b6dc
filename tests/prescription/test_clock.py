"""The prescription clock: a period's date by its due date, each interrupting event
restarting it (a notice served, a claim filed, an agreement signed, a payment), a
prescribed period kept and flagged, dated rules, the nightly warnings once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements import payments
from agreements import services as agreement_services
from employers.models import ContributionPeriod
from legal import services as legal_services
from people.models import Notification
from people.roles import Role
from prescription import services
from prescription.models import PeriodClock, PrescriptionRule
from tests.agreements.conftest import owed_periods
from tests.factories import CaseFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def owed(employer, due, amount="100.00"):
    return PeriodFactory(
        employer=employer,
        period=(due - datetime.timedelta(days=40)).replace(day=1),
        due_date=due,
        employer_share=Decimal(amount),
        worker_share=Decimal("0"),
    )


def clock(period):
    return PeriodClock.objects.get(period=period)


def refresh(day=None):
    return services.clocks_refresh(run_date=day or today())


def years_after(day, years):
    return day.replace(year=day.year + years)


def test_a_period_prescribes_ten_years_after_its_due_date_by_the_default_rule(employer_ss):
    due = today() - datetime.timedelta(days=3600)
    period = owed(employer_ss, due)
    refresh()
    c = clock(period)
    assert (c.started_on, c.start_kind, c.prescribes_on) == (due, "due", years_after(due, 10))
    assert c.rule.years == 10 and not c.rule.confirmed
    assert "SIN CONFIRMAR" in c.rule.legal_basis
    assert c.prescribed_on is None
    # 3,600 days after its due date, it prescribes within the warning window.
    assert PeriodClock.objects.prescribing_within(today(), 180).filter(pk=period.pk).exists()


def test_a_prescribed_period_is_flagged_and_kept_never_dropped(employer_ss):
    period = owed(employer_ss, today() - datetime.timedelta(days=3660))
    refresh(today() - datetime.timedelta(days=30))
    assert clock(period).prescribed_on is None
    refresh()
    flagged = clock(period).prescribed_on
    assert flagged == today()
    # Later nights keep the first night it was found, and its row.
    refresh(today())
    assert clock(period).prescribed_on == flagged
    # Paid off or written off later: the flag stays on record.
    ContributionPeriod.objects.filter(pk=period.pk).update(paid=Decimal("100.00"))
    refresh()
    assert clock(period).prescribed_on == flagged
    assert ContributionPeriod.objects.filter(pk=period.pk).exists()


def test_a_period_paid_before_it_prescribed_has_no_clock(employer_ss):
    period = owed(employer_ss, today() - datetime.timedelta(days=400))
    refresh()
    assert clock(period)
    ContributionPeriod.objects.filter(pk=period.pk).update(paid=Decimal("100.00"))
    assert refresh()["removed"] == 1
    assert not PeriodClock.objects.filter(period=period).exists()


def test_a_notice_served_restarts_every_period_then_due_and_not_a_prescribed_one(
    employer_ss, agent_ss
):
    case = CaseFactory(employer=employer_ss, agent=agent_ss, status="in_contact")
    older = owed(employer_ss, today() - datetime.timedelta(days=3500))
    gone = owed(employer_ss, today() - datetime.timedelta(days=4000), amount="50.00")
    served = today() - datetime.timedelta(days=10)
    later = owed(employer_ss, today() - datetime.timedelta(days=5), amount="70.00")
    refresh()
    assert clock(gone).prescribed_on == today()
    notice = services.notice_service_record(
        case=case,
        actor=agent_ss,
        letter="first_demand",
        served_on=served,
        received_by="Marta López (contadora)",
        acknowledgement="AR-2026-118",
    )
    assert notice.employer_id == employer_ss.pk
    # The service restarted the employer's clocks at once.
    c = clock(older)
    assert (c.started_on, c.start_kind, c.prescribes_on) == (
        served,
        "notice",
        years_after(served, 10),
    )
    # Due after the notice: its own due date still starts it.
    assert clock(later).start_kind == "due"
    # Prescribed before the notice: a later notice does not revive it.
    assert clock(gone).prescribed_on == today() and clock(gone).start_kind == "due"


def test_a_notice_is_refused_in_the_future_without_acknowledgement_or_for_another_branch(
    employer_ss, agent_ss, agent_sm
):
    case = CaseFactory(employer=employer_ss, agent=agent_ss, status="in_contact")
    kwargs = {"case": case, "letter": "first_demand", "received_by": "X", "acknowledgement": "1"}
    with pytest.raises(ValidationError, match="futuro"):
        services.notice_service_record(
            actor=agent_ss, served_on=today() + datetime.timedelta(days=1), **kwargs
        )
    with pytest.raises(ValidationError, match="acuse"):
        services.notice_service_record(
            actor=agent_ss, served_on=today(), **{**kwargs, "acknowledgement": " "}
        )
    with pytest.raises(PermissionDenied):
        services.notice_service_record(actor=agent_sm, served_on=today(), **kwargs)
    with pytest.raises(PermissionDenied):
        services.notice_service_record(
            actor=UserFactory(role=Role.AUDITOR), served_on=today(), **kwargs
        )


def test_a_claim_filed_in_court_restarts_the_periods_then_due(employer_ss, agent_ss, head):
    case = CaseFactory(employer=employer_ss, agent=agent_ss, status="in_contact")
    period = owed(employer_ss, today() - datetime.timedelta(days=3500))
    referral = legal_services.referral_create(case=case, actor=agent_ss, reason="Sin respuesta")
    legal = UserFactory(role=Role.LEGAL)
    legal_services.referral_accept(referral=referral, actor=legal)
    refresh()
    assert clock(period).start_kind == "due"
    # Accepted but not filed: the action that would interrupt it is the claim.
    assert services.with_action(PeriodClock.objects.filter(pk=period.pk)).get().action == "court"
    with pytest.raises(ValidationError, match="presentación"):
        legal_services.referral_update(
            referral=referral,
            actor=legal,
            judicial_stage="filed",
            amount_recovered=Decimal("0"),
            notes="",
            filed_on=today() + datetime.timedelta(days=1),
        )
    filed = today() - datetime.timedelta(days=2)
    legal_services.referral_update(
        referral=referral,
        actor=legal,
        judicial_stage="filed",
        amount_recovered=Decimal("0"),
        notes="Demanda presentada",
        filed_on=filed if filed >= referral.referred_on else referral.referred_on,
    )
    referral.refresh_from_db()
    assert referral.filed_on is not None
    progress = referral.timeline.filter(kind="progress").latest("at")
    assert f"demanda presentada el {referral.filed_on:%d/%m/%Y}" in progress.after
    refresh()
    c = clock(period)
    assert (c.started_on, c.start_kind) == (referral.filed_on, "court")
    # A later stage keeps the filing date.
    legal_services.referral_update(
        referral=referral,
        actor=legal,
        judicial_stage="served",
        amount_recovered=Decimal("0"),
        notes="",
    )
    referral.refresh_from_db()
    assert referral.filed_on == c.started_on


def test_an_agreement_signed_then_a_payment_restart_the_periods_it_covers(employer_ss, agent_ss):
    owed_periods(employer_ss)
    old = today() - datetime.timedelta(days=3000)
    ContributionPeriod.objects.filter(employer=employer_ss).update(due_date=old)
    case = CaseFactory(employer=employer_ss, agent=agent_ss, status="in_contact")
    agreement = agreement_services.agreement_create(
        case=case,
        actor=agent_ss,
        down_payment=Decimal("45.00"),
        installments=3,
        first_due_date=today() + datetime.timedelta(days=30),
    )
    outside = owed(employer_ss, old - datetime.timedelta(days=10))
    covered = list(agreement.periods.values_list("period_id", flat=True))
    assert outside.pk not in covered
    signed = today() - datetime.timedelta(days=20)
    agreement_services.agreement_sign(agreement=agreement, actor=agent_ss, signed_on=signed)
    refresh()
    for pk in covered:
        c = PeriodClock.objects.get(pk=pk)
        assert (c.started_on, c.start_kind) == (signed, "agreement")
    assert clock(outside).start_kind == "due"
    # A payment collecting its agreement is the action for the covered periods.
    assert services.with_action(PeriodClock.objects.filter(pk=covered[0])).get().action == (
        "payment"
    )
    paid_on = today() - datetime.timedelta(days=3)
    payment = payments.payment_record(
        agreement=agreement,
        actor=agent_ss,
        receipt_number="R-77",
        paid_on=paid_on,
        amount=Decimal("45.00"),
    )
    refresh()
    c = PeriodClock.objects.get(pk=covered[0])
    assert (c.started_on, c.start_kind, c.prescribes_on) == (
        paid_on,
        "payment",
        years_after(paid_on, 10),
    )
    # A reversed payment does not count: the signature is the last event again.
    payments.payment_reverse(payment=payment, actor=agent_ss, reason="Cheque rechazado")
    refresh()
    assert PeriodClock.objects.get(pk=covered[0]).start_kind == "agreement"


def test_a_dated_rule_applies_to_the_clocks_that_start_from_its_date(employer_ss, agent_ss, head):
    old_due = today() - datetime.timedelta(days=3000)
    old = owed(employer_ss, old_due)
    recent_due = today() - datetime.timedelta(days=100)
    recent = owed(employer_ss, recent_due)
    rule = services.rule_create(
        actor=head,
        valid_from=today() - datetime.timedelta(days=365),
        years=5,
        legal_basis="Art. X de la ley (confirmado por la Unidad Jurídica)",
        confirmed=True,
    )
    refresh()
    assert clock(old).prescribes_on == years_after(old_due, 10)
    assert clock(recent).rule == rule
    assert clock(recent).prescribes_on == years_after(recent_due, 5)
    with pytest.raises(ValidationError):
        services.rule_create(
            actor=head, valid_from=rule.valid_from, years=4, legal_basis="x", confirmed=False
        )
    with pytest.raises(PermissionDenied):
        services.rule_create(
            actor=agent_ss, valid_from=today(), years=4, legal_basis="x", confirmed=False
        )
    assert PrescriptionRule.objects.count() == 2


def test_the_nightly_job_warns_the_agent_once_and_tells_the_heads_of_prescribed_periods(
    employer_ss, agent_ss
):
    CaseFactory(employer=employer_ss, agent=agent_ss, status="in_contact")
    owed(employer_ss, today() - datetime.timedelta(days=3600))
    owed(employer_ss, today() - datetime.timedelta(days=3550))
    owed(employer_ss, today() - datetime.timedelta(days=3700))
    counts = services.clocks_nightly(run_date=today())
    assert counts["employers_warned"] == 1 and counts["employers_prescribed"] == 1
    assert counts["prescribing"] == 2 and counts["prescribed"] == 1
    mine = Notification.objects.filter(user=agent_ss)
    assert mine.filter(title__startswith="Períodos por prescribir").count() == 1
    assert "2 período(s)" in mine.get(title__startswith="Períodos por prescribir").body
    assert mine.filter(title__startswith="Períodos prescritos").count() == 1
    # The next night tells nobody again.
    again = services.clocks_nightly(run_date=today())
    assert again["employers_warned"] == 0 and again["employers_prescribed"] == 0
    assert mine.count() == 2
