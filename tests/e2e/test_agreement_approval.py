"""An agreement the department head drafted over the head's limit: the page says the
rule, the second approver named by the administrator approves it, and it is signed."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from agreements import services
from agreements.models import AgreementPolicy
from people.roles import Role
from tests.agreements.conftest import owed_periods
from tests.factories import CaseFactory, EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, live_server, username):
    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", username)
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")


def test_the_second_approver_unblocks_the_department_heads_own_agreement(live_server, page):
    from people.models import Branch

    AgreementPolicy.objects.update(
        approval_threshold=Decimal("100.00"), head_approval_threshold=Decimal("300.00")
    )
    branch = Branch.objects.get(code="SS")
    head = UserFactory(username="jefa", role=Role.DEPARTMENT_HEAD)
    second = UserFactory(username="segundo", role=Role.BRANCH_HEAD, branch=branch)
    second.user_permissions.add(Permission.objects.get(codename="approve_as_second"))
    employer = EmployerFactory(branch=branch, legal_name="Hotel Tazumal, S.A. de C.V.")
    owed_periods(employer)
    case = CaseFactory(employer=employer, status="in_contact")
    agreement = services.agreement_create(
        case=case,
        actor=head,
        down_payment=Decimal("45.00"),
        installments=3,
        first_due_date=timezone.localdate() + datetime.timedelta(days=30),
    )

    login(page, live_server, "jefa")
    page.goto(f"{live_server.url}/convenios/{agreement.pk}/")
    assert page.locator("#approval-rule:has-text('$300.00')").count() == 1
    assert page.locator("button:has-text('Aprobar')").count() == 0  # not their own
    page.click("text=Registrar firma")
    page.wait_for_selector("text=El convenio aún no está aprobado.")
    page.context.clear_cookies()

    login(page, live_server, "segundo")
    page.goto(f"{live_server.url}/convenios/{agreement.pk}/")
    page.click("button:has-text('Aprobar')")
    page.wait_for_selector("text=Convenio aprobado.")
    page.context.clear_cookies()

    login(page, live_server, "jefa")
    page.goto(f"{live_server.url}/convenios/{agreement.pk}/")
    page.click("text=Registrar firma")
    page.wait_for_selector("text=Firma registrada.")
    agreement.refresh_from_db()
    assert agreement.status == "signed" and agreement.approved_by == second
