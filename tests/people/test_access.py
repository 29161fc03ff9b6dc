import datetime
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people.middleware import SESSION_RENEWED_KEY, SESSION_STARTED_KEY
from people.registry import role_permissions
from people.roles import Role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_seven_roles_exist_with_their_permissions():
    from django.contrib.auth.models import Group

    for role, perms in role_permissions().items():
        group = Group.objects.get(name=str(role))
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == set(perms), role
    assert Group.objects.filter(name__in=[str(r) for r in Role]).count() == 7


@pytest.mark.django_db
def test_login_page_is_spanish_and_logs_in(client, head):
    page = client.get(reverse("login"))
    assert "Ingresar a Recupera" in page.content.decode()
    response = client.post(reverse("login"), {"username": "jefa", "password": "secreto-123"})
    assert response.status_code == 302
    assert client.get(reverse("employers:employer_list")).status_code == 200


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account(client, head, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "jefa", "password": "mala"})
    response = client.post(reverse("login"), {"username": "jefa", "password": "secreto-123"})
    assert response.status_code == 429
    assert "bloqueada" in response.content.decode()


@pytest.mark.django_db
def test_a_session_ends_after_the_absolute_limit_however_active(client, head, settings):
    client.force_login(head)
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(reverse("employers:employer_list"))
    assert response.status_code == 302 and reverse("login") in response.url


@pytest.mark.django_db
def test_idle_sessions_expire_after_thirty_minutes(client, head, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(head)
    client.get(reverse("employers:employer_list"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    renewed = Session.objects.get(pk=key).expire_date
    assert renewed > timezone.now() + datetime.timedelta(minutes=29)


@pytest.mark.django_db
def test_activity_renews_the_idle_limit_at_most_once_a_minute(client, head, settings):
    client.force_login(head)
    client.get(reverse("employers:employer_list"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    first = Session.objects.get(pk=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("employers:employer_list"))
    assert not [
        q for q in queries.captured_queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]
    ]
    assert Session.objects.get(pk=key).expire_date == first
    # A minute later, the next request renews it.
    session = client.session
    session[SESSION_RENEWED_KEY] = int(time.time()) - settings.SESSION_RENEW_SECONDS
    session.save()
    before = Session.objects.get(pk=key).expire_date
    client.get(reverse("employers:employer_list"))
    assert Session.objects.get(pk=key).expire_date > before


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client, head):
    client.force_login(head)
    response = client.get(reverse("employers:employer_list"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.django_db
def test_logout_needs_a_post_and_ends_the_session(client, head):
    client.force_login(head)
    client.post(reverse("logout"))
    assert client.get(reverse("employers:employer_list")).status_code == 302


@pytest.mark.django_db
def test_a_user_without_a_role_sees_nothing(client):
    from employers.models import Employer

    user = UserFactory()
    assert not Employer.objects.visible_to(user).exists()
    client.force_login(user)
    assert client.get(reverse("employers:employer_list")).status_code == 403


@pytest.mark.django_db
def test_notifications_are_listed_and_marked_read(client, head):
    from people.models import Notification

    Notification.objects.create(user=head, title="Convenio incumplido: 7", url="/convenios/7/")
    client.force_login(head)
    page = client.get(reverse("notifications")).content.decode()
    assert "Convenio incumplido: 7" in page
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.django_db
def test_forbidden_and_missing_pages_are_explained_in_spanish(client, agent_ss):
    client.force_login(agent_ss)
    forbidden = client.get(reverse("employers:import_upload"))
    assert forbidden.status_code == 403 and "no permite" in forbidden.content.decode()
    missing = client.get("/patronos/999999/")
    assert missing.status_code == 404 and "no existe" in missing.content.decode()
