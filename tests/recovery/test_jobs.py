import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from core.models import JobRun
from core.nightly import nightly_jobs as nightly_jobs_declared
from core.nightly import run_nightly_jobs
from people.roles import Role
from recovery.jobs import (
    cases_open,
    promises_evaluate,
    snapshots_take,
    strategy_advance,
)
from recovery.models import (
    CaseEvent,
    CaseOpeningRule,
    CaseStatus,
    EmployerSnapshot,
    PaymentPromise,
    RecoveryCase,
    StrategyLevel,
)
from tests.factories import CaseFactory, EmployerFactory, PeriodFactory, UserFactory

DAY = datetime.date(2026, 6, 1)


def owed(employer, amount="105.00", due=datetime.date(2026, 4, 14), period=None):
    return PeriodFactory(
        employer=employer,
        period=period or (due - datetime.timedelta(days=40)).replace(day=1),
        due_date=due,
        employer_share=Decimal(amount),
        worker_share=Decimal("0"),
    )


@pytest.fixture
def rule(db):
    CaseOpeningRule.objects.all().delete()
    return CaseOpeningRule.objects.create(
        valid_from=datetime.date(2026, 1, 1), min_arrears=Decimal("100.00"), min_days_late=30
    )


@pytest.mark.django_db
def test_cases_open_over_threshold_and_age_only(rule, branch_ss):
    over = EmployerFactory(branch=branch_ss)
    owed(over, "100.00", due=DAY - datetime.timedelta(days=30))
    too_small = EmployerFactory(branch=branch_ss)
    owed(too_small, "99.99", due=DAY - datetime.timedelta(days=60))
    too_recent = EmployerFactory(branch=branch_ss)
    owed(too_recent, "500.00", due=DAY - datetime.timedelta(days=29))
    assert cases_open(run_date=DAY) == 1
    case = RecoveryCase.objects.get()
    assert case.employer == over and case.opening_debt == Decimal("100.00")
    assert case.branch == branch_ss and case.status == CaseStatus.OPEN
    assert CaseEvent.objects.filter(case=case, kind="opened").count() == 1


@pytest.mark.django_db
def test_cases_go_to_the_agent_with_fewest_cases_then_least_debt(rule, branch_ss, branch_sm):
    busy = UserFactory(role=Role.AGENT, branch=branch_ss)
    idle = UserFactory(role=Role.AGENT, branch=branch_ss)
    other_branch = UserFactory(role=Role.AGENT, branch=branch_sm)
    CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=busy)
    CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=busy)
    new = [EmployerFactory(branch=branch_ss) for _ in range(4)]
    for index, employer in enumerate(new):
        owed(employer, f"{1000 - index}.00")
    cases_open(run_date=DAY)
    by_agent = {
        agent: list(RecoveryCase.objects.filter(employer__in=new, agent=agent))
        for agent in (busy, idle, other_branch)
    }
    # idle gets the two biggest to catch up, then they alternate.
    assert len(by_agent[idle]) == 3 and len(by_agent[busy]) == 1
    assert not by_agent[other_branch]


@pytest.mark.django_db
def test_opening_twice_opens_nothing_more(rule, branch_ss):
    owed(EmployerFactory(branch=branch_ss))
    assert cases_open(run_date=DAY) == 1
    assert cases_open(run_date=DAY) == 0
    assert RecoveryCase.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_openings_at_the_same_time_open_each_case_once(reference_data, rule, branch_ss):
    for _ in range(20):
        owed(EmployerFactory(branch=branch_ss))
    errors = []

    def run():
        try:
            cases_open(run_date=DAY)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert RecoveryCase.objects.count() == 20


def promise(case, amount, on, baseline="0.00"):
    return PaymentPromise.objects.create(
        case=case, amount=Decimal(amount), promised_on=on, baseline_paid=Decimal(baseline)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "paid, status",
    [("100.00", "kept"), ("150.00", "kept"), ("99.99", "partly_kept"), ("0.00", "broken")],
)
def test_promises_are_kept_partly_kept_or_broken(branch_ss, paid, status):
    employer = EmployerFactory(branch=branch_ss)
    period = owed(employer, "300.00")
    case = CaseFactory(employer=employer, status="promise")
    made = promise(case, "100.00", DAY)
    period.paid = Decimal(paid)
    period.save()
    promises_evaluate(run_date=DAY)
    made.refresh_from_db()
    case.refresh_from_db()
    assert made.status == status and made.evaluated_on == DAY
    assert made.paid_since == Decimal(paid)
    assert case.broken_promises == (1 if status == "broken" else 0)
    assert case.status == ("promise" if status == "kept" else "in_contact")


@pytest.mark.django_db
def test_a_promise_is_checked_on_its_date_not_before(branch_ss):
    employer = EmployerFactory(branch=branch_ss)
    owed(employer)
    case = CaseFactory(employer=employer, status="promise")
    made = promise(case, "50.00", DAY)
    promises_evaluate(run_date=DAY - datetime.timedelta(days=1))
    made.refresh_from_db()
    assert made.status == "pending"
    promises_evaluate(run_date=DAY)
    made.refresh_from_db()
    assert made.status == "broken"
    promises_evaluate(run_date=DAY + datetime.timedelta(days=1))
    case.refresh_from_db()
    assert case.broken_promises == 1  # not counted twice


