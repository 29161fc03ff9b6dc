"""Writes on recovery cases: transitions, assignment, holds, follow-ups, promises,
documents and demand notices. Each runs in one transaction, writes its event and
returns the object."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import background
from core.models import BackgroundJob
from core.money import ZERO, format_money
from core.sql import set_based
from core.uploads import check_upload
from employers.models import ContributionPeriod
from employers.queries import account_statement
from people.models import User
from people.roles import Role
from recovery.models import (
    ALLOWED_TRANSITIONS,
    LEGAL_ONLY_STATUSES,
    Attachment,
    CaseDocument,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    CloseReason,
    DocumentRequirement,
    FollowUp,
    FollowUpKind,
    FollowUpOutcome,
    HoldReason,
    LetterKind,
    PaymentPromise,
    RecoveryCase,
    StrategyAction,
)


def case_event_record(
    *, case: RecoveryCase, kind: str, actor: User | None, before="", after="", reason=""
) -> CaseEvent:
    """Append a line to the case's timeline (apps above recovery note their work here)."""
    if kind not in CaseEventKind.values:
        raise ValueError(f"Unknown case event kind {kind!r}")
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, before=before, after=after, reason=reason
    )


def _event(case: RecoveryCase, kind: str, actor, before="", after="", reason="") -> CaseEvent:
    return case_event_record(
        case=case, kind=kind, actor=actor, before=before, after=after, reason=reason
    )


def _locked(case: RecoveryCase) -> RecoveryCase:
    return (
        RecoveryCase.objects.select_for_update(of=("self",))
        .select_related("level", "agent")
        .get(pk=case.pk)
    )


@transaction.atomic
def case_transition(
    *,
    case: RecoveryCase,
    to_status: str,
    actor: User | None,
    reason: str = "",
    close_reason: str = "",
    by_legal_unit: bool = False,
) -> RecoveryCase:
    """Move a case to another status if the table allows it; audited with who and why.

    Into or out of "referred" only with `by_legal_unit` (legal's referral and return
    services pass it): see LEGAL_ONLY_STATUSES."""
    case = _locked(case)
    _check_legal_only(case.status, to_status, by_legal_unit)
    if to_status not in ALLOWED_TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            _("A case that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": CaseStatus(case.status).label,
                "target": CaseStatus(to_status).label
                if to_status in CaseStatus.values
                else to_status,
            },
            code="transition",
        )
    if to_status == CaseStatus.SETTLED or (
        to_status == CaseStatus.CLOSED and close_reason == CloseReason.PAID
    ):
        owed = account_statement(case.employer, timezone.localdate()).net_arrears
        if owed > 0:
            raise ValidationError(
                _(
                    "The employer still owes %(amount)s: a case is closed as paid (or "
                    "settled) only when the arrears are at zero."
                )
                % {"amount": format_money(owed)},
                code="still_owed",
            )
    if to_status == CaseStatus.CLOSED:
        if close_reason not in CloseReason.values:
            raise ValidationError(_("Say why the case is closed."), code="close_reason")
        if close_reason in {CloseReason.UNCOLLECTABLE, CloseReason.MERGED} and not reason.strip():
            raise ValidationError(
                _("Explain why the debt is uncollectable or which case it was merged into."),
                code="close_note",
            )
        case.close_reason = close_reason
        case.close_note = reason
    before = case.status
    case.status = to_status
    if to_status in {CaseStatus.CLOSED, CaseStatus.SETTLED}:
        case.closed_on = timezone.localdate()
    case.save()
    _event(
        case,
        CaseEventKind.TRANSITION,
        actor,
        CaseStatus(before).label,
        CaseStatus(to_status).label,
        reason,
    )
    return case


@transaction.atomic
def case_reopen(*, case: RecoveryCase, actor: User | None, reason: str) -> RecoveryCase:
    """A settled case goes back to "payment agreement": its agreement was reopened
    because a payment that completed it was reversed (agreements.payments). Not a status
    anyone picks on the case page: only that service calls it. Any other status stays."""
    case = _locked(case)
    if case.status != CaseStatus.SETTLED:
        return case
    case.status = CaseStatus.AGREEMENT
    case.closed_on = None
    case.save()
    _event(
        case,
        CaseEventKind.TRANSITION,
        actor,
        CaseStatus.SETTLED.label,
        CaseStatus.AGREEMENT.label,
        reason,
    )
    return case


