"""Who may see a case: branch scoping, anonymous users, the Legal Unit."""

import pytest
from django.urls import reverse

from people.roles import Role
from tests.factories import CaseFactory, EmployerFactory, UserFactory


@pytest.mark.django_db
def test_case_pages_of_another_branch_are_404(client, agent_sm, case):
    client.force_login(agent_sm)
    for name in ["case_detail"]:
        assert client.get(reverse(f"recovery:{name}", args=[case.pk])).status_code == 404
    for name in [
        "follow_up_create",
        "case_transition",
        "case_hold",
        "case_level_skip",
        "demand_notice",
    ]:
        assert client.post(reverse(f"recovery:{name}", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_anonymous_users_go_to_login(client, case):
    for url in [
        reverse("recovery:queue"),
        reverse("recovery:case_list"),
        reverse("recovery:case_detail", args=[case.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "ingresar" in response.url


@pytest.mark.django_db
def test_the_legal_unit_sees_only_referred_cases(client, case, branch_ss):
    legal = UserFactory(role=Role.LEGAL)
    referred = CaseFactory(employer=EmployerFactory(branch=branch_ss), status="referred")
    client.force_login(legal)
    assert client.get(reverse("recovery:case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("recovery:case_detail", args=[referred.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"days_late": "99999999999"},
        {"idle_days": "99999999999"},
        {"debt_min": "99999999999999999999.99"},
        {"debt_max": "1e400"},
    ],
)
def test_numbers_beyond_what_a_filter_holds_are_a_form_error_not_a_500(client, head, params):
    from django.urls import reverse

    client.force_login(head)
    response = client.get(reverse("recovery:case_list"), params)
    assert response.status_code == 200
    assert "menor o igual" in response.content.decode() or "número" in response.content.decode()
