"""Nightly jobs of the payment agreements, collected by core.nightly.

Each is a few set-based statements in one transaction: killed half-way, it leaves the
data as it was; run twice, or twice at once, it changes nothing the second time
(every statement only touches rows still in the state it changes). A job writes only
agreements' tables; notifications go through people's service, case changes through
recovery's, and the Legal Unit refers the breached agreements in its own job after
the breach job.
"""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.utils.translation import gettext as _

from agreements.models import (
    AgreementEventKind,
    AgreementPolicy,
    AgreementStatus,
    InstallmentStatus,
)
from core.nightly import NightlyJob
from core.sql import analyze_after_bulk, set_based
from people.notifications import Notice, notices_send, notices_send_query
from recovery.models import CaseStatus
from recovery.services import cases_transition

_STATUSES = {
    "active": AgreementStatus.ACTIVE,
    "breached_status": AgreementStatus.BREACHED,
    "completed_status": AgreementStatus.COMPLETED,
    "pending": InstallmentStatus.PENDING,
    "partly_paid": InstallmentStatus.PARTLY_PAID,
    "overdue": InstallmentStatus.OVERDUE,
}


def _url(agreement_id: int) -> str:
    return f"/convenios/{agreement_id}/"


def _notify_staged(
    table: str, *, title: str, body: str, body_sql: str = "%(body)s", to_heads: bool = False
) -> None:
    """One notice per row of a night's staging `table` (agreement_id, branch_id,
    agent_id, ...), written in one statement: `title` and the agreement's number, the
    body (`body_sql` may fill the translated `body`'s placeholders from the row's
    columns), a link to the agreement's page."""
    url_prefix, url_suffix = _url(0).split("0")
    notices_send_query(
        targets=f"""
            SELECT agent_id, branch_id, %(title)s || ' ' || agreement_id, {body_sql},
                   %(url_prefix)s || agreement_id || %(url_suffix)s
              FROM {table}
        """,
        params={"title": title, "body": body, "url_prefix": url_prefix, "url_suffix": url_suffix},
        to_heads=to_heads,
    )


def agreements_lapse(*, run_date: datetime.date) -> int:
    """A signed (or legalized) agreement whose down payment is still unpaid
    down_payment_days after signing lapses: its case goes back to collection (recovery's
    `cases_transition`), with an event on each and a notice to the agent and heads.
    The payments it received stay recorded and are netted from the employer's debt."""
    with set_based() as cursor:
        cursor.execute(
            """
            WITH lapsed AS (
                UPDATE agreements_paymentagreement a SET status = %(lapsed)s
                  FROM agreements_agreementpolicy p
                 WHERE p.id = a.policy_id AND a.status IN (%(signed)s, %(legalized)s)
                   AND a.signed_on + p.down_payment_days < %(day)s
                   AND EXISTS (SELECT 1 FROM agreements_installment i
                                WHERE i.agreement_id = a.id AND i.number = 0
                                  AND i.paid_amount < i.amount)
             RETURNING a.id, a.case_id, a.branch_id,
                       format(%(reason)s, p.down_payment_days) AS reason
            ), events AS (
                INSERT INTO agreements_agreementevent
                    (agreement_id, at, kind, before, after, reason)
                SELECT id, now(), %(kind)s, '', %(lapsed_label)s, reason FROM lapsed
            )
            SELECT l.id, l.case_id, l.branch_id, c.agent_id, l.reason
              FROM lapsed l JOIN recovery_recoverycase c ON c.id = l.case_id
            """,
            {
                "day": run_date,
                "lapsed": AgreementStatus.LAPSED,
                "signed": AgreementStatus.SIGNED,
                "legalized": AgreementStatus.LEGALIZED,
                "kind": AgreementEventKind.STATUS,
                "lapsed_label": str(AgreementStatus.LAPSED.label),
                "reason": _("Down payment unpaid %s days after signing"),
            },
        )
        lapsed = cursor.fetchall()
        cases_transition(
            case_ids=[case for _a, case, _b, _agent, _r in lapsed],
            to_status=CaseStatus.IN_CONTACT,
            from_statuses=[CaseStatus.AGREEMENT],
            run_date=run_date,
            reasons=[reason for *_rest, reason in lapsed],
        )
        title = _("Agreement lapsed, down payment unpaid:")
        body = _("The case is back in collection.")
        notices_send(
            notices=[
                Notice(agent, branch, f"{title} {agreement}", body, _url(agreement))
                for agreement, _case, branch, agent, _reason in lapsed
            ],
            to_heads=True,
        )
    return len(lapsed)


