"""The nightly jobs of the recovery cases: set-based SQL, idempotent, run as of a date.

Declared in NIGHTLY_JOBS; core.nightly collects and runs them with the other apps'.
"""

from __future__ import annotations

import datetime
import heapq
from decimal import Decimal

from django.db.models import Count, Sum

from core.nightly import NightlyJob
from core.sql import set_based, sql_list
from employers.models import AGING_BUCKETS
from people.models import User
from people.roles import Role
from recovery.models import (
    ACTIVE_STATUSES,
    WORKED_STATUSES,
    CaseEventKind,
    CaseOpeningRule,
    CaseStatus,
    PromiseStatus,
    RecoveryCase,
    Strategy,
    StrategyRole,
    champion_strategy_id,
)

# Each employer's debt past due on %(day)s and its oldest due date: the same rule as
# employers.models.arrears_filter, for the set-based jobs.
ARREARS_BY_EMPLOYER = """
    SELECT employer_id, sum(balance) AS debt, min(due_date) AS oldest
      FROM employers_contributionperiod
     WHERE balance > 0 AND due_date < %(day)s
     GROUP BY employer_id
"""


def cases_open(*, run_date: datetime.date) -> int:
    """Open a case for every employer over the threshold without an active case.

    Each new case goes to the agent of its branch with the fewest active cases, then
    the least debt (counting the cases given out in this run). Returns how many opened.
    """
    rule = CaseOpeningRule.in_force(run_date)
    if rule is None:
        return 0
    with set_based() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('recupera.cases_open'))")
        cursor.execute(
            f"""
            SELECT e.id, e.branch_id, a.debt
              FROM ({ARREARS_BY_EMPLOYER}) a
              JOIN employers_employer e ON e.id = a.employer_id
             WHERE a.debt >= %(min_debt)s AND %(day)s - a.oldest >= %(min_days)s
               AND NOT EXISTS (SELECT 1 FROM recovery_recoverycase c
                                WHERE c.employer_id = e.id
                                  AND c.status IN ({sql_list(ACTIVE_STATUSES)}))
             ORDER BY a.debt DESC, e.id
            """,
            {"day": run_date, "min_debt": rule.min_arrears, "min_days": rule.min_days_late},
        )
        candidates = cursor.fetchall()
        if not candidates:
            return 0
        assignment = _assign_by_load({branch for _e, branch, _d in candidates}, candidates)
        employer_ids = [employer for employer, _b, _d in candidates]
        champion = champion_strategy_id()
        challenger = running_challenger(run_date)
        # Each new case draws a number in [0, 1): below the challenger's share it is the
        # challenger's, else the champion's; the draw is kept on the case (and said in its
        # opening event). Without a challenger running, every case is the champion's.
        cursor.execute(
            f"""
            WITH new AS (
                SELECT n.*, CASE WHEN %(challenger)s::bigint IS NULL THEN NULL
                                 ELSE round(random()::numeric, 5) END AS draw
                  FROM unnest(%(employers)s::bigint[], %(branches)s::bigint[],
                              %(agents)s::bigint[], %(debts)s::numeric[])
                       AS n(employer_id, branch_id, agent_id, debt)
            ), opened AS (
                INSERT INTO recovery_recoverycase
                    (employer_id, branch_id, agent_id, status, opening_debt, opened_on,
                     close_reason, close_note, hold_reason, hold_note, level_done,
                     next_action, broken_promises, strategy_id, strategy_draw)
                SELECT employer_id, branch_id, agent_id, %(open)s, debt, %(day)s,
                       '', '', '', '', false, '', 0,
                       CASE WHEN draw < %(share)s THEN %(challenger)s ELSE %(champion)s END,
                       draw
                  FROM new
                ON CONFLICT (employer_id) WHERE status IN ({sql_list(ACTIVE_STATUSES)})
                DO NOTHING
                RETURNING id, strategy_id, strategy_draw
            )
            INSERT INTO recovery_caseevent (case_id, at, kind, before, after, reason)
            SELECT o.id, now(), %(kind)s, '', %(status)s,
                   %(why)s || ' · ' || s.name
                   || coalesce(' (' || o.strategy_draw::text || ')', '')
              FROM opened o JOIN recovery_strategy s ON s.id = o.strategy_id
            """,
            {
                "employers": employer_ids,
                "branches": [branch for _e, branch, _d in candidates],
                "agents": [assignment.get(employer) for employer in employer_ids],
                "debts": [debt for _e, _b, debt in candidates],
                "day": run_date,
                "kind": CaseEventKind.OPENED,
                "open": CaseStatus.OPEN,
                "status": str(CaseStatus.OPEN.label),
                "why": f"≥ ${rule.min_arrears} · ≥ {rule.min_days_late} d",
                "champion": champion,
                "challenger": challenger.pk if challenger else None,
                "share": Decimal(challenger.share) / 100 if challenger else Decimal(0),
            },
        )
        return cursor.rowcount


