"""The annual recovery plan's writes: drafting, targets (by page or from an XLSX), each
branch head's confirmation, the head's approval and new versions after it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.access import sees_all_branches
from people.models import Branch, User
from people.roles import Role
from reporting.models import (
    MONTHS,
    TARGET_FIELDS,
    BranchTarget,
    PlanBranch,
    PlanEvent,
    PlanEventKind,
    PlanStatus,
    RecoveryPlan,
)

# The XLSX of targets: one row per branch and figure, the twelve months across, like
# the spreadsheet the department keeps.
XLSX_MONTHS = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]
XLSX_HEADER = ["sucursal", "indicador", *XLSX_MONTHS]
XLSX_FIGURES = {
    "monto": "amount",
    "casos": "cases_closed",
    "convenios": "agreements_signed",
    "remisiones": "referrals",
}


def _event(plan: RecoveryPlan, kind: str, actor: User, *, before="", after="", reason="") -> None:
    PlanEvent.objects.create(
        plan=plan, kind=kind, actor=actor, before=before[:200], after=after[:200], reason=reason
    )


def _locked(plan: RecoveryPlan) -> RecoveryPlan:
    return RecoveryPlan.objects.select_for_update().get(pk=plan.pk)


def _draft(plan: RecoveryPlan) -> RecoveryPlan:
    plan = _locked(plan)
    if not plan.is_draft:
        raise ValidationError(
            _("This version is no longer a draft (%(status)s): changes need a new version.")
            % {"status": plan.get_status_display().lower()}
        )
    return plan


@transaction.atomic
def plan_create(
    *, year: int, actor: User, strategies: str = "", policies: str = ""
) -> RecoveryPlan:
    """The year's first version, a draft with every active branch and a zero target for
    each of its months."""
    if RecoveryPlan.objects.filter(year=year).exists():
        raise ValidationError(
            _("The %(year)s plan already exists: open it, or make a new version.") % {"year": year}
        )
    plan = RecoveryPlan.objects.create(
        year=year, strategies=strategies, policies=policies, created_by=actor
    )
    branches = list(Branch.objects.filter(is_active=True))
    PlanBranch.objects.bulk_create([PlanBranch(plan=plan, branch=b) for b in branches])
    BranchTarget.objects.bulk_create(
        [BranchTarget(plan=plan, branch=b, month=m) for b in branches for m in MONTHS]
    )
    _event(plan, PlanEventKind.CREATED, actor, after=str(plan))
    return plan


@transaction.atomic
def plan_text_save(*, plan: RecoveryPlan, actor: User, strategies: str, policies: str) -> None:
    plan = _draft(plan)
    if (plan.strategies, plan.policies) == (strategies, policies):
        return
    plan.strategies, plan.policies = strategies, policies
    plan.save(update_fields=["strategies", "policies"])
    _event(plan, PlanEventKind.TEXT, actor)


def _values_text(values: dict) -> str:
    return " · ".join(str(values[name]) for name in TARGET_FIELDS)


@transaction.atomic
def targets_save(
    *, plan: RecoveryPlan, branch: Branch, values: dict[int, dict], actor: User, kind=None
) -> int:
    """Set a branch's targets, `values` {month: {field: value}}. A change clears the
    branch head's confirmation. Returns the months changed."""
    plan = _draft(plan)
    stored = {t.month: t for t in BranchTarget.objects.filter(plan=plan, branch=branch)}
    changed = []
    for month, new in sorted(values.items()):
        target = stored.get(month) or BranchTarget(plan=plan, branch=branch, month=month)
        before = {name: getattr(target, name) for name in TARGET_FIELDS}
        after = {name: new.get(name, before[name]) for name in TARGET_FIELDS}
        if before == after and target.pk:
            continue
        for name, value in after.items():
            setattr(target, name, value)
        target.save()
        changed.append((month, before, after))
    if changed:
        PlanBranch.objects.filter(plan=plan, branch=branch).update(
            confirmed_by=None, confirmed_at=None
        )
        months = ", ".join(XLSX_MONTHS[month - 1] for month, _b, _a in changed)
        _event(
            plan,
            kind or PlanEventKind.TARGETS,
            actor,
            before=branch.code,
            after=months,
            reason="; ".join(
                f"{XLSX_MONTHS[m - 1]}: {_values_text(b)} → {_values_text(a)}"
                for m, b, a in changed
            ),
        )
    return len(changed)


