"""Reads that span models: the account statement and the change history."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Max, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core.money import MONEY, ZERO
from employers.models import (
    AGING_BUCKETS,
    ArrearsImport,
    ArrearsImportStatus,
    ContributionPeriod,
    Employer,
    aging_case,
    arrears_filter,
)

AMOUNT_FIELDS = ["employer_share", "worker_share", "fines", "surcharges", "paid", "balance"]


@dataclass
class AgingBucket:
    key: str
    label: str
    amount: Decimal
    periods: int


@dataclass(frozen=True)
class RecordedPayment:
    """A payment recorded in Recupera (an agreement's), as the statement lists it."""

    receipt_number: str
    paid_on: datetime.date
    amount: Decimal
    recorded_at: datetime.datetime


@dataclass
class Statement:
    employer: Employer
    today: datetime.date
    periods: list[ContributionPeriod]
    totals: dict[str, Decimal]
    arrears: Decimal
    aging: list[AgingBucket] = field(default_factory=list)
    # The account system's figures include a payment once its export has it: those
    # recorded in Recupera after the last export applied are netted here.
    posted_through: datetime.datetime | None = None
    unposted_payments: list[RecordedPayment] = field(default_factory=list)
    unposted_netted: Decimal = ZERO
    # Waivers of fines and surcharges the Board approved and the account system does
    # not reflect yet (less), and waivers revoked after it had applied them (more).
    waivers_netted: Decimal = ZERO

    @property
    def net_arrears(self) -> Decimal:
        """The arrears less the payments recorded in Recupera that the account system
        does not have yet, less the waivers it has not applied (plus those revoked
        after it did): what the employer owes today, the figure the certificate, the
        referral and every new agreement use."""
        return self.arrears - self.unposted_netted - self.waivers_netted

    @property
    def is_solvent(self) -> bool:
        return self.net_arrears <= 0


# Payments recorded in Recupera itself (an agreement's installments). Each source is a
# function `(since)` returning a one-value QuerySet of the total paid for the period
# OuterRef("pk") by payments recorded after `since` (all when None); each listing a
# function `(employer_id, since)` returning those payments as RecordedPayment. The apps
# that record payments register theirs in their AppConfig.ready(), so that employers
# never imports them.
STATEMENT_PAYMENT_SOURCES: list[Callable[[datetime.datetime | None], QuerySet]] = []
STATEMENT_PAYMENT_LISTINGS: list[
    Callable[[int, datetime.datetime | None], list[RecordedPayment]]
] = []


def register_statement_payments(
    source: Callable[[datetime.datetime | None], QuerySet],
    listing: Callable[[int, datetime.datetime | None], list[RecordedPayment]],
) -> None:
    if source not in STATEMENT_PAYMENT_SOURCES:
        STATEMENT_PAYMENT_SOURCES.append(source)
    if listing not in STATEMENT_PAYMENT_LISTINGS:
        STATEMENT_PAYMENT_LISTINGS.append(listing)


def _recorded_payments(since: datetime.datetime | None = None):
    money = DecimalField(**MONEY)
    totals = [Subquery(source(since), output_field=money) for source in STATEMENT_PAYMENT_SOURCES]
    if not totals:
        return Value(None, output_field=money)
    if len(totals) == 1:
        return totals[0]
    return sum((Coalesce(total, ZERO, output_field=money) for total in totals[1:]), totals[0])


# Waivers of fines and surcharges (the Board's, recorded by council): functions
# returning a one-value QuerySet of the signed amount for the period OuterRef("pk") that
# the account system does not reflect yet: positive for a waiver approved and not yet
# applied there, negative for one revoked after it was applied. Registered from the
# app's AppConfig.ready(), so that employers never imports it.
STATEMENT_WAIVER_SOURCES: list[Callable[[], QuerySet]] = []
# The same per employer (OuterRef("pk")) over its periods past due on `today`, for the
# employer list: functions `(today)` returning a one-value QuerySet.
EMPLOYER_WAIVER_SOURCES: list[Callable[[datetime.date], QuerySet]] = []


def register_statement_waivers(
    source: Callable[[], QuerySet], by_employer: Callable[[datetime.date], QuerySet]
) -> None:
    if source not in STATEMENT_WAIVER_SOURCES:
        STATEMENT_WAIVER_SOURCES.append(source)
    if by_employer not in EMPLOYER_WAIVER_SOURCES:
        EMPLOYER_WAIVER_SOURCES.append(by_employer)


def with_outstanding_waivers(queryset: QuerySet, today: datetime.date) -> QuerySet:
    """Employers annotated with `waived`: the Board's waivers on their periods past due
    that the account system does not reflect yet (signed as in the statement)."""
    money = DecimalField(**MONEY)
    totals = [
        Coalesce(Subquery(source(today), output_field=money), ZERO, output_field=money)
        for source in EMPLOYER_WAIVER_SOURCES
    ]
    waived = sum(totals[1:], totals[0]) if totals else Value(ZERO, output_field=money)
    return queryset.annotate(waived=waived)


def _outstanding_waivers():
    money = DecimalField(**MONEY)
    totals = [
        Coalesce(Subquery(source(), output_field=money), ZERO, output_field=money)
        for source in STATEMENT_WAIVER_SOURCES
    ]
    if not totals:
        return Value(ZERO, output_field=money)
    return sum(totals[1:], totals[0])


@dataclass(frozen=True)
class EmployerLink:
    """Something of the employer's that an app above keeps (a case, an agreement)."""

    label: str
    url: str
    status: str = ""


# Functions `(employer, user) -> list[EmployerLink]` that the apps above register in
# their AppConfig.ready() (each scoped to what the user may see), so that the employer
# page links to the employer's case and agreements without employers importing them.
EMPLOYER_LINK_SOURCES: list[Callable] = []


def register_employer_links(source: Callable) -> None:
    if source not in EMPLOYER_LINK_SOURCES:
        EMPLOYER_LINK_SOURCES.append(source)


def employer_links(employer: Employer, user) -> list[EmployerLink]:
    return [link for source in EMPLOYER_LINK_SOURCES for link in source(employer, user)]


def last_export_applied() -> datetime.datetime | None:
    """When the account system's figures were last taken in: the upload of the last
    arrears import applied (its file is the account system's export of that day)."""
    return ArrearsImport.objects.filter(status=ArrearsImportStatus.APPLIED).aggregate(
        at=Max("created_at")
    )["at"]


def account_statement(employer: Employer, today: datetime.date) -> Statement:
    """Every period with its amounts and balance, totals and aging. Five queries.

    `waived` on each period: the Board's waivers the account system does not reflect
    yet (STATEMENT_WAIVER_SOURCES), netted from the overdue periods into `net_arrears`
    beside the unposted payments.

    `agreement_paid` on each period: the payments recorded in Recupera, shown beside the
    account system's figure and never added to it (the account system's `paid`
    includes them once it has them). `unposted`: those recorded after the last export
    applied, which the account system's balance does not reflect yet; netted from each
    period's balance (never below zero) into `net_arrears`."""
    posted_through = last_export_applied()
    periods = list(
        ContributionPeriod.objects.filter(employer=employer)
        .annotate(
            aging=aging_case(today),
            days_late=today - F("due_date"),
            agreement_paid=_recorded_payments(),
            unposted=_recorded_payments(posted_through),
            waived=_outstanding_waivers(),
        )
        .order_by("period")
    )
    money = {"output_field": DecimalField(**MONEY)}
    sums = ContributionPeriod.objects.filter(employer=employer).aggregate(
        **{f"sum_{name}": Coalesce(Sum(name), ZERO, **money) for name in AMOUNT_FIELDS},
        sum_arrears=Coalesce(Sum("balance", filter=arrears_filter(today)), ZERO, **money),
    )
    arrears = sums.pop("sum_arrears")
    totals = {name.removeprefix("sum_"): value for name, value in sums.items()}
    buckets = (
        ContributionPeriod.objects.filter(arrears_filter(today), employer=employer)
        .annotate(bucket=aging_case(today))
        .values("bucket")
        .annotate(amount=Sum("balance"), periods=Count("id"))
        .order_by()
    )
    by_key = {row["bucket"]: row for row in buckets}
    aging = [
        AgingBucket(
            key,
            label,
            by_key.get(key, {}).get("amount") or ZERO,
            by_key.get(key, {}).get("periods") or 0,
        )
        for key, label, _first, _last in AGING_BUCKETS
    ]
    netted = ZERO
    waived = ZERO
    for period in periods:
        period.net_balance = period.balance
        if period.unposted and period.balance > 0 and period.due_date < today:
            period.net_balance = max(period.balance - period.unposted, ZERO)
            netted += period.balance - period.net_balance
        if period.waived and period.due_date < today:
            # Never below zero: a waiver nets what the period still owes, no more.
            after = max(period.net_balance - period.waived, ZERO)
            waived += period.net_balance - after
            period.net_balance = after
    unposted_payments = [
        payment
        for listing in STATEMENT_PAYMENT_LISTINGS
        for payment in listing(employer.pk, posted_through)
    ]
    return Statement(
        employer,
        today,
        periods,
        totals,
        arrears,
        aging,
        posted_through=posted_through,
        unposted_payments=sorted(unposted_payments, key=lambda p: (p.paid_on, p.receipt_number)),
        unposted_netted=netted,
        waivers_netted=waived,
    )


@dataclass
class HistoryEntry:
    when: datetime.datetime
    user: str
    subject: str
    action: str
    changes: list[tuple[str, object, object]]


EMPLOYER_FIELDS = [
    "employer_number",
    "nit",
    "dui",
    "nrc",
    "legal_name",
    "trade_name",
    "economic_activity",
    "sector",
    "address",
    "department_id",
    "municipality_id",
    "phone",
    "email",
    "legal_representative",
    "branch_id",
    "status",
]
PERIOD_FIELDS = ["due_date", "employer_share", "worker_share", "fines", "surcharges", "paid"]


def _resolve_who(entries: list[tuple[HistoryEntry, object]]) -> None:
    """Name the user (or, for a command-line import, the file) behind each change."""
    from people.models import User

    ids = {
        int(context.metadata["user"])
        for _entry, context in entries
        if context and context.metadata.get("user")
    }
    names = {
        user.pk: user.get_full_name() or user.username for user in User.objects.filter(pk__in=ids)
    }
    for entry, context in entries:
        metadata = context.metadata if context else {}
        if metadata.get("user"):
            entry.user = names.get(int(metadata["user"]), "")
        elif metadata.get("import_file"):
            entry.user = metadata["import_file"]


def employer_history(employer: Employer, limit: int = 500) -> list[HistoryEntry]:
    """Every recorded change of the employer and its periods: who, when, before, after.

    Read from the event tables themselves (not pghistory's JSON aggregate) so that
    amounts stay Decimal.
    """
    from django.apps import apps

    EmployerEvent = apps.get_model("employers", "EmployerEvent")
    PeriodEvent = apps.get_model("employers", "ContributionPeriodEvent")
    entries: list[tuple[HistoryEntry, object]] = []
    previous = None
    employer_events = (
        EmployerEvent.objects.filter(pgh_obj=employer)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    for event in employer_events:
        if previous is None:
            changes = []
            action = "insert"
        else:
            changes = [
                (name, getattr(previous, name), getattr(event, name))
                for name in EMPLOYER_FIELDS
                if getattr(previous, name) != getattr(event, name)
            ]
            action = "update"
        if previous is None or changes:
            entry = HistoryEntry(event.pgh_created_at, "", "", action, changes)
            entries.append((entry, event.pgh_context))
        previous = event
    befores = {}
    period_events = (
        PeriodEvent.objects.filter(employer=employer)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    for event in period_events:
        key = (event.pgh_obj_id, event.pgh_context_id)
        if event.pgh_label == "period.before_update":
            befores[key] = event
            continue
        before = befores.pop(key, None)
        changes = [
            (name, getattr(before, name) if before else None, getattr(event, name))
            for name in PERIOD_FIELDS
            if before is None or getattr(before, name) != getattr(event, name)
        ]
        action = "update" if event.pgh_label == "period.update" else "delete"
        entry = HistoryEntry(
            event.pgh_created_at, "", event.period.strftime("%Y-%m"), action, changes
        )
        entries.append((entry, event.pgh_context))
    _resolve_who(entries)
    result = [entry for entry, _context in entries]
    result.sort(key=lambda entry: entry.when, reverse=True)
    return result[:limit]
