"""What the dashboards show, read from the monthly summaries (never the raw rows, but
for three small live counts: agreements and cases by state, and what is overdue), in a
fixed number of queries whatever the data's size.

`head_dashboard` is every branch (or one, for the head drilling in); a branch head's
is its branch by agent; `agent_figures` is an agent's own line on its queue page."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.models import AgreementStatus, PaymentAgreement
from core.calendar import add_months
from employers.models import AGING_BUCKETS
from people.access import sees_all_branches
from people.models import Branch, User
from recovery.models import CaseStatus, RecoveryCase
from reporting import charts, kpis
from reporting.models import TARGET_FIELDS, BranchTarget, MonthlySummary, PlanStatus
from reporting.summaries import FIGURES, month_end, month_start

HISTORY_MONTHS = 24


@dataclass
class Period:
    first: datetime.date
    last: datetime.date

    @property
    def months(self) -> list[datetime.date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months


def default_period(today: datetime.date) -> Period:
    """The year to date."""
    return Period(today.replace(month=1, day=1), month_start(today))


def month_label(month: datetime.date) -> str:
    return date_format(month, "M Y")


def targets_in_force(period: Period, branch_ids) -> dict:
    """{(branch_id, month_date): {field: value}} from the plans in force (one query)."""
    years = {m.year for m in period.months}
    rows = BranchTarget.objects.filter(
        plan__status=PlanStatus.APPROVED, plan__year__in=years, branch_id__in=branch_ids
    ).values("plan__year", "branch_id", "month", *TARGET_FIELDS)
    return {
        (row["branch_id"], datetime.date(row["plan__year"], row["month"], 1)): row for row in rows
    }


def target_sum(targets: dict, keys) -> dict | None:
    found = [targets[key] for key in keys if key in targets]
    if not found:
        return None
    return {name: sum(row[name] for row in found) for name in TARGET_FIELDS}


def _drill(url_name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(url_name) + (f"?{query}" if query else "")


def _attention(branch_id: int | None, today: datetime.date) -> dict:
    """What is overdue, in one query: promises broken in the last 30 days, agreements
    in force with an installment overdue, referrals the Legal Unit has not accepted,
    waivers approved and not applied after the configured days."""
    params = {
        "branch": branch_id,
        "since": today - datetime.timedelta(days=30),
        "late": timezone.now() - datetime.timedelta(days=settings.COUNCIL_APPLICATION_DAYS),
    }
    mine = "(%(branch)s::bigint IS NULL OR {} = %(branch)s::bigint)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT
              (SELECT count(*) FROM recovery_paymentpromise p
                 JOIN recovery_recoverycase c ON c.id = p.case_id
                WHERE p.status = 'broken' AND p.evaluated_on >= %(since)s
                  AND {mine.format("c.branch_id")}),
              (SELECT count(*) FROM agreements_paymentagreement a
                WHERE a.status = 'active' AND {mine.format("a.branch_id")}
                  AND EXISTS (SELECT 1 FROM agreements_installment i
                               WHERE i.agreement_id = a.id AND i.status = 'overdue')),
              (SELECT count(*) FROM legal_legalreferral r
                 JOIN recovery_recoverycase c ON c.id = r.case_id
                WHERE r.status = 'pending' AND {mine.format("c.branch_id")}),
              (SELECT count(*) FROM council_waiver w
                 JOIN council_settlementrequest s ON s.id = w.request_id
                WHERE w.status = 'pending' AND w.recorded_at < %(late)s
                  AND {mine.format("s.branch_id")})
            """,
            params,
        )
        broken, near_breach, pending_referrals, unapplied = cursor.fetchone()
    branch = branch_id or ""
    return [
        {
            "label": _("Promises broken in the last 30 days"),
            "count": broken,
            "url": _drill("recovery:case_list", branch=branch, status=CaseStatus.IN_CONTACT),
        },
        {
            "label": _("Agreements in force with an installment overdue"),
            "count": near_breach,
            "url": _drill(
                "agreements:agreement_list",
                branch=branch,
                status=AgreementStatus.ACTIVE,
                overdue_min=1,
            ),
        },
        {
            "label": _("Referrals the Legal Unit has not accepted"),
            "count": pending_referrals,
            "url": _drill("legal:referral_list", status="pending"),
        },
        {
            "label": _("Waivers not applied after %(days)s days")
            % {"days": settings.COUNCIL_APPLICATION_DAYS},
            "count": unapplied,
            "url": _drill("council:waiver_list", branch=branch, status="pending"),
        },
    ]