def installments_mark_overdue(*, run_date: datetime.date) -> dict[str, int]:
    """Mark installments overdue past their due date plus grace days, and warn ahead.

    What was marked and warned is staged in temporary tables, and the notices are
    written from them by one statement each (people's `notices_send_query`): a night
    with tens of thousands of warnings never builds them one by one in Python."""
    with set_based() as cursor:
        cursor.execute("DROP TABLE IF EXISTS night_overdue, night_warned")
        cursor.execute(
            "CREATE TEMP TABLE night_overdue (agreement_id bigint, branch_id bigint, "
            "agent_id bigint, installments int) ON COMMIT DROP"
        )
        cursor.execute(
            """
            WITH marked AS (
                UPDATE agreements_installment i
                   SET status = %(overdue)s, overdue_since = i.due_date + p.grace_days + 1
                  FROM agreements_paymentagreement a
                  JOIN agreements_agreementpolicy p ON p.id = a.policy_id
                 WHERE i.agreement_id = a.id AND a.status = %(active)s
                   AND i.status IN (%(pending)s, %(partly_paid)s)
                   AND i.due_date + p.grace_days < %(day)s
             RETURNING i.agreement_id
            )
            INSERT INTO night_overdue
            SELECT m.agreement_id, a.branch_id, c.agent_id, count(*)
              FROM marked m JOIN agreements_paymentagreement a ON a.id = m.agreement_id
              JOIN recovery_recoverycase c ON c.id = a.case_id
             GROUP BY m.agreement_id, a.branch_id, c.agent_id
            """,
            {"day": run_date, **_STATUSES},
        )
        cursor.execute("SELECT coalesce(sum(installments), 0) FROM night_overdue")
        overdue = cursor.fetchone()[0]
        # The breach job reads the overdue installments next, in this same night.
        analyze_after_bulk(cursor, "agreements_installment", overdue)
        _notify_staged(
            "night_overdue",
            title=_("Installment missed on agreement"),
            body=_("An installment is overdue past its grace days."),
        )
        max_warning = AgreementPolicy.objects.aggregate(days=Max("warning_days"))["days"] or 0
        cursor.execute(
            "CREATE TEMP TABLE night_warned (agreement_id bigint, branch_id bigint, "
            "agent_id bigint, number int, due_date date) ON COMMIT DROP"
        )
        cursor.execute(
            """
            WITH warned AS (
                UPDATE agreements_installment i SET warned_on = %(day)s
                  FROM agreements_paymentagreement a
                  JOIN agreements_agreementpolicy p ON p.id = a.policy_id
                 WHERE i.agreement_id = a.id AND a.status = %(active)s
                   AND i.status IN (%(pending)s, %(partly_paid)s) AND i.warned_on IS NULL
                   AND i.due_date BETWEEN %(day)s AND %(day)s + p.warning_days
                   -- A constant bound as well, so that the due-date index serves it.
                   AND i.due_date <= %(day)s::date + %(max_warning)s
             RETURNING i.agreement_id, i.number, i.due_date
            )
            INSERT INTO night_warned
            SELECT w.agreement_id, a.branch_id, c.agent_id, w.number, w.due_date
              FROM warned w JOIN agreements_paymentagreement a ON a.id = w.agreement_id
              JOIN recovery_recoverycase c ON c.id = a.case_id
            """,
            {"day": run_date, "max_warning": max_warning, **_STATUSES},
        )
        warned = cursor.rowcount
        _notify_staged(
            "night_warned",
            title=_("Installment falling due on agreement"),
            body=_("Installment %(number)s unpaid, due on %(due)s"),
            body_sql="""replace(replace(%(body)s, '%%(number)s', number::text),
                                '%%(due)s', to_char(due_date, 'DD/MM/YYYY'))""",
        )
        cursor.execute("DROP TABLE night_overdue, night_warned")
    return {"overdue": overdue, "warned": warned}


