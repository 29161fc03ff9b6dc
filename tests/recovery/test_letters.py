"""Payment demand letters: one case, a selection, every filtered case."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from recovery.models import (
    FollowUp,
    StrategyLevel,
)
from tests.factories import CaseFactory, EmployerFactory, PeriodFactory
from tests.jobs import job_output


@pytest.mark.django_db
def test_printing_the_letter_of_the_level_marks_its_action_done(client, agent_ss, case):
    level = StrategyLevel.objects.get(order=2)
    case.level, case.level_done = level, False
    case.save()
    client.force_login(agent_ss)
    response = client.post(
        reverse("recovery:demand_notice", args=[case.pk]),
        {"letter": "first_demand", "deadline_days": 8},
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    case.refresh_from_db()
    assert case.level_done
    letter = FollowUp.objects.get()
    assert (letter.kind, letter.letter) == ("letter", "first_demand")


@pytest.mark.django_db
def test_demand_letters_in_a_batch_cover_each_selected_employer(client, agent_ss, case, branch_ss):
    other = CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=agent_ss)
    PeriodFactory(employer=other.employer)
    client.force_login(agent_ss)
    response = client.post(
        reverse("recovery:demand_notices"),
        {
            "select": [case.pk, other.pk],
            "letter": "final_notice",
            "deadline_days": 5,
        },
    )
    assert job_output(client, response).startswith(b"%PDF")
    assert FollowUp.objects.filter(letter="final_notice").count() == 2


@pytest.mark.django_db
def test_demand_letter_text_has_totals_in_words(agent_ss, case):
    from recovery.pdf import demand_letters

    letters = demand_letters([case], timezone.localdate())
    assert letters[0].total == Decimal("100.00")
    assert letters[0].total_in_words == "CIEN 00/100 DÓLARES"


@pytest.mark.django_db
def test_letters_for_every_case_the_filters_give(client, agent_ss, case, branch_ss):
    from tests.factories import CaseFactory, EmployerFactory, PeriodFactory

    other = CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=agent_ss)
    PeriodFactory(employer=other.employer)
    closed = CaseFactory(
        employer=EmployerFactory(branch=branch_ss), status="closed", close_reason="paid"
    )
    client.force_login(agent_ss)
    response = client.post(
        reverse("recovery:demand_notices"),
        {
            "scope": "filtered",
            "filter_query": "status=open",
            "letter": "first_demand",
            "deadline_days": 8,
        },
    )
    assert job_output(client, response).startswith(b"%PDF")
    lettered = set(FollowUp.objects.filter(kind="letter").values_list("case_id", flat=True))
    assert lettered == {case.pk, other.pk} and closed.pk not in lettered


@pytest.mark.django_db
def test_a_batch_of_letters_is_dated_in_each_branch_numbered_per_letter_totalled_once(
    agent_ss, case
):
    import datetime

    from people.models import Branch
    from recovery.models import RecoveryCase
    from recovery.pdf import render_demand_notices_pdf
    from tests.pdf import pdf_pages

    santa_ana = Branch.objects.get(code="SA")
    # A long letter: 60 periods run over two pages.
    long_case = CaseFactory(employer=EmployerFactory(branch=santa_ana), status="open")
    for month in range(60):
        PeriodFactory(
            employer=long_case.employer,
            period=datetime.date(2020 + month // 12, month % 12 + 1, 1),
            due_date=datetime.date(2020 + month // 12, month % 12 + 1, 1)
            + datetime.timedelta(days=45),
        )
    cases = list(RecoveryCase.objects.filter(pk__in=[case.pk, long_case.pk]).order_by("pk"))
    pages = pdf_pages(
        render_demand_notices_pdf(cases, letter="first_demand", today=timezone.localdate())
    )
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"San Salvador, {today}" in pages[0]
    santa_ana_pages = [page for page in pages if f"Santa Ana, {today}" in page]
    assert santa_ana_pages
    # Numbered within each letter, never across the batch.
    assert "Página 1 de 1" in pages[0]
    long_letter = pages[1:]
    assert len(long_letter) >= 2
    for number, page in enumerate(long_letter, start=1):
        assert f"Página {number} de {len(long_letter)}" in page
    # The grand total once, at the end of the long letter.
    assert "Totales" not in long_letter[0] and "Totales" in long_letter[-1]
    # Periods as the institute writes them.
    assert "01/2020" in long_letter[0] and "2020-01" not in long_letter[0]
