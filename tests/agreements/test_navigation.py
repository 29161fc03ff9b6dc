"""Navigation between an employer, its case and its agreements; people by their names;
the department head's queue by branch."""

import pytest
from django.urls import reverse

from people.roles import Role
from tests.factories import CaseFactory, EmployerFactory, UserFactory


@pytest.mark.django_db
def test_the_employer_page_links_to_its_case_and_agreements(client, active, agent_ss):
    client.force_login(agent_ss)
    page = client.get(
        reverse("employers:employer_detail", args=[active.employer_id])
    ).content.decode()
    assert reverse("recovery:case_detail", args=[active.case_id]) in page
    assert reverse("agreements:agreement_detail", args=[active.pk]) in page


@pytest.mark.django_db
def test_employer_names_in_the_agreement_list_are_links(client, active, agent_ss):
    client.force_login(agent_ss)
    page = client.get(reverse("agreements:agreement_list")).content.decode()
    assert reverse("employers:employer_detail", args=[active.employer_id]) in page


@pytest.mark.django_db
def test_the_agent_filters_show_names(client, head, branch_ss):
    UserFactory(
        role=Role.AGENT, branch=branch_ss, username="gperez", first_name="Gloria", last_name="Pérez"
    )
    client.force_login(head)
    for url in (reverse("recovery:case_list"), reverse("agreements:agreement_list")):
        page = client.get(url).content.decode()
        assert ">Gloria Pérez</option>" in page and ">gperez</option>" not in page


@pytest.mark.django_db
def test_the_department_heads_queue_filters_by_branch(client, head, branch_ss, branch_sm):
    ss = CaseFactory(employer=EmployerFactory(branch=branch_ss, legal_name="Uno SS"), status="open")
    sm = CaseFactory(employer=EmployerFactory(branch=branch_sm, legal_name="Dos SM"), status="open")
    client.force_login(head)
    page = client.get(reverse("recovery:queue")).content.decode()
    assert 'name="branch"' in page
    assert ss.employer.legal_name in page and sm.employer.legal_name in page
    page = client.get(reverse("recovery:queue"), {"branch": branch_sm.pk}).content.decode()
    assert sm.employer.legal_name in page and ss.employer.legal_name not in page
