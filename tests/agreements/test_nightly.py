import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from agreements.jobs import agreements_breach, agreements_complete, installments_mark_overdue
from agreements.models import AgreementPolicy, Installment
from core.models import JobRun
from core.nightly import nightly_jobs, run_nightly_jobs
from legal.models import LegalReferral
from legal.services import referrals_from_breaches
from people.models import Notification
from people.roles import Role
from tests.agreements.conftest import owed_periods
from tests.factories import PeriodFactory, UserFactory


def first_installments(agreement):
    return list(Installment.objects.filter(agreement=agreement, number__gte=1).order_by("number"))


def night(day):
    """The night's agreement work: overdue installments, breaches, and the Legal Unit's
    referral of the breached agreements' cases right after."""
    installments_mark_overdue(run_date=day)
    breached = agreements_breach(run_date=day)
    referrals_from_breaches(run_date=day)
    return breached


@pytest.fixture
def policy():
    policy = AgreementPolicy.objects.get()
    policy.grace_days, policy.breach_installments, policy.breach_days = 5, 2, 60
    policy.breach_on_new_arrears = False
    policy.save()
    return policy


@pytest.mark.django_db
def test_an_installment_is_overdue_only_after_its_grace_days(active, policy):
    first = first_installments(active)[0]
    installments_mark_overdue(run_date=first.due_date + datetime.timedelta(days=5))
    first.refresh_from_db()
    assert first.status == "pending"
    installments_mark_overdue(run_date=first.due_date + datetime.timedelta(days=6))
    first.refresh_from_db()
    assert first.status == "overdue"
    assert first.overdue_since == first.due_date + datetime.timedelta(days=6)


@pytest.mark.django_db
def test_breach_at_the_second_overdue_installment(active, policy, agent_ss):
    _first, second, _third = first_installments(active)
    assert night(second.due_date + datetime.timedelta(days=5)) == 0  # only one overdue
    assert night(second.due_date + datetime.timedelta(days=6)) == 1
    active.refresh_from_db()
    assert active.status == "referred" and "2 cuotas vencidas (n.º 1, 2)" in active.breach_reason


@pytest.mark.django_db
def test_breach_when_one_installment_is_late_more_than_the_days(active, policy):
    policy.breach_installments = 5
    policy.save()
    first = first_installments(active)[0]
    for later in first_installments(active)[1:]:
        later.due_date = first.due_date + datetime.timedelta(days=365)
        later.save()
    # Overdue from day 6 (5 days of grace); more than 60 days overdue on day 66 —
    # as the signed clause says, not on day 61 counted from the due date.
    assert night(first.due_date + datetime.timedelta(days=65)) == 0
    assert night(first.due_date + datetime.timedelta(days=66)) == 1
    active.refresh_from_db()
    assert "61 días" in active.breach_reason
    assert active.breached_on == first.due_date + datetime.timedelta(days=policy.breach_day)


@pytest.mark.django_db
def test_the_printed_clause_states_the_day_the_job_breaches_on(active, policy):
    from agreements.pdf import render_agreement_pdf
    from tests.pdf import pdf_text

    text = pdf_text(render_agreement_pdf(active))
    assert policy.breach_day == 66
    assert "entra en mora el día 6 después de su vencimiento" in text
    assert "incumple el convenio el día 66 después de su vencimiento" in text
    assert "más de 60 días en mora" in text


@pytest.mark.django_db
def test_a_night_run_late_records_the_night_the_rule_was_first_met(active, policy):
    second = first_installments(active)[1]
    first_met = second.due_date + datetime.timedelta(days=6)
    assert night(first_met + datetime.timedelta(days=9)) == 1
    active.refresh_from_db()
    assert active.breached_on == first_met


@pytest.mark.django_db
def test_breach_when_the_employer_falls_behind_again(active, policy):
    policy.breach_on_new_arrears = True
    policy.save()
    today = timezone.localdate()
    due = today + datetime.timedelta(days=10)
    PeriodFactory(employer=active.employer, period=today.replace(day=1), due_date=due)
    assert night(due + datetime.timedelta(days=5)) == 0  # within grace
    assert night(due + datetime.timedelta(days=6)) == 1
    active.refresh_from_db()
    assert "1 período corriente impago" in active.breach_reason
    assert active.breached_on == due + datetime.timedelta(days=6)


