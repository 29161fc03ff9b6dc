"""Staff evaluations: the figures of the person's work, against hand-made month
summaries, frozen into the evaluation; scoping; the PDF; the acknowledgement."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from office import services
from office.models import StaffEvaluation
from reporting.models import BranchTarget, MonthlySummary, PlanStatus, RecoveryPlan
from tests.factories import CaseFactory
from tests.office.test_office import staff  # noqa: F401
from tests.pdf import pdf_text

JAN, FEB = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)
RATINGS = {"follow_up_quality": 4, "procedures": 3, "deadlines": 5, "teamwork": 4}


@pytest.fixture
def summaries(staff):  # noqa: F811
    ana = staff["ana"]
    common = {"branch": ana.branch, "agent": ana}
    MonthlySummary.objects.create(
        month=JAN,
        as_of=datetime.date(2026, 1, 31),
        is_final=True,
        recovered_agreements=Decimal("100.00"),
        recovered_accounts=Decimal("50.25"),
        cases_at_start=5,
        cases_opened=3,
        cases_closed=1,
        agreements_signed=2,
        promises_due=4,
        promises_kept=3,
        referrals=1,
        **common,
    )
    MonthlySummary.objects.create(
        month=FEB,
        as_of=datetime.date(2026, 2, 28),
        is_final=True,
        recovered_agreements=Decimal("200.00"),
        cases_at_start=7,
        cases_opened=2,
        cases_closed=2,
        agreements_signed=1,
        promises_due=1,
        promises_kept=1,
        **common,
    )
    # Another agent's month never counts.
    MonthlySummary.objects.create(
        month=JAN,
        as_of=JAN,
        branch=ana.branch,
        agent=staff["beto"],
        recovered_agreements=Decimal("999.00"),
    )
    plan = RecoveryPlan.objects.create(
        year=2026, version=1, status=PlanStatus.APPROVED, created_by=staff["head"]
    )
    for month, amount in [(1, "500.00"), (2, "200.00"), (3, "9999.00")]:
        BranchTarget.objects.create(plan=plan, branch=ana.branch, month=month, amount=amount)
    case = CaseFactory(employer__branch=ana.branch, agent=ana)
    from recovery.models import FollowUp

    for day in (5, 20):
        FollowUp.objects.create(
            case=case,
            kind="call",
            outcome="reached",
            occurred_at=datetime.datetime(2026, 2, day, 10, tzinfo=datetime.UTC),
            created_by=ana,
        )
    FollowUp.objects.create(
        case=case,
        kind="call",
        outcome="reached",
        occurred_at=datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC),
        created_by=ana,
    )
    return ana


def values(figures):
    return {line["key"]: line["value"] for line in figures["lines"]}


def test_the_figures_of_the_period_against_hand_made_summaries(summaries):
    figures = services.evaluation_figures(summaries, JAN, FEB)
    assert figures["as_of"] == datetime.date(2026, 2, 28)
    assert values(figures) == {
        "cases_handled": "10",  # 5 at the start of January + 3 + 2 opened
        "cases_closed": "3",
        "follow_ups": "2",  # the one of March is outside
        "promises_kept": "4 / 5",
        "promise_rate": "0.8000",
        "agreements_signed": "3",
        "recovered": "350.25",
        "branch_target": "700.00",  # January and February only
        "target_share": "0.5004",
        "referrals": "1",
    }
    empty = services.evaluation_figures(
        summaries, datetime.date(2025, 1, 1), datetime.date(2025, 1, 1)
    )
    assert empty["as_of"] is None and values(empty)["recovered"] == "0"
    assert values(empty)["target_share"] == "" and values(empty)["promise_rate"] == ""


def test_an_evaluation_freezes_its_figures_and_the_person_acknowledges_it(summaries, staff):  # noqa: F811
    evaluation = services.evaluation_make(
        actor=staff["bh_ss"],
        person=summaries,
        first_month=JAN,
        last_month=datetime.date(2026, 2, 17),
        ratings=RATINGS,
        overall=4,
        strengths="Constancia en las llamadas.",
    )
    assert evaluation.last_month == FEB
    MonthlySummary.objects.filter(agent=summaries).update(recovered_agreements=0)
    evaluation.refresh_from_db()
    assert {line["key"]: line["value"] for line in evaluation.figures}["recovered"] == "350.25"
    with pytest.raises(ValidationError, match="ya tiene"):
        services.evaluation_make(
            actor=staff["head"],
            person=summaries,
            first_month=JAN,
            last_month=FEB,
            ratings=RATINGS,
            overall=3,
        )
    with pytest.raises(PermissionDenied):
        services.evaluation_acknowledge(evaluation=evaluation, actor=staff["bh_ss"])
    services.evaluation_acknowledge(evaluation=evaluation, actor=summaries, comment="De acuerdo.")
    with pytest.raises(ValidationError):
        services.evaluation_acknowledge(evaluation=evaluation, actor=summaries)


def test_who_evaluates_whom(summaries, staff):  # noqa: F811
    kwargs = {"first_month": JAN, "last_month": FEB, "ratings": RATINGS, "overall": 3}
    with pytest.raises(ValidationError, match="alcance"):
        services.evaluation_make(actor=staff["bh_ss"], person=staff["carla"], **kwargs)
    with pytest.raises(ValidationError, match="alcance"):
        services.evaluation_make(actor=staff["bh_ss"], person=staff["bh_ss"], **kwargs)
    for who in ("ana", "auditor", "secretary"):
        with pytest.raises(PermissionDenied):
            services.evaluation_make(actor=staff[who], person=staff["beto"], **kwargs)
    with pytest.raises(ValidationError, match="futuro"):
        services.evaluation_make(
            actor=staff["head"],
            person=staff["beto"],
            first_month=JAN,
            last_month=datetime.date(2099, 1, 1),
            ratings=RATINGS,
            overall=3,
        )
    with pytest.raises(ValidationError, match="criterio"):
        services.evaluation_make(
            actor=staff["head"],
            person=staff["beto"],
            first_month=JAN,
            last_month=FEB,
            ratings={"teamwork": 3},
            overall=3,
        )


def test_pages_scoping_and_the_pdf(client, summaries, staff):  # noqa: F811
    client.force_login(staff["head"])
    data = {
        "person": summaries.pk,
        "first_month": "2026-01",
        "last_month": "2026-02",
        "overall": "4",
        "strengths": "Constancia",
        "improvements": "Registrar las visitas el mismo día",
        **{f"rating_{key}": str(value) for key, value in RATINGS.items()},
    }
    preview = client.post(reverse("office:evaluation_create"), {**data, "preview": "1"})
    assert preview.status_code == 200 and "$350.25" in preview.content.decode()
    assert not StaffEvaluation.objects.exists()
    bad = client.post(reverse("office:evaluation_create"), {**data, "last_month": "2025-12"})
    assert bad.status_code == 200 and "termina antes" in bad.content.decode()
    response = client.post(reverse("office:evaluation_create"), data)
    evaluation = StaffEvaluation.objects.get()
    assert response.status_code == 302
    url = reverse("office:evaluation_detail", args=[evaluation.pk])
    for who, status in [
        ("ana", 200),
        ("beto", 404),
        ("bh_ss", 200),
        ("carla", 404),
        ("auditor", 200),
        ("secretary", 403),
    ]:
        client.force_login(staff[who])
        assert client.get(url).status_code == status, who
    client.force_login(staff["ana"])
    assert "Ya leí mi evaluación" in client.get(url).content.decode()
    client.post(
        reverse("office:evaluation_acknowledge", args=[evaluation.pk]), {"comment": "Gracias"}
    )
    evaluation.refresh_from_db()
    assert evaluation.acknowledged_at and evaluation.staff_comment == "Gracias"
    pdf = client.get(reverse("office:evaluation_pdf", args=[evaluation.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Evaluación del desempeño" in text and "$350.25" in text and "Gracias" in text
    client.force_login(staff["beto"])
    listing = client.get(reverse("office:evaluation_list"))
    assert listing.status_code == 200 and "Ana" not in listing.content.decode().split("<table")[-1]
