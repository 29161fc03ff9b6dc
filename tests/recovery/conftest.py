import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from people.roles import Role
from tests.factories import CaseFactory, PeriodFactory, UserFactory


@pytest.fixture
def case(agent_ss, employer_ss):
    today = timezone.localdate()
    due = today - datetime.timedelta(days=45)
    PeriodFactory(
        employer=employer_ss,
        period=(due - datetime.timedelta(days=40)).replace(day=1),
        due_date=due,
        paid=Decimal("5.00"),
    )
    return CaseFactory(employer=employer_ss, agent=agent_ss)


@pytest.fixture
def branch_head_ss(branch_ss):
    return UserFactory(role=Role.BRANCH_HEAD, branch=branch_ss)