@pytest.mark.django_db
def test_a_cent_left_on_a_current_period_does_not_breach(active, policy):
    policy.breach_on_new_arrears = True
    policy.save()
    today = timezone.localdate()
    due = today + datetime.timedelta(days=10)
    PeriodFactory(
        employer=active.employer, period=today.replace(day=1), due_date=due, paid=Decimal("104.99")
    )
    assert night(due + datetime.timedelta(days=30)) == 0


@pytest.mark.django_db
def test_the_new_arrears_rule_waits_for_the_number_of_periods_the_policy_sets(active, policy):
    policy.breach_on_new_arrears, policy.new_arrears_periods = True, 2
    policy.save()
    today = timezone.localdate()
    first_due = today + datetime.timedelta(days=10)
    second_due = today + datetime.timedelta(days=40)
    month = today.replace(day=1)
    PeriodFactory(employer=active.employer, period=month, due_date=first_due)
    PeriodFactory(
        employer=active.employer,
        period=(month + datetime.timedelta(days=32)).replace(day=1),
        due_date=second_due,
    )
    assert night(first_due + datetime.timedelta(days=20)) == 0  # one period only
    assert night(second_due + datetime.timedelta(days=6)) == 1
    active.refresh_from_db()
    assert "2 períodos corrientes impagos" in active.breach_reason
    assert active.breached_on == second_due + datetime.timedelta(days=6)


@pytest.mark.django_db
def test_the_breach_escalates_to_the_legal_unit_and_notifies(active, policy, agent_ss, branch_ss):
    head = UserFactory(role=Role.DEPARTMENT_HEAD, email="jefa@isss.gob.sv")
    branch_head = UserFactory(role=Role.BRANCH_HEAD, branch=branch_ss)
    second = first_installments(active)[1]
    with pytest.MonkeyPatch.context():
        night(second.due_date + datetime.timedelta(days=6))
    referral = LegalReferral.objects.get()
    assert referral.status == "pending" and referral.agreement == active
    assert referral.debt == Decimal("300.00")
    active.case.refresh_from_db()
    assert active.case.status == "referred"
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert {agent_ss.pk, head.pk, branch_head.pk} <= notified


@pytest.mark.django_db
def test_the_breach_e_mails_are_sent_after_commit(
    active, policy, agent_ss, django_capture_on_commit_callbacks
):
    UserFactory(role=Role.DEPARTMENT_HEAD, email="jefa@isss.gob.sv")
    second = first_installments(active)[1]
    with django_capture_on_commit_callbacks(execute=True):
        night(second.due_date + datetime.timedelta(days=6))
    assert any("jefa@isss.gob.sv" in message.to for message in mail.outbox)


@pytest.mark.django_db
def test_every_job_twice_changes_nothing_the_second_time(active, policy):
    day = first_installments(active)[1].due_date + datetime.timedelta(days=6)
    assert installments_mark_overdue(run_date=day)["overdue"] == 2
    assert agreements_breach(run_date=day) == 1
    assert referrals_from_breaches(run_date=day) == 1
    assert installments_mark_overdue(run_date=day) == {"overdue": 0, "warned": 0}
    assert agreements_breach(run_date=day) == 0
    assert referrals_from_breaches(run_date=day) == 0
    assert LegalReferral.objects.count() == 1


@pytest.mark.django_db
def test_warning_before_an_installment_falls_due_is_sent_once(active, policy, agent_ss):
    first = first_installments(active)[0]
    day = first.due_date - datetime.timedelta(days=3)
    assert installments_mark_overdue(run_date=day)["warned"] == 1
    assert installments_mark_overdue(run_date=day + datetime.timedelta(days=1))["warned"] == 0
    assert Notification.objects.filter(user=agent_ss).count() == 1
    # In Spanish, with the number, the date and the agreement's page.
    notice = Notification.objects.get(user=agent_ss)
    assert notice.title.endswith(f" {active.pk}")
    expected = f"Cuota n.º {first.number} pendiente, vence el {first.due_date:%d/%m/%Y}"
    assert notice.body == expected
    assert notice.url == f"/convenios/{active.pk}/"


