"""Payment demand notices (requerimientos de pago) as PDF."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from core.calendar import is_business_day
from core.money import ZERO, amount_in_words
from core.pdf import render_pdf, render_pdf_batch
from employers.models import ContributionPeriod, Employer, arrears_filter
from recovery.models import LetterKind, RecoveryCase


@dataclass
class DemandLetter:
    employer: Employer
    case: RecoveryCase
    periods: list[ContributionPeriod] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, Decimal]:
        names = ["employer_share", "worker_share", "fines", "surcharges", "paid", "balance"]
        return {name: sum((getattr(p, name) for p in self.periods), ZERO) for name in names}

    @property
    def total(self) -> Decimal:
        return self.totals["balance"]

    @property
    def total_in_words(self) -> str:
        return amount_in_words(self.total)


def deadline_for(today: datetime.date, days: int) -> datetime.date:
    """`days` calendar days from today, moved to the next business day."""
    day = today + datetime.timedelta(days=days)
    while not is_business_day(day):
        day += datetime.timedelta(days=1)
    return day


def demand_letters(cases: list[RecoveryCase], today: datetime.date) -> list[DemandLetter]:
    """One letter per employer covering all its periods in arrears (two queries)."""
    letters = {case.employer_id: DemandLetter(case.employer, case) for case in cases}
    periods = ContributionPeriod.objects.filter(
        arrears_filter(today), employer_id__in=list(letters)
    ).order_by("employer_id", "period")
    grouped: dict[int, list] = defaultdict(list)
    for period in periods:
        grouped[period.employer_id].append(period)
    for employer_id, letter in letters.items():
        letter.periods = grouped[employer_id]
    return [letter for letter in letters.values() if letter.periods]


def render_demand_notices_pdf(
    cases: list[RecoveryCase],
    *,
    letter: str,
    today: datetime.date,
    deadline_days: int = 8,
    progress=None,
) -> bytes:
    common = {
        "title": LetterKind(letter).label,
        "letter": letter,
        "today": today,
        "deadline": deadline_for(today, deadline_days),
    }
    letters = demand_letters(cases, today)
    if not letters:
        return render_pdf("recovery/demand_notice_pdf.html", {**common, "letters": []})
    # Each letter its own document: pages numbered per letter.
    return render_pdf_batch(
        "recovery/demand_notice_pdf.html",
        [{**common, "letters": [item]} for item in letters],
        progress=progress,
    )
