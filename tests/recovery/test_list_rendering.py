"""The list pages' speed work keeps what the pages show (issue 11, pages bench).

The case and employer tables write their rows out in their own templates instead of
django-tables2's generic cell rendering: each must render exactly what the generic
one renders from the same columns. The work queue reads its page by keys first, the
menu is worked out once per request, and the reassignment form names each agent's
branch without a query per agent."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.pagination import KeysFirstPaginator
from employers.arrears import refresh_arrears_summary
from employers.models import ArrearsSummaryState, Employer
from employers.queries import with_outstanding_waivers
from employers.tables import EmployerTable
from people.roles import Role
from recovery.models import RecoveryCase, StrategyLevel
from recovery.queries import work_queue, work_queue_keys_order
from recovery.tables import CaseTable
from tests.factories import CaseFactory, EmployerFactory, PeriodFactory, UserFactory


def _tbody(html: str) -> str:
    body = re.search(r"<tbody.*?</tbody>", html, re.S)[0]
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", body)).strip()


def _both(table_class, queryset, user):
    request = RequestFactory().get("/")
    request.user = user
    fast = table_class(queryset, request=request)
    generic = table_class(queryset, request=request, template_name="django_tables2/table.html")
    if not user.has_perm("recovery.change_recoverycase"):
        fast.exclude = generic.exclude = ("select",)
    template = Template("{% load django_tables2 %}{% render_table table %}")
    return (
        template.render(Context({"table": fast, "request": request})),
        template.render(Context({"table": generic, "request": request})),
    )


def _cases(branch, agent, today):
    level = StrategyLevel.objects.first()
    for n, (amount, fields) in enumerate(
        [
            ("6000.00", {"agent": agent, "level": level, "broken_promises": 1}),
            ("120.50", {"agent": agent, "last_action_on": today}),
            ("0.00", {"agent": None}),
            ("1500.00", {"agent": agent, "status": "in_contact"}),
        ]
    ):
        employer = EmployerFactory(
            branch=branch,
            legal_name=f"Comercial <Núm. {n}> & Hijos",
            trade_name="" if n else "Tienda",
        )
        if amount != "0.00":
            PeriodFactory(
                employer=employer,
                period=datetime.date(2026, 1, 1),
                due_date=today - datetime.timedelta(days=200 - n * 50),
                employer_share=Decimal(amount),
                worker_share=Decimal("0"),
            )
        CaseFactory(employer=employer, **fields)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AGENT, Role.AUDITOR])
def test_the_case_table_renders_what_the_generic_table_renders(role, branch_ss, agent_ss):
    today = timezone.localdate()
    _cases(branch_ss, agent_ss, today)
    user = agent_ss if role == Role.AGENT else UserFactory(role=role)
    queryset = (
        RecoveryCase.objects.with_debt()
        .with_priority()
        .select_related("employer", "branch", "agent", "level")
        .order_by("pk")
    )
    fast, generic = _both(CaseTable, queryset, user)
    assert _tbody(fast) == _tbody(generic)
    assert fast.count("<tr") == generic.count("<tr") == 5
    assert ('name="select"' in fast) is (role == Role.AGENT)
    assert "Comercial &lt;Núm. 0&gt; &amp; Hijos" in fast
    empty_fast, empty_generic = _both(CaseTable, queryset.none(), user)
    assert _tbody(empty_fast) == _tbody(empty_generic)
    assert "Ningún caso cumple estos filtros." in empty_fast


@pytest.mark.django_db
def test_the_employer_table_renders_what_the_generic_table_renders(branch_ss, head):
    today = timezone.localdate()
    _cases(branch_ss, None, today)
    EmployerFactory(branch=branch_ss, legal_name="Juan Pérez", trade_name="Tienda Juan")
    queryset = (
        with_outstanding_waivers(Employer.objects.with_arrears(), timezone.localdate())
        .select_related("branch")
        .order_by("pk")
    )
    fast, generic = _both(EmployerTable, queryset, head)
    assert _tbody(fast) == _tbody(generic)
    assert fast.count("<tr") == 6
    assert 'class="arrears even"' in fast


@pytest.mark.django_db
def test_the_queue_pages_by_keys_in_the_same_order(client, agent_ss, branch_ss):
    today = timezone.localdate()
    for n in range(30):
        employer = EmployerFactory(branch=branch_ss)
        PeriodFactory(
            employer=employer,
            due_date=today - datetime.timedelta(days=10 + n),
            employer_share=Decimal(100 + (n * 37) % 11),
        )
        CaseFactory(employer=employer, agent=agent_ss, broken_promises=n % 7 == 0)
    # Cases with nothing in arrears (paid, or not yet due), and two with the same debt
    # and oldest due date: the order's every tie and its last places.
    for n in range(4):
        employer = EmployerFactory(branch=branch_ss)
        if n % 2:
            PeriodFactory(employer=employer, due_date=today + datetime.timedelta(days=5))
        CaseFactory(employer=employer, agent=agent_ss, broken_promises=n == 3)
    for _twin in range(2):
        employer = EmployerFactory(branch=branch_ss)
        PeriodFactory(
            employer=employer, due_date=today - datetime.timedelta(days=40), employer_share=105
        )
        CaseFactory(employer=employer, agent=agent_ss)
    cases = work_queue(agent_ss, today, agent=agent_ss)
    order = work_queue_keys_order(today)

    def same_pages():
        for number in (1, 2):
            plain = Paginator(cases, 25).page(number)
            keys_first = KeysFirstPaginator(cases, 25).page(number)
            one_pass = KeysFirstPaginator(cases, 25, keys_order=order).page(number)
            assert [c.pk for c in keys_first] == [c.pk for c in plain]
            assert [c.pk for c in one_pass] == [c.pk for c in plain]
            assert [c.debt for c in keys_first] == [c.debt for c in plain]

    same_pages()  # the periods summed (no summary yet)
    refresh_arrears_summary()
    same_pages()  # from the employers' arrears summary
    # A period written after it (it goes stale): summed again, still the same order.
    PeriodFactory(
        employer=cases[29].employer,
        period=datetime.date(2020, 1, 1),
        due_date=today - datetime.timedelta(days=3),
        employer_share=Decimal("5000"),
    )
    assert not ArrearsSummaryState.objects.filter(as_of=today).exists()
    same_pages()
    refresh_arrears_summary()
    same_pages()
    assert list(Paginator(cases, 25).page(2))[-1].debt == 0
    with CaptureQueriesContext(connection) as queries:
        page = KeysFirstPaginator(cases, 25, keys_order=order).page(1)
        [case.employer.legal_name for case in page]
    # keys (with the count), rows: no count of its own, no query per case, the sort reads
    # no employer, and it reads the periods in arrears once.
    assert len(queries) == 2
    assert page.paginator.count == 36 and page.paginator.num_pages == 2
    keys_sql = queries.captured_queries[0]["sql"]
    assert "employers_employer" not in keys_sql.split("FROM", 1)[1].split("WHERE")[0]
    assert keys_sql.count("employers_contributionperiod") == 1
    assert 'LEFT OUTER JOIN "employers_arrearssummary"' in keys_sql


@pytest.mark.django_db
def test_the_menu_is_worked_out_once_per_page(client, agent_ss, case):
    client.force_login(agent_ss)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("recovery:case_list")).status_code == 200
    unread = [q for q in queries.captured_queries if "people_notification" in q["sql"]]
    assert len(unread) == 1


@pytest.mark.django_db
def test_the_reassignment_form_reads_the_agents_branches_at_once(
    client, head, branch_ss, branch_sm, case, django_assert_max_num_queries
):
    client.force_login(head)
    client.get(reverse("recovery:case_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("recovery:case_list"))
    for n in range(6):
        UserFactory(role=Role.AGENT, branch=branch_sm if n % 2 else branch_ss)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("recovery:case_list"))
    assert page.content.decode().count("(SM)") >= 3


@pytest.mark.django_db
def test_the_keys_first_paginator_pages_as_django_does(agent_ss, branch_ss):
    """Past the last page, not a number, an empty list: the same pages as Django's own
    paginator, from the keys query's own count."""
    for _n in range(7):
        CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=agent_ss)
    cases = RecoveryCase.objects.filter(agent=agent_ss).order_by("-pk")
    for number in (1, 2, 3, 4, 99, "abc", None, 0, -1, "2"):
        plain = Paginator(cases, 3).get_page(number)
        keys_first = KeysFirstPaginator(cases, 3).get_page(number)
        assert (keys_first.number, [c.pk for c in keys_first]) == (
            plain.number,
            [c.pk for c in plain],
        ), number
        assert keys_first.paginator.num_pages == plain.paginator.num_pages == 3
    with_orphans = KeysFirstPaginator(cases, 3, orphans=1).get_page(2)
    assert [c.pk for c in with_orphans] == [c.pk for c in Paginator(cases, 3, orphans=1).page(2)]
    empty = KeysFirstPaginator(cases.none(), 3).get_page(5)
    assert (empty.number, list(empty), empty.paginator.count) == (1, [], 0)


