"""The prescription clock: each owed period's, worked out set-based from the dated
rule and the events that interrupt it; the notices served, the rules, and the action
that would interrupt a clock about to run out.

A period's clock starts on its due date. Each interrupting event on or after that date
restarts it — a demand notice served with acknowledgement of receipt and a claim filed
in court (every period of the employer then due), an agreement signed and a payment
received on it (the periods the agreement covers) — as long as the clock had not run
out before the event: a period that prescribed stays prescribed. The rule in force on
the day a clock (re)starts says how many years it runs.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models import CharField as CharFieldType
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import AgreementPeriod, AgreementStatus
from core.sql import analyze_after_bulk, set_based, sql_list
from employers.models import Employer
from legal.models import LegalReferral, ReferralStatus
from people.models import User
from prescription.apps import MANAGE_RULES, RECORD_NOTICE
from prescription.models import NoticeService, PeriodClock, PrescriptionRule, StartKind
from recovery.models import ACTIVE_STATUSES, LetterKind, RecoveryCase

# The actions that would interrupt a clock, by what the employer's account allows.
ACTIONS = {
    "court": gettext_lazy("Legal Unit: file the claim in court"),
    "payment": gettext_lazy("Collect an installment of its agreement (a payment restarts it)"),
    "notice": gettext_lazy(
        "Serve a payment demand with acknowledgement of receipt, or sign an agreement"
    ),
}

# Agreements whose payments are still being collected.
_COLLECTING = [AgreementStatus.SIGNED, AgreementStatus.LEGALIZED, AgreementStatus.ACTIVE]
_OPEN_REFERRAL = [ReferralStatus.PENDING, ReferralStatus.ACCEPTED]


def warning_days() -> int:
    return settings.PRESCRIPTION_WARNING_DAYS


def rule_in_force(on: datetime.date) -> PrescriptionRule | None:
    """The rule for a clock starting on `on` (the earliest rule before any is in force)."""
    rule = PrescriptionRule.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    return rule or PrescriptionRule.objects.order_by("valid_from").first()


def with_action(queryset):
    """Annotate each clock with `action`: the key of ACTIONS that would interrupt it."""
    referral = LegalReferral.objects.filter(
        case__employer=OuterRef("employer_id"), status__in=_OPEN_REFERRAL, filed_on__isnull=True
    )
    agreement = AgreementPeriod.objects.filter(
        period=OuterRef("period_id"), agreement__status__in=_COLLECTING
    )
    return queryset.annotate(
        action=Case(
            When(Exists(referral), then=Value("court")),
            When(Exists(agreement), then=Value("payment")),
            default=Value("notice"),
            output_field=CharFieldType(),
        )
    )


def action_label(key: str) -> str:
    return str(ACTIONS.get(key, ""))


# The events that interrupt a period's clock, one row each (period, day, kind). The
# employer-wide ones (notice, claim) reach every period owed then due.
_EVENTS = f"""
    SELECT o.id, n.served_on AS day, '{StartKind.NOTICE}' AS kind
      FROM owed o JOIN prescription_noticeservice n ON n.employer_id = o.employer_id
     WHERE n.served_on >= o.due_date AND n.served_on <= %(day)s
    UNION ALL
    SELECT o.id, r.filed_on, '{StartKind.COURT}'
      FROM owed o
      JOIN recovery_recoverycase c ON c.employer_id = o.employer_id
      JOIN legal_legalreferral r ON r.case_id = c.id
     WHERE r.filed_on >= o.due_date AND r.filed_on <= %(day)s
    UNION ALL
    SELECT o.id, a.signed_on, '{StartKind.AGREEMENT}'
      FROM owed o
      JOIN agreements_agreementperiod ap ON ap.period_id = o.id
      JOIN agreements_paymentagreement a ON a.id = ap.agreement_id
     WHERE a.signed_on >= o.due_date AND a.signed_on <= %(day)s
    UNION ALL
    SELECT o.id, pay.paid_on, '{StartKind.PAYMENT}'
      FROM owed o
      JOIN agreements_agreementperiod ap ON ap.period_id = o.id
      JOIN agreements_payment pay ON pay.agreement_id = ap.agreement_id
     WHERE pay.reversed_at IS NULL AND pay.paid_on >= o.due_date AND pay.paid_on <= %(day)s
