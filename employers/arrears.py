"""The employers' periods in arrears summed up once, for the lists sorted by debt.

Sorting the agent's queue by debt summed each of its 3,300 cases' periods on every
request (16 to 22 ms of the page on PostgreSQL 15 at 50,000 employers); with the summary
the sort reads one row per case. The summary is only used while it is known to be
right: `ArrearsSummaryState.as_of` is today (a trigger clears it on any write to the
periods, and a new day makes yesterday's stale), otherwise the periods are summed as
before (`recovery.models.cases.debt_sort_key`)."""

from __future__ import annotations

import datetime

from django.db.models import Min, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.sql import set_based
from employers.models import ContributionPeriod, arrears_filter


def lock_arrears_summary(cursor, today: datetime.date) -> bool:
    """Take the state's row lock (held to the end of the transaction) and say whether
    the summary holds on `today`. A transaction writing periods takes that lock too (the
    trigger), so whoever holds it sums up what the others wrote, never around them."""
    cursor.execute(
        "INSERT INTO employers_arrearssummarystate (id, as_of) VALUES (1, NULL) "
        "ON CONFLICT (id) DO NOTHING"
    )
    cursor.execute("SELECT as_of FROM employers_arrearssummarystate WHERE id = 1 FOR UPDATE")
    return cursor.fetchone()[0] == today


def refresh_arrears_summary(
    *, today: datetime.date | None = None, employers_sql: str | None = None
) -> int:
    """Sum up the employers' periods in arrears on `today` (default: the real today, the
    day the lists ask about) and mark the summary fresh. Returns the employers summed
    up in arrears.

    `employers_sql`: a query of the employer ids whose periods changed, when the caller
    knows the summary held for every other employer (the import, which checked that
    before its merge under the same lock): only theirs are summed again. Without it,
    every employer's (the night, and an import that found the summary stale)."""
    today = today or timezone.localdate()
    # What is in arrears is arrears_filter's rule, the one the lists sum up live.
    periods = ContributionPeriod.objects.filter(arrears_filter(today)).order_by()
    if employers_sql:
        periods = periods.filter(employer_id__in=RawSQL(employers_sql, ()))
    summed = periods.values("employer").annotate(debt=Sum("balance"), oldest=Min("due_date"))
    select, params = summed.values_list("employer", "debt", "oldest").query.sql_with_params()
    with set_based() as cursor:
        lock_arrears_summary(cursor, today)
        only = f" WHERE employer_id IN ({employers_sql})" if employers_sql else ""
        cursor.execute(f"DELETE FROM employers_arrearssummary{only}")
        cursor.execute(
            f"INSERT INTO employers_arrearssummary (employer_id, debt, oldest_due) {select}",
            params,
        )
        employers = cursor.rowcount
        if not employers_sql:
            # Its plans join it by employer: statistics of what it holds now. A few
            # employers summed again change them little (autovacuum's ANALYZE follows).
            cursor.execute("ANALYZE employers_arrearssummary")
        cursor.execute("UPDATE employers_arrearssummarystate SET as_of = %s WHERE id = 1", [today])
    return employers


def arrears_summary_nightly(*, run_date: datetime.date) -> dict:
    """The nightly job: a due date passing overnight changes what is in arrears."""
    return {"employers": refresh_arrears_summary()}
