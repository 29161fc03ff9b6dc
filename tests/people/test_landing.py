"""Every role lands on the page it works from."""

import pytest
from django.urls import reverse

from people.roles import Role
from tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, branch, landing",
    [
        (Role.LEGAL, False, "legal:referral_list"),
        (Role.AGENT, True, "recovery:queue"),
        (Role.BRANCH_HEAD, True, "recovery:queue"),
    ],
)
def test_the_home_page_sends_each_role_to_its_work(client, branch_ss, role, branch, landing):
    user = UserFactory(role=role, branch=branch_ss if branch else None)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(landing)
