"""The login backend (people.backends.UserBackend): ModelBackend's permissions, in one
query; the request's user with its branch."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.urls import reverse

from people.backends import UserBackend
from people.models import User
from people.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no permission cache yet


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_the_permissions_model_backend_gives(role, branch_ss):
    user = UserFactory(role=role, branch=branch_ss)
    assert UserBackend().get_all_permissions(fresh(user)) == (
        ModelBackend().get_all_permissions(fresh(user))
    )
    assert UserBackend().get_all_permissions(fresh(user))  # not trivially empty


def test_own_permissions_groups_and_both_at_once_count_once(branch_ss):
    user = UserFactory(role=Role.AGENT, branch=branch_ss)
    extra = Permission.objects.get(codename="decide_settlementrequest")
    shared = Group.objects.get(name=Role.AGENT.value).permissions.first()
    user.user_permissions.add(extra, shared)
    perms = UserBackend().get_all_permissions(fresh(user))
    assert perms == ModelBackend().get_all_permissions(fresh(user))
    assert f"{extra.content_type.app_label}.{extra.codename}" in perms


def test_none_for_inactive_anonymous_or_an_object_and_all_for_a_superuser(branch_ss):
    backend = UserBackend()
    inactive = UserFactory(role=Role.DEPARTMENT_HEAD, is_active=False)
    assert backend.get_all_permissions(fresh(inactive)) == set()
    assert not backend.has_perm(fresh(inactive), "recovery.view_recoverycase")
    assert backend.get_all_permissions(AnonymousUser()) == set()
    head = UserFactory(role=Role.DEPARTMENT_HEAD)
    assert backend.get_all_permissions(fresh(head), obj=head) == set()
    root = UserFactory(is_superuser=True)
    assert backend.get_all_permissions(fresh(root)) == (
        ModelBackend().get_all_permissions(fresh(root))
    )


def test_one_query_for_the_permissions_and_none_for_the_branch(agent_ss, django_assert_num_queries):
    backend = UserBackend()
    with django_assert_num_queries(1):
        user = backend.get_user(agent_ss.pk)
        assert user.branch.code == "SS"
    with django_assert_num_queries(1):
        assert backend.has_perm(user, "recovery.view_recoverycase")
        assert not backend.has_perm(user, "council.decide_settlementrequest")
        assert backend.get_all_permissions(user)


def test_an_inactive_user_is_not_read_back_from_a_session(agent_ss, client):
    client.force_login(agent_ss)
    assert client.get(reverse("recovery:queue")).status_code == 200
    User.objects.filter(pk=agent_ss.pk).update(is_active=False)
    assert UserBackend().get_user(agent_ss.pk) is None
    response = client.get(reverse("recovery:queue"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
