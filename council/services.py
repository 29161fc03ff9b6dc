"""Writes of the Board's path. Every change of state, amount, document or assignment
is a timeline event (who, when, why) and the models are tracked by pghistory.

Segregation of duties: whoever prepared a request neither reviews it nor records its
application (`_not_the_preparer`)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import AgreementStatus, PaymentAgreement
from core.money import ZERO, amount_in_words, format_money, to_cents
from core.sql import set_based
from core.uploads import check_upload
from council.models import (
    ALLOWED_TRANSITIONS,
    APPROVED_STATUSES,
    ArchiveDispatch,
    BoardSession,
    DocumentType,
    DraftTemplate,
    PaymentTerms,
    RequestDocument,
    RequestEvent,
    RequestEventKind,
    RequestKind,
    RequestPeriod,
    RequestStatus,
    SettlementRequest,
    Submission,
    Waiver,
    WaiverStatus,
    line_totals,
)
from employers.models import ArrearsImport, ContributionPeriod, Employer
from people.models import User
from recovery.models import CaseStatus, CloseReason, RecoveryCase
from recovery.services import case_transition

NUMBER_PREFIX = {RequestKind.SETTLEMENT: "ST", RequestKind.DISCHARGE: "DE"}

# Transitions that only their own service makes (submission, outcome, application,
# archive); request_transition refuses them.
SERVICE_ONLY = frozenset(
    {
        RequestStatus.SUBMITTED,
        RequestStatus.APPROVED,
        RequestStatus.APPROVED_CHANGES,
        RequestStatus.REJECTED,
        RequestStatus.APPLIED,
        RequestStatus.ARCHIVED,
    }
)


def _event(request: SettlementRequest, kind: str, actor, before="", after="", reason=""):
    return RequestEvent.objects.create(
        request=request,
        kind=kind,
        actor=actor,
        before=str(before)[:200],
        after=str(after)[:200],
        reason=str(reason)[:1000],
    )


def _locked(request: SettlementRequest) -> SettlementRequest:
    return SettlementRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)


def _next_number(model, prefix: str, year: int, width: int = 4) -> str:
    """The next number of a yearly sequence (`ST-2026-0001`), under a lock so that two
    requests registered at once never share one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"council.{prefix}"])
    start = f"{prefix}-{year}-"
    last = (
        model.objects.filter(number__startswith=start)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    following = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{start}{following:0{width}d}"


def _change_status(request: SettlementRequest, to_status: str, actor, reason: str = "") -> None:
    if to_status not in ALLOWED_TRANSITIONS.get(request.status, set()):
        raise ValidationError(
            _("A request that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": RequestStatus(request.status).label,
                "target": RequestStatus(to_status).label
                if to_status in RequestStatus.values
                else to_status,
            },
            code="transition",
        )
    before = request.status
    request.status = to_status
    request.save()
    _event(
        request,
        RequestEventKind.STATUS,
        actor,
        RequestStatus(before).label,
        RequestStatus(to_status).label,
        reason,
    )


def _not_the_preparer(request: SettlementRequest, actor: User, what: str) -> None:
    if actor.pk == request.prepared_by_id:
        raise ValidationError(
            _("%(who)s prepared this request and cannot %(what)s it: another person must.")
            % {"who": actor.get_full_name() or actor.username, "what": what},
            code="segregation",
        )


# --- Receipt and preparation -------------------------------------------------------


def proposed_periods(employer: Employer, today: datetime.date | None = None):
    """The periods a settlement request proposes: those past due with fines or
    surcharges still owed."""
    today = today or timezone.localdate()
    return (
        ContributionPeriod.objects.filter(employer=employer, due_date__lt=today)
        .filter(Q(fines__gt=0) | Q(surcharges__gt=0))
        .order_by("period")
    )


def _period_line(request: SettlementRequest, period: ContributionPeriod) -> RequestPeriod:
    return RequestPeriod(
        request=request,
        period=period,
        contributions=max(period.employer_share + period.worker_share - period.paid, ZERO),
        fines=period.fines,
        surcharges=period.surcharges,
        fines_owed=period.fines,
        surcharges_owed=period.surcharges,
    )


@transaction.atomic
def request_create(
    *,
    employer: Employer,
    actor: User,
    received_on: datetime.date,
    kind: str = RequestKind.SETTLEMENT,
    case: RecoveryCase | None = None,
    payment_terms: str = PaymentTerms.AT_ONCE,
    agreement: PaymentAgreement | None = None,
    periods: Iterable[ContributionPeriod] | None = None,
    notes: str = "",
) -> SettlementRequest:
    """Register a request received from an employer (or, for a discharge, proposed by
    the department), with its periods proposed from the statement and its draft
    resolution generated from the department's template."""
    today = timezone.localdate()
    if received_on > today:
        raise ValidationError(_("The date received cannot be in the future."), code="future")
    if case is not None and case.employer_id != employer.pk:
        raise ValidationError(_("The case is of another employer."), code="case")
    if payment_terms == PaymentTerms.AGREEMENT:
        if agreement is None:
            raise ValidationError(
                _("Choose the payment agreement the employer pays through."), code="agreement"
            )
        if agreement.employer_id != employer.pk:
            raise ValidationError(_("The agreement is of another employer."), code="agreement")
    else:
        agreement = None
    if case is None:
        case = (
            RecoveryCase.objects.filter(employer=employer)
            .exclude(status=CaseStatus.CLOSED)
            .order_by("-opened_on", "-pk")
            .first()
        )
    request = SettlementRequest(
        number=_next_number(SettlementRequest, NUMBER_PREFIX[kind], received_on.year),
        kind=kind,
        employer=employer,
        branch_id=employer.branch_id,
        case=case,
        received_on=received_on,
        prepared_by=actor,
        payment_terms=payment_terms,
        agreement=agreement,
        notes=notes,
    )
    request.full_clean(exclude=["draft_text"])
    request.save()
    if kind == RequestKind.SETTLEMENT:
        chosen = list(proposed_periods(employer, today) if periods is None else periods)
        if not chosen:
            raise ValidationError(
                _("The employer owes no fines or surcharges on a past-due period."),
                code="no_periods",
            )
        for period in chosen:
            if period.employer_id != employer.pk:
                raise ValidationError(_("A period is of another employer."), code="period")
        RequestPeriod.objects.bulk_create([_period_line(request, period) for period in chosen])
    request.draft_text = draft_text(request)
    request.save(update_fields=["draft_text"])
    _event(
        request,
        RequestEventKind.CREATED,
        actor,
        "",
        RequestStatus(request.status).label,
        RequestKind(kind).label,
    )
    return request


def _editable(request: SettlementRequest) -> None:
    if not request.is_editable:
        raise ValidationError(
            _("A request that is “%(status)s” can no longer be changed.")
            % {"status": RequestStatus(request.status).label},
            code="not_editable",
        )


@transaction.atomic
def request_period_set_amounts(
    *, line: RequestPeriod, fines: Decimal, surcharges: Decimal, actor: User
) -> RequestPeriod:
    """Change what a period asks to have waived: never more than it owes."""
    request = _locked(line.request)
    _editable(request)
    line = RequestPeriod.objects.select_for_update().select_related("period").get(pk=line.pk)
    fines, surcharges = to_cents(fines), to_cents(surcharges)
    period = line.period
    if fines < 0 or surcharges < 0:
        raise ValidationError(_("Amounts cannot be negative."), code="negative")
    if fines > period.fines or surcharges > period.surcharges:
        raise ValidationError(
            _(
                "Period %(period)s owes %(fines)s in fines and %(surcharges)s in surcharges: "
                "no more can be waived."
            )
            % {
                "period": f"{period.period:%m/%Y}",
                "fines": format_money(period.fines),
                "surcharges": format_money(period.surcharges),
            },
            code="over_owed",
        )
    before = f"{format_money(line.fines)} + {format_money(line.surcharges)}"
    line.fines, line.surcharges = fines, surcharges
    line.fines_owed, line.surcharges_owed = period.fines, period.surcharges
    line.contributions = max(period.employer_share + period.worker_share - period.paid, ZERO)
    line.save()
    _event(
        request,
        RequestEventKind.AMOUNTS,
        actor,
        before,
        f"{format_money(fines)} + {format_money(surcharges)}",
        f"{period.period:%m/%Y}",
    )
    return line


@transaction.atomic
def request_refresh_amounts(*, request: SettlementRequest, actor: User) -> int:
    """Propose again, from the statement as it is now, the periods a newer import
    changed (their amounts to waive become what they owe now). Returns how many."""
    request = _locked(request)
    _editable(request)
    changed = 0
    for line in stale_periods(request):
        period = line.period
        line.fines = min(line.fines, period.fines) if line.fines else period.fines
        line.surcharges = (
            min(line.surcharges, period.surcharges) if line.surcharges else period.surcharges
        )
        line.fines_owed, line.surcharges_owed = period.fines, period.surcharges
        line.contributions = max(period.employer_share + period.worker_share - period.paid, ZERO)
        line.save()
        changed += 1
        _event(
            request,
            RequestEventKind.AMOUNTS,
            actor,
            "",
            f"{format_money(line.fines)} + {format_money(line.surcharges)}",
            _("Period %(period)s proposed again from the statement")
            % {"period": f"{period.period:%m/%Y}"},
        )
    return changed


def stale_periods(request: SettlementRequest) -> list[RequestPeriod]:
    """The request's periods whose fines or surcharges the account shows differently
    than when they were proposed (a newer import changed them)."""
    return [line for line in request.periods.select_related("period") if line.is_stale]


# --- The draft resolution ----------------------------------------------------------

PLACEHOLDERS = {
    "numero_solicitud": "the request's number",
    "patrono": "the employer's legal name",
    "numero_patronal": "the employer number",
    "nit": "the employer's NIT",
    "periodos": "the periods, one per line, with their amounts",
    "contribuciones": "the contributions to pay",
    "multas": "the fines to waive",
    "recargos": "the surcharges to waive",
    "total_exonerado": "fines plus surcharges",
    "total_exonerado_letras": "the same in words",
    "forma_pago": "the payment terms",
    "fecha_recibida": "the date received",
}


def draft_text(request: SettlementRequest) -> str:
    """The draft resolution from the department's template for the request's kind;
    the placeholders `{patrono}` etc. (PLACEHOLDERS) filled from the request."""
    template = DraftTemplate.objects.filter(kind=request.kind).first()
    if template is None:
        return ""
    lines = list(request.periods.select_related("period"))
    totals = line_totals(lines)
    waived = totals["waived"]
    employer = request.employer
    terms = PaymentTerms(request.payment_terms).label
    if request.agreement_id:
        terms = _("%(terms)s No. %(number)s") % {"terms": terms, "number": request.agreement_id}
    lines = [
        _("%(period)s: contributions %(contributions)s, fines %(fines)s, surcharges %(surcharges)s")
        % {
            "period": f"{line.period.period:%m/%Y}",
            "contributions": format_money(line.contributions),
            "fines": format_money(line.fines),
            "surcharges": format_money(line.surcharges),
        }
        for line in lines
    ]
    values = {
        "numero_solicitud": request.number,
        "patrono": employer.legal_name,
        "numero_patronal": employer.employer_number,
        "nit": employer.nit_display,
        "periodos": "\n".join(lines),
        "contribuciones": format_money(totals["contributions"]),
        "multas": format_money(totals["fines"]),
        "recargos": format_money(totals["surcharges"]),
        "total_exonerado": format_money(waived),
        "total_exonerado_letras": amount_in_words(waived),
        "forma_pago": terms,
        "fecha_recibida": f"{request.received_on:%d/%m/%Y}",
    }
    # Unknown placeholders are left as written, so a typo in the admin shows on the draft.
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m[1], m[0])), template.text)


