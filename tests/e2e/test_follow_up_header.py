"""After a follow-up is saved, the case header shows what the timeline shows, and the
success message appears once."""

import datetime

import pytest
from django.utils import timezone

from people.roles import Role
from tests.agreements.conftest import owed_periods
from tests.factories import CaseFactory, EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_promise_updates_the_case_header_and_says_so_once(live_server, page):
    from people.models import Branch

    branch = Branch.objects.get(code="SS")
    agent = UserFactory(username="ana", role=Role.AGENT, branch=branch)
    employer = EmployerFactory(branch=branch, legal_name="Hotel Tazumal, S.A. de C.V.")
    owed_periods(employer)
    case = CaseFactory(employer=employer, agent=agent, status="in_contact")

    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/casos/{case.pk}/")
    page.select_option("#follow-up-form select[name=outcome]", "promised")
    page.fill("#follow-up-form input[name=promise_amount]", "100.00")
    promised = timezone.localdate() + datetime.timedelta(days=5)
    page.fill("#follow-up-form input[name=promise_date]", promised.isoformat())
    page.fill("#follow-up-form input[name=next_action]", "Verificar el pago")
    page.click("text=Guardar gestión")
    page.wait_for_selector("ul.messages >> text=Gestión registrada.")

    assert page.locator("ul.messages li").count() == 1
    header = page.locator(".card dl.facts").first
    assert header.locator("text=Compromiso de pago").count() == 1
    assert page.locator("dd:has-text('Verificar el pago')").count() == 1
