"""Related employers: the ones that share what identifies the people behind them.

Worked out set-based every night (`relations_find`), never per page view: every
employer's keys — its NIT root (the NIT but its check digit: the same taxpayer), its
legal representative's DUI (and a natural person's own DUI), its phone (the last 8
digits), its e-mail (lower case) and its address (lower case, without accents or
punctuation, at least 15 characters, in the same municipality) — and the pairs that
share one. A value shared by more than MAX_SHARING employers (an accountants' office, a
call centre) relates no one. A pair that shares a key no longer is removed. When one of
a new pair is closed and left arrears and the other is still working, the heads of the
working one's branch are told (the company that closed with its debts and reopened),
once.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.sql import set_based
from employers.models import (
    ContributionPeriod,
    Employer,
    EmployerRelation,
    EmployerStatus,
    RelationReason,
    arrears_filter,
)

MAX_SHARING = 10
MIN_ADDRESS_CHARS = 15

_KEYS = f"""
    SELECT id, '{RelationReason.NIT}' AS reason,
           CASE WHEN length(nit) = 14 THEN left(nit, 13) ELSE nit END AS value
      FROM employers_employer WHERE nit <> ''
    UNION ALL
    SELECT id, '{RelationReason.REPRESENTATIVE}', legal_representative_dui
      FROM employers_employer WHERE legal_representative_dui <> ''
    UNION ALL
    SELECT id, '{RelationReason.REPRESENTATIVE}', dui
      FROM employers_employer WHERE person_type = 'natural' AND dui <> ''
    UNION ALL
    SELECT id, '{RelationReason.PHONE}', right(regexp_replace(phone, '[^0-9]', '', 'g'), 8)
      FROM employers_employer WHERE length(regexp_replace(phone, '[^0-9]', '', 'g')) >= 8
    UNION ALL
    SELECT id, '{RelationReason.EMAIL}', lower(btrim(email))
      FROM employers_employer WHERE btrim(email) <> ''
    UNION ALL
    SELECT a.id, '{RelationReason.ADDRESS}', a.value || coalesce(', ' || m.name, '')
      FROM (SELECT id, municipality_id,
                   btrim(regexp_replace(recupera_search_text(address), '[^a-z0-9]+', ' ',
                                        'g')) AS value
              FROM employers_employer WHERE address <> '') a
      LEFT JOIN employers_municipality m ON m.id = a.municipality_id
     WHERE length(a.value) >= {MIN_ADDRESS_CHARS}
"""


def relations_find(*, run_date: datetime.date) -> dict:
    """The nightly job: every pair of employers sharing a key, written set-based; the
    pairs that no longer share it removed; the alerts of the night sent."""
    with set_based() as cursor:
        cursor.execute("DROP TABLE IF EXISTS relation_pairs")
        cursor.execute(
            f"""
            CREATE TEMP TABLE relation_pairs ON COMMIT DROP AS
            WITH keys AS (SELECT DISTINCT id, reason, value FROM ({_KEYS}) k),
            shared AS (
                SELECT reason, value FROM keys GROUP BY reason, value
                HAVING count(*) BETWEEN 2 AND {MAX_SHARING}
            ),
            members AS (
                SELECT k.id, k.reason, k.value FROM keys k JOIN shared s USING (reason, value)
            )
            SELECT a.id AS employer_id, b.id AS related_id, a.reason, min(a.value) AS value
              FROM members a JOIN members b
                ON b.reason = a.reason AND b.value = a.value AND b.id > a.id
             GROUP BY a.id, b.id, a.reason
            """
        )
        cursor.execute(
            """
            DELETE FROM employers_employerrelation r
             WHERE NOT EXISTS (SELECT 1 FROM relation_pairs p
                                WHERE p.employer_id = r.employer_id
                                  AND p.related_id = r.related_id AND p.reason = r.reason)
            """
        )
        removed = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO employers_employerrelation
                   (employer_id, related_id, reason, value, found_on)
            SELECT employer_id, related_id, reason, left(value, 300), %(day)s FROM relation_pairs
            ON CONFLICT (employer_id, related_id, reason) DO NOTHING
            """,
            {"day": run_date},
        )
        found = cursor.rowcount
        alerted = _alert(cursor, run_date)
    return {"found": found, "removed": removed, "alerted": alerted}


