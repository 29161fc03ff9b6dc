"""`periods|work_centres`: an employer's periods grouped by work centre, for the
statement, the letters and the certificates."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django import template

from core.money import ZERO
from employers.models import MAIN_WORK_CENTRE

register = template.Library()

_AMOUNTS = ["employer_share", "worker_share", "fines", "surcharges", "paid", "balance"]


@dataclass
class CentreGroup:
    centre: str
    periods: list = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(_AMOUNTS, ZERO))

    @property
    def main(self) -> bool:
        return self.centre == MAIN_WORK_CENTRE


@register.filter
def work_centres(periods) -> list[CentreGroup]:
    """The periods by work centre (the main one first), each with its totals; in each
    group the periods keep their order. One group when the employer has one centre."""
    groups: dict[str, CentreGroup] = {}
    for period in periods:
        group = groups.setdefault(period.work_centre, CentreGroup(period.work_centre))
        group.periods.append(period)
        for name in _AMOUNTS:
            group.totals[name] += getattr(period, name) or ZERO
    return [groups[centre] for centre in sorted(groups)]