# How far ahead a promise and a hold may go: beyond, it is no longer a follow-up.
PROMISE_HORIZON_DAYS = 90
HOLD_HORIZON_DAYS = 365


def _check_legal_only(current: str, to_status: str, by_legal_unit: bool) -> None:
    if by_legal_unit or current == to_status:
        return
    if to_status in LEGAL_ONLY_STATUSES:
        raise ValidationError(
            _(
                "A case is referred to the Legal Unit with “Refer to the Legal Unit”, "
                "which creates the referral the Legal Unit works from."
            ),
            code="legal_only",
        )
    if current in LEGAL_ONLY_STATUSES:
        raise ValidationError(
            _("The case is with the Legal Unit: only the Legal Unit's return gives it back."),
            code="legal_only",
        )


def cases_transition(
    *,
    case_ids: list[int],
    to_status: str,
    run_date: datetime.date,
    reasons: list[str] | None = None,
    from_statuses: list[str] | None = None,
    actor: User | None = None,
    by_legal_unit: bool = False,
) -> list[int]:
    """The set-based form of case_transition, for the nightly jobs of the apps above:
    move every case of `case_ids` whose status the table allows to become `to_status`,
    in one statement, with a timeline event each (`reasons[i]` for `case_ids[i]`).

    Only cases in `from_statuses` (default: every status the table allows) move;
    cases in a status that may not move are left as they are (a second run, or a case
    settled meanwhile, changes nothing). Closing needs a reason per case: not here.
    Returns the ids of the cases moved."""
    if to_status == CaseStatus.CLOSED or to_status not in CaseStatus.values:
        raise ValueError(f"cases_transition cannot move cases to {to_status!r}")
    if to_status in LEGAL_ONLY_STATUSES and not by_legal_unit:
        raise ValueError(f"only the Legal Unit's services move cases to {to_status!r}")
    if not case_ids:
        return []
    allowed_from = [
        status
        for status, targets in ALLOWED_TRANSITIONS.items()
        if to_status in targets
        and (from_statuses is None or status in from_statuses)
        and (by_legal_unit or status not in LEGAL_ONLY_STATUSES)
    ]
    closes = to_status == CaseStatus.SETTLED
    with set_based() as cursor:
        cursor.execute(
            """
            WITH target AS (
                SELECT DISTINCT ON (id) id, reason
                  FROM unnest(%(ids)s::bigint[], %(reasons)s::text[]) AS t(id, reason)
                 ORDER BY id
            ), old AS (
                -- Locked in id order, as every multi-case write does.
                SELECT c.id, c.status, t.reason
                  FROM recovery_recoverycase c JOIN target t ON t.id = c.id
                 WHERE c.status = ANY(%(allowed)s)
                 ORDER BY c.id FOR UPDATE OF c
            ), moved AS (
                UPDATE recovery_recoverycase c
                   SET status = %(to)s,
                       closed_on = CASE WHEN %(closes)s THEN %(day)s ELSE c.closed_on END
                  FROM old WHERE c.id = old.id AND c.status = old.status
             RETURNING c.id, old.status AS before, old.reason
            ), labels AS (
                SELECT * FROM unnest(%(codes)s::text[], %(labels)s::text[]) AS l(code, label)
            ), events AS (
                INSERT INTO recovery_caseevent (case_id, at, actor_id, kind, before, after, reason)
                -- No join back to `target`: two CTEs of unknown size could nest-loop.
                SELECT m.id, now(), %(actor)s, %(kind)s, l.label, %(after)s, m.reason
                  FROM moved m JOIN labels l ON l.code = m.before
            )
            SELECT id FROM moved ORDER BY id
            """,
            {
                "ids": case_ids,
                "reasons": reasons if reasons is not None else [""] * len(case_ids),
                "allowed": allowed_from,
                "to": to_status,
                "closes": closes,
                "day": run_date,
                "actor": actor.pk if actor else None,
                "kind": CaseEventKind.TRANSITION,
                "codes": list(CaseStatus.values),
                "labels": [str(label) for label in CaseStatus.labels],
                "after": str(CaseStatus(to_status).label),
            },
        )
        return [row[0] for row in cursor.fetchall()]


