"""The monthly summaries: each month's figures per branch and agent, written by the
nightly job from every app's tables in one set-based pass, read by the dashboards and
the monthly report instead of the raw rows.

A month's rows are month to date while it runs (refreshed each night, `as_of` the
night) and final from its last night on: the job never rewrites a final row, so a
report of a past month prints the same figures whenever it is printed. The first night
of a month closes the previous one if its last night did not run. `rebuild_summaries`
recomputes any range of months by hand, final rows included (after a correction).
"""

from __future__ import annotations

import datetime
import json

from django.utils import timezone

from core.calendar import add_months
from core.sql import analyze_after_bulk, set_based
from employers.models import AGING_BUCKETS
from reporting.models import MonthlySummary

MONEY_FIGURES = [
    "recovered_agreements",
    "recovered_accounts",
    "waivers_approved",
    "waivers_applied",
    "arrears",
    "billed_12m",
    *(f"aging_{key}" for key, _label, _first, _last in AGING_BUCKETS),
]
COUNT_FIGURES = [
    "cases_opened",
    "cases_closed",
    "cases_cured",
    "cases_at_start",
    "cases_active",
    "agreements_signed",
    "agreements_breached",
    "agreements_completed",
    "agreements_active",
    "days_to_agreement",
    "promises_due",
    "promises_kept",
    "referrals",
    "referrals_accepted",
    "employers_active",
    "employers_in_arrears",
]
FIGURES = MONEY_FIGURES + COUNT_FIGURES
# Stocks are read at the range's last month, never summed over months.
STOCK_FIGURES = {
    "cases_active",
    "agreements_active",
    "employers_active",
    "employers_in_arrears",
    "arrears",
    "billed_12m",
    *(f"aging_{key}" for key, _label, _first, _last in AGING_BUCKETS),
}