"""

# Each owed period's chain: its due date, then its events in order. Each link runs for
# the years of the rule in force on its day; the clock is the first link the next one
# does not reach in time (or the last): a later event cannot revive a prescribed period.
_CLOCKS = f"""
    WITH owed AS (
        SELECT p.id, p.employer_id, p.due_date
          FROM employers_contributionperiod p
         WHERE p.balance > 0 {{employers}}
    ),
    rules AS (
        SELECT id, years,
               CASE WHEN row_number() OVER (ORDER BY valid_from) = 1
                    THEN '-infinity'::date ELSE valid_from END AS valid_from,
               COALESCE(lead(valid_from) OVER (ORDER BY valid_from), 'infinity'::date)
                   AS valid_to
          FROM prescription_prescriptionrule
    ),
    links AS (
        SELECT o.id, o.due_date AS day, '{StartKind.DUE}' AS kind FROM owed o
        UNION ALL
        {_EVENTS}
    ),
    ruled AS (
        SELECT l.id, l.day, l.kind, r.id AS rule_id,
               (l.day + make_interval(years => r.years))::date AS runs_out
          FROM links l JOIN rules r ON l.day >= r.valid_from AND l.day < r.valid_to
    ),
    chained AS (
        SELECT *, lead(day) OVER (PARTITION BY id ORDER BY day, kind) AS next_day
          FROM ruled
    ),
    clocks AS (
        SELECT DISTINCT ON (c.id) c.id, o.employer_id, c.day, c.kind, c.rule_id, c.runs_out
          FROM chained c JOIN owed o ON o.id = c.id
         WHERE c.next_day IS NULL OR c.next_day > c.runs_out
         ORDER BY c.id, c.day, c.kind
    )
