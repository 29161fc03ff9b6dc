"""The Legal Unit: its inbox, accepting, returning and recording a referral, the
certificate, and who may do what."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from legal.models import LegalReferral
from people.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def referral(active):
    from agreements.jobs import agreements_breach, installments_mark_overdue
    from legal.services import referrals_from_breaches

    second = active.installments.get(number=2)
    day = second.due_date + datetime.timedelta(days=6)
    installments_mark_overdue(run_date=day)
    agreements_breach(run_date=day)
    referrals_from_breaches(run_date=day)
    return LegalReferral.objects.get()


@pytest.mark.django_db
def test_the_legal_unit_accepts_records_progress_and_prints_the_certificate(client, referral):
    legal = UserFactory(role=Role.LEGAL)
    client.force_login(legal)
    inbox = client.get(reverse("legal:referral_list")).content.decode()
    assert referral.case.employer.legal_name in inbox
    client.post(reverse("legal:referral_accept", args=[referral.pk]))
    client.post(
        reverse("legal:referral_update", args=[referral.pk]),
        {"judicial_stage": "filed", "amount_recovered": "50.00", "notes": "Demanda presentada"},
    )
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.judicial_stage == "filed"
    assert referral.amount_recovered == Decimal("50.00")
    pdf = client.get(reverse("legal:certificate_pdf", args=[referral.pk]))
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_legal_unit_can_return_a_case_with_the_reason(client, referral):
    legal = UserFactory(role=Role.LEGAL)
    client.force_login(legal)
    client.post(reverse("legal:referral_return", args=[referral.pk]), {"reason": "Falta escritura"})
    referral.refresh_from_db()
    referral.case.refresh_from_db()
    assert referral.status == "returned" and referral.case.status == "in_contact"


@pytest.mark.django_db
def test_the_department_sees_how_long_each_case_has_been_referred(client, head, referral):
    client.force_login(head)
    page = client.get(reverse("legal:referral_list"))
    row = page.context["page"].object_list[0]
    assert row.days.days == (timezone.localdate() - referral.referred_on).days


@pytest.mark.django_db
def test_agents_cannot_act_for_the_legal_unit(client, agent_ss, referral):
    client.force_login(agent_ss)
    assert client.post(reverse("legal:referral_accept", args=[referral.pk])).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 12])
def test_referral_list_queries_are_bounded(
    client, head, referral, extra, django_assert_max_num_queries
):
    from tests.factories import CaseFactory, EmployerFactory

    for _ in range(extra):
        case = CaseFactory(employer=EmployerFactory(branch=referral.case.branch), status="referred")
        LegalReferral.objects.create(
            case=case, referred_on=timezone.localdate(), debt=Decimal("10.00")
        )
    client.force_login(head)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("legal:referral_list")).status_code == 200


@pytest.mark.django_db
def test_the_referral_keeps_its_own_timeline(client, referral):
    legal = UserFactory(role=Role.LEGAL)
    client.force_login(legal)
    client.post(reverse("legal:referral_accept", args=[referral.pk]))
    kinds = list(referral.timeline.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["referred", "accepted"]
    page = client.get(reverse("legal:referral_detail", args=[referral.pk])).content.decode()
    assert "Aceptada" in page and "Historial de la remisión" in page


@pytest.mark.django_db
def test_a_return_closes_the_agreement_and_a_new_one_does_not_ask_again_for_what_was_paid(
    referral, agent_ss
):
    from agreements.payments import payment_record
    from agreements.services import agreement_plan
    from legal.services import referral_return

    agreement = referral.agreement
    case = referral.case
    before = agreement_plan(
        case=case,
        down_payment=Decimal("50.00"),
        installments=3,
        first_due_date=timezone.localdate() + datetime.timedelta(days=30),
    ).total
    payment_record(
        agreement=agreement,
        actor=agent_ss,
        receipt_number="R-9",
        paid_on=timezone.localdate(),
        amount=Decimal("100.00"),
    )
    legal = UserFactory(role=Role.LEGAL)
    referral_return(referral=referral, actor=legal, reason="Pagos en curso, se devuelve")
    agreement.refresh_from_db()
    case.refresh_from_db()
    assert agreement.status == "returned" and case.status == "in_contact"
    assert agreement.timeline.filter(reason="Pagos en curso, se devuelve").exists()

    after = agreement_plan(
        case=case,
        down_payment=Decimal("50.00"),
        installments=3,
        first_due_date=timezone.localdate() + datetime.timedelta(days=30),
    ).total
    assert after == before - Decimal("100.00")

    # The new agreement, printed, asks for the netted debt only.
    from agreements.pdf import render_agreement_pdf
    from agreements.services import agreement_create
    from core.money import format_money
    from tests.pdf import pdf_text

    new = agreement_create(
        case=case,
        actor=agent_ss,
        down_payment=Decimal("50.00"),
        installments=3,
        first_due_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert new.total_amount == after
    assert f"adeudar al Instituto {format_money(after)}" in pdf_text(render_agreement_pdf(new))


@pytest.mark.django_db
def test_the_legal_unit_is_national_and_a_returned_referral_is_read_only(client, referral):
    from legal.pdf import render_certificate_pdf
    from legal.services import referral_return, referral_update
    from tests.pdf import pdf_pages

    legal = UserFactory(role=Role.LEGAL)  # no branch: every branch's referrals
    client.force_login(legal)
    assert (
        referral.case.employer.legal_name
        in client.get(reverse("legal:referral_list")).content.decode()
    )
    assert "NO VÁLIDA" not in " ".join(pdf_pages(render_certificate_pdf(referral))).upper()

    referral_return(referral=referral, actor=legal, reason="Falta escritura")
    referral.refresh_from_db()
    with pytest.raises(ValidationError):
        referral_update(
            referral=referral,
            actor=legal,
            judicial_stage="filed",
            amount_recovered=Decimal("0"),
            notes="",
        )
    with pytest.raises(ValidationError):
        referral_return(referral=referral, actor=legal, reason="otra vez")
    pages = pdf_pages(render_certificate_pdf(referral))
    assert all("REMISIÓN CERRADA" in page for page in pages)
    assert "no es válida para el cobro judicial" in " ".join(pages)
