"""Nightly jobs of the payment agreements, run by recovery.jobs.run_nightly_jobs.

Each is a few set-based statements in one transaction: killed half-way, it leaves the
data as it was; run twice, or twice at once, it changes nothing the second time
(every statement only touches rows still in the state it changes).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import AgreementPolicy
from people.models import Notification
from people.roles import Role

UNPAID = "('pending', 'partly_paid')"


def _notify_sql(recipients: str) -> str:
    """INSERT notifications for the users a CTE named `targets` (agreement_id, case_id,
    branch_id, agent_id) points at. `recipients` picks agent / branch heads / heads."""
    parts = []
    if "agent" in recipients:
        parts.append(
            "SELECT t.agent_id AS user_id, t.* FROM targets t WHERE t.agent_id IS NOT NULL"
        )
    if "heads" in recipients:
        parts.append(
            f"""SELECT u.id, t.* FROM targets t
                  JOIN people_user u ON u.is_active AND (
                       u.branch_id = t.branch_id AND u.id IN (
                           SELECT ug.user_id FROM people_user_groups ug
                             JOIN auth_group g ON g.id = ug.group_id
                            WHERE g.name = '{Role.BRANCH_HEAD.value}')
                    OR u.id IN (
                           SELECT ug.user_id FROM people_user_groups ug
                             JOIN auth_group g ON g.id = ug.group_id
                            WHERE g.name = '{Role.DEPARTMENT_HEAD.value}'))"""
        )
    return " UNION ".join(parts)


def installments_mark_overdue(*, run_date: datetime.date) -> dict[str, int]:
    """Mark installments overdue past their due date plus grace days, and warn ahead."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH marked AS (
                UPDATE agreements_installment i
                   SET status = 'overdue', overdue_since = i.due_date + p.grace_days + 1
                  FROM agreements_paymentagreement a
                  JOIN agreements_agreementpolicy p ON p.id = a.policy_id
                 WHERE i.agreement_id = a.id AND a.status = 'active'
                   AND i.status IN {UNPAID} AND i.due_date + p.grace_days < %(day)s
             RETURNING i.agreement_id
            ), targets AS (
                SELECT DISTINCT a.id AS agreement_id, a.case_id, a.branch_id, c.agent_id
                  FROM marked m JOIN agreements_paymentagreement a ON a.id = m.agreement_id
                  JOIN recovery_recoverycase c ON c.id = a.case_id
            ), notified AS (
                INSERT INTO people_notification (user_id, created_at, title, body, url)
                SELECT user_id, now(), %(title)s || ' ' || agreement_id, %(body)s,
                       '/convenios/' || agreement_id || '/'
                  FROM ({_notify_sql("agent")}) n
            )
            SELECT (SELECT count(*) FROM marked)
            """,
            {
                "day": run_date,
                "title": _("Installment missed on agreement"),
                "body": _("An installment is overdue past its grace days."),
            },
        )
        overdue = cursor.fetchone()[0]
        cursor.execute(
            f"""
            WITH warned AS (
                UPDATE agreements_installment i SET warned_on = %(day)s
                  FROM agreements_paymentagreement a
                  JOIN agreements_agreementpolicy p ON p.id = a.policy_id
                 WHERE i.agreement_id = a.id AND a.status = 'active'
                   AND i.status IN {UNPAID} AND i.warned_on IS NULL
                   AND i.due_date BETWEEN %(day)s AND %(day)s + p.warning_days
                   -- A constant bound as well, so that the due-date index serves it.
                   AND i.due_date <= %(day)s::date + %(max_warning)s
             RETURNING i.agreement_id, i.number, i.due_date
            ), targets AS (
                SELECT w.*, a.case_id, a.branch_id, c.agent_id
                  FROM warned w JOIN agreements_paymentagreement a ON a.id = w.agreement_id
                  JOIN recovery_recoverycase c ON c.id = a.case_id
            ), notified AS (
                INSERT INTO people_notification (user_id, created_at, title, body, url)
                SELECT user_id, now(), %(title)s || ' ' || agreement_id,
                       %(body)s || ' ' || number || ': ' || to_char(due_date, 'DD/MM/YYYY'),
                       '/convenios/' || agreement_id || '/'
                  FROM ({_notify_sql("agent")}) n
            )
            SELECT count(*) FROM warned
            """,
            {
                "day": run_date,
                "max_warning": AgreementPolicy.objects.aggregate(days=Max("warning_days"))["days"]
                or 0,
                "title": _("Installment falling due on agreement"),
                "body": _("Installment unpaid, due"),
            },
        )
        warned = cursor.fetchone()[0]
    _email_pending_notifications()
    return {"overdue": overdue, "warned": warned}


def agreements_breach(*, run_date: datetime.date) -> int:
    """Breach every active agreement that meets its policy's rule, say why, and refer
    its case to the Legal Unit (a pending referral with the debt at that date),
    notifying the agent, the branch head and the department head."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH rule AS (
                SELECT a.id, a.case_id, a.employer_id, a.branch_id, a.activated_on,
                       p.breach_installments, p.breach_days, p.breach_on_new_arrears,
                       p.grace_days
                  FROM agreements_paymentagreement a
                  JOIN agreements_agreementpolicy p ON p.id = a.policy_id
                  JOIN recovery_recoverycase c ON c.id = a.case_id
                 -- No FOR UPDATE: locking every active agreement writes each row. The
                 -- UPDATE below locks only the breached ones and rechecks their status,
                 -- so a concurrent run finds them referred and leaves them alone.
                 WHERE a.status = 'active'
                   -- A case on hold (dispute, hardship, account correction) never
                   -- escalates while the hold lasts.
                   AND (c.hold_until IS NULL OR c.hold_until < %(day)s)
            ), overdue AS (
                SELECT i.agreement_id, count(*) AS n, max(%(day)s - i.due_date) AS worst,
                       string_agg(i.number::text, ', ' ORDER BY i.number) AS numbers
                  FROM agreements_installment i
                 WHERE i.status = 'overdue' AND i.agreement_id IN (SELECT id FROM rule)
                 GROUP BY i.agreement_id
            ), new_arrears AS (
                SELECT r.id AS agreement_id, count(*) AS periods
                  FROM rule r
                  JOIN employers_contributionperiod cp ON cp.employer_id = r.employer_id
                 WHERE r.breach_on_new_arrears AND cp.balance > 0
                   AND cp.due_date + r.grace_days < %(day)s
                   AND cp.period >= date_trunc('month', r.activated_on)::date
                   AND NOT EXISTS (SELECT 1 FROM agreements_agreementperiod ap
                                    WHERE ap.agreement_id = r.id AND ap.period_id = cp.id)
                 GROUP BY r.id
            ), breached AS (
                UPDATE agreements_paymentagreement a
                   SET status = 'referred', breached_on = %(day)s,
                       breach_reason = concat_ws('; ',
                           CASE WHEN o.n >= r.breach_installments
                                THEN format(%(many)s, o.n, o.numbers) END,
                           CASE WHEN o.worst > r.breach_days
                                THEN format(%(late)s, o.worst) END,
                           CASE WHEN na.periods > 0 THEN format(%(arrears)s, na.periods) END)
                  FROM rule r
                  LEFT JOIN overdue o ON o.agreement_id = r.id
                  LEFT JOIN new_arrears na ON na.agreement_id = r.id
                 WHERE a.id = r.id
                   -- Checked on the updated row itself: a run that waited for another's
                   -- lock sees the agreement already referred and leaves it.
                   AND a.status = 'active'
                   AND (o.n >= r.breach_installments OR o.worst > r.breach_days
                        OR na.periods > 0)
             RETURNING a.id, a.case_id, a.branch_id, a.breach_reason
            ), events AS (
                INSERT INTO agreements_agreementevent
                    (agreement_id, at, kind, before, after, reason)
                SELECT id, now(), 'status', %(active)s, %(breached)s, breach_reason FROM breached
                UNION ALL
                SELECT id, now(), 'status', %(breached)s, %(referred)s, '' FROM breached
            ), debt AS (
                SELECT b.id, coalesce(sum(i.amount - i.paid_amount), 0) AS amount
                  FROM breached b LEFT JOIN agreements_installment i ON i.agreement_id = b.id
                 GROUP BY b.id
            ), referral AS (
                INSERT INTO recovery_legalreferral
                    (case_id, agreement_id, status, referred_on, debt, reason, returned_reason,
                     judicial_stage, amount_recovered, notes)
                SELECT b.case_id, b.id, 'pending', %(day)s, d.amount, b.breach_reason, '', '', 0, ''
                  FROM breached b JOIN debt d ON d.id = b.id
                ON CONFLICT (case_id) WHERE status IN ('pending', 'accepted') DO NOTHING
            ), cases AS (
                UPDATE recovery_recoverycase c SET status = 'referred'
                  FROM breached b
                 WHERE c.id = b.case_id AND c.status = 'agreement'
             RETURNING c.id, c.agent_id
            ), case_events AS (
                INSERT INTO recovery_caseevent (case_id, at, kind, before, after, reason)
                SELECT c.id, now(), 'transition', %(case_agreement)s, %(case_referred)s,
                       b.breach_reason
                  FROM cases c JOIN breached b ON b.case_id = c.id
            ), targets AS (
                SELECT b.id AS agreement_id, b.case_id, b.branch_id, c.agent_id
                  FROM breached b JOIN recovery_recoverycase c ON c.id = b.case_id
            ), notified AS (
                INSERT INTO people_notification (user_id, created_at, title, body, url)
                SELECT DISTINCT user_id, now(), %(title)s || ' ' || agreement_id, %(body)s,
                       '/convenios/' || agreement_id || '/'
                  FROM ({_notify_sql("agent heads")}) n
            )
            SELECT count(*) FROM breached
            """,
            {
                "day": run_date,
                "many": _("%s installments overdue (No. %s)"),
                "late": _("an installment overdue for %s days"),
                "arrears": _("%s current periods unpaid"),
                "active": str(_("Active")),
                "breached": str(_("Breached")),
                "referred": str(_("Referred to the Legal Unit")),
                "case_agreement": str(_("Payment agreement")),
                "case_referred": str(_("Referred to the Legal Unit")),
                "title": _("Agreement breached and referred to the Legal Unit:"),
                "body": _("The case was referred to the Legal Unit, pending its acceptance."),
            },
        )
        breached = cursor.fetchone()[0]
    _email_pending_notifications()
    return breached


def agreements_complete(*, run_date: datetime.date) -> int:
    """Mark completed every active agreement with nothing left to pay; settle its case."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH done AS (
                UPDATE agreements_paymentagreement a SET status = 'completed',
                       completed_on = %(day)s
                 WHERE a.status = 'active'
                   AND NOT EXISTS (SELECT 1 FROM agreements_installment i
                                    WHERE i.agreement_id = a.id AND i.paid_amount < i.amount)
             RETURNING a.id, a.case_id, a.branch_id
            ), events AS (
                INSERT INTO agreements_agreementevent
                    (agreement_id, at, kind, before, after, reason)
                SELECT id, now(), 'status', %(active)s, %(completed)s, '' FROM done
            ), cases AS (
                UPDATE recovery_recoverycase c SET status = 'settled', closed_on = %(day)s
                  FROM done d WHERE c.id = d.case_id AND c.status = 'agreement'
             RETURNING c.id
            ), case_events AS (
                INSERT INTO recovery_caseevent (case_id, at, kind, before, after, reason)
                SELECT id, now(), 'transition', %(case_agreement)s, %(case_settled)s, ''
                  FROM cases
            ), targets AS (
                SELECT d.id AS agreement_id, d.case_id, d.branch_id, c.agent_id
                  FROM done d JOIN recovery_recoverycase c ON c.id = d.case_id
            ), notified AS (
                INSERT INTO people_notification (user_id, created_at, title, body, url)
                SELECT user_id, now(), %(title)s || ' ' || agreement_id, '',
                       '/convenios/' || agreement_id || '/'
                  FROM ({_notify_sql("agent")}) n
            )
            SELECT count(*) FROM done
            """,
            {
                "day": run_date,
                "active": str(_("Active")),
                "completed": str(_("Completed")),
                "case_agreement": str(_("Payment agreement")),
                "case_settled": str(_("Settled (paid)")),
                "title": _("Agreement completed:"),
            },
        )
        return cursor.fetchone()[0]


def _email_pending_notifications() -> None:
    """Send the e-mail copy of new notifications once the night's work is committed.

    Per-row Python only here, for the side effect; a notification is claimed with a
    conditional UPDATE so two runs never send it twice."""

    def send() -> None:
        pending = Notification.objects.filter(emailed_at__isnull=True).exclude(user__email="")
        for notification in pending.select_related("user")[:500]:
            claimed = Notification.objects.filter(
                pk=notification.pk, emailed_at__isnull=True
            ).update(emailed_at=timezone.now())
            if claimed:
                send_mail(
                    f"Recupera: {notification.title}",
                    f"{notification.body}\n\n{notification.url}",
                    settings.DEFAULT_FROM_EMAIL,
                    [notification.user.email],
                    fail_silently=True,
                )

    transaction.on_commit(send)