def _alert(cursor, run_date: datetime.date) -> int:
    """Tell the heads of the working employer's branch of each pair not yet told where
    the other one is closed and left periods in arrears."""
    from people.notifications import notices_send_query

    cursor.execute("DROP TABLE IF EXISTS relation_alerts")
    cursor.execute(
        """
        CREATE TEMP TABLE relation_alerts ON COMMIT DROP AS
        WITH candidates AS (
            SELECT r.id, CASE WHEN a.status = %(closed)s THEN a.id ELSE b.id END AS closed_id,
                   CASE WHEN a.status = %(closed)s THEN b.id ELSE a.id END AS open_id,
                   r.reason
              FROM employers_employerrelation r
              JOIN employers_employer a ON a.id = r.employer_id
              JOIN employers_employer b ON b.id = r.related_id
             WHERE r.alerted_on IS NULL
               AND (a.status = %(closed)s) <> (b.status = %(closed)s)
        ), owing AS (
            SELECT c.* FROM candidates c
             WHERE EXISTS (SELECT 1 FROM employers_contributionperiod p
                            WHERE p.employer_id = c.closed_id AND p.balance > 0
                              AND p.due_date < %(day)s)
        ), marked AS (
            UPDATE employers_employerrelation r SET alerted_on = %(day)s
              FROM owing o WHERE o.id = r.id
            RETURNING r.id
        )
        SELECT o.open_id, o.closed_id, string_agg(DISTINCT o.reason, ',') AS reasons
          FROM owing o JOIN marked m ON m.id = o.id
         GROUP BY o.open_id, o.closed_id
        """,
        {"closed": EmployerStatus.CLOSED, "day": run_date},
    )
    alerts = cursor.rowcount
    if alerts:
        notices_send_query(
            targets="""
                SELECT NULL::bigint, w.branch_id,
                       %(title)s || ' ' || w.employer_number,
                       format(%(body)s, w.legal_name, c.employer_number, c.legal_name),
                       '/patronos/' || w.id || '/'
                  FROM relation_alerts t
                  JOIN employers_employer w ON w.id = t.open_id
                  JOIN employers_employer c ON c.id = t.closed_id
            """,
            params={
                "title": _("Related to a closed employer with arrears:"),
                "body": _(
                    "%s shares its data with %s %s, closed with periods in arrears: "
                    "the company may have reopened under a new name."
                ),
            },
            to_agent=False,
            to_heads=True,
        )
    return alerts


def related_to(employer: Employer):
    """The employer's relations, each with the other employer, its reasons and whether
    it is closed and owes: for the employer's page."""
    rows = EmployerRelation.objects.filter(Q(employer=employer) | Q(related=employer))
    others: dict[int, list[EmployerRelation]] = {}
    for relation in rows:
        other = relation.related_id if relation.employer_id == employer.pk else relation.employer_id
        others.setdefault(other, []).append(relation)
    return others


def related_employers(employer: Employer, user) -> tuple[list[dict], int]:
    """(the related employers the user may see, with why; how many others, in branches
    the user does not see). Two queries."""
    others = related_to(employer)
    if not others:
        return [], 0
    owing = ContributionPeriod.objects.filter(
        arrears_filter(timezone.localdate()), employer=OuterRef("pk")
    )
    visible = list(
        Employer.objects.visible_to(user)
        .filter(pk__in=list(others))
        .select_related("branch")
        .annotate(owes=Exists(owing))
        .order_by("legal_name")
    )
    rows = [
        {
            "employer": other,
            "reasons": [
                {"label": RelationReason(r.reason).label, "value": r.value}
                for r in sorted(others[other.pk], key=lambda r: r.reason)
            ],
            "closed_owing": other.status == EmployerStatus.CLOSED and other.owes,
        }
        for other in visible
    ]
    return rows, len(others) - len(visible)