def _check_agent(agent: User, branch_id: int) -> None:
    if agent.role != Role.AGENT or agent.branch_id != branch_id or not agent.is_active:
        raise ValidationError(
            _("%(name)s is not an active collection agent of the case's branch.")
            % {"name": agent.get_full_name() or agent.username},
            code="agent",
        )


@transaction.atomic
def case_assign(*, case: RecoveryCase, agent: User, actor: User, reason: str = "") -> RecoveryCase:
    case = _locked(case)
    _check_agent(agent, case.branch_id)
    if case.agent_id == agent.pk:
        return case
    before = case.agent.get_full_name() if case.agent else ""
    case.agent = agent
    case.save(update_fields=["agent"])
    _event(case, CaseEventKind.ASSIGNMENT, actor, before, agent.get_full_name(), reason)
    return case


@transaction.atomic
def cases_assign(*, case_ids: list[int], agent: User, actor: User, reason: str = "") -> int:
    """Reassign many cases at once (the branch head's bulk action). Returns how many."""
    # Locked in id order, as every multi-case write does, so two of them never deadlock.
    cases = list(
        RecoveryCase.objects.select_for_update(of=("self",))
        .select_related("agent")
        .filter(pk__in=case_ids)
        .order_by("pk")
    )
    for case in cases:
        _check_agent(agent, case.branch_id)
    moved = [case for case in cases if case.agent_id != agent.pk]
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            kind=CaseEventKind.ASSIGNMENT,
            actor=actor,
            before=case.agent.get_full_name() if case.agent else "",
            after=agent.get_full_name(),
            reason=reason,
        )
        for case in moved
    )
    RecoveryCase.objects.filter(pk__in=[case.pk for case in moved]).update(agent=agent)
    return len(moved)


@transaction.atomic
def case_hold(
    *, case: RecoveryCase, hold_reason: str, until: datetime.date, note: str, actor: User
) -> RecoveryCase:
    """Put a case on hold: it neither climbs strategy levels nor escalates until then."""
    case = _locked(case)
    if hold_reason not in HoldReason.values:
        raise ValidationError(_("Choose why the case is put on hold."), code="hold_reason")
    if until <= timezone.localdate():
        raise ValidationError(_("The hold must end after today."), code="hold_until")
    if until > timezone.localdate() + datetime.timedelta(days=HOLD_HORIZON_DAYS):
        raise ValidationError(
            _("A hold lasts %(days)s days at most; renew it when it ends if it must go on.")
            % {"days": HOLD_HORIZON_DAYS},
            code="hold_until",
        )
    if not note.strip():
        raise ValidationError(_("Explain the hold."), code="hold_note")
    case.hold_reason, case.hold_until, case.hold_note = hold_reason, until, note
    case.save(update_fields=["hold_reason", "hold_until", "hold_note"])
    _event(
        case,
        CaseEventKind.HOLD,
        actor,
        "",
        _("%(reason)s until %(date)s")
        % {"reason": HoldReason(hold_reason).label, "date": until.strftime("%d/%m/%Y")},
        note,
    )
    return case


@transaction.atomic
def case_release(*, case: RecoveryCase, actor: User, reason: str = "") -> RecoveryCase:
    case = _locked(case)
    if not case.hold_until:
        raise ValidationError(_("The case is not on hold."))
    before = HoldReason(case.hold_reason).label if case.hold_reason else ""
    case.hold_reason, case.hold_until, case.hold_note = "", None, ""
    case.save(update_fields=["hold_reason", "hold_until", "hold_note"])
    _event(case, CaseEventKind.RELEASE, actor, before, "", reason)
    return case


@transaction.atomic
def level_skip(*, case: RecoveryCase, actor: User, reason: str) -> RecoveryCase:
    """Mark the current level's action as not done on purpose, with the reason."""
    case = _locked(case)
    if not case.level or case.level_done:
        raise ValidationError(_("There is no pending action of a strategy level to skip."))
    if not reason.strip():
        raise ValidationError(_("Say why the level's action is skipped."), code="reason")
    case.level_done = True
    case.save(update_fields=["level_done"])
    _event(case, CaseEventKind.LEVEL_SKIP, actor, str(case.level), "", reason)
    return case