"""


def clocks_refresh(*, run_date: datetime.date, employer_ids: list[int] | None = None) -> dict:
    """Work out the clock of every owed period (of `employer_ids` only, when given) as
    of `run_date`, set-based: new clocks written, changed ones updated, those of periods
    no longer owed removed unless found prescribed (kept, flagged). A period whose clock
    ran out by `run_date` is flagged prescribed that night and stays flagged."""
    params = {"day": run_date, "employers": employer_ids or []}
    only = "AND p.employer_id = ANY(%(employers)s)" if employer_ids is not None else ""
    with set_based() as cursor:
        if not PrescriptionRule.objects.exists():
            return {"changed": 0, "removed": 0}
        cursor.execute(
            _CLOCKS.format(employers=only)
            + """
            INSERT INTO prescription_periodclock AS pc
                   (period_id, employer_id, started_on, start_kind, rule_id, prescribes_on,
                    prescribed_on, warned_on, prescribed_told)
            SELECT c.id, c.employer_id, c.day, c.kind, c.rule_id, c.runs_out,
                   CASE WHEN c.runs_out <= %(day)s THEN %(day)s::date END, NULL, false
              FROM clocks c
              LEFT JOIN prescription_periodclock old ON old.period_id = c.id
             -- Only the clocks that are new or changed reach the insert (an unchanged
             -- night probes no conflict).
             WHERE old.period_id IS NULL
                OR (old.started_on, old.start_kind, old.rule_id, old.prescribes_on)
                   IS DISTINCT FROM (c.day, c.kind, c.rule_id, c.runs_out)
                OR (c.runs_out <= %(day)s AND old.prescribed_on IS NULL)
            ON CONFLICT (period_id) DO UPDATE
               SET started_on = EXCLUDED.started_on, start_kind = EXCLUDED.start_kind,
                   rule_id = EXCLUDED.rule_id, prescribes_on = EXCLUDED.prescribes_on,
                   prescribed_on = CASE WHEN EXCLUDED.prescribes_on <= %(day)s
                                        THEN COALESCE(pc.prescribed_on, %(day)s) END,
                   warned_on = CASE WHEN EXCLUDED.prescribes_on = pc.prescribes_on
                                    THEN pc.warned_on END
             WHERE (pc.started_on, pc.start_kind, pc.rule_id, pc.prescribes_on)
                   IS DISTINCT FROM (EXCLUDED.started_on, EXCLUDED.start_kind,
                                     EXCLUDED.rule_id, EXCLUDED.prescribes_on)
                OR (EXCLUDED.prescribes_on <= %(day)s AND pc.prescribed_on IS NULL)
            """,
            params,
        )
        changed = cursor.rowcount
        analyze_after_bulk(cursor, "prescription_periodclock", changed)
        only_clock = "AND pc.employer_id = ANY(%(employers)s)" if employer_ids is not None else ""
        cursor.execute(
            f"""
            DELETE FROM prescription_periodclock pc
             WHERE pc.prescribed_on IS NULL {only_clock}
               -- Against the owed periods (a partial index), not the paid million.
               AND NOT EXISTS (SELECT 1 FROM employers_contributionperiod p
                                WHERE p.id = pc.period_id AND p.balance > 0)
            """,
            params,
        )
        removed = cursor.rowcount
    return {"changed": changed, "removed": removed}


def clocks_warn(*, run_date: datetime.date) -> dict:
    """Tell each open case's agent, once per clock, of the periods that entered the
    warning window tonight, and the agent and heads of those found prescribed tonight."""
    from people.notifications import notices_send_query

    until = run_date + datetime.timedelta(days=warning_days())
    with set_based() as cursor:
        cursor.execute("DROP TABLE IF EXISTS prescription_warned, prescription_found")
        cursor.execute(
            """
            CREATE TEMP TABLE prescription_warned ON COMMIT DROP AS
            WITH warned AS (
                UPDATE prescription_periodclock pc SET warned_on = %(day)s
                 WHERE pc.warned_on IS NULL AND pc.prescribes_on > %(day)s
                   AND pc.prescribes_on <= %(until)s
             RETURNING pc.employer_id, pc.prescribes_on
            )
            SELECT employer_id, count(*) AS periods, min(prescribes_on) AS first
              FROM warned GROUP BY employer_id
            """,
            {"day": run_date, "until": until},
        )
        warned = cursor.rowcount
        targets = f"""
            SELECT c.agent_id, c.branch_id,
                   %(title)s || ' ' || e.employer_number,
                   format(%(body)s, w.periods, to_char(w.first, 'DD/MM/YYYY')),
                   '/casos/' || c.id || '/'
              FROM {{table}} w
              JOIN employers_employer e ON e.id = w.employer_id
              JOIN recovery_recoverycase c ON c.employer_id = w.employer_id
             WHERE c.status IN ({sql_list(ACTIVE_STATUSES)})
        """
        notices_send_query(
            targets=targets.format(table="prescription_warned"),
            params={
                "title": _("Periods about to prescribe:"),
                "body": _("%s period(s) will prescribe, the first on %s."),
            },
        )
        cursor.execute(
            """
            CREATE TEMP TABLE prescription_found ON COMMIT DROP AS
            WITH found AS (
                UPDATE prescription_periodclock pc SET prescribed_told = true
                 WHERE pc.prescribed_on IS NOT NULL AND NOT pc.prescribed_told
             RETURNING pc.employer_id, pc.prescribes_on
            )
            SELECT employer_id, count(*) AS periods, min(prescribes_on) AS first
              FROM found GROUP BY employer_id
            """
        )
        found = cursor.rowcount
        notices_send_query(
            targets=targets.format(table="prescription_found"),
            params={
                "title": _("Periods prescribed:"),
                "body": _("%s period(s) prescribed (the first on %s); they stay on record."),
            },
            to_heads=True,
        )
    return {"employers_warned": warned, "employers_prescribed": found}


def clocks_nightly(*, run_date: datetime.date) -> dict:
    """The nightly job: every clock worked out, then the warnings."""
    counts = clocks_refresh(run_date=run_date)
    counts.update(clocks_warn(run_date=run_date))
    counts["prescribing"] = PeriodClock.objects.prescribing_within(run_date, warning_days()).count()
    counts["prescribed"] = PeriodClock.objects.prescribed().count()
    return counts


@transaction.atomic
def notice_service_record(
    *,
    case: RecoveryCase,
    actor: User,
    letter: str,
    served_on: datetime.date,
    received_by: str,
    acknowledgement: str,
    notes: str = "",
) -> NoticeService:
    """A payment demand served on the case's employer with acknowledgement of receipt;
    the employer's clocks restart at once (not only at night)."""
    if not actor.has_perm(RECORD_NOTICE):
        raise PermissionDenied
    if not RecoveryCase.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDenied
    today = timezone.localdate()
    if served_on > today:
        raise ValidationError(_("The notice cannot have been served in the future."))
    if letter not in LetterKind.values:
        raise ValidationError(_("Choose the letter that was served."))
    if not received_by.strip() or not acknowledgement.strip():
        raise ValidationError(
            _("Say who received it and the number of the acknowledgement of receipt.")
        )
    notice = NoticeService.objects.create(
        employer_id=case.employer_id,
        case=case,
        letter=letter,
        served_on=served_on,
        received_by=received_by.strip(),
        acknowledgement=acknowledgement.strip(),
        notes=notes,
        recorded_by=actor,
    )
    clocks_refresh(run_date=today, employer_ids=[case.employer_id])
    return notice


