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

from employers.models import ZERO, ContributionPeriod
from people.models import User
from people.roles import Role
from recovery.models import (
    ALLOWED_TRANSITIONS,
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

ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
}
# The first bytes each type starts with: the extension alone proves nothing.
MAGIC = {
    ".pdf": [b"%PDF"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".png": [b"\x89PNG"],
    ".doc": [b"\xd0\xcf\x11\xe0"],
    ".xls": [b"\xd0\xcf\x11\xe0"],
    ".docx": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
    ".odt": [b"PK\x03\x04"],
}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def _event(case: RecoveryCase, kind: str, actor, before="", after="", reason="") -> CaseEvent:
    return CaseEvent.objects.create(
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
) -> RecoveryCase:
    """Move a case to another status if the table allows it; audited with who and why."""
    case = _locked(case)
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


def check_upload(upload: UploadedFile) -> str:
    """The content type of an accepted upload (PDF, image, office file up to 10 MB
    whose first bytes match its extension), or ValidationError saying why not."""
    from pathlib import Path

    extension = Path(upload.name or "").suffix.lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("%(name)s: only PDF, images (JPG, PNG) and office files are accepted.")
            % {"name": upload.name},
            code="attachment_type",
        )
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB.") % {"name": upload.name}, code="attachment_size"
        )
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in MAGIC[extension]):
        raise ValidationError(
            _("%(name)s is not really a %(ext)s file.") % {"name": upload.name, "ext": extension},
            code="attachment_content",
        )
    return ATTACHMENT_TYPES[extension]


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


# --- the Legal Unit ----------------------------------------------------------------


def _locked_referral(referral):
    from recovery.models import LegalReferral

    return LegalReferral.objects.select_for_update().select_related("case").get(pk=referral.pk)


@transaction.atomic
def referral_accept(*, referral, actor: User):
    from recovery.models import ReferralStatus

    referral = _locked_referral(referral)
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError(_("Only a referral pending acceptance can be accepted."))
    referral.status = ReferralStatus.ACCEPTED
    referral.accepted_on, referral.accepted_by = timezone.localdate(), actor
    referral.judicial_stage = referral.judicial_stage or "preparation"
    referral.save()
    _event(referral.case, CaseEventKind.LEGAL, actor, "", _("Accepted by the Legal Unit"))
    return referral


@transaction.atomic
def referral_return(*, referral, actor: User, reason: str):
    """The Legal Unit gives the case back to the department, saying why."""
    from recovery.models import ReferralStatus

    referral = _locked_referral(referral)
    if referral.status not in {ReferralStatus.PENDING, ReferralStatus.ACCEPTED}:
        raise ValidationError(_("This referral is no longer open."))
    if not reason.strip():
        raise ValidationError(_("Say why the case is returned."))
    referral.status, referral.returned_reason = ReferralStatus.RETURNED, reason
    referral.save()
    if referral.case.status == CaseStatus.REFERRED:
        case_transition(
            case=referral.case, to_status=CaseStatus.IN_CONTACT, actor=actor, reason=reason
        )
    return referral


@transaction.atomic
def referral_update(
    *, referral, actor: User, judicial_stage: str, amount_recovered: Decimal, notes: str
):
    """Record the judicial stage and what has been recovered."""
    from recovery.models import JudicialStage, ReferralStatus

    referral = _locked_referral(referral)
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationError(_("Accept the referral before recording its progress."))
    if judicial_stage not in JudicialStage.values:
        raise ValidationError(_("Choose the judicial stage."))
    if amount_recovered < 0 or amount_recovered > referral.debt:
        raise ValidationError(_("The amount recovered must be between zero and the debt referred."))
    before = f"{referral.get_judicial_stage_display()} · ${referral.amount_recovered}"
    referral.judicial_stage, referral.amount_recovered = judicial_stage, amount_recovered
    if notes:
        referral.notes = notes
    referral.save()
    _event(
        referral.case,
        CaseEventKind.LEGAL,
        actor,
        before,
        f"{referral.get_judicial_stage_display()} · ${amount_recovered}",
        notes,
    )
    return referral