def _satisfies_level(case: RecoveryCase, kind: str, letter: str) -> bool:
    level = case.level
    if level is None or case.level_done:
        return False
    if level.action == StrategyAction.LETTER:
        return kind == FollowUpKind.LETTER and letter == level.letter
    if level.action == StrategyAction.CALL:
        return kind in {FollowUpKind.CALL, FollowUpKind.VISIT, FollowUpKind.MEETING}
    if level.action == StrategyAction.VISIT:
        return kind == FollowUpKind.VISIT
    return True  # a referral proposal is done once any action is recorded on it


def employer_paid_total(employer_id: int) -> Decimal:
    return (
        ContributionPeriod.objects.filter(employer_id=employer_id).aggregate(total=Sum("paid"))[
            "total"
        ]
        or ZERO
    )


@transaction.atomic
def follow_up_record(
    *,
    case: RecoveryCase,
    actor: User,
    kind: str,
    outcome: str,
    occurred_at: datetime.datetime | None = None,
    contact_person: str = "",
    notes: str = "",
    next_action: str = "",
    next_action_on: datetime.date | None = None,
    letter: str = "",
    promise_amount: Decimal | None = None,
    promise_date: datetime.date | None = None,
    attachments: list[UploadedFile] | None = None,
) -> FollowUp:
    """Record a collection action, with its promise and files, and move the case on."""
    case = _locked(case)
    if case.status not in {
        CaseStatus.OPEN,
        CaseStatus.IN_CONTACT,
        CaseStatus.PROMISE,
        CaseStatus.AGREEMENT,
    }:
        raise ValidationError(
            _("No follow-up can be recorded on a case that is “%(status)s”.")
            % {"status": CaseStatus(case.status).label}
        )
    today = timezone.localdate()
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError(_("A follow-up cannot be recorded in the future."), code="when")
    if next_action_on and next_action_on < today:
        raise ValidationError(_("The next action cannot be in the past."), code="next")
    if outcome == FollowUpOutcome.PROMISED:
        if not promise_amount or promise_amount <= 0 or not promise_date:
            raise ValidationError(
                _("A promise needs the amount and the date promised."), code="promise"
            )
        if promise_date < today:
            raise ValidationError(_("The promised date cannot be in the past."), code="promise")
        if promise_date > today + datetime.timedelta(days=PROMISE_HORIZON_DAYS):
            raise ValidationError(
                _(
                    "A promise is for the next %(days)s days at most; a longer plan is a "
                    "payment agreement."
                )
                % {"days": PROMISE_HORIZON_DAYS},
                code="promise",
            )
    checked = [(upload, check_upload(upload)) for upload in attachments or []]
    follow_up = FollowUp.objects.create(
        case=case,
        kind=kind,
        outcome=outcome,
        occurred_at=occurred_at,
        contact_person=contact_person,
        notes=notes,
        next_action=next_action,
        next_action_on=next_action_on,
        letter=letter,
        created_by=actor,
    )
    for upload, content_type in checked:
        Attachment.objects.create(
            follow_up=follow_up,
            file=upload,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
        )
    if outcome == FollowUpOutcome.PROMISED:
        PaymentPromise.objects.create(
            case=case,
            follow_up=follow_up,
            amount=promise_amount,
            promised_on=promise_date,
            baseline_paid=employer_paid_total(case.employer_id),
        )
    if _satisfies_level(case, kind, letter):
        case.level_done = True
    case.last_action_on = timezone.localdate(occurred_at)
    case.next_action, case.next_action_on = next_action, next_action_on
    case.save(update_fields=["level_done", "last_action_on", "next_action", "next_action_on"])
    target = _status_after(case.status, kind, outcome)
    if target and target != case.status:
        case_transition(case=case, to_status=target, actor=actor, reason=_("Follow-up recorded"))
    return follow_up


def _status_after(status: str, kind: str, outcome: str) -> str | None:
    """Where a follow-up moves the case: contact made, or a promise obtained."""
    if outcome == FollowUpOutcome.PROMISED and status in {CaseStatus.OPEN, CaseStatus.IN_CONTACT}:
        return CaseStatus.PROMISE
    reached = outcome in {
        FollowUpOutcome.REACHED,
        FollowUpOutcome.REFUSED,
        FollowUpOutcome.PAID,
        FollowUpOutcome.PROMISED,
    }
    if status == CaseStatus.OPEN and reached:
        return CaseStatus.IN_CONTACT
    return None


