"""In-app notifications (with an e-mail copy after commit), written set-based for the
nightly jobs of every app: people owns the table, the jobs say whom and what."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from people.models import Notification
from people.roles import Role


@dataclass(frozen=True)
class Notice:
    """One thing to tell: about an object of `branch_id`, worked by `agent_id`."""

    agent_id: int | None
    branch_id: int
    title: str
    body: str
    url: str


def notices_send(
    *,
    notices: list[Notice],
    to_agent: bool = True,
    to_heads: bool = False,
    to_roles: tuple[str, ...] = (),
) -> int:
    """Notify, in one statement, each notice's agent, (with `to_heads`) the active
    heads of its branch and the department heads, and the active users of `to_roles`
    (national roles, such as the Legal Unit); each user once per notice. The e-mail
    copies go after commit. Returns how many notifications were written."""
    if not notices:
        return 0
    targets = """
        SELECT * FROM unnest(%(agents)s::bigint[], %(branches)s::bigint[],
                             %(titles)s::text[], %(bodies)s::text[], %(urls)s::text[])
               AS t(agent_id, branch_id, title, body, url)
    """
    params = {
        "agents": [n.agent_id for n in notices],
        "branches": [n.branch_id for n in notices],
        "titles": [n.title for n in notices],
        "bodies": [n.body for n in notices],
        "urls": [n.url for n in notices],
    }
    return notices_send_query(
        targets=targets, params=params, to_agent=to_agent, to_heads=to_heads, to_roles=to_roles
    )


def notices_send_query(
    *,
    targets: str,
    params: dict,
    to_agent: bool = True,
    to_heads: bool = False,
    to_roles: tuple[str, ...] = (),
) -> int:
    """notices_send for notices a query gives: `targets` is a SELECT of (agent_id,
    branch_id, title, body, url) with its `params` (named). A nightly job that stages
    what happened in a table of its own passes a SELECT of it, and tens of thousands of
    notices never travel through Python."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH targets (agent_id, branch_id, title, body, url) AS ({targets}
            ), heads AS (
                SELECT u.id, u.branch_id, g.name AS role
                  FROM people_user u
                  JOIN people_user_groups ug ON ug.user_id = u.id
                  JOIN auth_group g ON g.id = ug.group_id
                 WHERE u.is_active AND g.name IN (%(branch_head)s, %(department_head)s)
            ), by_role AS (
                SELECT DISTINCT u.id
                  FROM people_user u
                  JOIN people_user_groups ug ON ug.user_id = u.id
                  JOIN auth_group g ON g.id = ug.group_id
                 WHERE u.is_active AND g.name = ANY(%(roles)s::text[])
            ), recipients AS (
                SELECT t.agent_id AS user_id, t.title, t.body, t.url
                  FROM targets t WHERE %(to_agent)s AND t.agent_id IS NOT NULL
                UNION
                SELECT h.id, t.title, t.body, t.url
                  FROM targets t JOIN heads h
                    ON %(to_heads)s AND (h.role = %(department_head)s
                                         OR h.branch_id = t.branch_id)
                UNION
                SELECT r.id, t.title, t.body, t.url FROM targets t CROSS JOIN by_role r
            )
            INSERT INTO people_notification (user_id, created_at, title, body, url)
            SELECT user_id, now(), title, body, url FROM recipients
            """,
            {
                **params,
                "to_agent": to_agent,
                "to_heads": to_heads,
                "roles": [str(role) for role in to_roles],
                "branch_head": Role.BRANCH_HEAD.value,
                "department_head": Role.DEPARTMENT_HEAD.value,
            },
        )
        written = cursor.rowcount
    if written:
        transaction.on_commit(_email_pending)
    return written


def _email_pending() -> None:
    """Send the e-mail copy of new notifications once the work is committed.

    Per-row Python only here, for the side effect; a notification is claimed with a
    conditional UPDATE so two runs never send it twice."""
    pending = Notification.objects.filter(emailed_at__isnull=True).exclude(user__email="")
    for notification in pending.select_related("user")[:500]:
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if claimed:
            send_mail(
                f"Recupera: {notification.title}",
                f"{notification.body}\n\n{notification.url}",
                settings.DEFAULT_FROM_EMAIL,
                [notification.user.email],
                fail_silently=True,
            )
