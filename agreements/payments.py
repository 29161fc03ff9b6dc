"""Payments on agreements: recording, allocation and reversal.

Locks are always taken in the same order — the agreement, then its installments by
number — so two payments posted at once to one agreement serialize instead of
deadlocking, and both count exactly once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import (
    AgreementEventKind,
    AgreementPeriod,
    AgreementStatus,
    AllocationOrder,
    Concept,
    ConceptAllocation,
    Installment,
    InstallmentAllocation,
    InstallmentStatus,
    Payment,
    PaymentAgreement,
)
from agreements.services import PAYABLE_STATUSES, _event, _locked, _transition
from core.money import ZERO, format_money, to_cents
from people.models import User
from recovery.services import case_reopen


def _installment_status(installment: Installment) -> str:
    if installment.paid_amount >= installment.amount:
        return InstallmentStatus.PAID
    if installment.overdue_since:
        return InstallmentStatus.OVERDUE
    if installment.paid_amount > 0:
        return InstallmentStatus.PARTLY_PAID
    return InstallmentStatus.PENDING


def _concept_sequence(agreement: PaymentAgreement) -> list[tuple[AgreementPeriod, str, Decimal]]:
    """The debt as an ordered list of (period, concept, amount): the order payments settle it."""
    periods = list(agreement.periods.select_related("period").order_by("period__period"))
    concepts = [Concept.CONTRIBUTIONS, Concept.FINES, Concept.SURCHARGES]
    if agreement.policy.allocation_order == AllocationOrder.CONCEPT_FIRST:
        pairs = [(p, c) for c in concepts for p in periods]
    else:
        pairs = [(p, c) for p in periods for c in concepts]
    return [(p, c, getattr(p, c)) for p, c in pairs if getattr(p, c) > 0]


def _take(sequence, already: Decimal, amount: Decimal):
    """Walk the sequence past what is already settled and settle `amount` more."""
    taken = []
    for item, *rest in sequence:
        size = rest[-1]
        if already >= size:
            already -= size
            continue
        room = size - already
        already = ZERO
        part = min(room, amount)
        if part > 0:
            taken.append((item, *rest[:-1], part))
            amount -= part
        if amount <= 0:
            break
    return taken, amount


class Allocation(NamedTuple):
    """Where one payment goes: (installment, part) oldest first, (period, concept,
    part) in the policy's order, and what is left over (kept apart)."""

    installments: list[tuple[Installment, Decimal]]
    concepts: list[tuple[AgreementPeriod, str, Decimal]]
    unallocated: Decimal


def allocate(
    *,
    open_installments: list[tuple[Installment, Decimal]],
    concepts: list[tuple[AgreementPeriod, str, Decimal]],
    settled: Decimal,
    amount: Decimal,
) -> Allocation:
    """The one allocation rule, for the preview, the booking and the re-application:
    the oldest unpaid installment first, and the same money settles the debt after what
    earlier payments settled, in the policy's order."""
    to_installments, leftover = _take(open_installments, ZERO, amount)
    to_concepts, _rest = _take(concepts, settled, amount - leftover)
    return Allocation(to_installments, to_concepts, leftover)


def _settled(agreement: PaymentAgreement) -> Decimal:
    return (
        ConceptAllocation.objects.filter(payment__agreement=agreement).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )


def _open(installments) -> list[tuple[Installment, Decimal]]:
    return [(i, i.amount - i.paid_amount) for i in installments if i.paid_amount < i.amount]


def allocation_preview(*, agreement: PaymentAgreement, amount: Decimal) -> Allocation:
    """Where a payment of `amount` would go: installments and parts of the debt."""
    return allocate(
        open_installments=_open(agreement.installments.order_by("number")),
        concepts=_concept_sequence(agreement),
        settled=_settled(agreement),
        amount=to_cents(amount),
    )


# Called with each payment recorded, inside its transaction: the apps above that must
# know (the Legal Unit, for a payment on a referred agreement) register a function in
# their AppConfig.ready(), so that agreements never imports them.
PAYMENT_LISTENERS: list[Callable[[Payment], None]] = []


def register_payment_listener(listener: Callable[[Payment], None]) -> None:
    if listener not in PAYMENT_LISTENERS:
        PAYMENT_LISTENERS.append(listener)