# Each source fills some figures for (branch, agent); the rest are zero. Parameters:
# start and end (the month's first day and the last day counted), start_ts and end_ts
# (the same days as instants, local midnight to midnight), s1 and s0 (this month's and
# the previous month's last snapshot dates).
SOURCES = {
    "payments": (
        ["recovered_agreements"],
        """SELECT a.branch_id, c.agent_id, sum(p.amount)
             FROM agreements_payment p
             JOIN agreements_paymentagreement a ON a.id = p.agreement_id
             JOIN recovery_recoverycase c ON c.id = a.case_id
            WHERE p.reversed_at IS NULL AND p.paid_on BETWEEN %(start)s AND %(end)s
            GROUP BY 1, 2""",
    ),
    # What the account system's imports show paid during the month on the employers
    # with a case and no agreement in force (an agreement's payments are counted as
    # recorded, above, not a second time when the account posts them).
    "accounts": (
        ["recovered_accounts"],
        """WITH moved AS (
               SELECT employer_id,
                      sum(CASE WHEN pgh_label = 'period.update' THEN paid ELSE -paid END) AS paid
                 FROM employers_contributionperiodevent
                WHERE pgh_label IN ('period.update', 'period.before_update')
                  AND pgh_created_at >= %(start_ts)s AND pgh_created_at < %(end_ts)s
                GROUP BY employer_id
           ), cases AS (
               SELECT DISTINCT ON (employer_id) employer_id, branch_id, agent_id
                 FROM recovery_recoverycase
                WHERE opened_on <= %(end)s AND (closed_on IS NULL OR closed_on >= %(start)s)
                ORDER BY employer_id, opened_on DESC, id DESC
           ), in_force AS (
               SELECT DISTINCT employer_id FROM agreements_paymentagreement
                WHERE activated_on <= %(end)s
                  AND coalesce(least(completed_on, breached_on), 'infinity') >= %(start)s
           )
           SELECT c.branch_id, c.agent_id, sum(m.paid)
             FROM moved m
             JOIN cases c USING (employer_id)
             LEFT JOIN in_force f USING (employer_id)
            WHERE m.paid > 0 AND f.employer_id IS NULL
            GROUP BY 1, 2""",
    ),
    "cases": (
        ["cases_opened", "cases_closed", "cases_cured", "cases_at_start", "cases_active"],
        """SELECT branch_id, agent_id,
                  count(*) FILTER (WHERE opened_on >= %(start)s),
                  count(*) FILTER (WHERE closed_on <= %(end)s),
                  count(*) FILTER (WHERE closed_on <= %(end)s AND close_reason = 'paid'),
                  count(*) FILTER (WHERE opened_on < %(start)s),
                  count(*) FILTER (WHERE closed_on IS NULL OR closed_on > %(end)s)
             FROM recovery_recoverycase
            WHERE opened_on <= %(end)s AND (closed_on IS NULL OR closed_on >= %(start)s)
            GROUP BY 1, 2""",
    ),
    "agreements": (
        [
            "agreements_signed",
            "agreements_breached",
            "agreements_completed",
            "agreements_active",
            "days_to_agreement",
        ],
        """SELECT a.branch_id, c.agent_id,
                  count(*) FILTER (WHERE a.signed_on BETWEEN %(start)s AND %(end)s),
                  count(*) FILTER (WHERE a.breached_on BETWEEN %(start)s AND %(end)s),
                  count(*) FILTER (WHERE a.completed_on BETWEEN %(start)s AND %(end)s),
                  count(*) FILTER (WHERE a.activated_on <= %(end)s
                                     AND coalesce(a.completed_on, 'infinity') > %(end)s
                                     AND coalesce(a.breached_on, 'infinity') > %(end)s),
                  coalesce(sum(greatest(a.signed_on - c.opened_on, 0))
                           FILTER (WHERE a.signed_on BETWEEN %(start)s AND %(end)s), 0)
             FROM agreements_paymentagreement a
             JOIN recovery_recoverycase c ON c.id = a.case_id
            WHERE a.signed_on <= %(end)s OR a.activated_on <= %(end)s
            GROUP BY 1, 2""",
    ),
    "promises": (
        ["promises_due", "promises_kept"],
        """SELECT c.branch_id, c.agent_id,
                  count(*) FILTER (WHERE p.status <> 'pending'),
                  count(*) FILTER (WHERE p.status = 'kept')
             FROM recovery_paymentpromise p
             JOIN recovery_recoverycase c ON c.id = p.case_id
            WHERE p.promised_on BETWEEN %(start)s AND %(end)s
            GROUP BY 1, 2""",
    ),
    "referrals": (
        ["referrals", "referrals_accepted"],
        """SELECT c.branch_id, c.agent_id,
                  count(*) FILTER (WHERE r.referred_on BETWEEN %(start)s AND %(end)s),
                  count(*) FILTER (WHERE r.accepted_on BETWEEN %(start)s AND %(end)s)
             FROM legal_legalreferral r
             JOIN recovery_recoverycase c ON c.id = r.case_id
            WHERE r.referred_on BETWEEN %(start)s AND %(end)s
               OR r.accepted_on BETWEEN %(start)s AND %(end)s
            GROUP BY 1, 2""",
    ),
    "waivers": (
        ["waivers_approved", "waivers_applied"],
        """SELECT s.branch_id, c.agent_id,
                  coalesce(sum(w.fines + w.surcharges)
                           FILTER (WHERE w.recorded_at >= %(start_ts)s
                                     AND w.recorded_at < %(end_ts)s), 0),
                  coalesce(sum(w.fines + w.surcharges)
                           FILTER (WHERE w.applied_at >= %(start_ts)s
                                     AND w.applied_at < %(end_ts)s), 0)
             FROM council_waiver w
             JOIN council_settlementrequest s ON s.id = w.request_id
             LEFT JOIN recovery_recoverycase c ON c.id = s.case_id
            WHERE (w.recorded_at >= %(start_ts)s AND w.recorded_at < %(end_ts)s)
               OR (w.applied_at >= %(start_ts)s AND w.applied_at < %(end_ts)s)
            GROUP BY 1, 2""",
    ),
    # The branch's own figures (agent empty).
    "employers": (
        ["employers_active"],
        """SELECT branch_id, NULL::bigint, count(*) FROM employers_employer
            WHERE status = 'active' GROUP BY 1""",
    ),
    "billed": (
        ["billed_12m"],
        """SELECT e.branch_id, NULL::bigint, sum(p.employer_share + p.worker_share)
             FROM employers_contributionperiod p
             JOIN employers_employer e ON e.id = p.employer_id
            WHERE p.period BETWEEN %(start)s - interval '11 months' AND %(start)s
            GROUP BY 1""",
    ),
    "arrears": (
        [
            "employers_in_arrears",
            "arrears",
            *(f"aging_{key}" for key, _label, _first, _last in AGING_BUCKETS),
        ],
        "SELECT branch_id, NULL::bigint, count(*) FILTER (WHERE aging_bucket <> ''), sum(debt), "
        + ", ".join(
            f"coalesce(sum(debt) FILTER (WHERE aging_bucket = '{key}'), 0)"
            for key, _label, _first, _last in AGING_BUCKETS
        )
        + " FROM recovery_employersnapshot WHERE taken_on = %(s1)s GROUP BY 1",
    ),
}

