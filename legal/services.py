"""Writes of the Legal Unit: referring cases, accepting them, giving them back and
recording their judicial progress. Each runs in one transaction, appends to the
referral's timeline (and notes it on the case's, through recovery's service) and
returns the referral."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import AgreementStatus, Installment, Payment
from agreements.services import agreement_close_on_return, agreements_mark_referred
from core.money import ZERO, format_money
from core.sql import set_based, sql_list
from employers.queries import account_statement
from legal.models import (
    ALLOWED_TRANSITIONS,
    FILED_STAGES,
    JudicialStage,
    LegalReferral,
    ReferralEvent,
    ReferralEventKind,
    ReferralStatus,
)
from people.models import User
from people.notifications import Notice, notices_send
from people.roles import Role
from recovery.models import ALLOWED_TRANSITIONS as ALLOWED_CASE_TRANSITIONS
from recovery.models import CaseEventKind, CaseStatus, RecoveryCase
from recovery.services import case_event_record, case_transition, cases_transition

OPEN_STATUSES = [ReferralStatus.PENDING, ReferralStatus.ACCEPTED]


def _locked(referral: LegalReferral) -> LegalReferral:
    return LegalReferral.objects.select_for_update().select_related("case").get(pk=referral.pk)


def _move(referral: LegalReferral, to_status: str) -> None:
    if to_status not in ALLOWED_TRANSITIONS[referral.status]:
        if referral.status == ReferralStatus.PENDING:
            raise ValidationError(_("Accept the referral before recording its progress."))
        if to_status == ReferralStatus.ACCEPTED:
            raise ValidationError(_("Only a referral pending acceptance can be accepted."))
        raise ValidationError(_("This referral is no longer open."))
    referral.status = to_status


def _event(referral, kind, actor, before="", after="", reason="") -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral, kind=kind, actor=actor, before=before, after=after, reason=reason
    )


@transaction.atomic
def referral_accept(*, referral: LegalReferral, actor: User) -> LegalReferral:
    referral = _locked(referral)
    _move(referral, ReferralStatus.ACCEPTED)
    referral.accepted_on, referral.accepted_by = timezone.localdate(), actor
    referral.judicial_stage = referral.judicial_stage or JudicialStage.PREPARATION
    referral.save()
    _event(
        referral,
        ReferralEventKind.ACCEPTED,
        actor,
        ReferralStatus.PENDING.label,
        ReferralStatus.ACCEPTED.label,
    )
    case_event_record(
        case=referral.case,
        kind=CaseEventKind.LEGAL,
        actor=actor,
        after=_("Accepted by the Legal Unit"),
    )
    return referral


@transaction.atomic
def referral_return(*, referral: LegalReferral, actor: User, reason: str) -> LegalReferral:
    """The Legal Unit gives the case back to the department, saying why."""
    referral = _locked(referral)
    if not reason.strip():
        raise ValidationError(_("Say why the case is returned."))
    before = referral.get_status_display()
    _move(referral, ReferralStatus.RETURNED)
    referral.returned_reason = reason
    referral.save()
    _event(
        referral, ReferralEventKind.RETURNED, actor, before, ReferralStatus.RETURNED.label, reason
    )
    if referral.agreement_id is not None:
        agreement_close_on_return(agreement=referral.agreement, actor=actor, reason=reason)
    if referral.case.status == CaseStatus.REFERRED:
        case_transition(
            case=referral.case,
            to_status=CaseStatus.IN_CONTACT,
            actor=actor,
            reason=reason,
            by_legal_unit=True,
        )
    return referral


@transaction.atomic
def referral_create(*, case: RecoveryCase, actor: User, reason: str) -> LegalReferral:
    """Refer a case to the Legal Unit by hand, from the case page: a referral pending
    acceptance with the employer's arrears, the case moved to "referred", the Legal
    Unit notified. (A breached agreement is referred by the nightly job instead.)"""
    case = RecoveryCase.objects.select_for_update().get(pk=case.pk)
    if not reason.strip():
        raise ValidationError(_("Say why the case is referred to the Legal Unit."))
    if case.status == CaseStatus.AGREEMENT:
        raise ValidationError(
            _(
                "The case has an agreement: it is referred when the agreement is breached "
                "(the nightly job does it), or cancel the agreement first."
            )
        )
    if CaseStatus.REFERRED not in ALLOWED_CASE_TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            _("A case that is “%(current)s” cannot be referred to the Legal Unit.")
            % {"current": CaseStatus(case.status).label}
        )
    if LegalReferral.objects.filter(case=case, status__in=OPEN_STATUSES).exists():
        raise ValidationError(_("The case already has an open referral."))
    debt = account_statement(case.employer, timezone.localdate()).net_arrears
    if debt <= 0:
        raise ValidationError(_("The employer owes nothing: there is no debt to refer."))
    referral = LegalReferral.objects.create(
        case=case,
        status=ReferralStatus.PENDING,
        referred_on=timezone.localdate(),
        debt=debt,
        reason=reason,
    )
    _event(referral, ReferralEventKind.REFERRED, actor, "", ReferralStatus.PENDING.label, reason)
    case_transition(
        case=case, to_status=CaseStatus.REFERRED, actor=actor, reason=reason, by_legal_unit=True
    )
    notices_send(
        notices=[
            Notice(
                case.agent_id,
                case.branch_id,
                _("Case referred to the Legal Unit:") + f" {case.employer.legal_name}",
                reason,
                f"/juridico/{referral.pk}/",
            )
        ],
        to_heads=True,
    )
    return referral


@transaction.atomic
def referral_update(
    *,
    referral: LegalReferral,
    actor: User,
    judicial_stage: str,
    amount_recovered: Decimal,
    notes: str,
    filed_on: datetime.date | None = None,
) -> LegalReferral:
    """Record the judicial stage and what has been recovered. The first time the stage
    reaches the claim filed, the filing date is kept (`filed_on`, today when not given):
    it interrupts the prescription of the employer's periods then due."""
    referral = _locked(referral)
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationError(_("Accept the referral before recording its progress."))
    if judicial_stage not in JudicialStage.values:
        raise ValidationError(_("Choose the judicial stage."))
    if amount_recovered < 0 or amount_recovered > referral.debt:
        raise ValidationError(_("The amount recovered must be between zero and the debt referred."))
    today = timezone.localdate()
    if filed_on is not None and not (referral.referred_on <= filed_on <= today):
        raise ValidationError(
            _("The claim's filing date must be between the referral (%(day)s) and today.")
            % {"day": referral.referred_on.strftime("%d/%m/%Y")}
        )
    if filed_on is not None and judicial_stage not in FILED_STAGES:
        raise ValidationError(_("A filing date is recorded with the stage “claim filed” or later."))
    before = f"{referral.get_judicial_stage_display()} · ${referral.amount_recovered}"
    if judicial_stage in FILED_STAGES and (referral.filed_on is None or filed_on is not None):
        referral.filed_on = filed_on or referral.filed_on or today
    referral.judicial_stage, referral.amount_recovered = judicial_stage, amount_recovered
    if notes:
        referral.notes = notes
    referral.save()
    after = f"{referral.get_judicial_stage_display()} · ${amount_recovered}"
    if referral.filed_on:
        after += " · " + _("claim filed on %(day)s") % {
            "day": referral.filed_on.strftime("%d/%m/%Y")
        }
    _event(referral, ReferralEventKind.PROGRESS, actor, before, after, notes)
    case_event_record(
        case=referral.case,
        kind=CaseEventKind.LEGAL,
        actor=actor,
        before=before,
        after=after,
        reason=notes,
    )
    return referral


