"""The recovery forecast: from the roll rates between aging buckets in the monthly
summaries (built from the nightly snapshots), the amount each branch will recover in
each remaining month of the year, beside the plan's targets; and a back-test, the
forecast the same method would have made a year ago set against what happened.

The method (stated on the page as here):

1. From the last `FIT_MONTHS` closed months, each bucket's **roll rate**: of the debt in
   bucket b at one month's end, the share found in the next bucket a month later (the
   last bucket's share that stays in it, net of what rolled in).
2. The share that did not roll is what left the bucket: paid, agreed or written off. A
   **calibration** k (the recovered amount over what left, summed over the same months)
   says how much of it was recovered.
3. Each bucket's new arrears: the first bucket a month later (its average).
4. From the last closed month's buckets, month by month: recovered = k * sum of debt(b) *
   (1 - roll(b)); the buckets roll forward; new arrears enter the first.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from core.calendar import add_months
from core.money import ZERO, to_cents
from employers.models import AGING_BUCKETS
from reporting.models import BranchTarget, MonthlySummary, RecoveryPlan

FIT_MONTHS = 12
ONE = Decimal(1)
BUCKETS = [key for key, _label, _first, _last in AGING_BUCKETS]


@dataclass
class MonthFigures:
    month: datetime.date
    stock: dict[str, Decimal]
    recovered: Decimal


@dataclass
class Model:
    roll: dict[str, Decimal]
    inflow: Decimal
    k: Decimal
    months: int

    @property
    def usable(self) -> bool:
        return self.months >= 2

    @property
    def rates(self) -> list[tuple[str, Decimal]]:
        """(bucket label, roll rate), in the buckets' order."""
        return [(str(label), self.roll[key]) for key, label, _f, _l in AGING_BUCKETS]


@dataclass
class ForecastMonth:
    month: datetime.date
    forecast: Decimal
    target: Decimal | None = None
    actual: Decimal | None = None

    @property
    def gap(self) -> Decimal | None:
        if self.target is None:
            return None
        return self.forecast - self.target

    @property
    def error(self) -> Decimal | None:
        if self.actual is None:
            return None
        return self.forecast - self.actual


@dataclass
class Forecast:
    model: Model
    months: list[ForecastMonth] = field(default_factory=list)
    start: datetime.date | None = None

    def total(self, name: str) -> Decimal | None:
        values = [getattr(m, name) for m in self.months]
        if any(v is None for v in values) or not values:
            return None
        return sum(values, ZERO)

    @property
    def total_forecast(self) -> Decimal | None:
        return self.total("forecast")

    @property
    def total_target(self) -> Decimal | None:
        return self.total("target")

    @property
    def total_actual(self) -> Decimal | None:
        return self.total("actual")

    @property
    def error_pct(self) -> Decimal | None:
        forecast, actual = self.total("forecast"), self.total("actual")
        if forecast is None or not actual:
            return None
        return ((forecast - actual) / actual * 100).quantize(Decimal("0.1"))


def history(branch_ids: list[int], last: datetime.date, months: int) -> list[MonthFigures]:
    """The closed months up to `last` (its first day), oldest first, summed over the
    branches: each bucket's debt at the month's snapshot and what was recovered."""
    first = add_months(last, -(months - 1))
    rows = (
        MonthlySummary.objects.filter(
            agent__isnull=True,
            branch_id__in=branch_ids,
            month__gte=first,
            month__lte=last,
            snapshot_on__isnull=False,
        )
        .values("month")
        .annotate(
            recovered_a=Sum("recovered_agreements"),
            recovered_b=Sum("recovered_accounts"),
            **{key: Sum(f"aging_{key}") for key in BUCKETS},
        )
        .order_by("month")
    )
    # The month's own recovery is the agents' rows too: agent rows hold the flows.
    flows = dict(
        MonthlySummary.objects.filter(branch_id__in=branch_ids, month__gte=first, month__lte=last)
        .values("month")
        .annotate(total=Sum("recovered_agreements") + Sum("recovered_accounts"))
        .values_list("month", "total")
    )
    return [
        MonthFigures(
            row["month"],
            {key: row[key] or ZERO for key in BUCKETS},
            flows.get(row["month"]) or ZERO,
        )
        for row in rows
    ]


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return min(part / whole, ONE) if whole else ZERO


