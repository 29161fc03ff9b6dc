import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.models import Payment, PaymentAgreement
from people.roles import Role
from tests.agreements.conftest import owed_periods
from tests.factories import CaseFactory, EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_creates_prints_legalizes_and_records_a_payment(live_server, page):
    from people.models import Branch

    branch = Branch.objects.get(code="SS")
    agent = UserFactory(username="ana", role=Role.AGENT, branch=branch)
    employer = EmployerFactory(branch=branch, legal_name="Hotel Tazumal, S.A. de C.V.")
    owed_periods(employer)
    case = CaseFactory(employer=employer, agent=agent, status="in_contact")

    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/casos/{case.pk}/")
    page.click("text=Elaborar un convenio de pago")
    page.fill("#id_down_payment", "45.00")
    page.fill("#id_installments", "3")
    first = timezone.localdate() + datetime.timedelta(days=30)
    page.fill("#id_first_due_date", first.isoformat())
    page.click("text=Ver el plan de pagos")
    page.wait_for_selector("text=Plan de pagos")
    page.click("text=Guardar borrador")
    page.wait_for_selector("text=Borrador guardado.")
    agreement = PaymentAgreement.objects.get()

    response = page.context.request.get(f"{live_server.url}/convenios/{agreement.pk}/convenio.pdf")
    assert response.body().startswith(b"%PDF")

    page.click("text=Registrar firma")
    page.wait_for_selector("text=Firma registrada.")
    page.fill("#id_notary", "Lic. Ana Mejía")
    page.fill("#id_protocol", "Libro 12, folio 34")
    page.click("text=Registrar legalización")
    page.wait_for_selector("text=Legalización registrada.")
    page.fill("#id_receipt_number", "REC-2026-001")
    page.fill("#id_amount", "45.00")
    page.click("text=Ver a dónde va")
    # The allocation first; nothing recorded until it is confirmed.
    page.wait_for_selector("h2:has-text('A dónde va')")
    assert page.locator("td:has-text('prima')").count() == 1
    assert not Payment.objects.exists()
    page.click("text=Confirmar y registrar el pago")
    page.wait_for_selector("text=Pago registrado y aplicado.")

    agreement.refresh_from_db()
    assert agreement.status == "legalized" and agreement.notary == "Lic. Ana Mejía"
    payment = Payment.objects.get()
    assert payment.amount == Decimal("45.00") and payment.receipt_number == "REC-2026-001"