@transaction.atomic
def request_draft_update(
    *, request: SettlementRequest, text: str | None, actor: User
) -> SettlementRequest:
    """Edit the draft resolution by hand, or (text None) generate it again."""
    request = _locked(request)
    _editable(request)
    regenerated = text is None
    request.draft_text = draft_text(request) if regenerated else text
    request.full_clean(fields=["draft_text"])
    request.save(update_fields=["draft_text"])
    _event(
        request,
        RequestEventKind.DRAFT,
        actor,
        "",
        _("generated again from the template") if regenerated else _("edited"),
    )
    return request


# --- Documents ---------------------------------------------------------------------


def document_types(request: SettlementRequest):
    return DocumentType.objects.filter(is_active=True, kind=request.kind)


def missing_documents(request: SettlementRequest) -> list[DocumentType]:
    """The checklist's documents not uploaded (marked missing or not yet there)."""
    uploaded = set(request.documents.exclude(file="").values_list("document_type_id", flat=True))
    return [kind for kind in document_types(request) if kind.pk not in uploaded]


@transaction.atomic
def request_document_upload(
    *, request: SettlementRequest, document_type: DocumentType, upload: UploadedFile, actor: User
) -> RequestDocument:
    content_type = check_upload(upload)
    request = _locked(request)
    _editable(request)
    document, _created = RequestDocument.objects.select_for_update().get_or_create(
        request=request, document_type=document_type, defaults={"updated_by": actor}
    )
    if document.file:
        document.file.delete(save=False)
    document.file = upload
    document.original_name = (upload.name or "")[:255]
    document.content_type = content_type
    document.is_missing = False
    document.updated_by = actor
    document.save()
    _event(request, RequestEventKind.DOCUMENT, actor, "", document_type.name, upload.name)
    return document