def _state_counts(queryset, choices) -> tuple[list[str], list[int], list[str]]:
    counts = dict(queryset.values_list("status").annotate(n=Count("pk")).order_by())
    values = [value for value, _label in choices]
    return (
        [str(label) for value, label in choices],
        [counts.get(value, 0) for value in values],
        values,
    )


def dashboard(user: User, period: Period, *, branch: Branch | None = None) -> dict:
    """The head's dashboard (every branch, by branch), or one branch's (by agent): for
    a branch head, always their own branch."""
    today = timezone.localdate()
    if not sees_all_branches(user):
        branch = user.branch
    history_first = min(period.first, add_months(period.last, -(HISTORY_MONTHS - 1)))
    rows = MonthlySummary.objects.visible_to(user).filter(
        month__gte=history_first, month__lte=period.last
    )
    if branch is not None:
        rows = rows.filter(branch=branch)
    rows = list(rows.values("month", "branch_id", "agent_id", "as_of", "rolls", *FIGURES))
    branches = list(Branch.objects.filter(is_active=True)) if branch is None else [branch]
    branch_ids = [b.pk for b in branches]
    targets = targets_in_force(period, branch_ids)
    in_period = [row for row in rows if period.first <= row["month"] <= period.last]
    as_of = max((row["as_of"] for row in in_period), default=None)

    def target_keys(ids, months):
        return [(b, m) for b in ids for m in months]

    total = kpis.figures(
        in_period, period.last, target_sum(targets, target_keys(branch_ids, period.months))
    )
    # By month (the chart), by branch or by agent (the table and the ranking).
    by_month = defaultdict(list)
    for row in rows:
        by_month[row["month"]].append(row)
    months_24 = Period(add_months(period.last, -(HISTORY_MONTHS - 1)), period.last).months
    monthly = {
        month: kpis.figures(
            by_month.get(month, []),
            month,
            target_sum(targets, target_keys(branch_ids, [month])),
        )
        for month in months_24
    }
    recovered_chart = charts.recovered_vs_target(
        [month_label(m) for m in period.months],
        [kpis.recovered(monthly[m]) if m in monthly else Decimal(0) for m in period.months],
        [monthly[m].target_amount if m in monthly else None for m in period.months],
    )
    delinquency_chart = charts.delinquency(
        [month_label(m) for m in months_24],
        [kpis.delinquency_by_count(monthly[m]) if by_month.get(m) else None for m in months_24],
        [kpis.delinquency_by_amount(monthly[m]) if by_month.get(m) else None for m in months_24],
    )
    aging_chart = charts.aging(
        [str(label) for _key, label, _first, _last in AGING_BUCKETS],
        list(kpis.aging(total).values()),
    )
    agreements = PaymentAgreement.objects.visible_to(user)
    cases = RecoveryCase.objects.visible_to(user)
    if branch is not None:
        agreements, cases = agreements.filter(branch=branch), cases.filter(branch=branch)
    labels, counts, values = _state_counts(agreements, AgreementStatus.choices)
    agreements_chart = charts.by_state(_("Agreements by state"), labels, counts)
    agreements_chart.links = [
        _drill("agreements:agreement_list", branch=branch.pk if branch else "", status=value)
        for value in values
    ]
    labels, counts, values = _state_counts(cases, CaseStatus.choices)
    cases_chart = charts.by_state(_("Cases by state"), labels, counts)
    cases_chart.links = [
        _drill("recovery:case_list", branch=branch.pk if branch else "", status=value)
        for value in values
    ]
    # The breakdown: branches for the head, agents within a branch.
    if branch is None:
        groups = [
            (
                b.code,
                b.name,
                [r for r in in_period if r["branch_id"] == b.pk],
                target_sum(targets, target_keys([b.pk], period.months)),
                {"branch": b.pk},
            )
            for b in branches
        ]
    else:
        agent_ids = sorted({r["agent_id"] for r in in_period if r["agent_id"]})
        agents = {u.pk: u for u in User.objects.filter(pk__in=agent_ids)}
        groups = [
            (
                agents[a].display_name,
                "",
                [r for r in in_period if r["agent_id"] == a],
                None,
                {"branch": branch.pk, "agent": a},
            )
            for a in agent_ids
            if a in agents
        ] + [
            (
                _("Branch (no agent)"),
                "",
                [r for r in in_period if r["agent_id"] is None],
                None,
                {"branch": branch.pk},
            )
        ]
    breakdown = []
    for name, title, group_rows, target, params in groups:
        f = kpis.figures(group_rows, period.last, target)
        breakdown.append(
            {
                "name": name,
                "title": title,
                "figures": f,
                "recovered": kpis.recovered(f),
                "target": f.target_amount,
                "share": kpis.recovered_vs_target(f),
                "agreements_signed": f["agreements_signed"],
                "cases_closed": f["cases_closed"],
                "promise_kept_rate": kpis.promise_kept_rate(f),
                "breach_rate": kpis.breach_rate(f),
                "arrears": f["arrears"],
                "params": params,
                "url": _drill("recovery:case_list", **params),
                "drill": reverse("reporting:dashboard") + "?" + urlencode(params)
                if "agent" not in params
                else "",
            }
        )
    ranked = sorted(
        [b for b in breakdown if b["share"] is not None], key=lambda b: b["share"], reverse=True
    )
    ranking_chart = charts.ranking([b["name"] for b in ranked], [b["share"] for b in ranked])
    branch_param = branch.pk if branch else ""
    # The flows of the period's months link to the list of those months: the same
    # branch and dates as the figure (the states link to the list as it stands).
    first_day, last_day = period.first, month_end(period.last)
    cards = []
    links = {
        "agreements_signed": _drill(
            "agreements:agreement_list",
            branch=branch_param,
            signed_from=first_day,
            signed_to=last_day,
        ),
        "agreements_active": _drill(
            "agreements:agreement_list", branch=branch_param, status=AgreementStatus.ACTIVE
        ),
        "agreements_breached": _drill(
            "agreements:agreement_list", branch=branch_param, status=AgreementStatus.BREACHED
        ),
        "agreements_completed": _drill(
            "agreements:agreement_list", branch=branch_param, status=AgreementStatus.COMPLETED
        ),
        "referrals": _drill("legal:referral_list", referred_from=first_day, referred_to=last_day),
        "waivers_approved": _drill("council:waiver_list", branch=branch_param),
        "waivers_applied": _drill("council:waiver_list", branch=branch_param, status="applied"),
        "cure_rate": _drill(
            "recovery:case_list",
            branch=branch_param,
            status=CaseStatus.CLOSED,
            closed_from=first_day,
            closed_to=last_day,
        ),
        "arrears": _drill("employers:employer_list", branch=branch_param),
    }
    for kpi, value in kpis.evaluate(total):
        cards.append({"kpi": kpi, "value": value, "url": links.get(kpi.key, "")})
    return {
        "period": period,
        "branch": branch,
        "as_of": as_of,
        "today": today,
        "total": total,
        "cards": cards,
        "breakdown": breakdown,
        "by_agent": branch is not None,
        "charts": {
            "recovered": recovered_chart,
            "delinquency": delinquency_chart,
            "aging": aging_chart,
            "agreements": agreements_chart,
            "cases": cases_chart,
            "ranking": ranking_chart,
        },
        "attention": _attention(branch.pk if branch else None, today),
    }


def agent_figures(user: User, today: datetime.date | None = None) -> dict:
    """An agent's own figures, this month and the year to date (one query)."""
    today = today or timezone.localdate()
    month = month_start(today)
    rows = list(
        MonthlySummary.objects.filter(
            agent=user, month__gte=today.replace(month=1, day=1), month__lte=month
        ).values("month", "as_of", "rolls", *FIGURES)
    )
    this_month = kpis.figures([r for r in rows if r["month"] == month], month)
    year = kpis.figures(rows, month)
    return {
        "as_of": max((r["as_of"] for r in rows), default=None),
        "lines": [
            (
                _("Recovered"),
                kpis.recovered(this_month),
                kpis.recovered(year),
                "money",
            ),
            (
                _("Agreements signed"),
                this_month["agreements_signed"],
                year["agreements_signed"],
                "count",
            ),
            (_("Cases closed"), this_month["cases_closed"], year["cases_closed"], "count"),
            (
                _("Promises kept"),
                kpis.promise_kept_rate(this_month),
                kpis.promise_kept_rate(year),
                "percent",
            ),
            (_("Referrals"), this_month["referrals"], year["referrals"], "count"),
        ],
    }
