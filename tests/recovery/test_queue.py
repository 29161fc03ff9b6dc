"""The work queue and the case list: order, priority, bounded queries, exports."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from recovery.models import (
    StrategyLevel,
)
from recovery.services import follow_up_record
from tests.factories import CaseFactory, EmployerFactory, PeriodFactory


@pytest.mark.django_db
def test_the_queue_shows_due_work_broken_promises_first(client, agent_ss, branch_ss):
    today = timezone.localdate()

    def make(amount, **fields):
        employer = EmployerFactory(branch=branch_ss)
        due = today - datetime.timedelta(days=60)
        PeriodFactory(
            employer=employer,
            period=(due - datetime.timedelta(days=40)).replace(day=1),
            due_date=due,
            employer_share=Decimal(amount),
        )
        return CaseFactory(employer=employer, agent=agent_ss, **fields)

    big = make(
        "900.00",
        last_action_on=today - datetime.timedelta(days=3),
        next_action_on=today,
        next_action="Llamar de nuevo",
    )
    broken = make(
        "50.00",
        status="in_contact",
        broken_promises=1,
        last_action_on=today - datetime.timedelta(days=1),
    )
    quiet = make("5000.00", last_action_on=today, next_action_on=today + datetime.timedelta(days=9))
    on_hold = make("800.00", hold_until=today + datetime.timedelta(days=5), hold_reason="dispute")
    client.force_login(agent_ss)
    page = client.get(reverse("recovery:queue"))
    cases = list(page.context["page"].object_list)
    assert cases == [broken, big]
    assert quiet not in cases and on_hold not in cases
    assert "promesas incumplidas" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 30])
def test_queue_and_case_list_queries_do_not_grow(
    client, agent_ss, branch_ss, count, django_assert_max_num_queries
):
    for _ in range(count):
        employer = EmployerFactory(branch=branch_ss)
        PeriodFactory(employer=employer)
        CaseFactory(employer=employer, agent=agent_ss, level=StrategyLevel.objects.first())
    client.force_login(agent_ss)
    for url in [reverse("recovery:queue"), reverse("recovery:case_list")]:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_case_page_queries_are_bounded(client, agent_ss, case, django_assert_max_num_queries):
    for _ in range(10):
        follow_up_record(case=case, actor=agent_ss, kind="call", outcome="not_reached")
    client.force_login(agent_ss)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("recovery:case_detail", args=[case.pk])).status_code == 200


@pytest.mark.django_db
def test_case_list_exports_the_filtered_cases(client, agent_ss, case, branch_ss):
    CaseFactory(employer=EmployerFactory(branch=branch_ss), status="closed", close_reason="paid")
    client.force_login(agent_ss)
    response = client.get(reverse("recovery:case_list"), {"status": "open", "export": "csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and str(case.pk) in lines[1]


@pytest.mark.django_db
def test_priority_is_derived_from_debt_age_and_broken_promises(agent_ss, branch_ss):
    from recovery.models import RecoveryCase

    today = timezone.localdate()

    def make(amount, days_late, broken=0):
        employer = EmployerFactory(branch=branch_ss)
        due = today - datetime.timedelta(days=days_late)
        PeriodFactory(
            employer=employer,
            period=(due - datetime.timedelta(days=40)).replace(day=1),
            due_date=due,
            employer_share=Decimal(amount),
            worker_share=Decimal("0"),
        )
        return CaseFactory(employer=employer, agent=agent_ss, broken_promises=broken)

    cases = {
        "big": make("5000.00", 10),
        "old": make("50.00", 181),
        "broken": make("50.00", 10, broken=1),
        "medium": make("1000.00", 10),
        "low": make("999.99", 90),
    }
    priority = dict(RecoveryCase.objects.with_debt().with_priority().values_list("pk", "priority"))
    assert {name: priority[case.pk] for name, case in cases.items()} == {
        "big": "high",
        "old": "high",
        "broken": "high",
        "medium": "medium",
        "low": "low",
    }