@transaction.atomic
def request_document_mark_missing(
    *, request: SettlementRequest, document_type: DocumentType, note: str, actor: User
) -> RequestDocument:
    request = _locked(request)
    _editable(request)
    document, _created = RequestDocument.objects.select_for_update().get_or_create(
        request=request, document_type=document_type, defaults={"updated_by": actor}
    )
    if document.file:
        document.file.delete(save=False)
    document.file = ""
    document.is_missing = True
    document.note = note[:255]
    document.updated_by = actor
    document.save()
    _event(request, RequestEventKind.DOCUMENT, actor, document_type.name, _("missing"), note)
    return document


# --- Review ------------------------------------------------------------------------


@transaction.atomic
def request_check(*, request: SettlementRequest, part: str, actor: User) -> SettlementRequest:
    """Record who checked the contents (periods, amounts, draft) or the documents."""
    request = _locked(request)
    if request.status != RequestStatus.REVIEW:
        raise ValidationError(_("Only a request under review is checked."), code="not_in_review")
    _not_the_preparer(request, actor, _("review"))
    now = timezone.now()
    if part == "contents":
        request.contents_checked_by, request.contents_checked_at = actor, now
        label = _("contents checked")
    elif part == "documents":
        if missing := missing_documents(request):
            raise ValidationError(
                _("Missing documents: %(names)s.")
                % {"names": ", ".join(kind.name for kind in missing)},
                code="missing_documents",
            )
        request.documents_checked_by, request.documents_checked_at = actor, now
        label = _("documents checked")
    else:
        raise ValueError(part)
    request.save()
    _event(request, RequestEventKind.CHECK, actor, "", label)
    return request


