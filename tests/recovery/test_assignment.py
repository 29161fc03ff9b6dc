"""Assigning and reassigning cases, one or many."""

import pytest
from django.urls import reverse

from people.roles import Role
from tests.factories import CaseFactory, EmployerFactory, UserFactory


@pytest.mark.django_db
def test_branch_head_reassigns_many_cases_at_once(
    client, branch_head_ss, agent_ss, case, branch_ss
):
    other_agent = UserFactory(role=Role.AGENT, branch=branch_ss)
    second = CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=agent_ss)
    client.force_login(branch_head_ss)
    client.post(
        reverse("recovery:cases_reassign"),
        {
            "select": [case.pk, second.pk],
            "agent": other_agent.pk,
            "reason": "Vacaciones",
        },
    )
    case.refresh_from_db()
    second.refresh_from_db()
    assert case.agent == other_agent and second.agent == other_agent
    assert case.timeline.filter(kind="assignment", reason="Vacaciones").exists()


@pytest.mark.django_db
def test_an_agent_of_another_branch_cannot_receive_cases(branch_head_ss, agent_sm, case):
    from django.core.exceptions import ValidationError

    from recovery.services import case_assign

    with pytest.raises(ValidationError):
        case_assign(case=case, agent=agent_sm, actor=branch_head_ss)


@pytest.mark.django_db
def test_agents_cannot_reassign(client, agent_ss, case):
    client.force_login(agent_ss)
    response = client.post(reverse("recovery:case_assign", args=[case.pk]), {"agent": agent_ss.pk})
    assert response.status_code == 403


@pytest.mark.django_db
def test_branch_head_reassigns_every_filtered_case(
    client, branch_head_ss, agent_ss, case, branch_ss
):
    other_agent = UserFactory(role=Role.AGENT, branch=branch_ss)
    second = CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=agent_ss)
    closed = CaseFactory(
        employer=EmployerFactory(branch=branch_ss),
        agent=agent_ss,
        status="closed",
        close_reason="paid",
    )
    client.force_login(branch_head_ss)
    client.post(
        reverse("recovery:cases_reassign"),
        {"scope": "filtered", "agent": other_agent.pk, "filter_query": "status=open"},
    )
    for item in (case, second, closed):
        item.refresh_from_db()
    assert case.agent == other_agent and second.agent == other_agent
    assert closed.agent == agent_ss


@pytest.mark.django_db
def test_reassigning_every_filtered_case_covers_all_250_not_the_print_limit(
    client, branch_head_ss, agent_ss, branch_ss
):
    other_agent = UserFactory(role=Role.AGENT, branch=branch_ss)
    cases = [
        CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=agent_ss) for _ in range(250)
    ]
    client.force_login(branch_head_ss)
    response = client.post(
        reverse("recovery:cases_reassign"),
        {"scope": "filtered", "agent": other_agent.pk, "filter_query": "status=open"},
    )
    assert response.status_code == 302
    from recovery.models import RecoveryCase

    moved = RecoveryCase.objects.filter(pk__in=[c.pk for c in cases], agent=other_agent).count()
    assert moved == 250


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("https://evil.example/phish", "/casos/lista/"),
        ("//evil.example/phish", "/casos/lista/"),
        ("/casos/lista/?status=open", "/casos/lista/?status=open"),
    ],
)
def test_a_bulk_action_returns_only_to_this_sites_paths(client, branch_head_ss, next_url, expected):
    client.force_login(branch_head_ss)
    for name in ("recovery:cases_reassign", "recovery:demand_notices"):
        response = client.post(reverse(name), {"next": next_url})  # nothing chosen
        assert response.status_code == 302
        assert response["Location"] == expected