ROLLS_SQL = """
    WITH moved AS (
        SELECT s0.branch_id, s0.aging_bucket AS b0,
               coalesce(nullif(s1.aging_bucket, ''), 'current') AS b1, count(*) AS n
          FROM recovery_employersnapshot s0
          LEFT JOIN recovery_employersnapshot s1
            ON s1.employer_id = s0.employer_id AND s1.taken_on = %(s1)s
         WHERE s0.taken_on = %(s0)s AND s0.aging_bucket <> ''
         GROUP BY 1, 2, 3
    ), per_bucket AS (
        SELECT branch_id, b0, jsonb_object_agg(b1, n) AS rolls FROM moved GROUP BY 1, 2
    )
    SELECT branch_id, jsonb_object_agg(b0, rolls) FROM per_bucket GROUP BY 1
"""


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month_start(month), 1) - datetime.timedelta(days=1)


def _instant(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _snapshot_dates(cursor, start: datetime.date, end: datetime.date):
    cursor.execute(
        "SELECT (SELECT max(taken_on) FROM recovery_employersnapshot "
        "         WHERE taken_on BETWEEN %(start)s AND %(end)s), "
        "       (SELECT max(taken_on) FROM recovery_employersnapshot "
        "         WHERE taken_on < %(start)s AND taken_on >= %(start)s - 31)",
        {"start": start, "end": end},
    )
    return cursor.fetchone()


def summarize_month(month: datetime.date, *, as_of: datetime.date, force: bool = False) -> int:
    """Write `month`'s summary rows with the figures up to `as_of` (final when as_of is
    the month's last day). Rows already final are left alone unless `force`. Returns
    the rows written or deleted (0 when nothing changed)."""
    start = month_start(month)
    end = min(as_of, month_end(start))
    final = end == month_end(start)
    columns = ", ".join(FIGURES)
    with set_based() as cursor:
        s1, s0 = _snapshot_dates(cursor, start, end)
        params = {
            "start": start,
            "end": end,
            "start_ts": _instant(start),
            "end_ts": _instant(end + datetime.timedelta(days=1)),
            "s1": s1,
            "s0": s0,
        }
        cursor.execute("DROP TABLE IF EXISTS summary_facts")
        cursor.execute(
            "CREATE TEMP TABLE summary_facts (branch_id bigint NOT NULL, agent_id bigint, "
            + ", ".join(f"{name} numeric NOT NULL DEFAULT 0" for name in FIGURES)
            + ", rolls jsonb) ON COMMIT DROP"
        )
        for filled, sql in SOURCES.values():
            cursor.execute(
                f"INSERT INTO summary_facts (branch_id, agent_id, {', '.join(filled)}) {sql}",
                params,
            )
        if s0 and s1:
            cursor.execute(
                f"INSERT INTO summary_facts (branch_id, agent_id, rolls) "
                f"SELECT branch_id, NULL, rolls FROM ({ROLLS_SQL}) r (branch_id, rolls)",
                params,
            )
        cursor.execute("SELECT count(*) FROM summary_facts")
        analyze_after_bulk(cursor, "summary_facts", cursor.fetchone()[0])
        cursor.execute("DROP TABLE IF EXISTS summary_new")
        cursor.execute(
            f"""
            CREATE TEMP TABLE summary_new ON COMMIT DROP AS
            SELECT branch_id, agent_id,
                   {", ".join(f"sum({name}) AS {name}" for name in FIGURES)},
                   coalesce((array_agg(rolls) FILTER (WHERE rolls IS NOT NULL))[1], '{{}}')
                       AS rolls
              FROM summary_facts GROUP BY branch_id, agent_id
            """
        )
        writable = "TRUE" if force else "NOT s.is_final"
        cursor.execute(
            f"""
            DELETE FROM reporting_monthlysummary s
             WHERE s.month = %(start)s AND {writable}
               AND NOT EXISTS (SELECT 1 FROM summary_new n
                                WHERE n.branch_id = s.branch_id
                                  AND n.agent_id IS NOT DISTINCT FROM s.agent_id)
            """,
            params,
        )
        deleted = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO reporting_monthlysummary AS s
                (month, branch_id, agent_id, as_of, is_final, computed_at, snapshot_on, rolls,
                 {columns})
            SELECT %(start)s, branch_id, agent_id, %(end)s, %(final)s, now(), %(s1)s, rolls,
                   {columns}
              FROM summary_new
            ON CONFLICT ON CONSTRAINT summary_once DO UPDATE
               SET as_of = EXCLUDED.as_of, is_final = EXCLUDED.is_final,
                   computed_at = EXCLUDED.computed_at, snapshot_on = EXCLUDED.snapshot_on,
                   rolls = EXCLUDED.rolls,
                   {", ".join(f"{name} = EXCLUDED.{name}" for name in FIGURES)}
             WHERE {writable}
               AND (s.as_of, s.is_final, s.snapshot_on, s.rolls,
                    {", ".join(f"s.{n}" for n in FIGURES)})
                   IS DISTINCT FROM
                   (EXCLUDED.as_of, EXCLUDED.is_final, EXCLUDED.snapshot_on, EXCLUDED.rolls,
                    {", ".join(f"EXCLUDED.{n}" for n in FIGURES)})
            """,
            {**params, "final": final},
        )
        return deleted + cursor.rowcount


def summaries_refresh(*, run_date: datetime.date) -> int:
    """The nightly job: this month to date, and the previous month closed if its last
    night did not close it."""
    month = month_start(run_date)
    previous = add_months(month, -1)
    written = 0
    if MonthlySummary.objects.filter(month=previous, is_final=False).exists():
        written += summarize_month(previous, as_of=month_end(previous))
    return written + summarize_month(month, as_of=run_date)


def rebuild(first: datetime.date, last: datetime.date, *, today: datetime.date) -> dict:
    """Recompute every month from `first` to `last` (final rows included); a month
    that has not ended is month to date, as of `today`."""
    written = {}
    month = month_start(first)
    while month <= month_start(last):
        as_of = min(month_end(month), today)
        if as_of >= month:
            written[f"{month:%Y-%m}"] = summarize_month(month, as_of=as_of, force=True)
        month = add_months(month, 1)
    return written


def rolls_of(value) -> dict:
    """The rolls JSON as stored (psycopg gives a dict; a string when read raw)."""
    return json.loads(value) if isinstance(value, str) else (value or {})