def readiness_problems(request: SettlementRequest) -> list[str]:
    """Why the request cannot go to the Board yet (empty: it can)."""
    problems = []
    if missing := missing_documents(request):
        problems.append(
            _("Missing documents: %(names)s.") % {"names": ", ".join(kind.name for kind in missing)}
        )
    for line in stale_periods(request):
        problems.append(
            _(
                "Period %(period)s changed in the account since it was proposed: fines "
                "%(fines_then)s → %(fines_now)s, surcharges %(surcharges_then)s → "
                "%(surcharges_now)s."
            )
            % {
                "period": f"{line.period.period:%m/%Y}",
                "fines_then": format_money(line.fines_owed),
                "fines_now": format_money(line.period.fines),
                "surcharges_then": format_money(line.surcharges_owed),
                "surcharges_now": format_money(line.period.surcharges),
            }
        )
    if request.kind == RequestKind.SETTLEMENT and not request.periods.exists():
        problems.append(_("The request has no period."))
    if not request.draft_text.strip():
        problems.append(_("The draft resolution is empty."))
    if request.contents_checked_by_id is None:
        problems.append(_("Nobody has checked the contents yet."))
    if request.documents_checked_by_id is None:
        problems.append(_("Nobody has checked the documents yet."))
    return problems


@transaction.atomic
def request_transition(
    *, request: SettlementRequest, to_status: str, actor: User, reason: str = ""
) -> SettlementRequest:
    """The review's moves: take for review, return as incomplete (saying what is
    missing), mark ready for the Board (only complete and current), take back."""
    request = _locked(request)
    if to_status in SERVICE_ONLY:
        raise ValidationError(
            _("That step is taken from its own page (submission, outcome, application, archive)."),
            code="service_only",
        )
    if to_status in {RequestStatus.READY, RequestStatus.INCOMPLETE}:
        _not_the_preparer(request, actor, _("review"))
    if to_status == RequestStatus.INCOMPLETE and not reason.strip():
        raise ValidationError(_("Say what is missing: the employer receives it."), code="reason")
    if to_status == RequestStatus.READY and (problems := readiness_problems(request)):
        raise ValidationError(problems, code="not_ready")
    if to_status == RequestStatus.REVIEW and request.status in {
        RequestStatus.INCOMPLETE,
        RequestStatus.READY,
    }:
        # Reviewed again from the start: the earlier checks no longer hold.
        request.contents_checked_by = request.documents_checked_by = None
        request.contents_checked_at = request.documents_checked_at = None
    _change_status(request, to_status, actor, reason)
    return request


