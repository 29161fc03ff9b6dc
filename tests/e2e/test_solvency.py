"""A solvency certificate in the browser: the agent opens a solvent employer, issues
its certificate, downloads the PDF; someone else in the institute verifies its code."""

import pytest

from people.roles import Role
from solvency.models import SolvencyCertificate
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", username)
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_agent_issues_a_certificate_and_the_secretary_verifies_it(live_server, page):
    from people.models import Branch

    ss = Branch.objects.get(code="SS")
    UserFactory(username="ana", role=Role.AGENT, branch=ss)
    UserFactory(username="sonia", role=Role.SECRETARY)
    employer = EmployerFactory(branch=ss, legal_name="Panadería La Espiga, S.A. de C.V.")

    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/patronos/{employer.pk}/")
    assert "Solvente" in page.inner_text("main")
    page.click("button:has-text('Emitir una constancia de solvencia')")
    page.wait_for_selector("text=emitida, vigente hasta")
    with page.expect_download() as download:
        page.click("main a:has-text('CS-')")
    assert download.value.suggested_filename.startswith("CS-")
    code = SolvencyCertificate.objects.get().code

    log_in(page, live_server, "sonia")
    page.goto(f"{live_server.url}/constancias/verificar/")
    page.fill("#id_codigo", code.replace("-", "").lower())
    page.click("button:has-text('Verificar')")
    page.wait_for_selector("text=Vigente")
    assert "Panadería La Espiga" in page.inner_text("main")
