"""Every KPI of the department, each defined once: one function per KPI over the
summed figures of a set of summary rows, with its formula in words, which the pages
print beside the figure. The dashboards, the monthly report and the tests all use these
functions and no other arithmetic.

`figures(rows, last_month)` folds summary rows (any mix of months, branches, agents)
into one Figures: flows are summed over the months, stocks (arrears, active
agreements, employers) are read at `last_month` only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from employers.models import AGING_BUCKETS
from reporting.summaries import FIGURES, STOCK_FIGURES, rolls_of

BUCKETS = [key for key, _label, _first, _last in AGING_BUCKETS]


@dataclass
class Figures:
    values: dict = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))
    target_amount: Decimal | None = None
    target_cases_closed: int | None = None
    target_agreements_signed: int | None = None
    target_referrals: int | None = None
    rolls: dict = field(default_factory=dict)

    def __getitem__(self, name: str):
        return self.values[name]


def figures(rows: Iterable[dict], last_month: datetime.date | None = None, targets=None) -> Figures:
    """Fold summary rows (dicts with `month` and the FIGURES) into one Figures."""
    result = Figures()
    for row in rows:
        stock = last_month is None or row["month"] == last_month
        for name in FIGURES:
            if name in STOCK_FIGURES and not stock:
                continue
            result.values[name] += row[name] or 0
        if stock:
            for b0, moved in rolls_of(row.get("rolls")).items():
                into = result.rolls.setdefault(b0, {})
                for b1, count in moved.items():
                    into[b1] = into.get(b1, 0) + count
    if targets is not None:
        result.target_amount = targets.get("amount")
        result.target_cases_closed = targets.get("cases_closed")
        result.target_agreements_signed = targets.get("agreements_signed")
        result.target_referrals = targets.get("referrals")
    return result


def _ratio(part, whole) -> Decimal | None:
    """part / whole as a fraction (None when there is nothing to divide by)."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class KPI:
    key: str
    label: str
    formula: str
    compute: Callable[[Figures], object]
    kind: str  # money, percent, count, days


def recovered(f: Figures) -> Decimal:
    return f["recovered_agreements"] + f["recovered_accounts"]


def recovered_vs_target(f: Figures) -> Decimal | None:
    return _ratio(recovered(f), f.target_amount)


def delinquency_by_count(f: Figures) -> Decimal | None:
    return _ratio(f["employers_in_arrears"], f["employers_active"])


def delinquency_by_amount(f: Figures) -> Decimal | None:
    return _ratio(f["arrears"], f["billed_12m"])


def breach_rate(f: Figures) -> Decimal | None:
    return _ratio(
        f["agreements_breached"],
        f["agreements_active"] + f["agreements_breached"] + f["agreements_completed"],
    )


def promise_kept_rate(f: Figures) -> Decimal | None:
    return _ratio(f["promises_kept"], f["promises_due"])


def cure_rate(f: Figures) -> Decimal | None:
    return _ratio(f["cases_cured"], f["cases_at_start"] + f["cases_opened"])


def days_to_agreement(f: Figures) -> Decimal | None:
    if not f["agreements_signed"]:
        return None
    return (Decimal(f["days_to_agreement"]) / f["agreements_signed"]).quantize(Decimal("0.1"))


def aging(f: Figures) -> dict[str, Decimal]:
    return {key: f[f"aging_{key}"] for key in BUCKETS}


def roll_forward_rate(f: Figures) -> Decimal | None:
    """Of the employers in arrears at the previous month's end, the share that moved
    to an older bucket."""
    moved = total = 0
    for index, b0 in enumerate(BUCKETS):
        counts = f.rolls.get(b0, {})
        total += sum(counts.values())
        moved += sum(n for b1, n in counts.items() if b1 in BUCKETS[index + 1 :])
    return _ratio(moved, total)


