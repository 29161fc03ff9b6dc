"""Dashboards and the monthly report at scale: 50,000 employers, then 500,000.

    python bench/dashboards.py [--sizes 50000,500000] [--repeat 5]

For each size, builds in the scratch database (`recupera_bench`; never the
application's own) a department as the dashboards see it — employers with 12 months of
contributions each, one in eight with a case (a third closed over the last months),
agreements signed and paid month by month, promises, ten agents a branch and the
nightly snapshots of the last 24 month-ends — rebuilds the monthly summaries for those
24 months (`rebuild_s`), then times the head's dashboard, a branch's and a branch
head's (the page through Django's test client, rendered, median of `--repeat`), counts
each one's queries, and times last month's report PDF. Prints the engine, then:
`dashboard_queries_max` (the most queries any dashboard ran: goal <= 10),
`dashboard_ms_50k` (the head's dashboard at 50,000 employers: goal < 300),
`growth_10x` (the slowest dashboard at 500,000 over the same at 50,000: goal <= 1.3),
`report_s` and `report_pages` (goal: 20 pages in <= 5 s), with each size's figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report, setup_django

AGENTS_PER_BRANCH = 10


def build(employers: int) -> None:
    """The department at `employers` employers, written set-based."""
    from django.db import connection
    from django.utils import timezone

    from core.calendar import add_months
    from people.models import Branch, User
    from people.roles import Role
    from recovery.jobs import snapshots_take
    from reporting.summaries import month_end
    from tests.factories import UserFactory

    today = timezone.localdate()
    this_month = today.replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE reporting_monthlysummary, reporting_monthlyreport, "
            "recovery_employersnapshot, recovery_paymentpromise, agreements_payment, "
            "agreements_installment, agreements_paymentagreement, recovery_caseevent, "
            "recovery_recoverycase, employers_contributionperiod, employers_employer CASCADE"
        )
    # The users stay from one run to the next (their history refers to them).
    wanted = [
        (f"bench-{branch.code}-{n}", Role.AGENT, branch)
        for branch in Branch.objects.filter(is_active=True)
        for n in range(AGENTS_PER_BRANCH)
    ]
    wanted += [
        ("bench-head", Role.DEPARTMENT_HEAD, None),
        ("bench-head-ss", Role.BRANCH_HEAD, Branch.objects.get(code="SS")),
    ]
    existing = set(
        User.objects.filter(username__startswith="bench-").values_list("username", flat=True)
    )
    for username, role, branch in wanted:
        if username not in existing:
            UserFactory(role=role, branch=branch, username=username)
    params = {"n": employers, "day": today, "month": this_month}
    statements = [
        """
        INSERT INTO employers_employer
            (employer_number, person_type, nit, dui, nrc, legal_name, trade_name,
             economic_activity, sector, address, phone, email, legal_representative,
             branch_id, status, created_at, updated_at, legal_representative_dui)
        SELECT (700000000 + g)::text, 'legal', '06140101902' || lpad((g %% 1000)::text, 3, '0'),
               '', '', 'Empresa ' || g, '', '', 'private', '', '', '', '',
               (SELECT id FROM people_branch WHERE is_active ORDER BY code
                 OFFSET g %% (SELECT count(*) FROM people_branch WHERE is_active) LIMIT 1),
               'active', now(), now(), ''
          FROM generate_series(1, %(n)s) g
        """,
        # Twelve months each; one employer in eight has not paid the last six.
        """
        INSERT INTO employers_contributionperiod
            (employer_id, period, due_date, employer_share, worker_share, fines, surcharges, paid)
        SELECT e.id, m::date, (m + interval '1 month 14 days')::date, 300, 90,
               CASE WHEN e.id %% 8 = 0 AND m > %(month)s::date - interval '7 months'
                    THEN 12 ELSE 0 END, 0,
               CASE WHEN e.id %% 8 = 0 AND m > %(month)s::date - interval '7 months'
                    THEN 0 ELSE 390 END
          FROM employers_employer e,
               generate_series(%(month)s::date - interval '12 months',
                               %(month)s::date - interval '1 month', interval '1 month') m
        """,
        """
        INSERT INTO recovery_recoverycase
            (status, opening_debt, opened_on, closed_on, close_reason, close_note, hold_reason,
             hold_note, level_done, next_action, broken_promises, branch_id, employer_id,
             agent_id)
        SELECT CASE WHEN e.id %% 3 = 0 THEN 'closed' ELSE 'open' END, 2340,
               %(day)s::date - (e.id %% 700)::int,
               CASE WHEN e.id %% 3 = 0 THEN %(day)s::date - (e.id %% 700)::int / 2 END,
               CASE WHEN e.id %% 3 = 0 THEN 'paid' ELSE '' END, '', '', '', false, '', 0,
               e.branch_id, e.id,
               (SELECT u.id FROM people_user u WHERE u.branch_id = e.branch_id
                  AND u.username LIKE 'bench-%%' AND u.username NOT LIKE 'bench-head%%'
                ORDER BY u.id OFFSET e.id %% {agents} LIMIT 1)
          FROM employers_employer e WHERE e.id %% 8 = 0
        """.replace("{agents}", str(AGENTS_PER_BRANCH)),
        """
        INSERT INTO agreements_paymentagreement
            (status, total_amount, down_payment, installments_count, frequency, first_due_date,
             created_at, notary, protocol, legal_document, breach_reason, cancel_reason,
             branch_id, case_id, created_by_id, employer_id, policy_id, signed_on,
             activated_on, completed_on, breached_on)
        SELECT CASE c.id %% 5 WHEN 0 THEN 'breached' WHEN 1 THEN 'completed' ELSE 'active' END,
               2340, 240, 6, 'monthly', c.opened_on + 40, now(), '', '', '', '', '',
               c.branch_id, c.id, c.agent_id, c.employer_id,
               (SELECT min(id) FROM agreements_agreementpolicy),
               c.opened_on + 10, c.opened_on + 12,
               CASE WHEN c.id %% 5 = 1 THEN least(c.opened_on + 200, %(day)s::date) END,
               CASE WHEN c.id %% 5 = 0 THEN least(c.opened_on + 100, %(day)s::date) END
          FROM recovery_recoverycase c WHERE c.id %% 4 = 0 AND c.opened_on + 12 <= %(day)s
        """,
        """
        INSERT INTO agreements_payment
            (receipt_number, paid_on, amount, recorded_at, unallocated, reversal_reason,
             agreement_id)
        SELECT 'B-' || a.id || '-' || k, a.activated_on + 30 * k, 350, now(), 0, '', a.id
          FROM agreements_paymentagreement a, generate_series(0, 5) k
         WHERE a.activated_on + 30 * k <= %(day)s
        """,
        """
        INSERT INTO recovery_paymentpromise
            (amount, promised_on, baseline_paid, status, created_at, case_id)
        SELECT 200, c.opened_on + 20, 0,
               CASE WHEN c.id %% 3 = 0 THEN 'kept' ELSE 'broken' END, now(), c.id
          FROM recovery_recoverycase c WHERE c.opened_on + 20 <= %(day)s
        """,
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
        cursor.execute("ANALYZE")
    for back in range(24, 0, -1):
        snapshots_take(run_date=month_end(add_months(this_month, -back)))
    snapshots_take(run_date=today)


def measure(repeat: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from core.calendar import add_months
    from people.models import Branch, User
    from reporting import dashboards
    from reporting.report import build_report
    from reporting.summaries import rebuild

    today = timezone.localdate()
    this_month = today.replace(day=1)
    started = time.perf_counter()
    rebuild(add_months(this_month, -24), this_month, today=today)
    figures = {"rebuild_s": time.perf_counter() - started}
    head = User.objects.get(username="bench-head")
    branch_head = User.objects.get(username="bench-head-ss")
    ss = Branch.objects.get(code="SS")
    period = dashboards.default_period(today)
    cases = {
        "head": (head, None, "/tablero/"),
        "branch": (head, ss, f"/tablero/?branch={ss.pk}"),
        "branch_head": (branch_head, None, "/tablero/"),
    }
    for name, (user, branch, url) in cases.items():
        with CaptureQueriesContext(connection) as queries:
            dashboards.dashboard(user, period, branch=branch)
        figures[f"queries_{name}"] = len(queries)
        client = Client()
        client.force_login(user)
        client.get(url)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        figures[f"ms_{name}"] = statistics.median(times) * 1000
    # The first report a worker builds loads WeasyPrint and its fonts; the next ones
    # are what a month's report costs.
    for key in ["report_first_s", "report_s"]:
        started = time.perf_counter()
        _pdf, _xlsx, pages = build_report(add_months(this_month, -1))
        figures[key] = time.perf_counter() - started
    figures["report_pages"] = pages
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50000,500000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    sizes = [int(size) for size in args.sizes.split(",")]
    results = {}
    for size in sizes:
        started = time.perf_counter()
        build(size)
        built = time.perf_counter() - started
        results[size] = {"build_s": built, **measure(args.repeat)}
    figures = {}
    for size, values in results.items():
        label = f"{size // 1000}k"
        for name, value in values.items():
            figures[f"{name}_{label}"] = f"{value:.2f}" if isinstance(value, float) else value
    first, last = results[sizes[0]], results[sizes[-1]]
    dashboards = ["head", "branch", "branch_head"]
    figures["dashboard_queries_max"] = max(
        values[f"queries_{name}"] for values in results.values() for name in dashboards
    )
    figures["dashboard_ms_50k"] = f"{first['ms_head']:.1f}"
    slowest = max(dashboards, key=lambda name: first[f"ms_{name}"])
    if len(sizes) > 1:
        figures["growth_10x"] = f"{last[f'ms_{slowest}'] / first[f'ms_{slowest}']:.2f}"
    figures["report_first_s"] = f"{first['report_first_s']:.2f}"
    figures["report_s"] = f"{first['report_s']:.2f}"
    figures["report_pages"] = first["report_pages"]
    report(figures)


if __name__ == "__main__":
    main()
