"""Writes on payment agreements: drafting, approval, signature, legalization and
cancellation (payments are in agreements.payments). Every money or status change
writes an AgreementEvent."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import (
    ALLOWED_TRANSITIONS,
    AgreementEvent,
    AgreementEventKind,
    AgreementPeriod,
    AgreementPolicy,
    AgreementStatus,
    Approver,
    Concept,
    ConceptAllocation,
    Installment,
    InstallmentStatus,
    PaymentAgreement,
)
from agreements.schedule import PlannedInstallment, build_schedule
from core.money import ZERO, format_money, to_cents
from core.sql import set_based
from core.uploads import check_upload
from employers.models import ContributionPeriod
from employers.queries import last_export_applied
from people.models import User
from people.roles import Role
from recovery.models import CaseStatus, RecoveryCase

OPEN_AGREEMENT_STATUSES = [
    AgreementStatus.DRAFT,
    AgreementStatus.SIGNED,
    AgreementStatus.LEGALIZED,
    AgreementStatus.ACTIVE,
]
# A breached or referred agreement still takes payments: they reduce the debt the Legal
# Unit pursues (it is told of each), whatever the date the bank received them.
PAYABLE_STATUSES = [
    AgreementStatus.SIGNED,
    AgreementStatus.LEGALIZED,
    AgreementStatus.ACTIVE,
    AgreementStatus.BREACHED,
    AgreementStatus.REFERRED,
]


@dataclass
class PeriodDebt:
    period: ContributionPeriod
    contributions: Decimal
    fines: Decimal
    surcharges: Decimal

    @property
    def total(self) -> Decimal:
        return self.contributions + self.fines + self.surcharges


def _unposted_by_concept(period_ids: list[int]) -> dict[tuple[int, str], Decimal]:
    """What the payments recorded in Recupera since the account system's last export
    settled of each period, by concept: the account system's balance does not show it
    yet, and a new agreement must not ask for it again (an agreement returned by the
    Legal Unit, one that lapsed, a payment kept apart)."""
    allocations = ConceptAllocation.objects.live(last_export_applied()).filter(
        agreement_period__period_id__in=period_ids
    )
    rows = (
        allocations.values_list("agreement_period__period_id", "concept")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {(period_id, concept): total for period_id, concept, total in rows}


def period_debts(period_qs) -> list[PeriodDebt]:
    """What is still owed of each period by concept: what was paid settled the
    contributions first, then fines, then surcharges; and what was paid through
    Recupera since the last export is netted from each concept it settled."""
    periods = list(period_qs.order_by("period"))
    unposted = _unposted_by_concept([period.pk for period in periods])
    debts = []
    for period in periods:
        paid = period.paid
        owed = []
        for concept, amount in (
            (Concept.CONTRIBUTIONS, period.employer_share + period.worker_share),
            (Concept.FINES, period.fines),
            (Concept.SURCHARGES, period.surcharges),
        ):
            settled = min(paid, amount)
            left = amount - settled
            paid -= settled
            owed.append(max(left - unposted.get((period.pk, concept), ZERO), ZERO))
        if sum(owed) > 0:
            debts.append(PeriodDebt(period, *owed))
    return debts


@dataclass
class AgreementPlan:
    case: RecoveryCase
    policy: AgreementPolicy
    debts: list[PeriodDebt]
    total: Decimal
    down_payment: Decimal
    installments: int
    first_due_date: datetime.date
    frequency: str
    schedule: list[PlannedInstallment]


def agreement_plan(
    *,
    case: RecoveryCase,
    down_payment: Decimal,
    installments: int,
    first_due_date: datetime.date,
    frequency: str = "monthly",
    period_ids: list[int] | None = None,
    today: datetime.date | None = None,
) -> AgreementPlan:
    """Check the terms against the policy in force and build the schedule (no writes)."""
    today = today or timezone.localdate()
    policy = AgreementPolicy.in_force(today)
    if policy is None:
        raise ValidationError(_("No agreement policy is in force today; ask the administrator."))
    periods = ContributionPeriod.objects.filter(employer=case.employer).in_arrears(today)
    if period_ids is not None:
        periods = periods.filter(pk__in=period_ids)
    debts = period_debts(periods)
    if not debts:
        raise ValidationError(_("The employer owes no period past due to include."))
    total = sum((debt.total for debt in debts), ZERO)
    down_payment = to_cents(down_payment)
    errors = []
    minimum = to_cents(total * policy.min_down_payment_pct / 100)
    if down_payment < minimum:
        errors.append(
            _("The down payment must be at least %(min)s (%(pct)s%% of %(total)s).")
            % {
                "min": format_money(minimum),
                "pct": policy.min_down_payment_pct,
                "total": format_money(total),
            }
        )
    if down_payment > total:
        errors.append(_("The down payment cannot exceed the debt."))
    maximum = policy.max_installments(total)
    if installments < 1 or installments > maximum:
        errors.append(
            _("For a debt of %(total)s the policy allows 1 to %(max)s installments.")
            % {"total": format_money(total), "max": maximum}
        )
    if first_due_date <= today:
        errors.append(_("The first installment must fall due after today."))
    if errors:
        raise ValidationError(errors)
    schedule = build_schedule(
        total=total,
        down_payment=down_payment,
        installments=installments,
        first_due_date=first_due_date,
        frequency=frequency,
        down_payment_date=today,
    )
    return AgreementPlan(
        case, policy, debts, total, down_payment, installments, first_due_date, frequency, schedule
    )


def _event(agreement, kind, actor, before="", after="", reason=""):
    return AgreementEvent.objects.create(
        agreement=agreement, kind=kind, actor=actor, before=before, after=after, reason=reason
    )


def _write_plan(agreement: PaymentAgreement, plan: AgreementPlan) -> None:
    agreement.periods.all().delete()
    agreement.installments.all().delete()
    AgreementPeriod.objects.bulk_create(
        AgreementPeriod(
            agreement=agreement,
            period=debt.period,
            contributions=debt.contributions,
            fines=debt.fines,
            surcharges=debt.surcharges,
        )
        for debt in plan.debts
    )
    Installment.objects.bulk_create(
        Installment(
            agreement=agreement, number=item.number, due_date=item.due_date, amount=item.amount
        )
        for item in plan.schedule
    )


@transaction.atomic
def agreement_create(*, case: RecoveryCase, actor: User, **terms) -> PaymentAgreement:
    """Draft an agreement for a case with the schedule its terms give."""
    case = (
        RecoveryCase.objects.select_for_update(of=("self",))
        .select_related("employer")
        .get(pk=case.pk)
    )
    if case.status not in {CaseStatus.OPEN, CaseStatus.IN_CONTACT, CaseStatus.PROMISE}:
        raise ValidationError(
            _("An agreement cannot be drafted for a case that is “%(status)s”.")
            % {"status": CaseStatus(case.status).label}
        )
    if PaymentAgreement.objects.filter(case=case, status__in=OPEN_AGREEMENT_STATUSES).exists():
        raise ValidationError(_("The case already has an agreement in progress."))
    plan = agreement_plan(case=case, **terms)
    agreement = PaymentAgreement.objects.create(
        case=case,
        employer=case.employer,
        branch=case.branch,
        policy=plan.policy,
        total_amount=plan.total,
        down_payment=plan.down_payment,
        installments_count=plan.installments,
        frequency=plan.frequency,
        first_due_date=plan.first_due_date,
        created_by=actor,
    )
    _write_plan(agreement, plan)
    _event(
        agreement,
        AgreementEventKind.CREATED,
        actor,
        "",
        AgreementStatus.DRAFT.label,
        format_money(plan.total),
    )
    return agreement


def _locked(agreement: PaymentAgreement) -> PaymentAgreement:
    return (
        PaymentAgreement.objects.select_for_update(of=("self",))
        .select_related("policy", "case", "employer")
        .get(pk=agreement.pk)
    )


@transaction.atomic
def agreement_update_draft(
    *, agreement: PaymentAgreement, actor: User, **terms
) -> PaymentAgreement:
    """A draft can be changed (its schedule is rebuilt); a signed agreement cannot."""
    agreement = _locked(agreement)
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed; a signed agreement cannot."))
    plan = agreement_plan(case=agreement.case, **terms)
    before = f"{format_money(agreement.down_payment)} + {agreement.installments_count}"
    agreement.policy = plan.policy
    agreement.total_amount = plan.total
    agreement.down_payment = plan.down_payment
    agreement.installments_count = plan.installments
    agreement.frequency = plan.frequency
    agreement.first_due_date = plan.first_due_date
    agreement.approved_by, agreement.approved_at = None, None  # new terms, new approval
    agreement.save()
    _write_plan(agreement, plan)
    _event(
        agreement,
        AgreementEventKind.CHANGED,
        actor,
        before,
        f"{format_money(plan.down_payment)} + {plan.installments}",
    )
    return agreement


def _transition(agreement: PaymentAgreement, to_status: str, actor, reason: str = "") -> None:
    if to_status not in ALLOWED_TRANSITIONS[agreement.status]:
        raise ValidationError(
            _("An agreement that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": AgreementStatus(agreement.status).label,
                "target": AgreementStatus(to_status).label,
            }
        )
    before = agreement.status
    agreement.status = to_status
    agreement.save()
    _event(
        agreement,
        AgreementEventKind.STATUS,
        actor,
        AgreementStatus(before).label,
        AgreementStatus(to_status).label,
        reason,
    )


def approval_rule(agreement: PaymentAgreement) -> str:
    """The rule that applies to this agreement's approval, in words, with the limit
    that puts it there: shown on its page and in every refusal."""
    policy = agreement.policy
    limit = policy.head_approval_threshold
    if limit is not None and agreement.total_amount > limit:
        return _(
            "Over %(limit)s only the department head approves an agreement; if the "
            "department head drafted it, another department head or the second approver "
            "named by the administrator does, since nobody approves their own."
        ) % {"limit": format_money(limit)}
    return _(
        "Agreements over %(limit)s need the approval of the %(approver)s before signing; "
        "nobody approves their own (a department head, or the second approver named by "
        "the administrator, may approve in their place)."
    ) % {
        "limit": format_money(policy.approval_threshold),
        "approver": Approver(agreement.approver).label,
    }


def can_approve(user: User, agreement: PaymentAgreement) -> bool:
    if user.pk == agreement.created_by_id:
        return False  # nobody approves their own agreement
    if user.role == Role.DEPARTMENT_HEAD or user.has_perm("agreements.approve_as_second"):
        return True
    return (
        agreement.approver == Approver.BRANCH_HEAD
        and user.role == Role.BRANCH_HEAD
        and user.branch_id == agreement.branch_id
    )


@transaction.atomic
def agreement_approve(*, agreement: PaymentAgreement, actor: User) -> PaymentAgreement:
    agreement = _locked(agreement)
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError(_("Only a draft is approved."))
    if not can_approve(actor, agreement):
        raise ValidationError(
            _("You cannot approve this agreement.") + " " + approval_rule(agreement)
        )
    agreement.approved_by, agreement.approved_at = actor, timezone.now()
    agreement.save(update_fields=["approved_by", "approved_at"])
    _event(agreement, AgreementEventKind.APPROVED, actor, "", actor.get_full_name())
    return agreement


@transaction.atomic
def agreement_sign(
    *, agreement: PaymentAgreement, actor: User, signed_on: datetime.date
) -> PaymentAgreement:
    from recovery.services import case_transition

    agreement = _locked(agreement)
    if agreement.needs_approval:
        raise ValidationError(
            _("The agreement is not approved yet.") + " " + approval_rule(agreement)
        )
    if signed_on > timezone.localdate():
        raise ValidationError(_("The signing date cannot be in the future."))
    agreement.signed_on = signed_on
    _transition(agreement, AgreementStatus.SIGNED, actor)
    case = agreement.case
    if case.status == CaseStatus.OPEN:
        case = case_transition(case=case, to_status=CaseStatus.IN_CONTACT, actor=actor)
    if case.status != CaseStatus.AGREEMENT:
        case_transition(
            case=case,
            to_status=CaseStatus.AGREEMENT,
            actor=actor,
            reason=_("Agreement %(number)s signed") % {"number": agreement.pk},
        )
    return agreement


@transaction.atomic
def agreement_legalize(
    *,
    agreement: PaymentAgreement,
    actor: User,
    legalized_on: datetime.date,
    notary: str,
    protocol: str,
    document: UploadedFile | None = None,
) -> PaymentAgreement:
    """The agreement signed before a notary: only then can it come into force."""
    agreement = _locked(agreement)
    if not notary.strip() or not protocol.strip():
        raise ValidationError(_("Give the notary and the protocol data."))
    if agreement.signed_on and legalized_on < agreement.signed_on:
        raise ValidationError(_("An agreement is legalized on or after the day it is signed."))
    if legalized_on > timezone.localdate():
        raise ValidationError(_("The legalization date cannot be in the future."))
    if document is not None:
        check_upload(document)
        agreement.legal_document = document
    agreement.legalized_on, agreement.notary, agreement.protocol = legalized_on, notary, protocol
    _transition(agreement, AgreementStatus.LEGALIZED, actor, f"{notary} · {protocol}")
    return agreement


@transaction.atomic
def agreement_activate(*, agreement: PaymentAgreement, actor: User) -> PaymentAgreement:
    agreement = _locked(agreement)
    down = agreement.installments.filter(number=0).first()
    if down and down.status != InstallmentStatus.PAID:
        raise ValidationError(_("The agreement comes into force once the down payment is paid."))
    agreement.activated_on = timezone.localdate()
    _transition(agreement, AgreementStatus.ACTIVE, actor)
    return agreement


def agreements_mark_referred(*, agreement_ids: list[int]) -> int:
    """Set-based, for the Legal Unit's nightly job: the breached agreements among
    `agreement_ids` become referred, each with its timeline event. Returns how many."""
    if not agreement_ids:
        return 0
    with set_based() as cursor:
        cursor.execute(
            """
            WITH target AS (
                -- Joined, not `a.id = ANY(ids)`: as a filter, that compares each row
                -- with every id (quadratic: 1.3 s for 25,000 on PostgreSQL 18).
                SELECT DISTINCT id FROM unnest(%(ids)s::bigint[]) AS t(id)
            ), referred AS (
                UPDATE agreements_paymentagreement a SET status = %(referred)s
                  FROM target t
                 WHERE a.id = t.id AND a.status = %(breached)s
             RETURNING a.id
            )
            INSERT INTO agreements_agreementevent (agreement_id, at, kind, before, after, reason)
            SELECT id, now(), %(kind)s, %(breached_label)s, %(referred_label)s, '' FROM referred
            """,
            {
                "ids": agreement_ids,
                "referred": AgreementStatus.REFERRED,
                "breached": AgreementStatus.BREACHED,
                "kind": AgreementEventKind.STATUS,
                "breached_label": str(AgreementStatus.BREACHED.label),
                "referred_label": str(AgreementStatus.REFERRED.label),
            },
        )
        return cursor.rowcount


@transaction.atomic
def agreement_cancel(*, agreement: PaymentAgreement, actor: User, reason: str) -> PaymentAgreement:
    from recovery.services import case_transition

    agreement = _locked(agreement)
    if not reason.strip():
        raise ValidationError(_("Say why the agreement is cancelled."))
    if agreement.payments.filter(reversed_at__isnull=True).exists():
        raise ValidationError(_("Reverse its payments before cancelling an agreement."))
    agreement.cancel_reason = reason
    _transition(agreement, AgreementStatus.CANCELLED, actor, reason)
    if agreement.case.status == CaseStatus.AGREEMENT:
        case_transition(
            case=agreement.case, to_status=CaseStatus.IN_CONTACT, actor=actor, reason=reason
        )
    return agreement


@transaction.atomic
def agreement_close_on_return(*, agreement: PaymentAgreement, actor: User, reason: str):
    """The Legal Unit gave the case back: the referred agreement is closed with the
    reason (it will not be pursued nor breached again); its payments stay recorded and
    are netted from any new agreement. Called by legal's return service."""
    agreement = _locked(agreement)
    if agreement.status != AgreementStatus.REFERRED:
        return agreement
    _transition(agreement, AgreementStatus.RETURNED, actor, reason)
    return agreement