# --- The Board: sessions, submissions, outcomes -------------------------------------


@transaction.atomic
def session_create(
    *, number: str, date: datetime.date, kind: str, actor: User, notes: str = ""
) -> BoardSession:
    session = BoardSession(number=number.strip(), date=date, kind=kind, notes=notes)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def submission_create(
    *,
    session: BoardSession,
    requests: list[SettlementRequest],
    actor: User,
    sent_on: datetime.date,
    memo: str = "",
) -> Submission:
    """Send ready requests to a session in one submission (its cover memo and index
    print from it). Each must still be ready and match the account."""
    if not requests:
        raise ValidationError(_("Choose at least one ready request."), code="empty")
    if sent_on > session.date:
        raise ValidationError(
            _("A submission is sent before its session (%(date)s).")
            % {"date": f"{session.date:%d/%m/%Y}"},
            code="after_session",
        )
    submission = Submission.objects.create(
        session=session,
        number=_next_number(Submission, "MCD", sent_on.year, width=3),
        sent_on=sent_on,
        sent_by=actor,
        memo=memo,
    )
    for request in sorted(requests, key=lambda r: r.pk):
        request = _locked(request)
        if request.status != RequestStatus.READY:
            raise ValidationError(
                _("Request %(number)s is not ready for the Board.") % {"number": request.number},
                code="not_ready",
            )
        if stale := stale_periods(request):
            raise ValidationError(
                _("Request %(number)s: period %(period)s changed in the account; review it again.")
                % {"number": request.number, "period": f"{stale[0].period.period:%m/%Y}"},
                code="stale",
            )
        request.submission = submission
        _change_status(request, RequestStatus.SUBMITTED, actor, str(session))
    return submission


def check_resolution_number(number: str) -> str:
    number = number.strip()
    if not re.fullmatch(settings.COUNCIL_RESOLUTION_PATTERN, number):
        raise ValidationError(
            _("Write the resolution number as the Board does, e.g. %(example)s.")
            % {"example": settings.COUNCIL_RESOLUTION_EXAMPLE},
            code="resolution_format",
        )
    return number


