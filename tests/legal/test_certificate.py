"""The Certificación de Mora Patronal, the referral and the statement agree: each nets the
payments recorded in Recupera that the account system's last export does not have."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.payments import payment_record
from core.money import format_money
from employers.models import ArrearsImport
from employers.queries import account_statement
from legal.pdf import render_certificate_pdf
from legal.services import referral_create
from people.roles import Role
from tests.factories import UserFactory
from tests.pdf import pdf_text


@pytest.fixture
def paid_on_agreement(active, agent_ss):
    """The down payment (R-0, $45.00) and a payment of $100.00 (R-1), both recorded in
    Recupera after the account system's last export."""
    payment_record(
        agreement=active,
        actor=agent_ss,
        receipt_number="R-1",
        paid_on=timezone.localdate(),
        amount=Decimal("100.00"),
    )
    return active


@pytest.mark.django_db
def test_the_certificate_nets_and_lists_the_payments_recorded_since_the_export(
    paid_on_agreement, agent_ss
):
    case = paid_on_agreement.case
    statement = account_statement(case.employer, timezone.localdate())
    assert statement.unposted_netted == Decimal("145.00")
    assert statement.net_arrears == statement.arrears - Decimal("145.00")

    case.status = "in_contact"  # the agreement set apart, to refer the case by hand
    case.save()
    referral = referral_create(case=case, actor=agent_ss, reason="Incumple")
    assert referral.debt == statement.net_arrears

    text = pdf_text(render_certificate_pdf(referral))
    assert format_money(statement.net_arrears) in text
    assert "R-0" in text and "R-1" in text
    assert "Pagos registrados, aún no en el sistema de cuentas" in text


@pytest.mark.django_db
def test_payments_the_last_export_already_has_are_not_netted_twice(paid_on_agreement):
    ArrearsImport.objects.create(
        file_name="mora.csv", sha256="0" * 64, status="applied", applied_at=timezone.now()
    )
    statement = account_statement(paid_on_agreement.employer, timezone.localdate())
    assert statement.unposted_netted == 0 and statement.unposted_payments == []
    assert statement.net_arrears == statement.arrears


@pytest.mark.django_db
def test_the_printed_statement_shows_the_agreement_payments_the_page_shows(
    client, paid_on_agreement, agent_ss
):
    client.force_login(agent_ss)
    employer = paid_on_agreement.employer
    page = client.get(reverse("employers:employer_detail", args=[employer.pk])).content.decode()
    pdf = client.get(reverse("employers:statement_pdf", args=[employer.pk]))
    text = pdf_text(pdf.content)
    statement = account_statement(employer, timezone.localdate())
    for shown in (format_money(statement.net_arrears), "R-1"):
        assert shown in page and shown in text
    assert "Abonos de convenio" in text


@pytest.mark.django_db
def test_the_legal_unit_prints_the_certificate_with_the_netted_total(
    client, paid_on_agreement, agent_ss
):
    case = paid_on_agreement.case
    case.status = "in_contact"
    case.save()
    referral = referral_create(case=case, actor=agent_ss, reason="Incumple")
    client.force_login(UserFactory(role=Role.LEGAL))
    response = client.get(reverse("legal:certificate_pdf", args=[referral.pk]))
    assert format_money(referral.debt) in pdf_text(response.content)