def running_challenger(day: datetime.date) -> Strategy | None:
    """The challenger under test on `day`: started, not ended, with a share."""
    return (
        Strategy.objects.filter(
            role=StrategyRole.CHALLENGER,
            ended_on__isnull=True,
            started_on__lte=day,
            share__gt=0,
        )
        .order_by("pk")
        .first()
    )


def _assign_by_load(branches: set[int], candidates: list) -> dict[int, int]:
    """Employer id -> agent id: greedy by (active cases, debt), biggest debts first."""
    agents = list(
        User.objects.filter(
            groups__name=Role.AGENT.value, branch_id__in=branches, is_active=True
        ).values_list("pk", "branch_id")
    )
    load = {
        row["agent"]: (row["cases"], row["debt"] or Decimal(0))
        for row in RecoveryCase.objects.filter(
            status__in=ACTIVE_STATUSES, agent__in=[pk for pk, _b in agents]
        )
        .values("agent")
        .annotate(cases=Count("id"), debt=Sum("opening_debt"))
    }
    heaps: dict[int, list] = {}
    for pk, branch in agents:
        cases, debt = load.get(pk, (0, Decimal(0)))
        heapq.heappush(heaps.setdefault(branch, []), (cases, debt, pk))
    assignment = {}
    for employer, branch, debt in candidates:
        heap = heaps.get(branch)
        if not heap:
            continue  # no agent in the branch: the branch head assigns it
        cases, total, pk = heapq.heappop(heap)
        assignment[employer] = pk
        heapq.heappush(heap, (cases + 1, total + debt, pk))
    return assignment


def promises_evaluate(*, run_date: datetime.date) -> dict[str, int]:
    """Mark each promise that fell due as kept, partly kept or broken.

    Payments are what the account shows as paid now minus what it showed when the
    promise was made. A broken or partly kept promise puts its case back in contact
    and at the top of the agent's queue.
    """
    with set_based() as cursor:
        cursor.execute(
            """
            WITH due AS (
                SELECT p.id, c.employer_id
                  FROM recovery_paymentpromise p
                  JOIN recovery_recoverycase c ON c.id = p.case_id
                 WHERE p.status = %(pending)s AND p.promised_on <= %(day)s
                   FOR UPDATE OF p
            ), paid AS (
                SELECT employer_id, sum(paid) AS total FROM employers_contributionperiod
                 WHERE employer_id IN (SELECT employer_id FROM due) GROUP BY employer_id
            ), evaluated AS (
                UPDATE recovery_paymentpromise p
                   SET paid_since = greatest(coalesce(paid.total, 0) - p.baseline_paid, 0),
                       evaluated_on = %(day)s,
                       status = CASE
                           WHEN coalesce(paid.total, 0) - p.baseline_paid >= p.amount THEN %(kept)s
                           WHEN coalesce(paid.total, 0) - p.baseline_paid > 0 THEN %(partly_kept)s
                           ELSE %(broken)s END
                  FROM due LEFT JOIN paid USING (employer_id)
                 WHERE p.id = due.id
             RETURNING p.case_id, p.status, p.amount, p.paid_since
            ), events AS (
                INSERT INTO recovery_caseevent (case_id, at, kind, before, after, reason)
                SELECT case_id, now(), %(kind)s, amount::text, status, paid_since::text
                  FROM evaluated
            ), per_case AS (
                SELECT case_id, count(*) FILTER (WHERE status = %(broken)s) AS broken,
                       count(*) FILTER (WHERE status <> %(kept)s) AS missed
                  FROM evaluated GROUP BY case_id
            ), moved AS (
                UPDATE recovery_recoverycase c
                   SET broken_promises = c.broken_promises + per_case.broken,
                       status = CASE WHEN per_case.missed > 0 AND c.status = %(promise)s
                                     THEN %(in_contact)s ELSE c.status END
                  FROM per_case WHERE c.id = per_case.case_id
             RETURNING c.id
            )
            SELECT status, count(*) FROM evaluated GROUP BY status
            """,
            {
                "day": run_date,
                "kind": CaseEventKind.PROMISE,
                "pending": PromiseStatus.PENDING,
                "kept": PromiseStatus.KEPT,
                "partly_kept": PromiseStatus.PARTLY_KEPT,
                "broken": PromiseStatus.BROKEN,
                "promise": CaseStatus.PROMISE,
                "in_contact": CaseStatus.IN_CONTACT,
            },
        )
        counts = dict(cursor.fetchall())
    return {
        status.value: counts.get(status, 0)
        for status in (PromiseStatus.KEPT, PromiseStatus.PARTLY_KEPT, PromiseStatus.BROKEN)
    }


