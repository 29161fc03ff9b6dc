"""Nightly breach work: the project's job against the bare SQL and a naive ORM loop.

    python bench/breach_job.py --agreements 100000 --installments 10

Builds, in the scratch database `recupera_bench`, N active agreements with their
installments (generated in SQL), then times, each inside a transaction that is rolled
back so that all three start from the same data:
- job_s: the project's nightly work (installments_mark_overdue + agreements_breach +
  the Legal Unit's referrals_from_breaches, with their warnings, events, referrals,
  case transitions and notifications);
- bare_sql_s: two plain UPDATEs doing the same state changes (installments overdue,
  agreements breached);
- loop_s: a per-object ORM loop on a sample of agreements, extrapolated.
Then it runs the job for real twice and prints how many rows the second run changed.
One figure per line as `name: value`, after the engine. Goal: job_over_sql <= 1.5,
second_run_rows 0.

    python bench/breach_job.py --scale

runs 10k, 30k, 100k and 300k agreements and prints the ratio at each
(`job_over_sql_<size>`), the worst (`job_over_sql_max`) and the growth exponent of the
job's time (`growth_exponent`; goal <= 1.1).
"""

from __future__ import annotations

import argparse
import datetime
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report, setup_django

RUN_DATE = datetime.date(2026, 6, 1)