@transaction.atomic
def request_record_outcome(
    *,
    request: SettlementRequest,
    approved: bool,
    resolution_number: str,
    resolution_date: datetime.date,
    actor: User,
    amounts: dict[int, tuple[Decimal, Decimal]] | None = None,
    note: str = "",
) -> SettlementRequest:
    """Record the Board's decision on a submitted request: its resolution and, when
    approved, the amounts approved per period (`amounts`: line id → (fines,
    surcharges); missing lines are approved as asked). Approving less than asked makes
    it "approved with changes". A settlement's approval records its waivers, pending
    application in the account system."""
    request = _locked(request)
    if request.status != RequestStatus.SUBMITTED:
        raise ValidationError(
            _("Only a request submitted to the Board gets its outcome."), code="not_submitted"
        )
    session = request.submission.session
    if resolution_date < session.date or resolution_date > timezone.localdate():
        raise ValidationError(
            _("The resolution is dated on or after its session (%(date)s), and not in the future.")
            % {"date": f"{session.date:%d/%m/%Y}"},
            code="resolution_date",
        )
    number = check_resolution_number(resolution_number)
    if SettlementRequest.objects.filter(resolution_number=number).exclude(pk=request.pk).exists():
        raise ValidationError(
            _("Resolution %(number)s is already recorded on another request.") % {"number": number},
            code="resolution_taken",
        )
    request.resolution_number = number
    request.resolution_date = resolution_date
    request.outcome_note = note
    if not approved:
        _change_status(request, RequestStatus.REJECTED, actor, f"{number} {note}".strip())
        _event(request, RequestEventKind.OUTCOME, actor, "", number, note)
        return request
    amounts = amounts or {}
    changed = False
    lines = list(request.periods.select_related("period").select_for_update(of=("self",)))
    for line in lines:
        fines, surcharges = amounts.get(line.pk, (line.fines, line.surcharges))
        fines, surcharges = to_cents(fines), to_cents(surcharges)
        if fines < 0 or surcharges < 0 or fines > line.fines or surcharges > line.surcharges:
            raise ValidationError(
                _("Period %(period)s: the Board approves at most what was asked (%(asked)s).")
                % {"period": f"{line.period.period:%m/%Y}", "asked": format_money(line.waived)},
                code="over_asked",
            )
        if fines > line.period.fines or surcharges > line.period.surcharges:
            raise ValidationError(
                _("Period %(period)s now owes less than the waiver: review the amounts.")
                % {"period": f"{line.period.period:%m/%Y}"},
                code="over_owed",
            )
        changed = changed or (fines, surcharges) != (line.fines, line.surcharges)
        line.fines_approved, line.surcharges_approved = fines, surcharges
        line.save()
    status = RequestStatus.APPROVED_CHANGES if changed else RequestStatus.APPROVED
    _change_status(request, status, actor, number)
    total = sum((line.fines_approved + line.surcharges_approved for line in lines), ZERO)
    _event(request, RequestEventKind.OUTCOME, actor, "", number, note)
    condition = request.agreement if request.payment_terms == PaymentTerms.AGREEMENT else None
    waivers = [
        Waiver(
            request=request,
            request_period=line,
            period=line.period,
            fines=line.fines_approved,
            surcharges=line.surcharges_approved,
            fines_before=line.period.fines,
            surcharges_before=line.period.surcharges,
            condition_agreement=condition,
            recorded_by=actor,
        )
        for line in lines
        if line.fines_approved or line.surcharges_approved
    ]
    Waiver.objects.bulk_create(waivers)
    if waivers:
        _event(
            request,
            RequestEventKind.WAIVER,
            actor,
            "",
            _("%(count)s waivers recorded, %(total)s, pending application")
            % {"count": len(waivers), "total": format_money(total)},
        )
    elif request.kind == RequestKind.SETTLEMENT:
        # Approved at zero: nothing to apply.
        _change_status(request, RequestStatus.APPLIED, actor, _("nothing to apply"))
    return request


# --- Application ---------------------------------------------------------------------


def _request_applied_if_done(request: SettlementRequest, actor, reason: str) -> None:
    if (
        request.status in APPROVED_STATUSES
        and not request.waivers.filter(status=WaiverStatus.PENDING).exists()
    ):
        request.applied_on = timezone.localdate()
        request.applied_by = actor
        _change_status(request, RequestStatus.APPLIED, actor, reason)


