"""Every page a role reaches from its menu runs without a console error: no
Content-Security-Policy violation (htmx's inline indicator style was one on every page),
no missing resource, no uncaught exception (the `page` fixture fails on any)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from people.roles import Role
from tests.factories import CaseFactory, EmployerFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", username)
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(
    "role, username",
    [
        (Role.DEPARTMENT_HEAD, "jefa"),
        (Role.AGENT, "ana"),
        (Role.LEGAL, "lex"),
        # The desk's and the correspondence's pages: the branch head and the secretary.
        (Role.BRANCH_HEAD, "carlos"),
        (Role.SECRETARY, "sonia"),
    ],
)
def test_every_menu_page_of_a_role_runs_without_a_console_error(live_server, page, role, username):
    from people.models import Branch

    branch = Branch.objects.get(code="SS")
    in_branch = role in {Role.AGENT, Role.BRANCH_HEAD}
    agent = UserFactory(username=username, role=role, branch=branch if in_branch else None)
    employer = EmployerFactory(branch=branch, legal_name="Textiles Lempa, S.A. de C.V.")
    due = timezone.localdate() - datetime.timedelta(days=50)
    PeriodFactory(
        employer=employer,
        period=(due - datetime.timedelta(days=40)).replace(day=1),
        due_date=due,
        employer_share=Decimal("1234.56"),
    )
    CaseFactory(employer=employer, agent=agent if role == Role.AGENT else None)
    seen = []

    def on_csp(message):
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", on_csp)
    log_in(page, live_server, username)
    links = page.eval_on_selector_all(
        "header nav a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert links, "the menu is empty"
    for href in links:
        if href.startswith("/admin") or "salir" in href:
            continue
        page.goto(f"{live_server.url}{href}")
        page.wait_for_load_state("networkidle")
    if role == Role.AGENT:
        # An htmx request too: the indicator shows while it runs.
        page.goto(f"{live_server.url}/casos/")
        page.click("text=Textiles Lempa")
        page.select_option("#id_kind", "call")
        page.select_option("#id_outcome", "reached")
        page.click("text=Guardar gestión")
        page.wait_for_selector("text=Gestión registrada.")
    assert seen == []