@pytest.mark.django_db
def test_a_paid_agreement_completes_and_settles_its_case(active, agent_ss):
    from agreements.payments import payment_record

    payment_record(
        agreement=active,
        actor=agent_ss,
        receipt_number="R-ALL",
        paid_on=timezone.localdate(),
        amount=Decimal("300.00"),
    )
    assert agreements_complete(run_date=timezone.localdate()) == 1
    active.refresh_from_db()
    active.case.refresh_from_db()
    assert active.status == "completed" and active.case.status == "settled"
    assert agreements_complete(run_date=timezone.localdate()) == 0


@pytest.mark.django_db
def test_missed_nights_are_caught_up_in_order(active, policy, time_machine):
    second = first_installments(active)[1]
    start = second.due_date
    # The night of `start` finished (its last job did).
    last_job = nightly_jobs()[-1].name
    JobRun.objects.create(job=last_job, run_date=start, finished_at=timezone.now())
    target = start + datetime.timedelta(days=8)
    noon = timezone.make_aware(datetime.datetime.combine(target, datetime.time(12, 0)))
    time_machine.move_to(noon, tick=False)
    results = run_nightly_jobs()
    assert list(results) == [(start + datetime.timedelta(days=n)).isoformat() for n in range(1, 9)]
    breached_on = active.__class__.objects.get(pk=active.pk).breached_on
    assert breached_on == start + datetime.timedelta(days=6)  # not the day it caught up


@pytest.mark.django_db
def test_a_night_in_the_future_is_refused(active, policy):
    from django.core.management import CommandError, call_command

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValueError, match="futur"):
        run_nightly_jobs(run_date=tomorrow)
    with pytest.raises(CommandError, match="futur"):
        call_command("run_nightly_jobs", "--date", tomorrow.isoformat())
    assert not JobRun.objects.filter(run_date=tomorrow).exists()