@transaction.atomic
def waiver_confirm_applied(*, waiver: Waiver, actor: User, note: str) -> Waiver:
    """Confirm by hand that the account system applied a waiver (an import will not
    show it, or shows it differently)."""
    waiver = (
        Waiver.objects.select_for_update().select_related("request", "period").get(pk=waiver.pk)
    )
    request = _locked(waiver.request)
    _not_the_preparer(request, actor, _("record the application of"))
    if waiver.status != WaiverStatus.PENDING:
        raise ValidationError(
            _("This waiver is “%(status)s”: only a pending one is confirmed applied.")
            % {"status": WaiverStatus(waiver.status).label},
            code="not_pending",
        )
    if not note.strip():
        raise ValidationError(
            _("Say how the application was checked (e.g. the account system's reference)."),
            code="note",
        )
    waiver.status = WaiverStatus.APPLIED
    waiver.applied_at = timezone.now()
    waiver.applied_by = actor
    waiver.applied_note = note[:255]
    waiver.save()
    _event(
        request,
        RequestEventKind.WAIVER,
        actor,
        WaiverStatus.PENDING.label,
        WaiverStatus.APPLIED.label,
        f"{waiver.period.period:%m/%Y}: {note}",
    )
    _request_applied_if_done(request, actor, _("every waiver applied"))
    return waiver


def waivers_apply_from_import(arrears_import: ArrearsImport) -> int:
    """An import that shows a period's fines and surcharges reduced by a pending
    waiver's amounts is the evidence of its application: the waiver is marked applied
    with the import, once (an applied waiver is no longer netted, so it is never
    subtracted twice). A revoked waiver whose amounts are back is marked reinstated.
    Set-based; called inside the import's transaction."""
    with set_based() as cursor:
        cursor.execute(
            """
            WITH applied AS (
                UPDATE council_waiver w
                   SET status = %(applied)s, applied_at = now(), applied_import_id = %(import)s
                  FROM employers_contributionperiod p
                 WHERE p.id = w.period_id AND w.status = %(pending)s
                   AND p.fines <= w.fines_before - w.fines
                   AND p.surcharges <= w.surcharges_before - w.surcharges
             RETURNING w.id, w.request_id, p.period
            ), reinstated AS (
                UPDATE council_waiver w SET reinstated_at = now()
                  FROM employers_contributionperiod p
                 WHERE p.id = w.period_id AND w.status = %(revoked)s
                   AND w.applied_at IS NOT NULL AND w.reinstated_at IS NULL
                   AND p.fines >= w.fines_before AND p.surcharges >= w.surcharges_before
             RETURNING w.id
            ), events AS (
                INSERT INTO council_requestevent (request_id, at, kind, before, after, reason)
                SELECT request_id, now(), %(kind)s, %(pending_label)s, %(applied_label)s,
                       to_char(period, 'MM/YYYY') || ': ' || %(why)s
                  FROM applied
            )
            SELECT DISTINCT request_id FROM applied
            """,
            {
                "applied": WaiverStatus.APPLIED,
                "pending": WaiverStatus.PENDING,
                "revoked": WaiverStatus.REVOKED,
                "import": arrears_import.pk,
                "kind": RequestEventKind.WAIVER,
                "pending_label": str(WaiverStatus.PENDING.label),
                "applied_label": str(WaiverStatus.APPLIED.label),
                "why": _("shown applied by the import of %(date)s (%(file)s)")
                % {
                    "date": f"{timezone.localtime(arrears_import.created_at):%d/%m/%Y}",
                    "file": arrears_import.file_name,
                },
            },
        )
        request_ids = [row[0] for row in cursor.fetchall()]
    for request in SettlementRequest.objects.filter(pk__in=request_ids).order_by("pk"):
        _request_applied_if_done(_locked(request), None, _("applied by the import"))
    return Waiver.objects.filter(applied_import=arrears_import).count()


@transaction.atomic
def discharge_apply(*, request: SettlementRequest, actor: User) -> SettlementRequest:
    """Apply an approved discharge: the employer's case is closed as paid."""
    request = _locked(request)
    if request.kind != RequestKind.DISCHARGE or request.status not in APPROVED_STATUSES:
        raise ValidationError(
            _("Only an approved discharge is applied here."), code="not_discharge"
        )
    _not_the_preparer(request, actor, _("record the application of"))
    if request.case is not None and request.case.status != CaseStatus.CLOSED:
        case_transition(
            case=request.case,
            to_status=CaseStatus.CLOSED,
            actor=actor,
            close_reason=CloseReason.PAID,
            reason=_("Discharge %(number)s, %(resolution)s")
            % {"number": request.number, "resolution": request.resolution_number},
        )
    request.applied_on = timezone.localdate()
    request.applied_by = actor
    _change_status(request, RequestStatus.APPLIED, actor, request.resolution_number)
    return request