def referral_payment_received(payment: Payment) -> None:
    """A payment recorded on an agreement whose case is with the Legal Unit: noted on
    the open referral's timeline, and the Legal Unit told (the debt it pursues is the
    agreement's unpaid balance, now smaller). Registered with agreements' payments."""
    referral = (
        LegalReferral.objects.filter(agreement_id=payment.agreement_id, status__in=OPEN_STATUSES)
        .select_related("case__employer")
        .first()
    )
    if referral is None:
        return
    amount = format_money(payment.amount)
    _event(
        referral, ReferralEventKind.PAYMENT, payment.recorded_by, "", amount, payment.receipt_number
    )
    notices_send(
        notices=[
            Notice(
                None,
                referral.case.branch_id,
                _("Payment received on a referred case:") + f" {referral.case.employer.legal_name}",
                f"{amount} · " + _("receipt") + f" {payment.receipt_number}",
                f"/juridico/{referral.pk}/",
            )
        ],
        to_agent=False,
        to_roles=(Role.LEGAL,),
    )


def referral_outstanding(referral: LegalReferral) -> Decimal:
    """What the Legal Unit still pursues: a breached agreement's unpaid balance, net of
    every payment recorded since (the debt when referred, for a case referred by hand:
    the account system's arrears, which net its own payments)."""
    if referral.agreement_id is None:
        return referral.debt
    unpaid = Installment.objects.filter(agreement_id=referral.agreement_id).aggregate(
        unpaid=Coalesce(Sum(F("amount") - F("paid_amount")), ZERO)
    )["unpaid"]
    return max(unpaid, ZERO)


