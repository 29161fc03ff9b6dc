"""The department head's desk in the browser: the dashboard, a branch drilled into, and
the monthly report started from its page and downloaded when the bar reaches the end —
with a real Celery worker on Redis, so the bar is the worker's."""

import datetime

import pytest
from django.utils import timezone

from core.models import BackgroundJob
from people.models import Branch
from people.roles import Role
from recovery.models import EmployerSnapshot
from reporting.models import MonthlyReport
from reporting.summaries import summaries_refresh
from tests.factories import CaseFactory, EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_head_opens_the_dashboard_drills_into_a_branch_and_downloads_the_report(
    live_server, page, tmp_path, settings, celery_worker_on_redis
):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    ss = Branch.objects.get(code="SS")
    UserFactory(username="marta", role=Role.DEPARTMENT_HEAD)
    agent = UserFactory(username="ana", role=Role.AGENT, branch=ss, last_name="Martínez")
    employer = EmployerFactory(branch=ss, legal_name="Textiles Lempa, S.A. de C.V.")
    CaseFactory(employer=employer, agent=agent, opened_on=today - datetime.timedelta(days=3))
    EmployerSnapshot.objects.create(
        taken_on=today, employer=employer, branch=ss, debt=1234, aging_bucket="d31_90"
    )
    summaries_refresh(run_date=today)

    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", "marta")
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")
    # The head lands on the department's dashboard.
    page.wait_for_url(f"{live_server.url}/tablero/")
    page.wait_for_selector("text=Tablero del departamento")
    assert page.locator("figure.chart img").count() >= 5
    assert "Índice de morosidad" in page.inner_text("main")
    # Drill into San Salvador: its agents appear.
    page.click(f"a[href='/tablero/?branch={ss.pk}']")
    page.wait_for_selector("text=Por gestor")
    assert "Martínez" in page.inner_text("main")
    # The monthly report, from its page, built by the worker.
    page.click("text=Informe mensual")
    page.fill("#id_month", f"{today:%Y-%m}")
    page.click("text=Generar el informe")
    page.wait_for_url("**/tareas/**")
    # The bar, until the job is over (done or failed: the message says why).
    page.wait_for_selector("#job-status:not([hx-get])", timeout=90_000)
    job = BackgroundJob.objects.get(kind="monthly_report")
    assert job.status == "done", job.message
    with page.expect_download() as download_info:
        page.click("text=Descargar")
    with open(download_info.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    report = MonthlyReport.objects.get()
    assert report.month == today.replace(day=1) and report.pdf and report.xlsx