QUEUE_LOOP = """{% load i18n money %}
  {% for case in page.object_list %}
    <tr>
      <td><a href="{% url 'recovery:case_detail' case.pk %}">{{ case.employer.legal_name }}</a><br><span class="muted">{{ case.employer.employer_number }} · {% translate "case" %} {{ case.pk }}</span></td>
      {% if not agent %}<td>{{ case.agent.get_full_name|default:_("unassigned") }}</td>{% endif %}
      <td>{{ case.get_status_display }}</td>
      <td>
        {% if case.broken_promises and case.status == "in_contact" %}<span class="badge bad">{% translate "Broken promise" %}</span> {% endif %}
        {% if case.promise_due %}<span class="badge">{% translate "Promise falling due" %}</span> {% endif %}
        {% if case.follow_up_due %}<span class="badge">{% blocktranslate with date=case.next_action_on|date:"d/m/Y" %}Follow-up due {{ date }}{% endblocktranslate %}</span> {{ case.next_action }} {% endif %}
        {% if case.level_due %}<span class="badge">{{ case.level.name }}</span> {% endif %}
        {% if case.is_new %}<span class="badge ok">{% translate "New case" %}</span>{% endif %}
      </td>
      <td class="num">{{ case.debt|money }}</td>
      <td>{{ case.oldest_due|date:"d/m/Y"|default:"—" }}</td>
    </tr>
  {% endfor %}"""  # noqa: E501 - the queue's template loop as it was, the reference