def can_confirm(user: User, branch: Branch) -> bool:
    return (
        user.has_perm("reporting.confirm_recoveryplan")
        and user.role == Role.BRANCH_HEAD
        and user.branch_id == branch.pk
    )


@transaction.atomic
def branch_confirm(*, plan: RecoveryPlan, branch: Branch, actor: User) -> None:
    """The branch head agrees to the branch's targets in this version."""
    if not can_confirm(actor, branch):
        raise PermissionDenied(_("Only the head of this branch confirms its targets."))
    plan = _draft(plan)
    entry = PlanBranch.objects.select_for_update().get(plan=plan, branch=branch)
    if entry.confirmed_at:
        raise ValidationError(_("The branch's targets are already confirmed."))
    entry.confirmed_by, entry.confirmed_at = actor, timezone.now()
    entry.save(update_fields=["confirmed_by", "confirmed_at"])
    _event(plan, PlanEventKind.CONFIRMED, actor, after=branch.code)


def unconfirmed(plan: RecoveryPlan) -> list[str]:
    return list(
        PlanBranch.objects.filter(plan=plan, confirmed_at__isnull=True)
        .order_by("branch__code")
        .values_list("branch__code", flat=True)
    )


@transaction.atomic
def plan_approve(*, plan: RecoveryPlan, actor: User) -> RecoveryPlan:
    """The head approves the version once every branch head has confirmed; the
    version it replaces is superseded (and stays readable)."""
    if not actor.has_perm("reporting.approve_recoveryplan"):
        raise PermissionDenied
    plan = _draft(plan)
    missing = unconfirmed(plan)
    if missing:
        raise ValidationError(
            _("Branches that have not confirmed their targets: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    previous = (
        RecoveryPlan.objects.select_for_update()
        .filter(year=plan.year, status=PlanStatus.APPROVED)
        .first()
    )
    if previous:
        previous.status = PlanStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    plan.status = PlanStatus.APPROVED
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    _event(plan, PlanEventKind.APPROVED, actor, before=PlanStatus.DRAFT, after=PlanStatus.APPROVED)
    return plan


@transaction.atomic
def plan_revise(*, plan: RecoveryPlan, actor: User, reason: str) -> RecoveryPlan:
    """A new draft version of an approved plan, with its targets, texts and
    confirmations copied; the approved one stays in force until the new one is."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the plan changes."))
    plan = _locked(plan)
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(_("Only the version in force is revised."))
    if RecoveryPlan.objects.filter(year=plan.year, status=PlanStatus.DRAFT).exists():
        raise ValidationError(_("A new version of this plan is already being drafted."))
    latest = RecoveryPlan.objects.filter(year=plan.year).order_by("-version").first()
    revised = RecoveryPlan.objects.create(
        year=plan.year,
        version=latest.version + 1,
        strategies=plan.strategies,
        policies=plan.policies,
        change_reason=reason,
        created_by=actor,
    )
    PlanBranch.objects.bulk_create(
        [
            PlanBranch(
                plan=revised,
                branch_id=entry.branch_id,
                confirmed_by_id=entry.confirmed_by_id,
                confirmed_at=entry.confirmed_at,
            )
            for entry in plan.branches.all()
        ]
    )
    BranchTarget.objects.bulk_create(
        [
            BranchTarget(
                plan=revised,
                branch_id=t.branch_id,
                month=t.month,
                **{name: getattr(t, name) for name in TARGET_FIELDS},
            )
            for t in plan.targets.all()
        ]
    )
    _event(revised, PlanEventKind.REVISED, actor, before=str(plan.version), reason=reason)
    _event(plan, PlanEventKind.REVISED, actor, after=str(revised.version), reason=reason)
    return revised


def _cell(value, figure: str, line: int, column: str):
    text = "" if value is None else str(value).strip().replace(",", "")
    if text == "":
        return Decimal("0.00") if figure == "amount" else 0
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or number < 0 or not number.is_finite():
        raise ValidationError(
            _("Line %(line)s, column %(column)s: “%(value)s” is not a number of 0 or more.")
            % {"line": line, "column": column, "value": text[:40]}
        )
    if figure == "amount":
        if number != number.quantize(Decimal("0.01")) or number >= Decimal("1e12"):
            raise ValidationError(
                _("Line %(line)s, column %(column)s: an amount has at most 2 decimals.")
                % {"line": line, "column": column}
            )
        return number.quantize(Decimal("0.01"))
    if number != number.to_integral_value():
        raise ValidationError(
            _("Line %(line)s, column %(column)s: a count is a whole number.")
            % {"line": line, "column": column}
        )
    return int(number)


def read_targets_xlsx(path: Path) -> dict[str, dict[int, dict]]:
    """{branch code: {month: {field: value}}} from the targets workbook (or the same
    columns as CSV), or a ValidationError naming the line and the reason. Nothing is
    written."""
    from core import tabular

    branches = set(Branch.objects.values_list("code", flat=True))
    result: dict[str, dict[int, dict]] = {}
    seen = set()
    try:
        fmt = tabular.sniff_format(path, XLSX_HEADER)
        for line, row in tabular.read_rows(path, fmt):
            code = row["sucursal"].upper()
            figure = XLSX_FIGURES.get(row["indicador"].lower())
            if code not in branches:
                raise ValidationError(
                    _("Line %(line)s: unknown branch code “%(code)s”.")
                    % {"line": line, "code": code}
                )
            if figure is None:
                raise ValidationError(
                    _("Line %(line)s: the indicator is one of %(names)s.")
                    % {"line": line, "names": ", ".join(XLSX_FIGURES)}
                )
            if (code, figure) in seen:
                raise ValidationError(
                    _("Line %(line)s: %(code)s %(name)s appears twice.")
                    % {"line": line, "code": code, "name": row["indicador"]}
                )
            seen.add((code, figure))
            months = result.setdefault(code, {})
            for month, column in enumerate(XLSX_MONTHS, start=1):
                months.setdefault(month, {})[figure] = _cell(row[column], figure, line, column)
    except tabular.ImportFileError as exc:
        raise ValidationError(str(exc)) from exc
    if not result:
        raise ValidationError(_("The file has a header but no rows."))
    return result


@transaction.atomic
def targets_import(*, plan: RecoveryPlan, path: Path, actor: User) -> int:
    """Every branch's targets from the workbook, all or nothing."""
    targets = read_targets_xlsx(path)
    branches = {b.code: b for b in Branch.objects.filter(code__in=targets)}
    return sum(
        targets_save(
            plan=plan,
            branch=branches[code],
            values=months,
            actor=actor,
            kind=PlanEventKind.IMPORTED,
        )
        for code, months in targets.items()
    )


def targets_xlsx(plan: RecoveryPlan) -> bytes:
    """The plan's targets in the import's own shape (a template to fill in)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = f"Plan {plan.year}"
    sheet.append(XLSX_HEADER)
    by_branch: dict[str, dict[int, BranchTarget]] = {}
    for target in plan.targets.select_related("branch"):
        by_branch.setdefault(target.branch.code, {})[target.month] = target
    for code, months in sorted(by_branch.items()):
        for name, figure in XLSX_FIGURES.items():
            sheet.append(
                [code, name]
                + [
                    (
                        float(getattr(months[m], figure))
                        if figure == "amount"
                        else getattr(months[m], figure)
                    )
                    if m in months
                    else 0
                    for m in MONTHS
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def targets_by_branch_month(year: int, *, plan: RecoveryPlan | None = None) -> dict:
    """{(branch_id, month): {field: value}} of the year's plan in force (or `plan`)."""
    plan = plan or RecoveryPlan.objects.in_force(year)
    if plan is None:
        return {}
    return {
        (t["branch_id"], t["month"]): t
        for t in BranchTarget.objects.filter(plan=plan).values("branch_id", "month", *TARGET_FIELDS)
    }


def visible_branches(user: User):
    branches = Branch.objects.filter(is_active=True)
    if sees_all_branches(user):
        return branches
    return branches.filter(pk=user.branch_id) if user.branch_id else branches.none()