def roll_rates(f: Figures) -> dict[str, dict[str, Decimal | None]]:
    """For each bucket at the previous month's end: the share of its employers in each
    bucket now ('current': paid up)."""
    result = {}
    for b0 in BUCKETS:
        counts = f.rolls.get(b0, {})
        total = sum(counts.values())
        result[b0] = {b1: _ratio(counts.get(b1, 0), total) for b1 in [*BUCKETS, "current"]}
    return result


def _figure(name: str):
    return lambda f: f[name]


KPIS = [
    KPI(
        "recovered",
        _("Amount recovered"),
        _(
            "Payments recorded on agreements + what the account system shows paid on "
            "cases without an agreement in force, in the period."
        ),
        recovered,
        "money",
    ),
    KPI(
        "recovered_vs_target",
        _("Recovered against target"),
        _("Amount recovered ÷ the approved plan's target for the same months and branches."),
        recovered_vs_target,
        "percent",
    ),
    KPI(
        "delinquency_by_count",
        _("Delinquency index (employers)"),
        _("Employers with a period overdue ÷ active employers, at the period's last snapshot."),
        delinquency_by_count,
        "percent",
    ),
    KPI(
        "delinquency_by_amount",
        _("Delinquency index (amount)"),
        _("Arrears ÷ contributions billed in the last 12 months, at the period's end."),
        delinquency_by_amount,
        "percent",
    ),
    KPI(
        "arrears",
        _("Arrears"),
        _("What employers owe on overdue periods, at the period's last snapshot."),
        _figure("arrears"),
        "money",
    ),
    KPI(
        "agreements_signed",
        _("Agreements signed"),
        _("Agreements signed in the period."),
        _figure("agreements_signed"),
        "count",
    ),
    KPI(
        "agreements_active",
        _("Agreements in force"),
        _("Agreements activated and neither completed nor breached at the period's end."),
        _figure("agreements_active"),
        "count",
    ),
    KPI(
        "agreements_breached",
        _("Agreements breached"),
        _("Agreements breached in the period."),
        _figure("agreements_breached"),
        "count",
    ),
    KPI(
        "agreements_completed",
        _("Agreements completed"),
        _("Agreements paid in full in the period."),
        _figure("agreements_completed"),
        "count",
    ),
    KPI(
        "breach_rate",
        _("Breach rate"),
        _("Breached ÷ (in force at the end + breached + completed in the period)."),
        breach_rate,
        "percent",
    ),
    KPI(
        "promise_kept_rate",
        _("Promises kept"),
        _("Promises kept ÷ promises that fell due and were checked in the period."),
        promise_kept_rate,
        "percent",
    ),
    KPI(
        "cure_rate",
        _("Cure rate"),
        _("Cases closed as paid ÷ (cases open at the start + cases opened in the period)."),
        cure_rate,
        "percent",
    ),
    KPI(
        "roll_forward_rate",
        _("Roll rate to older arrears"),
        _(
            "Employers in arrears at the previous month's end that moved to an older "
            "aging bucket ÷ all employers in arrears then (nightly snapshots)."
        ),
        roll_forward_rate,
        "percent",
    ),
    KPI(
        "days_to_agreement",
        _("Days from case to agreement"),
        _("Average of (signing date − case opening date) over the agreements signed."),
        days_to_agreement,
        "days",
    ),
    KPI(
        "referrals",
        _("Referrals to the Legal Unit"),
        _("Cases referred to the Legal Unit in the period."),
        _figure("referrals"),
        "count",
    ),
    KPI(
        "waivers_approved",
        _("Waivers approved"),
        _("Fines and surcharges the Board waived, recorded in the period."),
        _figure("waivers_approved"),
        "money",
    ),
    KPI(
        "waivers_applied",
        _("Waivers applied"),
        _("Waived amounts the account system reflected (or confirmed by hand) in the period."),
        _figure("waivers_applied"),
        "money",
    ),
]
KPI_BY_KEY = {kpi.key: kpi for kpi in KPIS}


def evaluate(f: Figures, keys: Iterable[str] | None = None) -> list[tuple[KPI, object]]:
    return [(KPI_BY_KEY[key], KPI_BY_KEY[key].compute(f)) for key in (keys or KPI_BY_KEY)]