@transaction.atomic
def demand_notices_issue(*, cases: list[RecoveryCase], actor: User, letter: str) -> int:
    """Record the printing of a payment demand as a letter follow-up on each case."""
    if letter not in LetterKind.values:
        raise ValidationError(_("Unknown letter."))
    count = 0
    for case in sorted(cases, key=lambda c: c.pk):
        if case.status in {CaseStatus.SETTLED, CaseStatus.CLOSED, CaseStatus.REFERRED}:
            continue
        follow_up_record(
            case=case,
            actor=actor,
            kind=FollowUpKind.LETTER,
            outcome=FollowUpOutcome.SENT,
            letter=letter,
            notes=_("%(letter)s printed.") % {"letter": LetterKind(letter).label},
        )
        count += 1
    return count


def demand_letters_start(
    *, cases: list[RecoveryCase], actor: User, letter: str, deadline_days: int
) -> BackgroundJob:
    """A batch of demand letters is built in the background (`demand_letters`): its
    page shows the progress letter by letter and keeps the PDF for download."""
    if letter not in LetterKind.values:
        raise ValidationError(_("Unknown letter."))
    return background.start(
        "demand_letters",
        actor=actor,
        title=ngettext("%(letter)s: %(count)s letter", "%(letter)s: %(count)s letters", len(cases))
        % {"letter": LetterKind(letter).label, "count": len(cases)},
        params={
            "case_ids": [case.pk for case in cases],
            "letter": letter,
            "deadline_days": deadline_days,
        },
    )


def demand_letters_job(job: BackgroundJob, progress: background.Progress) -> background.Outcome:
    """The runner of `demand_letters`: the PDF, and a letter follow-up on each case,
    recorded only once the whole PDF is built."""
    from recovery.pdf import render_demand_notices_pdf

    params = job.params
    cases = list(
        RecoveryCase.objects.filter(pk__in=params["case_ids"])
        .with_debt()
        .select_related("employer", "employer__branch", "agent", "level", "branch")
        .order_by("employer__legal_name")
    )
    today = timezone.localdate()

    def letter_done(done: int, total: int) -> None:
        label = _("%(done)s of %(total)s letters laid out.") % {"done": done, "total": total}
        progress(done, total + 1, label)

    pdf = render_demand_notices_pdf(
        cases,
        letter=params["letter"],
        today=today,
        deadline_days=params["deadline_days"],
        progress=letter_done,
    )
    with transaction.atomic():
        issued = demand_notices_issue(cases=cases, actor=job.created_by, letter=params["letter"])
    return background.Outcome(
        message=ngettext(
            "%(count)s letter is ready; it is recorded on its case.",
            "%(count)s letters are ready; each is recorded on its case.",
            issued,
        )
        % {"count": issued},
        content=pdf,
        filename=f"requerimientos-{today:%Y%m%d}.pdf",
        content_type="application/pdf",
    )


@transaction.atomic
def case_document_upload(
    *, case: RecoveryCase, requirement: DocumentRequirement, upload: UploadedFile, actor: User
) -> CaseDocument:
    check_upload(upload)
    document, _created = CaseDocument.objects.select_for_update().get_or_create(
        case=case, requirement=requirement, defaults={"updated_by": actor}
    )
    if document.file:
        document.file.delete(save=False)
    document.file = upload
    document.original_name = upload.name[:255]
    document.is_missing = False
    document.updated_by = actor
    document.save()
    _event(case, CaseEventKind.DOCUMENT, actor, "", requirement.name, upload.name)
    return document


@transaction.atomic
def case_document_mark_missing(
    *, case: RecoveryCase, requirement: DocumentRequirement, note: str, actor: User
) -> CaseDocument:
    document, _created = CaseDocument.objects.select_for_update().get_or_create(
        case=case, requirement=requirement, defaults={"updated_by": actor}
    )
    document.is_missing = True
    document.note = note
    document.updated_by = actor
    document.save()
    _event(case, CaseEventKind.DOCUMENT, actor, requirement.name, _("missing"), note)
    return document
