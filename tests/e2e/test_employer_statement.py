import datetime
from decimal import Decimal

import pytest

from people.models import Branch
from people.roles import Role
from tests.factories import EmployerFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_searches_an_employer_opens_its_statement_and_downloads_the_pdf(live_server, page):
    branch = Branch.objects.get(code="SS")
    UserFactory(username="ana", role=Role.AGENT, branch=branch)
    employer = EmployerFactory(branch=branch, legal_name="Panadería El Trigal, S.A. de C.V.")
    EmployerFactory(branch=branch, legal_name="Ferretería Los Volcanes")
    PeriodFactory(
        employer=employer,
        period=datetime.date(2025, 1, 1),
        due_date=datetime.date(2025, 2, 14),
        surcharges=Decimal("7.50"),
    )

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/casos/")  # an agent starts on the work queue
    page.click("nav >> text=Patronos")

    page.fill("#id_q", "panaderia trigal")
    page.click("text=Filtrar")
    page.wait_for_selector("text=1 patrono")
    assert page.locator("table").get_by_text("Ferretería").count() == 0
    page.click(f"text={employer.employer_number}")

    page.wait_for_selector("h2:has-text('Estado de cuenta')")
    assert page.locator("text=En mora: $112.50").count() == 1
    assert page.locator("td:has-text('01/2025')").count() == 1

    pdf_link = page.locator("a:has-text('Estado de cuenta (PDF)')")
    response = page.context.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
