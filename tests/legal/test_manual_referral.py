"""Only the referral service enters "referred", and only the Legal Unit's return leaves it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from legal.models import LegalReferral
from legal.services import referral_create, referral_return
from people.roles import Role
from recovery.services import case_transition
from tests.factories import CaseFactory, EmployerFactory, UserFactory


@pytest.fixture
def open_case(case):
    case.status = "in_contact"
    case.save()
    return case


@pytest.mark.django_db
def test_the_generic_status_change_cannot_refer_a_case(open_case, agent_ss):
    assert "referred" not in open_case.allowed_transitions
    with pytest.raises(ValidationError, match="Remitir a la Unidad Jurídica"):
        case_transition(case=open_case, to_status="referred", actor=agent_ss, reason="x")
    open_case.refresh_from_db()
    assert open_case.status == "in_contact"


@pytest.mark.django_db
def test_the_status_change_page_refuses_referred_with_the_rule(client, open_case, agent_ss):
    client.force_login(agent_ss)
    response = client.post(
        reverse("recovery:case_transition", args=[open_case.pk]),
        {"to_status": "referred", "reason": "a mano"},
        follow=True,
    )
    open_case.refresh_from_db()
    assert open_case.status == "in_contact"
    assert not LegalReferral.objects.exists()
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_manual_referral_reaches_the_legal_unit_and_only_its_return_gives_it_back(
    client, open_case, agent_ss
):
    client.force_login(agent_ss)
    response = client.post(
        reverse("legal:case_refer", args=[open_case.pk]),
        {"reason": "Se niega a pagar"},
        follow=True,
    )
    assert "Caso remitido a la Unidad Jurídica" in response.content.decode()
    referral = LegalReferral.objects.get()
    open_case.refresh_from_db()
    assert open_case.status == "referred"
    assert referral.status == "pending" and referral.debt > 0 and referral.agreement is None
    assert open_case.allowed_transitions == []
    with pytest.raises(ValidationError, match="solo la devolución de la Unidad Jurídica"):
        case_transition(case=open_case, to_status="in_contact", actor=agent_ss, reason="x")

    legal = UserFactory(role=Role.LEGAL)
    client.force_login(legal)
    assert (
        str(open_case.employer.legal_name)
        in client.get(reverse("legal:referral_list")).content.decode()
    )
    referral_return(referral=referral, actor=legal, reason="Falta documentación")
    open_case.refresh_from_db()
    assert open_case.status == "in_contact"


@pytest.mark.django_db
def test_a_referral_needs_a_reason_and_a_case_that_can_be_referred(open_case, agent_ss):
    with pytest.raises(ValidationError):
        referral_create(case=open_case, actor=agent_ss, reason="  ")
    open_case.status = "agreement"
    open_case.save()
    with pytest.raises(ValidationError, match="convenio"):
        referral_create(case=open_case, actor=agent_ss, reason="x")
    assert not LegalReferral.objects.exists()


@pytest.mark.django_db
def test_another_branchs_case_cannot_be_referred(client, agent_sm, branch_ss):
    case = CaseFactory(employer=EmployerFactory(branch=branch_ss), status="in_contact")
    client.force_login(agent_sm)
    response = client.post(reverse("legal:case_refer", args=[case.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert not LegalReferral.objects.exists()
