"""A letter from its arrival to its answer, in the browser: the secretary registers it
(already overdue: it came late), the head assigns it to herself and answers it from the
template, downloads the PDF, the secretary records it sent, and it leaves the overdue
list."""

import datetime

import pytest
from django.utils import timezone

from correspondence.models import CorrespondenceItem
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


def test_secretary_registers_head_answers_and_it_leaves_the_overdue_list(
    live_server, page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(username="sonia", role=Role.SECRETARY, first_name="Sonia")
    UserFactory(
        username="marta", role=Role.DEPARTMENT_HEAD, first_name="Marta", last_name="Hernández"
    )
    today = timezone.localdate()
    pdf = tmp_path / "nota.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    log_in(page, live_server, "sonia")
    page.wait_for_url(f"{live_server.url}/correspondencia/")
    page.click("text=Registrar una nota o solicitud")
    page.fill("#id_reference", "UA-2026-0500")
    page.fill("#id_counterpart", "Unidad de Afiliación")
    page.fill("#id_subject", "Estado de cuenta para inscripción")
    page.fill("#id_dated_on", (today - datetime.timedelta(days=10)).isoformat())
    page.fill("#id_deadline", (today - datetime.timedelta(days=1)).isoformat())
    page.set_input_files("#id_scan", str(pdf))
    page.click("button:has-text('Registrar')")
    page.wait_for_selector("text=Vencida")
    page.goto(f"{live_server.url}/correspondencia/?pending=overdue")
    assert "Estado de cuenta para inscripción" in page.inner_text("main")

    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/correspondencia/?pending=overdue")
    page.click("text=Estado de cuenta para inscripción")
    page.select_option("#id_assignee", label="Marta Hernández")
    page.click("button:has-text('Asignar')")
    page.wait_for_selector("text=Asignada a Marta Hernández.")
    page.select_option("#id_template", label="Respuesta a nota recibida")
    page.click("text=Guardar la respuesta")
    page.wait_for_selector("text=La respuesta está elaborada")
    with page.expect_download() as download_info:
        page.click("text=Descargar el PDF")
    with open(download_info.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"

    log_in(page, live_server, "sonia")
    item = CorrespondenceItem.objects.get()
    page.goto(f"{live_server.url}/correspondencia/{item.pk}/")
    page.click("text=Registrar como enviada")
    page.wait_for_selector("text=Registrada como enviada.")
    page.goto(f"{live_server.url}/correspondencia/?pending=overdue")
    assert "Estado de cuenta para inscripción" not in page.inner_text("main")
    assert "Ninguna correspondencia coincide" in page.inner_text("main")
