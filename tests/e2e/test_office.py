"""The office in the browser: the head publishes a guideline and records a meeting with
an action item for an agent; the agent finds both on the home page, reads and
acknowledges the guideline, closes the action item; the head sees who has read it and
that nothing is overdue any more."""

import datetime

import pytest
from django.utils import timezone

from people.models import Branch
from people.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", username)
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_head_publishes_and_assigns_agent_reads_and_closes(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ss = Branch.objects.get(code="SS")
    UserFactory(username="marta", role=Role.DEPARTMENT_HEAD, first_name="Marta", last_name="Jefa")
    UserFactory(username="ana", role=Role.AGENT, branch=ss, first_name="Ana", last_name="Gestora")
    UserFactory(username="beto", role=Role.AGENT, branch=ss, first_name="Beto", last_name="Gestor")
    pdf = tmp_path / "lineamiento.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/oficina/lineamientos/")
    page.click("text=Publicar un documento")
    page.select_option("#id_kind", label="Lineamiento")
    page.fill("#id_title", "Lineamiento de visitas")
    page.fill("#id_version", "1")
    page.fill("#id_summary", "Toda visita se registra el mismo día.")
    page.set_input_files("#id_document", str(pdf))
    page.click("button:has-text('Publicar')")
    page.wait_for_selector("text=Aún sin leer (2)")

    page.goto(f"{live_server.url}/oficina/reuniones/nueva/")
    page.fill("#id_title", "Reunión de seguimiento")
    page.fill("#id_held_on", yesterday)
    page.check("text=Ana Gestora · SS")
    page.fill("#id_accion-0-what", "Visitar a los cinco patronos mayores")
    page.select_option("#id_accion-0-owner", label="Ana Gestora · SS")
    page.fill("#id_accion-0-due_on", yesterday)
    page.click("button:has-text('Guardar la reunión')")
    page.wait_for_selector("text=Reunión registrada")
    page.goto(f"{live_server.url}/tablero/")
    assert "Visitar a los cinco patronos mayores" in page.inner_text("main")

    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/")
    main = page.inner_text("main")
    assert "Lineamiento de visitas" in main and "Visitar a los cinco patronos mayores" in main
    page.click("text=Lineamiento de visitas v1")
    page.check("#id_confirm")
    page.click("button:has-text('Ya lo leí')")
    page.wait_for_selector("text=su lectura quedó registrada")
    page.goto(f"{live_server.url}/")
    page.click("text=Visitar a los cinco patronos mayores")
    page.click("button:has-text('Marcar cumplido')")
    page.wait_for_selector("text=Marcado como cumplido.")
    page.goto(f"{live_server.url}/")
    assert "Pendiente de usted" not in page.inner_text("main")  # on to the queue

    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/oficina/lineamientos/")
    page.click("text=Lineamiento de visitas")
    main = page.inner_text("main")
    assert "Aún sin leer (1)" in main and "Leído (1)" in main and "Beto Gestor" in main
    page.goto(f"{live_server.url}/tablero/")
    assert "Visitar a los cinco patronos mayores" not in page.inner_text("main")


def test_branch_head_evaluates_and_the_agent_acknowledges(live_server, page):
    ss = Branch.objects.get(code="SS")
    UserFactory(username="jefe-ss", role=Role.BRANCH_HEAD, branch=ss, first_name="Carlos")
    UserFactory(username="ana", role=Role.AGENT, branch=ss, first_name="Ana", last_name="Gestora")
    month = timezone.localdate().strftime("%Y-%m")

    log_in(page, live_server, "jefe-ss")
    page.goto(f"{live_server.url}/oficina/")
    page.click("text=Evaluaciones")
    page.click("text=Evaluar a un colaborador")
    page.select_option("#id_person", label="Ana Gestora · SS")
    page.fill("#id_first_month", month)
    page.fill("#id_last_month", month)
    for field in (
        "overall",
        "rating_follow_up_quality",
        "rating_procedures",
        "rating_deadlines",
        "rating_teamwork",
    ):
        page.select_option(f"#id_{field}", "4")
    page.click("button:has-text('Ver las cifras')")
    page.wait_for_selector("text=Cifras del período")
    page.click("button:has-text('Guardar la evaluación')")
    page.wait_for_selector("text=Evaluación guardada")

    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/oficina/evaluaciones/")
    page.click("table a:has-text('Ana Gestora')")
    page.fill("#id_comment", "De acuerdo")
    page.click("button:has-text('Ya leí mi evaluación')")
    page.wait_for_selector("text=se dio por enterado")
    with page.expect_download() as download:
        page.click("text=Descargar el PDF")
    assert download.value.suggested_filename.endswith(".pdf")
