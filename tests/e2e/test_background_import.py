"""Upload → progress → preview → confirm, with a real Celery worker on Redis (issue 10,
item 14): the page shows the job's progress while the worker checks the file, a second
upload of the same file meanwhile is refused, and the preview and the import follow."""

import threading

import pytest

from core import background
from employers.models import ArrearsImport, ContributionPeriod, Employer
from people.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FILE = (
    "numero_patronal;nit;razon_social;sucursal;periodo;fecha_vencimiento;cuota_patronal;"
    "cuota_laboral;multa;recargo;pagado\n"
    "300400500;0614-050707-104-8;Café Volcán;SA;2026-03;14/04/2026;150.00;60.00;0;0;0\n"
)


def test_the_import_runs_on_the_worker_with_its_progress_shown(
    live_server, page, tmp_path, settings, celery_worker_on_redis, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(username="marta", role=Role.DEPARTMENT_HEAD)
    path = tmp_path / "mora-marzo.csv"
    path.write_bytes(FILE.encode("cp1252"))
    # The worker holds the check until the test has seen its progress page.
    gate = threading.Event()
    check = background.RUNNERS["arrears_check"]

    def held_check(job, progress):
        progress(250, 1000, "Leyendo el archivo: 1 filas leídas.", force=True)
        assert gate.wait(60), "the test never opened the gate"
        return check(job, progress)

    monkeypatch.setitem(background.RUNNERS, "arrears_check", held_check)

    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", "marta")
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/patronos/importaciones/nueva/")
    page.set_input_files("#id_file", str(path))
    page.click("text=Revisar el archivo")

    page.wait_for_url("**/tareas/**")
    page.wait_for_selector("text=Leyendo el archivo: 1 filas leídas.")
    assert page.get_attribute("progress.job-progress", "value") == "25"
    # The same file again while it is being checked: refused, with the reason.
    second = page.context.new_page()
    second.goto(f"{live_server.url}/patronos/importaciones/nueva/")
    second.set_input_files("#id_file", str(path))
    second.click("text=Revisar el archivo")
    second.wait_for_selector("text=ya está en curso")
    second.close()

    gate.set()
    page.wait_for_selector("text=El archivo es válido", timeout=30_000)
    assert not Employer.objects.exists()
    page.click("text=Confirmar e importar")
    page.wait_for_selector("text=Importación aplicada.", timeout=30_000)
    assert Employer.objects.get().legal_name == "Café Volcán"
    assert ContributionPeriod.objects.count() == 1
    assert list(ArrearsImport.objects.values_list("status", flat=True)) == ["applied"]
