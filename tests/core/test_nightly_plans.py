"""Every nightly job stays linear on statistics that do not know the night's data yet.

The data set is loaded in the test's transaction, so no autovacuum ANALYZE has seen it —
the statistics say what they said before, as after a bulk load or on the first night
after go-live. The nightly run then executes with auto_explain collecting the plan of
every statement (job statements, notifications, history triggers) with actual rows; a
nested loop comparing two sets of hundreds of rows each fails the test.
"""

import pytest

from bench.breach_job import RUN_DATE, build
from core.nightly import run_nightly_jobs
from tests.plans import executed_plans, quadratic_joins

AGREEMENTS = 1500
THRESHOLD = 300


@pytest.mark.django_db
def test_no_nightly_job_joins_two_large_sets_by_nested_loop():
    build(AGREEMENTS, 6, fresh=False)

    with executed_plans() as plans:
        results = run_nightly_jobs(run_date=RUN_DATE, force=True)

    # The night did the work the data set calls for, so its plans had rows to read.
    assert results["agreements_breach"]["rows"] > AGREEMENTS // 5
    assert results["installments_mark_overdue"]["overdue"] > AGREEMENTS // 2
    assert len(plans) > 20
    assert quadratic_joins(plans, threshold=THRESHOLD) == []


def _night_with_every_job_busy() -> None:
    """The bench's agreements (overdue installments, breaches, referrals), plus what
    the other jobs work on: employers in arrears without a case (cases_open) and
    promises falling due (promises_evaluate); strategy levels and snapshots read every
    case and employer."""
    from django.db import connection

    from people.models import Branch
    from people.roles import Role
    from tests.factories import UserFactory

    build(AGREEMENTS, 6, fresh=False)
    UserFactory(role=Role.AGENT, branch=Branch.objects.get(code="SS"))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH new AS (
                INSERT INTO employers_employer
                    (employer_number, person_type, nit, dui, nrc, legal_name, trade_name,
                     economic_activity, sector, address, phone, email, legal_representative,
                     branch_id, status, created_at, updated_at, legal_representative_dui)
                SELECT (800000000 + g)::text, 'legal',
                       '06140101902' || lpad((g %% 1000)::text, 3, '0'),
                       '', '', 'Sin caso ' || g, '', '', 'private', '', '', '', '',
                       (SELECT id FROM people_branch WHERE code = 'SS'), 'active', now(), now(), ''
                  FROM generate_series(1, %(n)s) g
                RETURNING id
            )
            INSERT INTO employers_contributionperiod
                (employer_id, period, due_date, employer_share, worker_share, fines,
                 surcharges, paid)
            SELECT new.id, m::date, (m + interval '1 month 14 days')::date, 900, 300, 0, 0, 0
              FROM new, generate_series(date_trunc('month', %(day)s::date - 400),
                                        date_trunc('month', %(day)s::date - 100),
                                        interval '1 month') m
            """,
            {"n": AGREEMENTS, "day": RUN_DATE},
        )
        cursor.execute(
            """
            INSERT INTO recovery_paymentpromise
                (case_id, amount, promised_on, baseline_paid, status, created_at)
            SELECT c.id, 100, %(day)s::date - 1, 0, 'pending', now()
              FROM recovery_recoverycase c
             ORDER BY c.id LIMIT %(n)s
            """,
            {"n": AGREEMENTS, "day": RUN_DATE},
        )
        # Every active agreement's first period waived on condition of it (council's
        # revocation job revokes those whose agreement breaches tonight).
        cursor.execute(
            """
            WITH request AS (
                INSERT INTO council_settlementrequest
                    (number, kind, employer_id, branch_id, received_on, prepared_by_id,
                     status, payment_terms, agreement_id, draft_text, resolution_number,
                     outcome_note, notes, created_at)
                SELECT 'ST-2026-' || lpad(a.id::text, 6, '0'), 'settlement', a.employer_id,
                       a.branch_id, %(day)s, (SELECT min(id) FROM people_user), 'approved',
                       'agreement', a.id, '', '', '', '', now()
                  FROM agreements_paymentagreement a WHERE a.status = 'active'
                RETURNING id, agreement_id
            ), line AS (
                INSERT INTO council_requestperiod
                    (request_id, period_id, contributions, fines, surcharges, fines_owed,
                     surcharges_owed)
                SELECT r.id, p.id, 0, p.fines, p.surcharges, p.fines, p.surcharges
                  FROM request r
                  JOIN agreements_paymentagreement a ON a.id = r.agreement_id
                  JOIN LATERAL (SELECT * FROM employers_contributionperiod cp
                                 WHERE cp.employer_id = a.employer_id
                                 ORDER BY cp.period LIMIT 1) p ON true
                RETURNING id, request_id, period_id, fines, surcharges
            )
            INSERT INTO council_waiver
                (request_id, request_period_id, period_id, fines, surcharges, fines_before,
                 surcharges_before, condition_agreement_id, status, recorded_by_id,
                 recorded_at, applied_note, revoked_reason)
            SELECT l.request_id, l.id, l.period_id, l.fines, l.surcharges, l.fines,
                   l.surcharges, r.agreement_id, 'pending', (SELECT min(id) FROM people_user),
                   now(), '', ''
              FROM line l JOIN request r ON r.id = l.request_id
            """,
            {"day": RUN_DATE},
        )


# Run for their plans on an empty set: this data set has no agreement that lapses or
# is paid up (the bench's agreements are all active and in arrears).
IDLE_HERE = {"agreements_lapse", "agreements_complete"}
JOBS = [
    "cases_open",
    "promises_evaluate",
    "agreements_lapse",
    "installments_mark_overdue",
    "agreements_breach",
    "referrals_from_breaches",
    "agreements_complete",
    "strategy_advance",
    "snapshots_take",
    "relations_find",
    "arrears_summary",
    "prescription_clocks",
    "waivers_revoke_on_breach",
    "summaries_refresh",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", JOBS)
def test_each_nightly_job_is_linear_on_stale_statistics(name):
    """The night runs in order; only `name`'s own statements are examined."""
    from core.nightly import nightly_jobs

    _night_with_every_job_busy()
    jobs = {job.name: job for job in nightly_jobs()}
    assert name in jobs
    for job in nightly_jobs():
        if job.name == name:
            with executed_plans() as plans:
                done = job.run(run_date=RUN_DATE)
            break
        job.run(run_date=RUN_DATE)
    assert plans, f"{name} ran no statement"
    if name not in IDLE_HERE:  # it had rows to read and write: its plans tell
        rows = done if isinstance(done, int) else sum(done.values())
        assert rows > 0, f"{name} found nothing to do: the data set does not exercise it"
    assert quadratic_joins(plans, threshold=THRESHOLD) == []
