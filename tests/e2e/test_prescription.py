"""The prescription clock in the browser: the agent finds in the queue a case whose
periods are about to prescribe, opens it, records the demand served with its
acknowledgement of receipt, and the period is no longer about to prescribe."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from people.roles import Role
from prescription import services
from prescription.models import PeriodClock
from tests.factories import CaseFactory, EmployerFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_interrupts_a_clock_about_to_prescribe(live_server, page):
    from people.models import Branch

    ss = Branch.objects.get(code="SS")
    agent = UserFactory(username="ana", role=Role.AGENT, branch=ss)
    employer = EmployerFactory(branch=ss, legal_name="Textiles El Progreso, S.A.")
    due = timezone.localdate() - datetime.timedelta(days=3600)
    period = PeriodFactory(
        employer=employer,
        period=(due - datetime.timedelta(days=40)).replace(day=1),
        due_date=due,
        employer_share=Decimal("84.56"),
        worker_share=Decimal("0"),
    )
    CaseFactory(employer=employer, agent=agent, status="in_contact")
    services.clocks_nightly(run_date=timezone.localdate())

    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/casos/")
    panel = page.locator("section:has(#queue-prescription)")
    assert "Por prescribir" in panel.inner_text()
    panel.locator("a:has-text('Textiles El Progreso')").click()
    page.wait_for_selector("text=1 período por prescribir")
    page.click("summary:has-text('Registrar un requerimiento notificado')")
    page.select_option("#id_letter", "first_demand")
    page.fill("#id_received_by", "Marta López (contadora)")
    page.fill("#id_acknowledgement", "AR-2026-118")
    page.click("button:has-text('Registrar el requerimiento')")
    page.wait_for_selector("text=Requerimiento notificado el")
    main = page.inner_text("main")
    assert "1 período por prescribir" not in main
    assert "Marta López (contadora)" in main
    clock = PeriodClock.objects.get(period=period)
    assert clock.start_kind == "notice" and clock.started_on == timezone.localdate()