def waivers_revoke_on_breach(*, run_date: datetime.date) -> int:
    """Revoke the waivers granted on condition of a payment agreement that breached:
    their fines and surcharges come back into the balance (the statement stops netting
    them, or adds them back if the account had applied them) and the revocation goes
    in the next export. Set-based, once: a second run finds nothing pending."""
    fallen = [AgreementStatus.BREACHED, AgreementStatus.REFERRED]
    with set_based() as cursor:
        cursor.execute(
            """
            WITH revoked AS (
                UPDATE council_waiver w
                   SET status = %(revoked)s, revoked_at = now(),
                       revoked_reason = format(%(why)s, a.id, to_char(a.breached_on, 'DD/MM/YYYY'))
                  FROM agreements_paymentagreement a
                 WHERE a.id = w.condition_agreement_id AND a.status = ANY(%(fallen)s)
                   AND w.status IN (%(pending)s, %(applied)s)
             RETURNING w.id, w.request_id, w.revoked_reason
            ), events AS (
                INSERT INTO council_requestevent (request_id, at, kind, before, after, reason)
                SELECT request_id, now(), %(kind)s, '', %(revoked_label)s, min(revoked_reason)
                  FROM revoked GROUP BY request_id
            )
            SELECT count(*) FROM revoked
            """,
            {
                "revoked": WaiverStatus.REVOKED,
                "pending": WaiverStatus.PENDING,
                "applied": WaiverStatus.APPLIED,
                "fallen": fallen,
                "why": _("agreement %s breached on %s"),
                "kind": RequestEventKind.WAIVER,
                "revoked_label": str(WaiverStatus.REVOKED.label),
            },
        )
        return cursor.fetchone()[0]


# --- Archive -------------------------------------------------------------------------


@transaction.atomic
def dispatch_create(
    *, requests: list[SettlementRequest], actor: User, sent_on: datetime.date, notes: str = ""
) -> ArchiveDispatch:
    """Send decided requests (applied, or rejected) and their resolutions to the
    archive in one dispatch; they become archived with its number and date."""
    if not requests:
        raise ValidationError(_("Choose at least one request to archive."), code="empty")
    dispatch = ArchiveDispatch.objects.create(
        number=_next_number(ArchiveDispatch, "RA", sent_on.year, width=3),
        sent_on=sent_on,
        sent_by=actor,
        notes=notes,
    )
    for request in sorted(requests, key=lambda r: r.pk):
        request = _locked(request)
        if request.status not in {RequestStatus.APPLIED, RequestStatus.REJECTED}:
            raise ValidationError(
                _("Request %(number)s is not decided and applied yet.")
                % {"number": request.number},
                code="not_archivable",
            )
        request.dispatch = dispatch
        _change_status(request, RequestStatus.ARCHIVED, actor, dispatch.number)
    return dispatch


# --- Discharges ----------------------------------------------------------------------


def discharge_candidates():
    """Cases whose employer met its commitments (the agreement completed or the
    arrears paid: the case is settled) with no discharge asked yet."""
    asked = SettlementRequest.objects.filter(kind=RequestKind.DISCHARGE).exclude(
        status=RequestStatus.REJECTED
    )
    return (
        RecoveryCase.objects.filter(status=CaseStatus.SETTLED)
        .exclude(pk__in=asked.filter(case__isnull=False).values("case_id"))
        .select_related("employer", "branch")
        .order_by("closed_on", "pk")
    )


@transaction.atomic
def discharge_propose(*, case: RecoveryCase, actor: User) -> SettlementRequest:
    # Locked, so that two heads proposing at once make one discharge.
    RecoveryCase.objects.select_for_update().filter(pk=case.pk).first()
    if not discharge_candidates().filter(pk=case.pk).exists():
        raise ValidationError(
            _("This case is not settled, or its discharge was already asked."),
            code="not_candidate",
        )
    return request_create(
        employer=case.employer,
        actor=actor,
        received_on=timezone.localdate(),
        kind=RequestKind.DISCHARGE,
        case=case,
    )
