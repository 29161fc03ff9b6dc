"""The branch and agent filters the lists of the branches' work share."""

from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse

from people.roles import Role
from tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["recovery:case_list", "agreements:agreement_list", "prescription:clock_list"]
)
def test_the_branch_and_agent_choices_are_read_without_a_server_side_cursor(
    client, head, branch_ss, url
):
    """Each server-side cursor is four round trips (DECLARE, FETCH, FETCH, CLOSE) for a
    list of a few dozen rows: the filters' choices are read by one query each."""
    UserFactory(branch=branch_ss, role=Role.AGENT, first_name="Ana", last_name="Martínez")
    client.force_login(head)
    with mock.patch.object(
        connection, "chunked_cursor", wraps=connection.chunked_cursor
    ) as chunked:
        page = client.get(reverse(url))
    assert page.status_code == 200
    assert chunked.call_count == 0
    text = page.content.decode()
    assert branch_ss.name in text
    if url != "prescription:clock_list":
        assert "Ana Martínez" in text