def fit(months: list[MonthFigures]) -> Model:
    """Roll rates, new arrears and the calibration from consecutive months."""
    pairs = list(itertools.pairwise(months))
    roll: dict[str, Decimal] = {}
    for index, key in enumerate(BUCKETS):
        before = sum((a.stock[key] for a, _b in pairs), ZERO)
        if key == BUCKETS[-1]:
            previous = BUCKETS[index - 1]
            after = sum(
                (max(b.stock[key] - a.stock[previous] * roll[previous], ZERO) for a, b in pairs),
                ZERO,
            )
        else:
            after = sum((b.stock[BUCKETS[index + 1]] for _a, b in pairs), ZERO)
        roll[key] = _share(after, before)
    left = sum((a.stock[key] * (ONE - roll[key]) for a, _b in pairs for key in BUCKETS), ZERO)
    recovered = sum((b.recovered for _a, b in pairs), ZERO)
    inflow = sum((b.stock[BUCKETS[0]] for _a, b in pairs), ZERO) / len(pairs) if pairs else ZERO
    return Model(roll=roll, inflow=inflow, k=_share(recovered, left), months=len(months))


def project(model: Model, stock: dict[str, Decimal], months: list[datetime.date]) -> list:
    """(month, recovered) for each month after `stock`'s, rolling the buckets."""
    out = []
    current = dict(stock)
    for month in months:
        recovered = model.k * sum((current[key] * (ONE - model.roll[key]) for key in BUCKETS), ZERO)
        following = {BUCKETS[0]: model.inflow}
        for index, key in enumerate(BUCKETS[1:], start=1):
            following[key] = current[BUCKETS[index - 1]] * model.roll[BUCKETS[index - 1]]
        following[BUCKETS[-1]] += current[BUCKETS[-1]] * model.roll[BUCKETS[-1]]
        out.append((month, to_cents(recovered)))
        current = following
    return out


def _targets(branch_ids: list[int], year: int) -> dict[int, Decimal]:
    plan = RecoveryPlan.objects.in_force(year)
    if plan is None:
        return {}
    return dict(
        BranchTarget.objects.filter(plan=plan, branch_id__in=branch_ids)
        .values("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )


def forecast_year(
    branch_ids: list[int], today: datetime.date, months: list[MonthFigures] | None = None
) -> Forecast:
    """From the last closed month: each month to December, beside the plan's target.
    `months`: the history already read (the last closed month last), if the caller has
    it."""
    this_month = today.replace(day=1)
    last_closed = add_months(this_month, -1)
    if months is None:
        months = history(branch_ids, last_closed, FIT_MONTHS)
    months = [m for m in months if m.month > add_months(last_closed, -FIT_MONTHS)]
    model = fit(months)
    result = Forecast(model=model, start=this_month)
    if not model.usable:
        return result
    remaining = [this_month.replace(month=m) for m in range(this_month.month, 13)]
    targets = _targets(branch_ids, today.year)
    for month, amount in project(model, months[-1].stock, remaining):
        result.months.append(ForecastMonth(month, amount, targets.get(month.month)))
    return result


def backtest(
    branch_ids: list[int], today: datetime.date, months: list[MonthFigures] | None = None
) -> Forecast:
    """The forecast the method would have made twelve months before the last closed
    month, on the twelve months it had then, against what each month recovered."""
    last_closed = add_months(today.replace(day=1), -1)
    origin = add_months(last_closed, -12)
    if months is None:
        months = history(branch_ids, last_closed, FIT_MONTHS + 12)
    fitted = [m for m in months if add_months(origin, -FIT_MONTHS) < m.month <= origin]
    model = fit(fitted)
    result = Forecast(model=model, start=add_months(origin, 1))
    if not model.usable:
        return result
    following = [add_months(origin, i) for i in range(1, 13)]
    actual = {m.month: m.recovered for m in months if m.month > origin}
    for month, amount in project(model, fitted[-1].stock, following):
        result.months.append(ForecastMonth(month, amount, actual=to_cents(actual.get(month, ZERO))))
    return result


def forecast_and_backtest(branch_ids: list[int], today: datetime.date):
    """Both, from one read of the last two years of summaries."""
    last_closed = add_months(today.replace(day=1), -1)
    months = history(branch_ids, last_closed, FIT_MONTHS + 12)
    return forecast_year(branch_ids, today, months), backtest(branch_ids, today, months)
