import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from people.roles import Role
from recovery.models import FollowUp, PaymentPromise, RecoveryCase
from tests.factories import CaseFactory, EmployerFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_opens_the_queue_records_a_call_with_a_promise_and_prints_the_demand(
    live_server, page
):
    from people.models import Branch

    branch = Branch.objects.get(code="SS")
    agent = UserFactory(username="ana", role=Role.AGENT, branch=branch)
    employer = EmployerFactory(branch=branch, legal_name="Textiles Lempa, S.A. de C.V.")
    due = timezone.localdate() - datetime.timedelta(days=50)
    PeriodFactory(
        employer=employer,
        period=(due - datetime.timedelta(days=40)).replace(day=1),
        due_date=due,
        employer_share=Decimal("1234.56"),
        worker_share=Decimal("0"),
    )
    case = CaseFactory(employer=employer, agent=agent)

    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/casos/")
    assert page.locator("text=Caso nuevo").count() == 1
    page.click("text=Textiles Lempa")

    page.select_option("#id_kind", "call")
    page.select_option("#id_outcome", "promised")
    page.fill("#id_contact_person", "Lic. Rivas, contador")
    page.fill("#id_promise_amount", "500.00")
    promised = timezone.localdate() + datetime.timedelta(days=7)
    page.fill("#id_promise_date", promised.isoformat())
    page.click("text=Guardar gestión")
    # htmx redraws the activity block in place, without a page load.
    page.wait_for_selector("text=Promesa de $500.00")
    assert RecoveryCase.objects.get(pk=case.pk).status == "promise"
    assert PaymentPromise.objects.get().promised_on == promised

    with page.expect_download() as download_info:
        page.click("text=Imprimir requerimiento de pago (PDF)")
    download = download_info.value
    with open(download.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    assert FollowUp.objects.filter(kind="letter").count() == 1