def agreements_breach(*, run_date: datetime.date) -> int:
    """Breach every active agreement that meets its policy's rule and say why,
    notifying the agent, the branch head and the department head. The Legal Unit's
    job refers the breached agreements' cases right after.

    The rules, with "overdue" as the policy defines it (`overdue_since`, stored by
    `installments_mark_overdue`: the day after the grace days) and as the signed
    clause prints it:
    - breach_installments installments overdue;
    - one installment overdue more than breach_days days (counted from overdue_since);
    - new_arrears_periods current periods (since activation, not in the agreement)
      unpaid past their own grace days, each with more than new_arrears_min_balance.
    The breach date is the night the first of the rules met was first met — not the
    night the job happens to run (a night run late, a catch-up after an outage) — and
    never a night the case was on hold."""
    with set_based() as cursor:
        cursor.execute("DROP TABLE IF EXISTS night_breached")
        cursor.execute(
            "CREATE TEMP TABLE night_breached (agreement_id bigint, branch_id bigint, "
            "agent_id bigint) ON COMMIT DROP"
        )
        cursor.execute(
            """
            WITH rule AS (
                SELECT a.id, a.employer_id, a.activated_on, c.hold_until,
                       p.breach_installments, p.breach_days, p.breach_on_new_arrears,
                       p.grace_days, p.new_arrears_periods, p.new_arrears_min_balance
                  FROM agreements_paymentagreement a
                  JOIN agreements_agreementpolicy p ON p.id = a.policy_id
                  JOIN recovery_recoverycase c ON c.id = a.case_id
                 -- No FOR UPDATE: locking every active agreement writes each row. The
                 -- UPDATE below locks only the breached ones and rechecks their status,
                 -- so a concurrent run finds them breached and leaves them alone.
                 WHERE a.status = %(active)s
                   -- A case on hold (dispute, hardship, account correction) never
                   -- escalates while the hold lasts.
                   AND (c.hold_until IS NULL OR c.hold_until < %(day)s)
            ), overdue AS (
                -- Joined to the agreements, not to `rule`: a semi-join to a CTE is a
                -- nested loop over the whole CTE per installment when the estimate
                -- says "one overdue installment".
                SELECT i.agreement_id, count(*) AS n,
                       %(day)s - min(i.overdue_since) + 1 AS worst,
                       min(i.overdue_since) AS first_since,
                       array_agg(i.overdue_since ORDER BY i.overdue_since) AS sinces,
                       string_agg(i.number::text, ', ' ORDER BY i.number) AS numbers
                  FROM agreements_installment i
                  JOIN agreements_paymentagreement a ON a.id = i.agreement_id
                 WHERE i.status = %(overdue)s AND a.status = %(active)s
                 GROUP BY i.agreement_id
            ), new_arrears AS (
                SELECT r.id AS agreement_id, count(*) AS periods,
                       array_agg(cp.due_date + r.grace_days + 1 ORDER BY cp.due_date) AS sinces
                  FROM rule r
                  JOIN employers_contributionperiod cp ON cp.employer_id = r.employer_id
                 WHERE r.breach_on_new_arrears AND cp.balance > r.new_arrears_min_balance
                   AND cp.due_date + r.grace_days < %(day)s
                   AND cp.period >= date_trunc('month', r.activated_on)::date
                   AND NOT EXISTS (SELECT 1 FROM agreements_agreementperiod ap
                                    WHERE ap.agreement_id = r.id AND ap.period_id = cp.id)
                 GROUP BY r.id
            ), met AS (
                -- The night each rule was first met (NULL: not met).
                SELECT r.id, r.hold_until, o.n, o.worst, o.numbers, na.periods,
                       CASE WHEN o.n >= r.breach_installments
                            THEN o.sinces[r.breach_installments] END AS by_count,
                       CASE WHEN o.worst > r.breach_days
                            THEN o.first_since + r.breach_days END AS by_days,
                       CASE WHEN na.periods >= r.new_arrears_periods
                            THEN na.sinces[r.new_arrears_periods] END AS by_arrears
                  FROM rule r
                  LEFT JOIN overdue o ON o.agreement_id = r.id
                  LEFT JOIN new_arrears na ON na.agreement_id = r.id
            ), breached AS (
                UPDATE agreements_paymentagreement a
                   SET status = %(breached_status)s,
                       breached_on = LEAST(%(day)s, GREATEST(
                           LEAST(m.by_count, m.by_days, m.by_arrears), m.hold_until + 1)),
                       breach_reason = concat_ws('; ',
                           CASE WHEN m.by_count IS NOT NULL AND m.n = 1
                                THEN format(%(one)s, m.numbers)
                                WHEN m.by_count IS NOT NULL
                                THEN format(%(many)s, m.n, m.numbers) END,
                           CASE WHEN m.by_days IS NOT NULL THEN format(%(late)s, m.worst) END,
                           CASE WHEN m.by_arrears IS NOT NULL AND m.periods = 1
                                THEN %(arrears_one)s
                                WHEN m.by_arrears IS NOT NULL
                                THEN format(%(arrears)s, m.periods) END)
                  FROM met m
                 WHERE a.id = m.id
                   -- Checked on the updated row itself: a run that waited for another's
                   -- lock sees the agreement already breached and leaves it.
                   AND a.status = %(active)s
                   AND COALESCE(m.by_count, m.by_days, m.by_arrears) IS NOT NULL
             RETURNING a.id, a.case_id, a.branch_id, a.breach_reason
            ), events AS (
                INSERT INTO agreements_agreementevent
                    (agreement_id, at, kind, before, after, reason)
                SELECT id, now(), %(kind)s, %(active_label)s, %(breached_label)s, breach_reason
                  FROM breached
            )
            INSERT INTO night_breached
            SELECT b.id, b.branch_id, c.agent_id
              FROM breached b JOIN recovery_recoverycase c ON c.id = b.case_id
            """,
            {
                "day": run_date,
                "kind": AgreementEventKind.STATUS,
                "one": _("1 installment overdue (No. %s)"),
                "many": _("%s installments overdue (No. %s)"),
                "late": _("an installment overdue for %s days"),
                "arrears_one": _("1 current period unpaid"),
                "arrears": _("%s current periods unpaid"),
                "active_label": str(AgreementStatus.ACTIVE.label),
                "breached_label": str(AgreementStatus.BREACHED.label),
                **_STATUSES,
            },
        )
        breached = cursor.rowcount
        _notify_staged(
            "night_breached",
            title=_("Agreement breached and referred to the Legal Unit:"),
            body=_("The case was referred to the Legal Unit, pending its acceptance."),
            to_heads=True,
        )
        cursor.execute("DROP TABLE night_breached")
    return breached


