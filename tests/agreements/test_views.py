import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import PaymentAgreement


def terms_post(case, **extra):
    from employers.models import ContributionPeriod

    data = {
        "periods": [str(p.pk) for p in ContributionPeriod.objects.filter(employer=case.employer)],
        "down_payment": "45.00",
        "installments": "3",
        "frequency": "monthly",
        "first_due_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_the_schedule_is_shown_before_saving_then_the_draft_is_saved(client, agent_ss, case):
    client.force_login(agent_ss)
    url = reverse("agreements:agreement_create", args=[case.pk])
    page = client.post(url, terms_post(case, preview="1"))
    assert page.status_code == 200
    assert "$100.00" in page.content.decode() and not PaymentAgreement.objects.exists()
    response = client.post(url, terms_post(case, save="1"))
    agreement = PaymentAgreement.objects.get()
    assert response.url == reverse("agreements:agreement_detail", args=[agreement.pk])


@pytest.mark.django_db
def test_terms_against_the_policy_re_render_with_the_reason(client, agent_ss, case):
    client.force_login(agent_ss)
    url = reverse("agreements:agreement_create", args=[case.pk])
    page = client.post(url, terms_post(case, down_payment="1.00", preview="1"))
    assert page.status_code == 200
    assert "La prima debe ser de al menos $34.50" in page.content.decode()


@pytest.mark.django_db
def test_agent_signs_legalizes_and_records_a_payment_from_the_page(client, agent_ss, agreement):
    client.force_login(agent_ss)
    today = timezone.localdate().isoformat()
    client.post(reverse("agreements:agreement_sign", args=[agreement.pk]), {"signed_on": today})
    client.post(
        reverse("agreements:agreement_legalize", args=[agreement.pk]),
        {"legalized_on": today, "notary": "Lic. Mejía", "protocol": "Libro 3, folio 8"},
    )
    payment = {"receipt_number": "REC-77", "paid_on": today, "amount": "45.00"}
    url = reverse("agreements:payment_create", args=[agreement.pk])
    # First the allocation, nothing recorded; then the confirmation records it.
    confirm = client.post(url, payment).content.decode()
    assert "Confirmar y registrar el pago" in confirm and "prima" in confirm
    assert not agreement.payments.exists()
    client.post(url, {**payment, "confirm": "1"})
    client.post(reverse("agreements:agreement_activate", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == "active" and agreement.notary == "Lic. Mejía"
    page = client.get(reverse("agreements:agreement_detail", args=[agreement.pk]))
    assert "REC-77" in page.content.decode()


@pytest.mark.django_db
def test_agreement_and_status_letter_pdfs(client, agent_ss, active):
    client.force_login(agent_ss)
    for name in ("agreement_pdf", "status_letter_pdf"):
        response = client.get(reverse(f"agreements:{name}", args=[active.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_agreement_text_has_the_amounts_in_words(active):
    from agreements.pdf import render_agreement_pdf
    from core.money import amount_in_words

    assert amount_in_words(active.total_amount) == "TRESCIENTOS CUARENTA Y CINCO 00/100 DÓLARES"
    assert render_agreement_pdf(active).startswith(b"%PDF")


@pytest.mark.django_db
def test_allocation_preview_on_the_page(client, agent_ss, active):
    client.force_login(agent_ss)
    page = client.get(reverse("agreements:agreement_detail", args=[active.pk]), {"preview": "150"})
    text = page.content.decode()
    assert "n.º 1 $100.00" in text and "n.º 2 $50.00" in text


@pytest.mark.django_db
def test_agreements_of_another_branch_are_404(client, agent_sm, agreement):
    client.force_login(agent_sm)
    assert (
        client.get(reverse("agreements:agreement_detail", args=[agreement.pk])).status_code == 404
    )
    response = client.post(
        reverse("agreements:payment_create", args=[agreement.pk]),
        {"receipt_number": "X", "paid_on": timezone.localdate().isoformat(), "amount": "1"},
    )
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 15])
def test_agreement_list_queries_are_bounded(
    client, agent_ss, agreement, extra, django_assert_max_num_queries
):
    from agreements import services
    from tests.agreements.conftest import owed_periods
    from tests.factories import CaseFactory, EmployerFactory

    for _ in range(extra):
        employer = EmployerFactory(branch=agreement.branch)
        owed_periods(employer, months=1)
        case = CaseFactory(employer=employer, agent=agent_ss, status="in_contact")
        services.agreement_create(
            case=case,
            actor=agent_ss,
            down_payment=Decimal("20"),
            installments=2,
            first_due_date=timezone.localdate() + datetime.timedelta(days=30),
        )
    client.force_login(agent_ss)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("agreements:agreement_list")).status_code == 200


@pytest.mark.django_db
def test_the_schedule_shows_which_receipts_paid_each_installment(client, agent_ss, active):
    from agreements.payments import payment_record

    payment_record(
        agreement=active,
        actor=agent_ss,
        receipt_number="REC-555",
        paid_on=timezone.localdate(),
        amount=Decimal("150.00"),
    )
    client.force_login(agent_ss)
    page = client.get(reverse("agreements:agreement_detail", args=[active.pk])).content.decode()
    assert "REC-555 ($100.00)" in page and "REC-555 ($50.00)" in page


@pytest.mark.django_db
def test_agreement_list_exports_the_filtered_agreements(client, agent_ss, agreement):
    client.force_login(agent_ss)
    response = client.get(
        reverse("agreements:agreement_list"), {"status": "draft", "export": "csv"}
    )
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{agreement.pk},")


@pytest.mark.django_db
def test_the_agreement_history_is_headed_and_labelled_in_spanish(client, active, agent_ss):
    client.force_login(agent_ss)
    page = client.get(reverse("agreements:agreement_detail", args=[active.pk])).content.decode()
    assert "Historial del convenio" in page and "Historial del caso" not in page
    assert "<td>Pago</td>" in page and "<td>payment</td>" not in page


@pytest.mark.django_db
def test_the_agreement_form_shows_the_policy_limits_before_any_preview(client, case, agent_ss):
    from agreements.models import AgreementPolicy

    policy = AgreementPolicy.objects.get()
    client.force_login(agent_ss)
    page = client.get(reverse("agreements:agreement_create", args=[case.pk])).content.decode()
    assert "Límites de la política vigente" in page
    assert f"{policy.min_down_payment_pct} %" in page
    for tier in policy.tiers.all():
        assert f"como máximo {tier.max_installments} cuotas" in page


@pytest.mark.django_db
def test_an_amount_beyond_what_the_column_holds_is_a_form_error(client, agent_ss, active):
    client.force_login(agent_ss)
    response = client.post(
        reverse("agreements:payment_create", args=[active.pk]),
        {
            "receipt_number": "HUGE-1",
            "paid_on": timezone.localdate().isoformat(),
            "amount": "99999999999999999999.99",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert not active.payments.filter(receipt_number="HUGE-1").exists()
