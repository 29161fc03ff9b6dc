"""The Board's path in the browser, from receipt to archive: the agent registers the
employer's request and uploads its documents, the head reviews it (the agent cannot),
the staff send it to a session, record the Board's resolution with a lower amount,
confirm the waivers applied and dispatch the file to the archive."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from council.models import DocumentType, RequestStatus, SettlementRequest, WaiverStatus
from people.models import Branch
from people.roles import Role
from tests.council.conftest import PDF, owed
from tests.factories import CaseFactory, EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("E2E_SCREENSHOTS")


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", username)
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_request_goes_from_receipt_to_the_archive(live_server, page, tmp_path):
    branch = Branch.objects.get(code="SS")
    UserFactory(username="jefa", role=Role.DEPARTMENT_HEAD)
    agent = UserFactory(username="gestora", role=Role.AGENT, branch=branch)
    UserFactory(username="colaboradora", role=Role.ADMIN_STAFF)
    employer = EmployerFactory(branch=branch, legal_name="Hotel Tazumal, S.A. de C.V.")
    owed(employer, months=2)
    CaseFactory(employer=employer, agent=agent, status="in_contact")
    scan = Path(tmp_path) / "carta.pdf"
    scan.write_bytes(PDF)

    # The agent registers what the employer brought, and its documents.
    login(page, live_server, "gestora")
    page.goto(f"{live_server.url}/consejo/solicitudes/nueva/")
    page.fill("#id_employer_number", employer.employer_number)
    page.click("button:has-text('Registrar')")
    page.wait_for_selector("text=sus períodos se propusieron desde el estado de cuenta")
    request = SettlementRequest.objects.get()
    for kind in DocumentType.objects.filter(kind="settlement", is_active=True):
        form = page.locator(f"form[action$='/documentos/{kind.pk}/']")
        form.locator("input[type=file]").set_input_files(str(scan))
        form.locator("button").click()
        page.wait_for_selector("text=Lista de documentos actualizada")
    shot(page, "1-received")
    assert page.locator("button:has-text('Tomar para revisión')").count() == 0

    # The head reviews: contents, documents, ready.
    login(page, live_server, "jefa")
    page.goto(f"{live_server.url}/consejo/solicitudes/{request.pk}/")
    page.click("button:has-text('Tomar para revisión')")
    page.click("button:has-text('Contenido revisado')")
    page.click("button:has-text('Documentos revisados')")
    page.click("button:has-text('Lista para el Consejo')")
    page.wait_for_selector("text=Lista para el Consejo")
    request.refresh_from_db()
    assert request.status == RequestStatus.READY

    # The staff record the session, send the request, and record the resolution.
    login(page, live_server, "colaboradora")
    page.goto(f"{live_server.url}/consejo/sesiones/")
    page.fill("#id_number", "2026-48")
    page.fill("#id_date", timezone.localdate().isoformat())
    page.click("button:has-text('Registrar sesión')")
    page.wait_for_selector("text=Sesión registrada")
    page.click("button:has-text('Remitir al Consejo')")
    page.wait_for_selector("text=Remisión enviada con 1 solicitudes")
    shot(page, "2-session")
    page.goto(f"{live_server.url}/consejo/solicitudes/{request.pk}/")
    first = request.periods.order_by("period__period").first()
    page.fill("#id_resolution_number", "ACUERDO #2026-1234.NOV.")
    page.fill(f"input[name=fines_{first.pk}]", "4.00")
    page.click("button:has-text('Registrar el acuerdo')")
    page.wait_for_selector("text=Se registró el acuerdo del Consejo")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED_CHANGES
    assert request.waivers.get(period=first.period).fines == 4
    shot(page, "3-approved")

    # The account system applied them: confirmed by hand, then archived.
    for _ in range(request.waivers.count()):
        form = page.locator("form[action$='/aplicada/']").first
        form.locator("input[name=note]").fill("SCP ref 778")
        form.locator("button").click()
        page.wait_for_selector("text=Exoneración confirmada como aplicada")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPLIED
    assert set(request.waivers.values_list("status", flat=True)) == {WaiverStatus.APPLIED}
    page.goto(f"{live_server.url}/consejo/archivo/")
    page.click("button:has-text('Remitir a archivo')")
    page.wait_for_selector("text=Remisión a archivo registrada")
    request.refresh_from_db()
    assert request.status == RequestStatus.ARCHIVED
    page.goto(f"{live_server.url}/consejo/solicitudes/{request.pk}/")
    shot(page, "4-archived")
    assert page.locator("text=Archivada").count() >= 1