@pytest.mark.django_db
def test_a_case_on_hold_is_not_escalated_while_the_hold_lasts(active, policy):
    second = first_installments(active)[1]
    day = second.due_date + datetime.timedelta(days=6)
    case = active.case
    case.hold_until, case.hold_reason = day, "dispute"
    case.save()
    assert night(day) == 0
    assert night(day + datetime.timedelta(days=1)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_breach_jobs_at_once_breach_and_refer_once(reference_data, branch_ss):
    import threading

    from django.db import connection

    from agreements import payments, services
    from tests.factories import CaseFactory, EmployerFactory

    agent = UserFactory(role=Role.AGENT, branch=branch_ss)
    employer = EmployerFactory(branch=branch_ss)
    owed_periods(employer)
    case = CaseFactory(employer=employer, agent=agent, status="in_contact")
    today = timezone.localdate()
    agreement = services.agreement_create(
        case=case,
        actor=agent,
        down_payment=Decimal("45.00"),
        installments=3,
        first_due_date=today + datetime.timedelta(days=30),
    )
    services.agreement_sign(agreement=agreement, actor=agent, signed_on=today)
    services.agreement_legalize(
        agreement=agreement,
        actor=agent,
        legalized_on=today,
        notary="Lic. Mejía",
        protocol="Libro 1",
    )
    payments.payment_record(
        agreement=agreement,
        actor=agent,
        receipt_number="R-0",
        paid_on=today,
        amount=Decimal("45.00"),
    )
    services.agreement_activate(agreement=agreement, actor=agent)
    day = first_installments(agreement)[1].due_date + datetime.timedelta(days=61)
    installments_mark_overdue(run_date=day)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(agreements_breach(run_date=day))
            referrals_from_breaches(run_date=day)
        except Exception as exc:  # pragma: no cover - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == [0, 1]
    assert LegalReferral.objects.count() == 1


@pytest.mark.django_db
def test_a_signed_agreement_whose_down_payment_is_never_paid_lapses(agreement, agent_ss):
    from agreements import services
    from agreements.jobs import agreements_lapse
    from agreements.models import AgreementEvent

    today = timezone.localdate()
    services.agreement_sign(agreement=agreement, actor=agent_ss, signed_on=today)
    agreement.refresh_from_db()
    days = agreement.policy.down_payment_days
    assert agreements_lapse(run_date=today + datetime.timedelta(days=days)) == 0
    assert agreements_lapse(run_date=today + datetime.timedelta(days=days + 1)) == 1
    agreement.refresh_from_db()
    agreement.case.refresh_from_db()
    assert agreement.status == "lapsed" and agreement.case.status == "in_contact"
    event = AgreementEvent.objects.filter(agreement=agreement, after__startswith="Caduc").get()
    assert f"{days} días" in event.reason
    assert Notification.objects.filter(user=agent_ss, title__contains="caducado").exists()
    assert agreements_lapse(run_date=today + datetime.timedelta(days=days + 2)) == 0


@pytest.mark.django_db
def test_an_agreement_whose_down_payment_is_paid_does_not_lapse(agreement, agent_ss):
    from agreements import services
    from agreements.jobs import agreements_lapse
    from agreements.payments import payment_record

    today = timezone.localdate()
    services.agreement_sign(agreement=agreement, actor=agent_ss, signed_on=today)
    payment_record(
        agreement=agreement,
        actor=agent_ss,
        receipt_number="P-0",
        paid_on=today,
        amount=agreement.down_payment,
    )
    assert agreements_lapse(run_date=today + datetime.timedelta(days=400)) == 0


@pytest.mark.django_db
def test_day_by_day_grace_warning_breach_referral_payment_and_return(
    active, policy, agent_ss, time_machine
):
    """The whole life of a breached agreement, night by night through the nightly run."""
    from agreements.payments import payment_record
    from legal.models import ReferralEvent
    from legal.services import referral_outstanding, referral_return

    legal = UserFactory(role=Role.LEGAL)
    first, second, _third = first_installments(active)
    day = first.due_date - datetime.timedelta(days=4)
    seen = {}
    while day <= second.due_date + datetime.timedelta(days=6):
        noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
        time_machine.move_to(noon, tick=False)
        run_nightly_jobs(run_date=day)
        first.refresh_from_db()
        active.refresh_from_db()
        if first.warned_on and "warned" not in seen:
            seen["warned"] = day
        if first.status == "overdue" and "overdue" not in seen:
            seen["overdue"] = day
        if active.status != "active" and "breached" not in seen:
            seen["breached"] = day
        day += datetime.timedelta(days=1)

    assert seen["warned"] == first.due_date - datetime.timedelta(days=policy.warning_days)
    assert seen["overdue"] == first.due_date + datetime.timedelta(days=policy.grace_days + 1)
    assert seen["breached"] == second.due_date + datetime.timedelta(days=policy.grace_days + 1)
    assert active.status == "referred" and active.breached_on == seen["breached"]
    active.case.refresh_from_db()
    assert active.case.status == "referred"
    referral = LegalReferral.objects.get(agreement=active)
    assert referral.status == "pending" and referral.referred_on == seen["breached"]

    # The day after the breach the employer pays at the bank: recorded, debt reduced.
    owed = referral_outstanding(referral)
    payment_record(
        agreement=active,
        actor=agent_ss,
        receipt_number="T-1",
        paid_on=timezone.localdate(),
        amount=Decimal("150.00"),
    )
    assert referral_outstanding(referral) == owed - Decimal("150.00")
    assert ReferralEvent.objects.filter(referral=referral, kind="payment").exists()

    # The Legal Unit gives it back: the agreement closes, the case returns to collection.
    referral_return(referral=referral, actor=legal, reason="El patrono pagó la mitad")
    active.refresh_from_db()
    active.case.refresh_from_db()
    assert active.status == "returned" and active.case.status == "in_contact"
    # Nothing escalates it again on the following nights.
    following = day + datetime.timedelta(days=1)
    time_machine.move_to(
        timezone.make_aware(datetime.datetime.combine(following, datetime.time(12, 0))),
        tick=False,
    )
    run_nightly_jobs(run_date=following)
    assert LegalReferral.objects.filter(case=active.case).count() == 1