def referral_payments(referral: LegalReferral):
    """The payments recorded on the referred agreement since the referral, netted from
    its debt (oldest first)."""
    if referral.agreement_id is None:
        return Payment.objects.none()
    referred_at = (
        referral.timeline.filter(kind=ReferralEventKind.REFERRED)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    payments = Payment.objects.filter(agreement_id=referral.agreement_id, reversed_at__isnull=True)
    if referred_at is not None:
        payments = payments.filter(recorded_at__gte=referred_at)
    return payments.order_by("paid_on", "pk")


def referrals_from_breaches(*, run_date: datetime.date) -> int:
    """Refer to the Legal Unit the case of every breached agreement: a referral pending
    acceptance with the unpaid balance, the agreement marked referred (agreements'
    service) and its case moved to referred (recovery's `cases_transition`, the set
    form of `case_transition`). Set-based; run after the breach job the same night.
    Run again it changes nothing: a referred agreement is no longer breached, and a
    case has at most one open referral. Returns how many referrals were created."""
    open_statuses = sql_list([ReferralStatus.PENDING, ReferralStatus.ACCEPTED])
    with set_based() as cursor:
        cursor.execute(
            f"""
            WITH breached AS (
                -- Locked, so that a second run waits and then finds them referred. The
                -- unpaid balance is read per agreement through the installments' index:
                -- no join of two CTEs, whose row estimates are unknown (a nested loop
                -- over both would be quadratic).
                SELECT a.id, a.case_id, a.breach_reason,
                       (SELECT coalesce(sum(i.amount - i.paid_amount), 0)
                          FROM agreements_installment i WHERE i.agreement_id = a.id) AS debt
                  FROM agreements_paymentagreement a
                 WHERE a.status = %(breached)s
                 ORDER BY a.id
                   FOR UPDATE OF a
            ), referred AS (
                INSERT INTO legal_legalreferral
                    (case_id, agreement_id, status, referred_on, debt, reason, returned_reason,
                     judicial_stage, amount_recovered, notes)
                SELECT case_id, id, %(pending)s, %(day)s, debt, breach_reason, '', '', 0, ''
                  FROM breached
                ON CONFLICT (case_id) WHERE status IN ({open_statuses}) DO NOTHING
                RETURNING id, reason
            ), events AS (
                INSERT INTO legal_referralevent (referral_id, at, kind, before, after, reason)
                SELECT id, now(), %(kind)s, '', %(pending_label)s, reason FROM referred
            )
            SELECT b.id, b.case_id, b.breach_reason, (SELECT count(*) FROM referred)
              FROM breached b ORDER BY b.id
            """,
            {
                "breached": AgreementStatus.BREACHED,
                "pending": ReferralStatus.PENDING,
                "pending_label": str(ReferralStatus.PENDING.label),
                "kind": ReferralEventKind.REFERRED,
                "day": run_date,
            },
        )
        rows = cursor.fetchall()
        if not rows:
            return 0
        agreements_mark_referred(agreement_ids=[row[0] for row in rows])
        cases_transition(
            case_ids=[row[1] for row in rows],
            to_status=CaseStatus.REFERRED,
            run_date=run_date,
            reasons=[row[2] for row in rows],
            by_legal_unit=True,
        )
        return rows[0][3]