def strategy_advance(*, run_date: datetime.date) -> int:
    """Move each worked case one strategy level up when it qualifies.

    Only cases whose current level's action was done (or skipped with a reason) move,
    and only to the next level that applies to the employer's sector, so a case never
    skips a level's letter. Cases on hold stay where they are.
    """
    with set_based() as cursor:
        cursor.execute(
            f"""
            WITH facts AS (
                -- A case climbs its own strategy's ladder while that strategy is a
                -- running challenger; every other case, the champion's.
                SELECT c.id, e.sector, coalesce(cur."order", 0) AS current_order,
                       a.debt, %(day)s - a.oldest AS days_late,
                       CASE WHEN s.role = %(challenger)s AND s.ended_on IS NULL THEN s.id
                            ELSE %(champion)s END AS strategy_id
                  FROM recovery_recoverycase c
                  JOIN employers_employer e ON e.id = c.employer_id
                  LEFT JOIN recovery_strategy s ON s.id = c.strategy_id
                  LEFT JOIN recovery_strategylevel cur ON cur.id = c.level_id
                  JOIN ({ARREARS_BY_EMPLOYER}) a ON a.employer_id = c.employer_id
                 WHERE c.status IN ({sql_list(WORKED_STATUSES)})
                   AND (c.level_id IS NULL OR c.level_done)
                   AND (c.hold_until IS NULL OR c.hold_until < %(day)s)
                   FOR UPDATE OF c
            ), target AS (
                SELECT DISTINCT ON (f.id) f.id AS case_id, l.id AS level_id, l.name,
                       l.min_days_late, l.min_debt, f.days_late, f.debt
                  FROM facts f
                  JOIN recovery_strategylevel l
                    ON l.strategy_id = f.strategy_id
                   AND l.is_active AND l."order" > f.current_order
                   AND (l.sector = '' OR l.sector = f.sector)
                 ORDER BY f.id, l."order"
            ), moved AS (
                UPDATE recovery_recoverycase c
                   SET level_id = t.level_id, level_since = %(day)s, level_done = false
                  FROM target t
                 WHERE c.id = t.case_id
                   AND t.days_late >= t.min_days_late AND t.debt >= t.min_debt
             RETURNING c.id, t.name, t.days_late
            )
            INSERT INTO recovery_caseevent (case_id, at, kind, before, after, reason)
            SELECT id, now(), %(kind)s, '', name, days_late || ' d' FROM moved
            """,
            {
                "day": run_date,
                "kind": CaseEventKind.LEVEL,
                "champion": champion_strategy_id(),
                "challenger": StrategyRole.CHALLENGER,
            },
        )
        return cursor.rowcount


def snapshots_take(*, run_date: datetime.date) -> int:
    """Store, as of run_date, every employer's debt, aging and case (replacing a rerun)."""
    buckets = " ".join(
        f"WHEN %(day)s - a.oldest BETWEEN {first} AND {last if last is not None else 1000000} "
        f"THEN '{key}'"
        for key, _label, first, last in AGING_BUCKETS
    )
    with set_based() as cursor:
        cursor.execute(
            f"""
            INSERT INTO recovery_employersnapshot
                (taken_on, employer_id, branch_id, debt, oldest_due, aging_bucket,
                 case_id, case_status, level_order)
            SELECT %(day)s, e.id, e.branch_id, a.debt, a.oldest,
                   CASE {buckets} ELSE '' END,
                   c.id, coalesce(c.status, ''), l."order"
              FROM ({ARREARS_BY_EMPLOYER}) a
              JOIN employers_employer e ON e.id = a.employer_id
              LEFT JOIN recovery_recoverycase c
                ON c.employer_id = e.id AND c.status IN ({sql_list(ACTIVE_STATUSES)})
              LEFT JOIN recovery_strategylevel l ON l.id = c.level_id
            ON CONFLICT (taken_on, employer_id) DO UPDATE
               SET branch_id = EXCLUDED.branch_id, debt = EXCLUDED.debt,
                   oldest_due = EXCLUDED.oldest_due, aging_bucket = EXCLUDED.aging_bucket,
                   case_id = EXCLUDED.case_id, case_status = EXCLUDED.case_status,
                   level_order = EXCLUDED.level_order
            """,
            {"day": run_date},
        )
        return cursor.rowcount


NIGHTLY_JOBS = [
    NightlyJob("cases_open", cases_open, order=100),
    NightlyJob("promises_evaluate", promises_evaluate, order=200),
    NightlyJob("strategy_advance", strategy_advance, order=600),
    # The last of the night: the snapshot sees every other job's work.
    NightlyJob("snapshots_take", snapshots_take, order=900),
]
