"""Installment schedules: pure functions, testable without a database beyond the
holiday table."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from core.calendar import add_months, next_business_day
from core.money import CENT, to_cents


@dataclass(frozen=True)
class PlannedInstallment:
    number: int  # 0 is the down payment
    due_date: datetime.date
    amount: Decimal


def split_in_cents(amount: Decimal, parts: int) -> list[Decimal]:
    """Equal parts in cents; the rounding remainder goes on the last one.

    The parts always add up exactly to `amount`.
    """
    amount = to_cents(amount)
    if parts < 1:
        raise ValueError("At least one installment.")
    cents = int(amount / CENT)
    base = cents // parts
    amounts = [Decimal(base) * CENT] * parts
    amounts[-1] = amount - Decimal(base) * CENT * (parts - 1)
    return amounts


def nominal_due_date(first: datetime.date, index: int, frequency: str) -> datetime.date:
    if frequency == "biweekly":
        return first + datetime.timedelta(days=14 * index)
    # Monthly on the same day as the first; a shorter month takes its last day.
    month = add_months(first.replace(day=1), index)
    last_day = (add_months(month, 1) - datetime.timedelta(days=1)).day
    return month.replace(day=min(first.day, last_day))


def build_schedule(
    *,
    total: Decimal,
    down_payment: Decimal,
    installments: int,
    first_due_date: datetime.date,
    frequency: str = "monthly",
    down_payment_date: datetime.date | None = None,
) -> list[PlannedInstallment]:
    """The down payment (number 0, when there is one) and the installments.

    Due dates that fall on a weekend or holiday move to the next business day.
    """
    total, down_payment = to_cents(total), to_cents(down_payment)
    if down_payment < 0 or down_payment > total:
        raise ValueError("The down payment must be between zero and the total.")
    plan = []
    if down_payment > 0:
        plan.append(
            PlannedInstallment(
                0, next_business_day(down_payment_date or first_due_date), down_payment
            )
        )
    for index, amount in enumerate(split_in_cents(total - down_payment, installments)):
        due = next_business_day(nominal_due_date(first_due_date, index, frequency))
        plan.append(PlannedInstallment(index + 1, due, amount))
    return plan