def build(agreements: int, per_agreement: int, *, fresh: bool = True) -> None:
    """Agreements with installments due monthly from four months before the run date;
    about a quarter of the agreements stopped paying at some point. Each employer has
    six periods in arrears before the agreement (in the agreement) and the current
    periods since, paid except the last one of one employer in ten (the "new arrears"
    rule). `fresh`: empty the tables first and ANALYZE after, as the bench does; a test
    adds the rows to its own transaction and keeps the statistics stale, as a bulk load
    leaves them until autovacuum passes."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if fresh:
            cursor.execute(
                """
            TRUNCATE agreements_installmentallocation, agreements_conceptallocation,
                     agreements_payment, agreements_installment, agreements_agreementperiod,
                     agreements_agreementevent, legal_referralevent, legal_legalreferral,
                     agreements_paymentagreement, recovery_caseevent, recovery_recoverycase,
                     people_notification, employers_contributionperiod, employers_employer
                     CASCADE
            """
            )
        cursor.execute("SELECT id FROM people_branch WHERE code = 'SS'")
        branch = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM agreements_agreementpolicy ORDER BY id LIMIT 1")
        policy = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM people_user ORDER BY id LIMIT 1")
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                "INSERT INTO people_user (password, is_superuser, username, first_name, "
                "last_name, email, is_staff, is_active, date_joined) VALUES "
                "('!', false, 'bench', 'Bench', '', '', false, true, now()) RETURNING id"
            )
            row = cursor.fetchone()
        user = row[0]
        cursor.execute(
            """
            INSERT INTO employers_employer
                (employer_number, person_type, nit, dui, nrc, legal_name, trade_name,
                 economic_activity, sector, address, phone, email, legal_representative,
                 branch_id, status, created_at, updated_at)
            SELECT (700000000 + g)::text, 'legal', '06140101901' || lpad((g %% 1000)::text, 3, '0'),
                   '', '', 'Empresa ' || g, '', '', 'private', '', '', '', '', %(branch)s,
                   'active', now(), now()
              FROM generate_series(1, %(n)s) g
            """,
            {"branch": branch, "n": agreements},
        )
        cursor.execute(
            """
            INSERT INTO recovery_recoverycase
                (employer_id, branch_id, agent_id, status, opening_debt, opened_on,
                 close_reason, close_note, hold_reason, hold_note, level_done, next_action,
                 broken_promises)
            SELECT id, branch_id, %(user)s, 'agreement', 1000, %(day)s::date - 200, '', '', '',
                   '', false, '', 0
              FROM employers_employer
            """,
            {"day": RUN_DATE, "user": user},
        )
        cursor.execute(
            """
            INSERT INTO agreements_paymentagreement
                (case_id, employer_id, branch_id, policy_id, status, total_amount, down_payment,
                 installments_count, frequency, first_due_date, created_by_id, created_at,
                 notary, protocol, legal_document, breach_reason, cancel_reason, activated_on)
            SELECT c.id, c.employer_id, c.branch_id, %(policy)s, 'active', 1000, 0, %(k)s,
                   'monthly', %(day)s::date - 120, %(user)s, now(), '', '', '', '', '',
                   %(day)s::date - 130
              FROM recovery_recoverycase c
            """,
            {"policy": policy, "k": per_agreement, "day": RUN_DATE, "user": user},
        )
        # Installment n falls due n-1 months after the first; agreements whose id % 4 = 0
        # stopped paying after (id % 3) installments; the others are up to date.
        cursor.execute(
            """
            INSERT INTO agreements_installment
                (agreement_id, number, due_date, amount, paid_amount, status)
            SELECT a.id, n, (%(day)s::date - 120 + (n - 1) * 30),
                   round(1000.0 / %(k)s, 2),
                   CASE WHEN (%(day)s::date - 120 + (n - 1) * 30) < %(day)s::date
                             AND NOT (a.id %% 4 = 0 AND n > a.id %% 3)
                        THEN round(1000.0 / %(k)s, 2) ELSE 0 END,
                   CASE WHEN (%(day)s::date - 120 + (n - 1) * 30) < %(day)s::date
                             AND NOT (a.id %% 4 = 0 AND n > a.id %% 3)
                        THEN 'paid' ELSE 'pending' END
              FROM agreements_paymentagreement a, generate_series(1, %(k)s) n
            """,
            {"day": RUN_DATE, "k": per_agreement},
        )
        # Periods: six months in arrears before the activation month, then the current
        # months up to the one before the run date's.
        cursor.execute(
            """
            INSERT INTO employers_contributionperiod
                (employer_id, period, due_date, employer_share, worker_share, fines,
                 surcharges, paid)
            SELECT a.employer_id, m.period, (m.period + interval '1 month 14 days')::date,
                   80, 30, 0, 0,
                   CASE WHEN m.period < date_trunc('month', a.activated_on) THEN 0
                        WHEN a.id %% 10 = 1
                             AND m.period = date_trunc('month', %(day)s::date - 31) THEN 0
                        ELSE 110 END
              FROM agreements_paymentagreement a
             CROSS JOIN LATERAL (
                SELECT generate_series(date_trunc('month', a.activated_on) - interval '6 months',
                                       date_trunc('month', %(day)s::date - 31),
                                       interval '1 month')::date AS period) m
            """,
            {"day": RUN_DATE},
        )
        cursor.execute(
            """
            INSERT INTO agreements_agreementperiod
                (agreement_id, period_id, contributions, fines, surcharges)
            SELECT a.id, cp.id, 110, 0, 0
              FROM agreements_paymentagreement a
              JOIN employers_contributionperiod cp ON cp.employer_id = a.employer_id
             WHERE cp.period < date_trunc('month', a.activated_on)
            """
        )
        if fresh:
            cursor.execute("ANALYZE")


# The same state changes as the job, written as plain statements one after another:
# installments overdue and their agent's notice (one per agreement), warnings (a notice
# per installment), agreements breached with their reason, their events and the agent's
# notice, referrals and their events, cases referred and their events. (The bench has no
# heads nor Legal Unit users, so the job's notices to them write nothing either.)
BARE_SQL = [
    """
    WITH marked AS (
        UPDATE agreements_installment i
           SET status = 'overdue', overdue_since = i.due_date + p.grace_days + 1
          FROM agreements_paymentagreement a
          JOIN agreements_agreementpolicy p ON p.id = a.policy_id
         WHERE i.agreement_id = a.id AND a.status = 'active'
           AND i.status IN ('pending', 'partly_paid') AND i.due_date + p.grace_days < %(day)s
        RETURNING i.agreement_id
    )
    INSERT INTO people_notification (user_id, created_at, title, body, url)
    SELECT c.agent_id, now(), 'Cuota vencida en el convenio ' || a.id,
           'Una cuota está vencida.', '/convenios/' || a.id || '/'
      FROM (SELECT DISTINCT agreement_id FROM marked) m
      JOIN agreements_paymentagreement a ON a.id = m.agreement_id
      JOIN recovery_recoverycase c ON c.id = a.case_id
     WHERE c.agent_id IS NOT NULL
    """,
    """
    WITH warned AS (
        UPDATE agreements_installment i SET warned_on = %(day)s
          FROM agreements_paymentagreement a
          JOIN agreements_agreementpolicy p ON p.id = a.policy_id
         WHERE i.agreement_id = a.id AND a.status = 'active'
           AND i.status IN ('pending', 'partly_paid') AND i.warned_on IS NULL
           AND i.due_date BETWEEN %(day)s AND %(day)s + p.warning_days
        RETURNING i.agreement_id, i.number, i.due_date
    )
    INSERT INTO people_notification (user_id, created_at, title, body, url)
    SELECT c.agent_id, now(), 'Cuota por vencer en el convenio ' || a.id,
           'Cuota ' || w.number || ' sin pagar, vence el ' || to_char(w.due_date, 'DD/MM/YYYY'),
           '/convenios/' || a.id || '/'
      FROM warned w
      JOIN agreements_paymentagreement a ON a.id = w.agreement_id
      JOIN recovery_recoverycase c ON c.id = a.case_id
     WHERE c.agent_id IS NOT NULL
    """,
    """
    CREATE TEMP TABLE bench_breached ON COMMIT DROP AS
    SELECT a.id, a.case_id, concat_ws('; ', o.n || ' vencidas', na.periods || ' períodos') AS reason
      FROM agreements_paymentagreement a
      JOIN agreements_agreementpolicy p ON p.id = a.policy_id
      LEFT JOIN (SELECT agreement_id, count(*) AS n, max(%(day)s - due_date) AS worst
                   FROM agreements_installment WHERE status = 'overdue' GROUP BY agreement_id) o
        ON o.agreement_id = a.id
      LEFT JOIN (SELECT a2.id AS agreement_id, count(*) AS periods
                   FROM agreements_paymentagreement a2
                   JOIN agreements_agreementpolicy p2 ON p2.id = a2.policy_id
                   JOIN employers_contributionperiod cp ON cp.employer_id = a2.employer_id
                  WHERE a2.status = 'active' AND p2.breach_on_new_arrears AND cp.balance > 0
                    AND cp.due_date + p2.grace_days < %(day)s
                    AND cp.period >= date_trunc('month', a2.activated_on)
                    AND NOT EXISTS (SELECT 1 FROM agreements_agreementperiod ap
                                     WHERE ap.agreement_id = a2.id AND ap.period_id = cp.id)
                  GROUP BY a2.id) na
        ON na.agreement_id = a.id
     WHERE a.status = 'active'
       AND (o.n >= p.breach_installments OR o.worst > p.breach_days OR na.periods > 0)
    """,
    """
    UPDATE agreements_paymentagreement a
       SET status = 'referred', breached_on = %(day)s, breach_reason = b.reason
      FROM bench_breached b WHERE a.id = b.id
    """,
    """
    INSERT INTO agreements_agreementevent (agreement_id, at, kind, before, after, reason)
    SELECT id, now(), 'status', 'Activo', 'Incumplido', reason FROM bench_breached
    UNION ALL SELECT id, now(), 'status', 'Incumplido', 'Remitido', '' FROM bench_breached
    """,
    """
    INSERT INTO people_notification (user_id, created_at, title, body, url)
    SELECT c.agent_id, now(), 'Convenio incumplido y remitido: ' || b.id,
           'El caso fue remitido a la Unidad Jurídica.', '/convenios/' || b.id || '/'
      FROM bench_breached b JOIN recovery_recoverycase c ON c.id = b.case_id
     WHERE c.agent_id IS NOT NULL
    """,
    """
    WITH referred AS (
        INSERT INTO legal_legalreferral
            (case_id, agreement_id, status, referred_on, debt, reason, returned_reason,
             judicial_stage, amount_recovered, notes)
        SELECT b.case_id, b.id, 'pending', %(day)s, sum(i.amount - i.paid_amount), b.reason,
               '', '', 0, ''
          FROM bench_breached b JOIN agreements_installment i ON i.agreement_id = b.id
         GROUP BY b.case_id, b.id, b.reason
        RETURNING id, reason
    )
    INSERT INTO legal_referralevent (referral_id, at, kind, before, after, reason)
    SELECT id, now(), 'referred', '', 'Pendiente', reason FROM referred
    """,
    """
    UPDATE recovery_recoverycase c SET status = 'referred'
      FROM bench_breached b WHERE c.id = b.case_id AND c.status = 'agreement'
    """,
    """
    INSERT INTO recovery_caseevent (case_id, at, kind, before, after, reason)
    SELECT case_id, now(), 'transition', 'Convenio', 'Remitido', reason FROM bench_breached
    """,
]


def timed_rollback(work) -> tuple[float, int]:
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        rows = work()
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed, rows


def job() -> int:
    """The night's agreement work as the runner does it: agreements' two jobs, then
    the Legal Unit's referral of the breached agreements' cases."""
    from agreements.jobs import agreements_breach, installments_mark_overdue
    from legal.services import referrals_from_breaches

    marked = installments_mark_overdue(run_date=RUN_DATE)
    breached = agreements_breach(run_date=RUN_DATE)
    referred = referrals_from_breaches(run_date=RUN_DATE)
    return marked["overdue"] + marked["warned"] + breached + referred


def bare_sql() -> int:
    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        for statement in BARE_SQL:
            cursor.execute(statement, {"day": RUN_DATE})
            rows += max(cursor.rowcount, 0)
    return rows


def naive_loop(sample: int) -> int:
    """What a per-object implementation would do, on the first `sample` agreements."""
    from agreements.models import Installment, PaymentAgreement

    rows = 0
    for agreement in PaymentAgreement.objects.filter(status="active").order_by("pk")[:sample]:
        policy = agreement.policy
        overdue = []
        for installment in Installment.objects.filter(agreement=agreement).order_by("number"):
            late = (RUN_DATE - installment.due_date).days
            if installment.status in ("pending", "partly_paid") and late > policy.grace_days:
                installment.status = "overdue"
                installment.overdue_since = installment.due_date + datetime.timedelta(
                    days=policy.grace_days + 1
                )
                installment.save(update_fields=["status", "overdue_since"])
                rows += 1
            if installment.status == "overdue":
                overdue.append(late)
        if len(overdue) >= policy.breach_installments or (
            overdue and max(overdue) > policy.breach_days
        ):
            agreement.status = "referred"
            agreement.breached_on = RUN_DATE
            agreement.save(update_fields=["status", "breached_on"])
            rows += 1
    return rows


SCALE = [10_000, 30_000, 100_000, 300_000]


def measure(agreements: int, installments: int) -> tuple[float, float]:
    """Build `agreements` and time the job and the bare SQL on them, each from the same
    data (rolled back), after one warm-up of each; the best of two runs."""
    build(agreements, installments)
    timed_rollback(job)
    timed_rollback(bare_sql)
    job_s = min(timed_rollback(job)[0] for _ in range(2))
    bare_s = min(timed_rollback(bare_sql)[0] for _ in range(2))
    return job_s, bare_s


def growth_exponent(sizes: list[int], seconds: list[float]) -> float:
    """The slope of log(time) over log(size), least squares: 1 is linear, 2 quadratic."""
    xs = [math.log(size) for size in sizes]
    ys = [math.log(value) for value in seconds]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    numerator = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return numerator / sum((x - mean_x) ** 2 for x in xs)


def scale(installments: int) -> dict:
    figures: dict = {}
    job_times = []
    ratios = []
    for size in SCALE:
        job_s, bare_s = measure(size, installments)
        job_times.append(job_s)
        ratios.append(job_s / bare_s)
        label = f"{size // 1000}k"
        figures[f"job_s_{label}"] = f"{job_s:.2f}"
        figures[f"bare_sql_s_{label}"] = f"{bare_s:.2f}"
        figures[f"job_over_sql_{label}"] = f"{job_s / bare_s:.2f}"
        print(f"# {label}: job {job_s:.2f} s, bare SQL {bare_s:.2f} s", flush=True)
    figures["job_over_sql_max"] = f"{max(ratios):.2f}"
    figures["growth_exponent"] = f"{growth_exponent(SCALE, job_times):.2f}"
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=100_000)
    parser.add_argument("--installments", type=int, default=10)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument(
        "--scale",
        action="store_true",
        help="Run 10k, 30k, 100k and 300k agreements: the ratio at each and the growth.",
    )
    args = parser.parse_args()
    setup_django()
    if args.scale:
        report(scale(args.installments))
        return
    job_s, bare_s = measure(args.agreements, args.installments)
    loop_sample_s, _rows = timed_rollback(lambda: naive_loop(args.sample))
    loop_s = loop_sample_s * args.agreements / args.sample
    _s, first_rows = timed_rollback(job)
    from django.db import transaction

    with transaction.atomic():
        job()
    with transaction.atomic():
        second_rows = job()
    report(
        {
            "agreements": args.agreements,
            "installments": args.agreements * args.installments,
            "job_s": f"{job_s:.2f}",
            "bare_sql_s": f"{bare_s:.2f}",
            "loop_s": f"{loop_s:.1f}",
            "job_over_sql": f"{job_s / bare_s:.2f}",
            "first_run_rows": first_rows,
            "second_run_rows": second_rows,
        }
    )


if __name__ == "__main__":
    main()
