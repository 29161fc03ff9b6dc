"""The champion against the challenger, on the cases each was given while the test
ran: contact rate, promise-kept rate, agreements, cure rate and amount recovered per
case, each with its 95 % confidence interval, and the difference with its own, so the
head can tell a real difference from noise. And the history of every change to the
strategies, the case-opening rules and the agreement policies: who, when, why."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    StdDev,
    Value,
)
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import AgreementPolicy, PaymentAgreement
from core.money import MONEY, ZERO
from recovery.models import (
    CaseOpeningRule,
    CloseReason,
    FollowUp,
    FollowUpOutcome,
    PaymentPromise,
    PromiseStatus,
    RecoveryCase,
    Strategy,
    StrategyAction,
    StrategyLevel,
    StrategyRole,
)

Z95 = 1.959963984540054
# A follow-up in which the employer was reached.
CONTACTED = [
    FollowUpOutcome.REACHED,
    FollowUpOutcome.PROMISED,
    FollowUpOutcome.PAID,
    FollowUpOutcome.REFUSED,
]


@dataclass
class Estimate:
    """A rate (successes of n) or a mean, with its 95 % interval."""

    value: float | None
    low: float | None
    high: float | None
    n: int
    successes: int | None = None
    sd: float | None = None


def wilson(successes: int, n: int) -> Estimate:
    if n == 0:
        return Estimate(None, None, None, 0, 0)
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), n, successes)


def mean_interval(mean: float | None, sd: float | None, n: int) -> Estimate:
    if n == 0 or mean is None:
        return Estimate(None, None, None, n)
    half = Z95 * (sd or 0.0) / math.sqrt(n) if n > 1 else None
    # An amount recovered is never below zero, nor is its mean's interval.
    return Estimate(
        mean,
        max(0.0, mean - half) if half is not None else None,
        mean + half if half is not None else None,
        n,
        sd=sd,
    )


@dataclass
class Difference:
    """Challenger minus champion, with its 95 % interval (normal approximation:
    unpooled for rates, Welch for means). `clear`: the interval excludes zero."""

    value: float | None
    low: float | None
    high: float | None

    @property
    def clear(self) -> bool:
        return self.low is not None and (self.low > 0 or self.high < 0)


def difference(a: Estimate, b: Estimate, rate: bool) -> Difference:
    """b minus a."""
    if a.value is None or b.value is None or a.n < 2 or b.n < 2:
        return Difference(None, None, None)
    if rate:
        se = math.sqrt(a.value * (1 - a.value) / a.n + b.value * (1 - b.value) / b.n)
    else:
        se = math.sqrt((a.sd or 0) ** 2 / a.n + (b.sd or 0) ** 2 / b.n)
    d = b.value - a.value
    return Difference(d, d - Z95 * se, d + Z95 * se)


METRICS = [
    ("contact", _("Contact rate"), True),
    ("promises", _("Promise-kept rate"), True),
    ("agreements", _("Cases with an agreement signed"), True),
    ("cured", _("Cure rate (closed as paid)"), True),
    ("recovered", _("Amount recovered per case"), False),
]


@dataclass
class Arm:
    strategy: Strategy
    cases: int
    figures: dict[str, Estimate]


@dataclass
class Comparison:
    challenger: Strategy
    champion: Strategy
    since: datetime.date
    until: datetime.date
    arms: tuple[Arm, Arm]
    differences: dict[str, Difference]

    def rows(self):
        for key, label, rate in METRICS:
            yield {
                "key": key,
                "label": label,
                "rate": rate,
                "champion": self.arms[0].figures[key],
                "challenger": self.arms[1].figures[key],
                "difference": self.differences[key],
            }


def _arm(strategy: Strategy, since: datetime.date, until: datetime.date, scope) -> Arm:
    today = timezone.localdate()
    cases = scope.filter(strategy=strategy, opened_on__gte=since, opened_on__lte=until)
    money = DecimalField(**MONEY)
    figures = (
        cases.with_debt(today)
        .annotate(
            contacted=Exists(FollowUp.objects.filter(case=OuterRef("pk"), outcome__in=CONTACTED)),
            signed=Exists(
                PaymentAgreement.objects.filter(case=OuterRef("pk"), signed_on__isnull=False)
            ),
            recovered=Greatest(F("opening_debt") - F("debt"), Value(ZERO), output_field=money),
        )
        .aggregate(
            n=Count("pk"),
            contacted_n=Count("pk", filter=Q(contacted=True)),
            signed_n=Count("pk", filter=Q(signed=True)),
            cured_n=Count("pk", filter=Q(status="closed", close_reason=CloseReason.PAID)),
            recovered_mean=Avg("recovered"),
            recovered_sd=StdDev("recovered", sample=True),
        )
    )
    promises = PaymentPromise.objects.filter(case__in=cases.values("pk")).aggregate(
        evaluated=Count("pk", filter=~Q(status=PromiseStatus.PENDING)),
        kept=Count("pk", filter=Q(status=PromiseStatus.KEPT)),
    )
    n = figures["n"]
    mean = figures["recovered_mean"]
    sd = figures["recovered_sd"]
    return Arm(
        strategy,
        n,
        {
            "contact": wilson(figures["contacted_n"], n),
            "promises": wilson(promises["kept"], promises["evaluated"]),
            "agreements": wilson(figures["signed_n"], n),
            "cured": wilson(figures["cured_n"], n),
            "recovered": mean_interval(
                float(mean) if mean is not None else None, float(sd) if sd else 0.0, n
            ),
        },
    )


def compare(challenger: Strategy, scope=None) -> Comparison:
    """The challenger's cases against the champion's opened over the same days (from
    its start to its end, or today): like cases, dealt by the same random draw."""
    scope = scope if scope is not None else RecoveryCase.objects.all()
    if challenger.role == StrategyRole.CHAMPION:
        # Promoted: compared with the strategy it replaced.
        champion = Strategy.objects.filter(role=StrategyRole.RETIRED).order_by("-ended_on").first()
    else:
        champion = Strategy.objects.get(role=StrategyRole.CHAMPION)
    since = challenger.started_on or timezone.localdate()
    until = challenger.ended_on or (champion.ended_on if champion and champion.ended_on else None)
    until = until or timezone.localdate()
    arms = (_arm(champion, since, until, scope), _arm(challenger, since, until, scope))
    differences = {
        key: difference(arms[0].figures[key], arms[1].figures[key], rate)
        for key, _label, rate in METRICS
    }
    return Comparison(challenger, champion, since, until, arms, differences)


# History ----------------------------------------------------------------------------------


@dataclass
class Change:
    at: datetime.datetime
    what: str
    label: str
    detail: str
    user_id: int | None
    reason: str


def _describe_strategy(e) -> str:
    return f"{e.name} · {StrategyRole(e.role).label} · {e.share} %"


def _describe_level(e) -> str:
    action = StrategyAction(e.action).label
    return f"{e.order}. {e.name} · ≥ {e.min_days_late} d · ≥ ${e.min_debt} · {action}"


def history(limit: int = 200) -> list[Change]:
    """Every recorded change of the strategies, their levels, the case-opening rules
    and the agreement policies, newest first, with who and why (pghistory's context)."""
    sources = [
        (Strategy.pgh_event_model, _("Strategy"), _describe_strategy),
        (StrategyLevel.pgh_event_model, _("Strategy level"), _describe_level),
        (
            CaseOpeningRule.pgh_event_model,
            _("Case-opening rule"),
            lambda e: f"{e.valid_from:%d/%m/%Y}: ≥ ${e.min_arrears} · ≥ {e.min_days_late} d",
        ),
        (
            AgreementPolicy.pgh_event_model,
            _("Agreement policy"),
            lambda e: f"{e.name} · {e.min_down_payment_pct} % · {e.grace_days} d",
        ),
    ]
    changes: list[Change] = []
    for model, label, describe in sources:
        for event in model.objects.select_related("pgh_context").order_by("-pgh_created_at")[
            :limit
        ]:
            metadata = event.pgh_context.metadata if event.pgh_context else {}
            changes.append(
                Change(
                    event.pgh_created_at,
                    event.pgh_label,
                    str(label),
                    describe(event),
                    metadata.get("user"),
                    metadata.get("reason", ""),
                )
            )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]