@pytest.mark.django_db
def test_payments_before_the_promise_do_not_count(branch_ss):
    employer = EmployerFactory(branch=branch_ss)
    period = owed(employer)
    period.paid = Decimal("80.00")
    period.save()
    case = CaseFactory(employer=employer, status="promise")
    made = promise(case, "50.00", DAY, baseline="80.00")
    promises_evaluate(run_date=DAY)
    made.refresh_from_db()
    assert made.status == "broken"


@pytest.fixture
def levels(db):
    return {level.order: level for level in StrategyLevel.objects.all()}


@pytest.mark.django_db
@pytest.mark.parametrize("days_late, expected", [(14, None), (15, 1)])
def test_first_level_starts_at_its_boundary(levels, branch_ss, days_late, expected):
    employer = EmployerFactory(branch=branch_ss)
    owed(employer, due=DAY - datetime.timedelta(days=days_late))
    case = CaseFactory(employer=employer)
    strategy_advance(run_date=DAY)
    case.refresh_from_db()
    assert (case.level.order if case.level else None) == expected


@pytest.mark.django_db
def test_a_case_climbs_one_level_at_a_time_and_only_after_its_action(levels, branch_ss):
    employer = EmployerFactory(branch=branch_ss)
    owed(employer, due=DAY - datetime.timedelta(days=200))
    case = CaseFactory(employer=employer)
    strategy_advance(run_date=DAY)
    case.refresh_from_db()
    assert case.level.order == 1 and not case.level_done
    strategy_advance(run_date=DAY + datetime.timedelta(days=1))
    case.refresh_from_db()
    assert case.level.order == 1  # the call was not made: it does not move on
    case.level_done = True
    case.save()
    strategy_advance(run_date=DAY + datetime.timedelta(days=2))
    case.refresh_from_db()
    assert case.level.order == 2  # the first demand letter, never skipped
    assert CaseEvent.objects.filter(case=case, kind="level").count() == 2


@pytest.mark.django_db
def test_a_case_on_hold_does_not_climb(levels, branch_ss):
    employer = EmployerFactory(branch=branch_ss)
    owed(employer, due=DAY - datetime.timedelta(days=200))
    case = CaseFactory(employer=employer, hold_until=DAY, hold_reason="dispute")
    strategy_advance(run_date=DAY)
    case.refresh_from_db()
    assert case.level is None
    strategy_advance(run_date=DAY + datetime.timedelta(days=1))
    case.refresh_from_db()
    assert case.level.order == 1


@pytest.mark.django_db
def test_snapshots_keep_each_night_as_it_was(branch_ss):
    employer = EmployerFactory(branch=branch_ss)
    period = owed(employer, due=DAY - datetime.timedelta(days=40))
    CaseFactory(employer=employer)
    assert snapshots_take(run_date=DAY) == 1
    period.paid = Decimal("105.00")
    period.save()
    snapshots_take(run_date=DAY + datetime.timedelta(days=1))
    first = EmployerSnapshot.objects.get(taken_on=DAY)
    assert first.debt == Decimal("105.00") and first.aging_bucket == "d31_90"
    assert first.case_status == "open"
    assert not EmployerSnapshot.objects.filter(taken_on=DAY + datetime.timedelta(days=1)).exists()
    snapshots_take(run_date=DAY)  # a rerun replaces, never duplicates
    assert EmployerSnapshot.objects.filter(taken_on=DAY).count() == 1


@pytest.mark.django_db
def test_the_night_runs_once_per_date_unless_forced(rule, branch_ss):
    owed(EmployerFactory(branch=branch_ss))
    first = run_nightly_jobs(run_date=DAY)
    assert first["cases_open"] == {"rows": 1}
    again = run_nightly_jobs(run_date=DAY)
    assert set(again.values()) == {"skipped"}
    assert JobRun.objects.filter(run_date=DAY).count() == len(nightly_jobs_declared())
    forced = run_nightly_jobs(run_date=DAY, force=True)
    assert forced["cases_open"] == {"rows": 0}


@pytest.mark.django_db
def test_the_command_runs_as_of_a_date(rule, branch_ss):
    import io

    from django.core.management import call_command

    owed(EmployerFactory(branch=branch_ss))
    out = io.StringIO()
    call_command("run_nightly_jobs", "--date", "2026-06-01", stdout=out)
    assert "cases_open: {'rows': 1}" in out.getvalue()
    assert RecoveryCase.objects.get().opened_on == DAY


@pytest.mark.django_db
def test_the_celery_task_runs_the_same_nightly_service(rule, branch_ss):
    from core.tasks import nightly_jobs

    owed(EmployerFactory(branch=branch_ss))
    result = nightly_jobs.delay("2026-06-01").get()
    assert result["cases_open"] == {"rows": 1}
    assert JobRun.objects.filter(run_date=DAY, job="snapshots_take").exists()


@pytest.mark.django_db(transaction=True)
def test_two_nights_started_at_once_run_each_job_once(reference_data, branch_ss):
    CaseOpeningRule.objects.all().delete()
    CaseOpeningRule.objects.create(
        valid_from=datetime.date(2026, 1, 1), min_arrears=Decimal("100.00"), min_days_late=30
    )
    for _ in range(5):
        owed(EmployerFactory(branch=branch_ss))
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def night():
        try:
            barrier.wait()
            outcomes.append(run_nightly_jobs(run_date=DAY))
        except Exception as exc:  # pragma: no cover - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=night) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    opened = sorted(str(o["cases_open"]) for o in outcomes)
    assert opened == ["skipped", "{'rows': 5}"]
    assert RecoveryCase.objects.count() == 5
    assert EmployerSnapshot.objects.filter(taken_on=DAY).count() == 5
