"""Demo of the head's desk, on top of the other demos: a history (the nightly snapshots
of the last 24 month-ends, agreement payments in past months), the year's plan approved
and then revised (version 1 superseded, version 2 in force), next year's plan being
drafted with some branches confirmed, the summaries rebuilt, and last month's report.
Made through the same services as the pages and the nightly jobs. Never used in
production."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from agreements import demo as demo_agreements
from agreements.models import Payment
from core.calendar import add_months
from people.demo import demo_user
from people.models import Branch, User
from people.roles import Role
from recovery.jobs import snapshots_take
from reporting import services
from reporting.models import MONTHS, RecoveryPlan
from reporting.report import report_start
from reporting.summaries import month_end, rebuild

HISTORY_MONTHS = 24


def _heads() -> dict[int, User]:
    return {
        user.branch_id: user
        for user in User.objects.filter(groups__name=Role.BRANCH_HEAD.value, is_active=True)
    }


def _hundreds(amount: Decimal) -> Decimal:
    return (amount / 100).quantize(Decimal("1")) * 100


def _targets(plan: RecoveryPlan, head: User, *, factor: Decimal = Decimal("1")) -> None:
    """Each branch's monthly target: a little over what it has recovered a month of late
    (at least $1,000), more in December (the year-end campaign)."""
    since = add_months(timezone.localdate().replace(day=1), -6)
    recovered = dict(
        Payment.objects.filter(paid_on__gte=since, reversed_at__isnull=True)
        .values("agreement__branch_id")
        .annotate(total=Sum("amount"))
        .values_list("agreement__branch_id", "total")
    )
    for entry in plan.branches.select_related("branch"):
        monthly = (recovered.get(entry.branch_id) or Decimal("0")) / 6 * Decimal("1.15")
        base = max(monthly, Decimal("1000")) * factor
        values = {
            month: {
                "amount": _hundreds(base * (Decimal("1.3") if month == 12 else 1)),
                "cases_closed": 2 + month % 3,
                "agreements_signed": 1 + month % 2,
                "referrals": 1,
            }
            for month in MONTHS
        }
        services.targets_save(plan=plan, branch=entry.branch, values=values, actor=head)


def _confirm(plan: RecoveryPlan, heads: dict[int, User], *, only=None) -> None:
    """Each branch head confirms its branch (`only`: those branches)."""
    for entry in plan.branches.filter(confirmed_at=None):
        user = heads.get(entry.branch_id)
        if user and (only is None or entry.branch_id in only):
            services.branch_confirm(plan=plan, branch=user.branch, actor=user)


def seed_desk() -> dict[str, int]:
    """Once: skipped when any plan exists."""
    if RecoveryPlan.objects.exists():
        return {"skipped": 1}
    head = demo_user(Role.DEPARTMENT_HEAD)
    heads = _heads()
    if head is None:
        return {"skipped": 1}
    today = timezone.localdate()
    this_month = today.replace(day=1)
    # The history: month-end snapshots (what each employer owed by then) and payments.
    for back in range(HISTORY_MONTHS, 0, -1):
        snapshots_take(run_date=month_end(add_months(this_month, -back)))
    payments = demo_agreements.payment_history()
    # This year's plan: approved, then revised for one branch.
    plan = services.plan_create(
        year=today.year,
        actor=head,
        strategies=(
            "Gestión telefónica en los primeros 30 días de mora; visita y requerimiento "
            "escrito a los 60; convenio de pago como primera opción antes de remitir a la "
            "Unidad Jurídica."
        ),
        policies=(
            "Prima mínima del 10 % de la deuda; hasta 24 cuotas según el monto; remisión "
            "a la Unidad Jurídica a los 60 días de una cuota vencida."
        ),
    )
    _targets(plan, head)
    _confirm(plan, heads)
    services.plan_approve(plan=plan, actor=head)
    revised = services.plan_revise(
        plan=plan,
        actor=head,
        reason="Se ajusta la meta de San Salvador por la campaña de fin de año.",
    )
    ss = Branch.objects.get(code="SS")
    december = revised.targets.get(branch=ss, month=12)
    services.targets_save(
        plan=revised,
        branch=ss,
        values={12: {"amount": _hundreds(december.amount * Decimal("1.2"))}},
        actor=head,
    )
    _confirm(revised, heads)
    services.plan_approve(plan=revised, actor=head)
    # Next year's, being drafted: two branches have confirmed theirs.
    draft = services.plan_create(year=today.year + 1, actor=head)
    _targets(draft, head, factor=Decimal("1.1"))
    _confirm(draft, heads, only=set(list(heads)[:2]))
    summaries = rebuild(add_months(this_month, -HISTORY_MONTHS), this_month, today=today)
    report_start(month=add_months(this_month, -1), actor=head)
    return {
        "snapshot_months": HISTORY_MONTHS,
        "payments": payments,
        "plans": RecoveryPlan.objects.count(),
        "summary_rows": sum(summaries.values()),
    }