# What the department head may change of the agreement policy in the application.
POLICY_FIELDS = [
    "min_down_payment_pct",
    "grace_days",
    "approval_threshold",
    "breach_installments",
    "breach_days",
    "down_payment_days",
    "warning_days",
]


@transaction.atomic
def policy_revise(*, actor: User, data: dict, reason: str) -> AgreementPolicy:
    """A new version of the policy in force, from today: the agreements drafted from
    now follow it; those drafted before keep theirs (the previous version ends
    yesterday). Revised twice the same day, the day's version is changed. Who, when and
    why are in the history."""
    if not actor.has_perm("agreements.change_agreementpolicy"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why: the change is kept in the strategy's history."))
    today = timezone.localdate()
    current = AgreementPolicy.in_force(today)
    if current is None:
        raise ValidationError(_("No agreement policy is in force."))
    with pghistory.context(user=actor.pk, reason=reason):
        if current.valid_from == today:
            policy = current
        else:
            tiers = list(current.tiers.all())
            current.valid_to = today - datetime.timedelta(days=1)
            current.save(update_fields=["valid_to"])
            policy = AgreementPolicy.objects.get(pk=current.pk)
            policy.pk, policy.valid_from, policy.valid_to = None, today, None
            policy.name = _("%(name)s (from %(day)s)") % {
                "name": current.name.split(" (")[0],
                "day": today.strftime("%d/%m/%Y"),
            }
        for field in POLICY_FIELDS:
            if field in data:
                setattr(policy, field, data[field])
        policy.full_clean()
        policy.save()
        if current.pk != policy.pk:
            for tier in tiers:
                tier.pk, tier.policy = None, policy
                tier.save()
    return policy
