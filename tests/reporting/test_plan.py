from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from people.models import Branch
from people.roles import Role
from reporting import services
from reporting.models import BranchTarget, PlanEvent, PlanStatus, RecoveryPlan
from tests.factories import UserFactory


@pytest.fixture
def heads(db):
    heads = {}
    for branch in Branch.objects.filter(is_active=True):
        heads[branch.code] = UserFactory(role=Role.BRANCH_HEAD, branch=branch)
    return heads


def confirm_all(plan, heads):
    for user in heads.values():
        services.branch_confirm(plan=plan, branch=user.branch, actor=user)


def test_draft_confirm_approve(head, heads):
    plan = services.plan_create(year=2027, actor=head)
    assert plan.targets.count() == 12 * Branch.objects.filter(is_active=True).count()
    ss = Branch.objects.get(code="SS")
    changed = services.targets_save(
        plan=plan,
        branch=ss,
        values={1: {"amount": Decimal("1000.00"), "agreements_signed": 3}},
        actor=head,
    )
    assert changed == 1
    with pytest.raises(ValidationError, match="SA"):
        services.plan_approve(plan=plan, actor=head)
    # Only the branch's own head confirms it.
    with pytest.raises(PermissionDenied):
        services.branch_confirm(plan=plan, branch=ss, actor=heads["SA"])
    with pytest.raises(PermissionDenied):
        services.branch_confirm(plan=plan, branch=ss, actor=head)
    confirm_all(plan, heads)
    # A change after the confirmation asks for it again.
    services.targets_save(plan=plan, branch=ss, values={2: {"amount": Decimal("5")}}, actor=head)
    assert services.unconfirmed(plan) == ["SS"]
    services.branch_confirm(plan=plan, branch=ss, actor=heads["SS"])
    services.plan_approve(plan=plan, actor=head)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert RecoveryPlan.objects.in_force(2027) == plan
    # Approved: no more changes to this version.
    with pytest.raises(ValidationError, match="nueva versión"):
        services.targets_save(plan=plan, branch=ss, values={1: {"amount": 1}}, actor=head)
    kinds = list(PlanEvent.objects.filter(plan=plan).values_list("kind", flat=True))
    assert {"created", "targets", "confirmed", "approved"} <= set(kinds)


def test_a_change_after_approval_is_a_new_version_and_the_old_stays(head, heads):
    plan = services.plan_create(year=2027, actor=head)
    ss = Branch.objects.get(code="SS")
    services.targets_save(plan=plan, branch=ss, values={1: {"amount": 100}}, actor=head)
    confirm_all(plan, heads)
    services.plan_approve(plan=plan, actor=head)
    with pytest.raises(ValidationError):
        services.plan_revise(plan=plan, actor=head, reason="  ")
    revised = services.plan_revise(plan=plan, actor=head, reason="Meta de SS ajustada.")
    assert revised.version == 2 and revised.is_draft
    # The approved version stays in force while the new one is drafted...
    assert RecoveryPlan.objects.in_force(2027) == plan
    services.targets_save(plan=revised, branch=ss, values={1: {"amount": 150}}, actor=head)
    # ...only SS must confirm again: the others' targets did not change.
    assert services.unconfirmed(revised) == ["SS"]
    services.branch_confirm(plan=revised, branch=ss, actor=heads["SS"])
    services.plan_approve(plan=revised, actor=head)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
    old = BranchTarget.objects.get(plan=plan, branch=ss, month=1)
    assert old.amount == Decimal("100.00")  # the old version is still readable
    assert services.targets_by_branch_month(2027)[(ss.pk, 1)]["amount"] == Decimal("150.00")


def test_one_plan_a_year(head):
    services.plan_create(year=2027, actor=head)
    with pytest.raises(ValidationError, match="ya existe"):
        services.plan_create(year=2027, actor=head)


def _workbook(tmp_path: Path, rows) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(services.XLSX_HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "metas.xlsx"
    book.save(path)
    return path


def test_targets_import_from_the_department_sheet(head, tmp_path):
    plan = services.plan_create(year=2027, actor=head)
    path = _workbook(
        tmp_path,
        [
            ["SS", "monto", *[1000.5] * 12],
            ["SS", "convenios", *[2] * 12],
            ["SM", "monto", 500, *[None] * 11],
        ],
    )
    assert services.targets_import(plan=plan, path=path, actor=head) == 13
    target = BranchTarget.objects.get(plan=plan, branch__code="SS", month=7)
    assert target.amount == Decimal("1000.50") and target.agreements_signed == 2
    assert BranchTarget.objects.get(plan=plan, branch__code="SM", month=2).amount == 0
    # The export is the import's own shape: it reads back unchanged.
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(services.targets_xlsx(plan))
    assert services.targets_import(plan=plan, path=exported, actor=head) == 0


@pytest.mark.parametrize(
    "rows,message",
    [
        ([["XX", "monto", *[1] * 12]], "Line 3: unknown branch code"),
        ([["SS", "monto", *[1] * 11, -5]], "Line 3, column dic"),
        ([["SS", "monto", *[1] * 12], ["SS", "casos", 1.5, *[1] * 11]], "Line 4, column ene"),
        ([["SS", "metas", *[1] * 12]], "indicator"),
        (
            [["SS", "monto", *[1] * 12], ["SS", "monto", *[2] * 12]],
            "Line 4: SS monto appears twice",
        ),
        ([["SS", "monto", "12.345", *[1] * 11]], "2 decimals"),
    ],
)
def test_a_bad_targets_file_says_the_line_and_writes_nothing(
    head, tmp_path, rows, message, settings
):
    settings.LANGUAGE_CODE = "en"
    plan = services.plan_create(year=2027, actor=head)
    path = _workbook(tmp_path, [["SA", "monto", *[9] * 12], *rows])
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.targets_import(plan=plan, path=path, actor=head)
    assert message in " ".join(exc.value.messages)
    assert not BranchTarget.objects.filter(plan=plan).exclude(amount=0).exists()


def test_a_file_that_is_not_a_workbook_is_refused(head, tmp_path):
    plan = services.plan_create(year=2027, actor=head)
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ValidationError):
        services.targets_import(plan=plan, path=path, actor=head)
    path.write_text("sucursal;indicador\n")
    with pytest.raises(ValidationError, match="ene"):
        services.targets_import(plan=plan, path=path, actor=head)


def test_targets_cannot_be_negative_in_the_database(head):
    from django.db import IntegrityError, transaction

    plan = services.plan_create(year=2027, actor=head)
    with transaction.atomic(), pytest.raises(IntegrityError):
        BranchTarget.objects.filter(plan=plan).update(amount=Decimal("-1"))
    with transaction.atomic(), pytest.raises(IntegrityError):
        BranchTarget.objects.filter(plan=plan, month=1).update(month=13)
