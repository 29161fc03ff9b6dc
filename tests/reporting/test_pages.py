"""The desk's pages: each role sees what it may (a branch head only its branch, an
agent only its own figures), the dashboards run a bounded number of queries, the plan's
pages and the monthly report from the button to the file."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import BackgroundJob
from people.models import Branch
from people.roles import Role
from reporting import dashboards, services
from reporting.models import MonthlyReport
from reporting.report import report_start
from reporting.summaries import summaries_refresh
from tests.factories import UserFactory
from tests.pdf import pdf_text
from tests.reporting.test_summaries import OCT, october  # noqa: F401

DASHBOARD_QUERIES = 10


@pytest.fixture
def users(db):
    ss, sm = Branch.objects.get(code="SS"), Branch.objects.get(code="SM")
    return {
        "head": UserFactory(role=Role.DEPARTMENT_HEAD),
        "branch_head": UserFactory(role=Role.BRANCH_HEAD, branch=ss),
        "auditor": UserFactory(role=Role.AUDITOR),
        "agent": UserFactory(role=Role.AGENT, branch=ss),
        "other_head": UserFactory(role=Role.BRANCH_HEAD, branch=sm),
    }


def test_the_dashboards_query_count_is_bounded(october, users):  # noqa: F811
    summaries_refresh(run_date=datetime.date(2026, 10, 31))
    period = dashboards.Period(datetime.date(2026, 1, 1), OCT)
    for user, branch in [
        (users["head"], None),
        (users["head"], Branch.objects.get(code="SS")),
        (users["branch_head"], None),
    ]:
        with CaptureQueriesContext(connection) as queries:
            context = dashboards.dashboard(user, period, branch=branch)
        assert len(queries) <= DASHBOARD_QUERIES, [q["sql"][:80] for q in queries]
        assert context["charts"]["recovered"].svg.startswith(b"<?xml")


def test_head_sees_every_branch_and_drills_into_one(client, october, users):  # noqa: F811
    summaries_refresh(run_date=datetime.date(2026, 10, 31))
    client.force_login(users["head"])
    response = client.get(reverse("reporting:dashboard"), {"first": "2026-01", "last": "2026-10"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tablero del departamento" in page
    for code in ["SS", "SM", "US"]:
        assert f">{code}<" in page
    ss = Branch.objects.get(code="SS")
    response = client.get(reverse("reporting:dashboard"), {"branch": ss.pk, "last": "2026-10"})
    page = response.content.decode()
    assert "Por gestor" in page and october["a"].last_name in page
    assert october["b"].last_name not in page
    # Each chart is an SVG with its figures in a table beside it.
    assert page.count('src="data:image/svg+xml;base64,') >= 5
    assert "<caption" in page


def test_branch_head_sees_only_its_branch(client, october, users):  # noqa: F811
    summaries_refresh(run_date=datetime.date(2026, 10, 31))
    client.force_login(users["branch_head"])
    response = client.get(reverse("reporting:dashboard"), {"last": "2026-10"})
    assert response.status_code == 200
    assert october["b"].last_name not in response.content.decode()
    sm = Branch.objects.get(code="SM")
    assert client.get(reverse("reporting:dashboard"), {"branch": sm.pk}).status_code == 404
    assert client.get(reverse("reporting:dashboard"), {"branch": "x"}).status_code == 404


def test_a_bad_period_is_said_not_a_500(client, users):
    client.force_login(users["head"])
    response = client.get(reverse("reporting:dashboard"), {"first": "2026-13", "last": "nada"})
    assert response.status_code == 200
    assert "AAAA-MM" in response.content.decode() or "YYYY-MM" in response.content.decode()


def test_an_agent_has_no_dashboard_but_its_own_figures(client, users):
    client.force_login(users["agent"])
    assert client.get(reverse("reporting:dashboard")).status_code == 403
    page = client.get(reverse("recovery:queue")).content.decode()
    assert "Mis cifras" in page


def test_auditor_reads_and_writes_nothing(client, users):
    client.force_login(users["auditor"])
    assert client.get(reverse("reporting:dashboard")).status_code == 200
    assert client.get(reverse("reporting:plan_list")).status_code == 200
    assert client.post(reverse("reporting:plan_list"), {"year": 2027}).status_code == 403
    assert client.post(reverse("reporting:report_list"), {"month": "2026-10"}).status_code == 403


def test_plan_pages(client, users):
    client.force_login(users["head"])
    response = client.post(reverse("reporting:plan_list"), {"year": 2027})
    plan = services.RecoveryPlan.objects.get(year=2027)
    assert response.url == reverse("reporting:plan_detail", args=[plan.pk])
    ss = Branch.objects.get(code="SS")
    url = reverse("reporting:plan_branch", args=[plan.pk, ss.pk])
    data = {
        f"{name}_{m}": "0"
        for name in ["amount", "cases_closed", "agreements_signed", "referrals"]
        for m in range(1, 13)
    }
    data["amount_3"] = "-4"
    response = client.post(url, data)
    assert response.status_code == 200  # re-rendered with the error, nothing saved
    assert "errorlist" in response.content.decode()
    data["amount_3"] = "2500.00"
    assert client.post(url, data).status_code == 302
    assert plan.targets.get(branch=ss, month=3).amount == 2500
    page = client.get(reverse("reporting:plan_detail", args=[plan.pk])).content.decode()
    assert "$2,500.00" in page
    # The branch head confirms its own branch only.
    client.force_login(users["branch_head"])
    confirm = reverse("reporting:plan_confirm", args=[plan.pk, ss.pk])
    assert client.post(confirm).status_code == 302
    sm = Branch.objects.get(code="SM")
    assert client.post(reverse("reporting:plan_confirm", args=[plan.pk, sm.pk])).status_code == 404
    assert client.post(url, data).status_code == 403  # the head edits, not the branch head


def test_monthly_report_from_the_button_to_the_file(client, october, users, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    summaries_refresh(run_date=datetime.date(2026, 10, 31))
    client.force_login(users["head"])
    response = client.post(reverse("reporting:report_list"), {"month": "2026-10"})
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.month == OCT and report.requested_by == users["head"] and report.pages >= 4
    text = pdf_text(report.pdf.read())
    assert "Informe mensual de recuperación de mora" in text
    assert "Total del departamento" in text and "$180.00" in text
    response = client.get(reverse("reporting:report_download", args=[report.pk, "xlsx"]))
    assert response.status_code == 200
    # A month not begun is refused with the reason.
    response = client.post(reverse("reporting:report_list"), {"month": "2099-01"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_asking_twice_while_one_runs_gives_the_running_one(users):
    running = BackgroundJob.objects.create(
        kind="monthly_report",
        title="x",
        params={"month": "2026-10-01"},
        dedupe_key="monthly_report:2026-10",
        created_by=users["head"],
        status="running",
    )
    assert report_start(month=OCT, actor=users["head"]) == running
    assert not MonthlyReport.objects.exists()


def test_a_figure_of_the_periods_months_opens_the_list_of_those_months(client, users):
    """Agreements signed, cases closed and referrals link with the period's dates, and
    each list keeps only what falls in them."""
    from agreements.models import PaymentAgreement
    from recovery.models import RecoveryCase

    period = dashboards.Period(datetime.date(2026, 3, 1), datetime.date(2026, 5, 1))
    context = dashboards.dashboard(users["head"], period)
    links = {card["kpi"].key: card["url"] for card in context["cards"]}
    assert "signed_from=2026-03-01" in links["agreements_signed"]
    assert "signed_to=2026-05-31" in links["agreements_signed"]
    assert (
        "closed_from=2026-03-01" in links["cure_rate"]
        and "closed_to=2026-05-31" in links["cure_rate"]
    )
    assert "referred_from=2026-03-01" in links["referrals"]

    from tests.factories import CaseFactory

    inside = CaseFactory(status="closed", close_reason="paid", closed_on=datetime.date(2026, 4, 2))
    outside = CaseFactory(status="closed", close_reason="paid", closed_on=datetime.date(2026, 6, 2))
    client.force_login(users["head"])
    page = client.get(links["cure_rate"]).content.decode()
    assert inside.employer.legal_name in page and outside.employer.legal_name not in page
    assert RecoveryCase.objects.count() == 2 and not PaymentAgreement.objects.exists()
    page = client.get(links["agreements_signed"])
    assert page.status_code == 200
    assert client.get(links["referrals"]).status_code == 200
    # A date that is not one is a form error on the list, not a 500.
    assert client.get("/juridico/?referred_from=2026-13-45").status_code in (200, 403)