@transaction.atomic
def payment_record(
    *,
    agreement: PaymentAgreement,
    actor: User | None,
    receipt_number: str,
    paid_on: datetime.date,
    amount: Decimal,
) -> Payment:
    """Apply a payment to the oldest unpaid installment first; partial allowed."""
    agreement = _locked(agreement)
    amount = to_cents(amount)
    receipt_number = receipt_number.strip()
    if agreement.status not in PAYABLE_STATUSES:
        raise ValidationError(
            _("No payment can be recorded on an agreement that is “%(status)s”.")
            % {"status": AgreementStatus(agreement.status).label}
        )
    if amount <= 0:
        raise ValidationError(_("The amount must be greater than zero."))
    if not receipt_number:
        raise ValidationError(_("The receipt number is required."))
    if paid_on > timezone.localdate():
        raise ValidationError(_("A payment cannot be dated in the future."))
    if agreement.signed_on and paid_on < agreement.signed_on:
        raise ValidationError(
            _("A payment cannot be dated before the agreement was signed (%(date)s).")
            % {"date": agreement.signed_on.strftime("%d/%m/%Y")}
        )
    if Payment.objects.filter(receipt_number=receipt_number).exists():
        raise ValidationError(
            _("Receipt %(receipt)s is already recorded.") % {"receipt": receipt_number},
            code="duplicate_receipt",
        )
    # Installments locked after the agreement, always by number.
    installments = list(
        Installment.objects.select_for_update().filter(agreement=agreement).order_by("number")
    )
    allocation = allocate(
        open_installments=_open(installments),
        concepts=_concept_sequence(agreement),
        settled=_settled(agreement),
        amount=amount,
    )
    try:
        # Its own savepoint: the same receipt posted at the same moment on another
        # agreement meets the unique index here, and gets the rule, not a 500.
        with transaction.atomic():
            payment = Payment.objects.create(
                agreement=agreement,
                receipt_number=receipt_number,
                paid_on=paid_on,
                amount=amount,
                recorded_by=actor,
                unallocated=allocation.unallocated,
            )
    except IntegrityError:
        raise ValidationError(
            _("Receipt %(receipt)s is already recorded.") % {"receipt": receipt_number},
            code="duplicate_receipt",
        ) from None
    for installment, part in allocation.installments:
        InstallmentAllocation.objects.create(payment=payment, installment=installment, amount=part)
        installment.paid_amount += part
        installment.status = _installment_status(installment)
        installment.save(update_fields=["paid_amount", "status"])
    ConceptAllocation.objects.bulk_create(
        ConceptAllocation(payment=payment, agreement_period=period, concept=concept, amount=part)
        for period, concept, part in allocation.concepts
    )
    _event(agreement, AgreementEventKind.PAYMENT, actor, "", format_money(amount), receipt_number)
    for listener in PAYMENT_LISTENERS:
        listener(payment)
    return payment


def _reapply_payments(agreement: PaymentAgreement) -> None:
    """Rebuild every allocation from the live payments, oldest first.

    A reversal in the middle would otherwise leave an older installment unpaid while a
    newer one keeps money: the rule is always the oldest unpaid installment first.
    """
    installments = list(
        Installment.objects.select_for_update().filter(agreement=agreement).order_by("number")
    )
    InstallmentAllocation.objects.filter(installment__agreement=agreement).delete()
    ConceptAllocation.objects.filter(payment__agreement=agreement).delete()
    for installment in installments:
        installment.paid_amount = ZERO
    sequence = _concept_sequence(agreement)
    settled = ZERO
    for live in agreement.payments.filter(reversed_at__isnull=True).order_by("paid_on", "pk"):
        allocation = allocate(
            open_installments=_open(installments),
            concepts=sequence,
            settled=settled,
            amount=live.amount,
        )
        for installment, part in allocation.installments:
            InstallmentAllocation.objects.create(payment=live, installment=installment, amount=part)
            installment.paid_amount += part
        if live.unallocated != allocation.unallocated:
            live.unallocated = allocation.unallocated
            live.save(update_fields=["unallocated"])
        ConceptAllocation.objects.bulk_create(
            ConceptAllocation(payment=live, agreement_period=p, concept=c, amount=a)
            for p, c, a in allocation.concepts
        )
        settled += live.amount - allocation.unallocated
    for installment in installments:
        installment.status = _installment_status(installment)
    Installment.objects.bulk_update(installments, ["paid_amount", "status"])


@transaction.atomic
def payment_reverse(*, payment: Payment, actor: User, reason: str) -> Payment:
    """Undo a payment's allocations; the others are reapplied in their order."""
    agreement = _locked(payment.agreement)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.reversed_at:
        raise ValidationError(_("This payment was already reversed."))
    if not reason.strip():
        raise ValidationError(_("Say why the payment is reversed."))
    payment.reversed_at, payment.reversed_by, payment.reversal_reason = (
        timezone.now(),
        actor,
        reason,
    )
    payment.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    _reapply_payments(agreement)
    _event(agreement, AgreementEventKind.REVERSAL, actor, format_money(payment.amount), "", reason)
    if agreement.status == AgreementStatus.COMPLETED:
        _reopen(agreement, payment, actor)
    return payment


def _reopen(agreement: PaymentAgreement, payment: Payment, actor: User) -> None:
    """A completed agreement whose installments are no longer all paid is active again,
    and its settled case is back under the agreement: from there the nightly jobs mark
    what is overdue and breach it if it is not paid (README, "Reversing a payment")."""
    if not agreement.installments.filter(paid_amount__lt=F("amount")).exists():
        return  # the reversed money was beyond the installments: still all paid
    why = _("Reopened: receipt %(receipt)s of %(amount)s was reversed.") % {
        "receipt": payment.receipt_number,
        "amount": format_money(payment.amount),
    }
    agreement.completed_on = None
    _transition(agreement, AgreementStatus.ACTIVE, actor, why)
    case_reopen(case=agreement.case, actor=actor, reason=why)
