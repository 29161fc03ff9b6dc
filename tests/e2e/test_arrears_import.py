import pytest

from employers.models import ContributionPeriod, Employer
from people.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FILE = (
    "numero_patronal;nit;razon_social;sucursal;periodo;fecha_vencimiento;cuota_patronal;"
    "cuota_laboral;multa;recargo;pagado\n"
    "300400500;0614-050707-104-8;Café Volcán;SA;2026-03;14/04/2026;150.00;60.00;0;0;0\n"
)


def test_head_uploads_an_arrears_file_sees_the_preview_and_confirms(
    live_server, page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(username="marta", role=Role.DEPARTMENT_HEAD)
    path = tmp_path / "mora-marzo.csv"
    path.write_bytes(FILE.encode("cp1252"))

    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", "marta")
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")
    page.click("text=Importaciones de mora")
    page.click("text=Importar un archivo")
    page.set_input_files("#id_file", str(path))
    page.click("text=Revisar el archivo")

    page.wait_for_selector("text=El archivo es válido")
    assert not Employer.objects.exists()
    page.click("text=Confirmar e importar")
    page.wait_for_selector("text=Importación aplicada.")
    assert Employer.objects.get().legal_name == "Café Volcán"
    assert ContributionPeriod.objects.count() == 1