@transaction.atomic
def rule_create(
    *,
    actor: User,
    valid_from: datetime.date,
    years: int,
    legal_basis: str,
    confirmed: bool,
) -> PrescriptionRule:
    """A new dated rule. The clocks it changes are worked out again in the background
    (`clocks_refresh_start`), and every night after."""
    if not actor.has_perm(MANAGE_RULES):
        raise PermissionDenied
    if not 1 <= years <= 50:
        raise ValidationError(_("The years must be between 1 and 50."))
    if not legal_basis.strip():
        raise ValidationError(_("State the legal basis of the rule."))
    if PrescriptionRule.objects.filter(valid_from=valid_from).exists():
        raise ValidationError(
            _("A rule is already in force from %(day)s.") % {"day": valid_from.strftime("%d/%m/%Y")}
        )
    return PrescriptionRule.objects.create(
        valid_from=valid_from,
        years=years,
        legal_basis=legal_basis.strip(),
        confirmed=confirmed,
        created_by=actor,
    )


def clocks_refresh_start(*, actor: User):
    """Every clock worked out again now, in the background (after a rule changed)."""
    from core import background

    return background.start(
        "prescription_refresh",
        actor=actor,
        title=_("Prescription clocks worked out again"),
        dedupe_key="prescription_refresh",
    )


def clocks_refresh_job(job, progress):
    """The runner of `prescription_refresh`."""
    from django.urls import reverse

    from core import background

    progress(0, 1, _("Working out every period's clock…"), force=True)
    counts = clocks_refresh(run_date=timezone.localdate())
    progress(1, 1, "", force=True)
    return background.Outcome(
        message=_("%(n)s clock(s) changed.") % {"n": counts["changed"]},
        redirect=reverse("prescription:rule_list"),
    )


def employer_clocks(employer: Employer):
    """The employer's clocks with their period, by date of prescription."""
    return with_action(
        PeriodClock.objects.filter(employer=employer).select_related("period", "rule")
    ).order_by("prescribes_on", "period__period")


def soon_q(today: datetime.date) -> Q:
    return Q(
        prescribes_on__gt=today,
        prescribes_on__lte=today + datetime.timedelta(days=warning_days()),
    )