def _squeezed(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", str(html)))).strip()


@pytest.mark.django_db
def test_the_queue_rows_render_what_its_template_loop_rendered(agent_ss, branch_ss):
    """Every badge, escaping, no arrears, an unassigned case: queue_rows_html writes what
    the template loop it replaced wrote, with and without the agent's column."""
    from recovery.models import PaymentPromise
    from recovery.tables import queue_rows_html

    today = timezone.localdate()
    head_ss = UserFactory(branch=branch_ss, role=Role.BRANCH_HEAD)
    level = StrategyLevel.objects.order_by("order").first()
    owed = EmployerFactory(branch=branch_ss, legal_name='Pan & Café "<El Trigal>"')
    PeriodFactory(employer=owed, due_date=today - datetime.timedelta(days=45))
    CaseFactory(
        employer=owed,
        agent=agent_ss,
        status="in_contact",
        broken_promises=2,
        last_action_on=today - datetime.timedelta(days=3),
        next_action_on=today - datetime.timedelta(days=1),
        next_action="Llamar <ya> & confirmar",
    )
    promised = CaseFactory(
        employer=EmployerFactory(branch=branch_ss),
        agent=agent_ss,
        status="promise",
        last_action_on=today,
        level=level,
        level_done=False,
    )
    PaymentPromise.objects.create(
        case=promised, amount=Decimal("50.00"), promised_on=today, baseline_paid=Decimal("0")
    )
    CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=None)  # new, unassigned
    for user, agent in ((agent_ss, agent_ss), (head_ss, None)):
        cases = list(work_queue(user, today, agent=agent))
        assert len(cases) == (2 if agent else 3)
        reference = Template(QUEUE_LOOP).render(
            Context({"page": {"object_list": cases}, "agent": agent})
        )
        fast = queue_rows_html(cases, show_agent=agent is None)
        assert _squeezed(fast) == _squeezed(reference)
    for text in (
        "badge bad",
        "Compromiso por vencer",
        "Gestión pendiente",
        "Caso nuevo",
        "sin asignar",
        "&lt;ya&gt;",
    ):
        assert text in fast, text