def agreements_complete(*, run_date: datetime.date) -> int:
    """Mark completed every active agreement with nothing left to pay; settle its case
    (through recovery's service)."""
    with set_based() as cursor:
        cursor.execute(
            """
            WITH done AS (
                UPDATE agreements_paymentagreement a SET status = %(completed_status)s,
                       completed_on = %(day)s
                 WHERE a.status = %(active)s
                   AND NOT EXISTS (SELECT 1 FROM agreements_installment i
                                    WHERE i.agreement_id = a.id AND i.paid_amount < i.amount)
             RETURNING a.id, a.case_id, a.branch_id
            ), events AS (
                INSERT INTO agreements_agreementevent
                    (agreement_id, at, kind, before, after, reason)
                SELECT id, now(), %(kind)s, %(active_label)s, %(completed_label)s, ''
                  FROM done
            )
            SELECT d.id, d.case_id, d.branch_id, c.agent_id
              FROM done d JOIN recovery_recoverycase c ON c.id = d.case_id
            """,
            {
                "day": run_date,
                "kind": AgreementEventKind.STATUS,
                "active_label": str(AgreementStatus.ACTIVE.label),
                "completed_label": str(AgreementStatus.COMPLETED.label),
                **_STATUSES,
            },
        )
        done = cursor.fetchall()
        cases_transition(
            case_ids=[case for _a, case, _b, _agent in done],
            to_status=CaseStatus.SETTLED,
            from_statuses=[CaseStatus.AGREEMENT],
            run_date=run_date,
        )
        title = _("Agreement completed:")
        notices_send(
            notices=[
                Notice(agent, branch, f"{title} {agreement}", "", _url(agreement))
                for agreement, _case, branch, agent in done
            ]
        )
    return len(done)


NIGHTLY_JOBS = [
    NightlyJob("agreements_lapse", agreements_lapse, order=250),
    NightlyJob("installments_mark_overdue", installments_mark_overdue, order=300),
    NightlyJob("agreements_breach", agreements_breach, order=400),
    NightlyJob("agreements_complete", agreements_complete, order=500),
]
