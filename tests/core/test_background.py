"""Background jobs (core.background): who sees them, progress, refusals, failures."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import background
from core.models import BackgroundJob, BackgroundJobStatus
from employers.imports import COLUMNS
from employers.models import ArrearsImport, Employer
from tests.factories import UserFactory

GOOD = (
    ";".join(COLUMNS)
    + "\n300400500;0614-050707-104-8;Café Volcán;SA;2026-03;14/04/2026;150.00;60.00;0;0;0\n"
)


@pytest.fixture
def runners(monkeypatch):
    monkeypatch.setattr(background, "RUNNERS", dict(background.RUNNERS))
    return background.RUNNERS


@pytest.mark.django_db
def test_a_job_runs_in_process_without_a_broker_and_leaves_its_file(client, head, runners):
    def build(job, progress):
        progress(1, 2, "half")
        return background.Outcome(message="Listo.", content=b"%PDF-1.7", filename="x.pdf")

    runners["test"] = build
    job = background.start("test", actor=head, title="Prueba")
    assert job.status == BackgroundJobStatus.DONE and job.finished_at
    client.force_login(head)
    page = client.get(reverse("core:job_detail", args=[job.token])).content.decode()
    assert "Terminado" in page and "Listo." in page and "hx-trigger" not in page
    download = client.get(reverse("core:job_download", args=[job.token]))
    assert b"".join(download.streaming_content) == b"%PDF-1.7"
    assert "x.pdf" in download["Content-Disposition"]
    assert "Prueba" in client.get(reverse("core:job_list")).content.decode()


@pytest.mark.django_db
def test_another_users_job_is_a_404(client, head, agent_ss, runners):
    runners["test"] = lambda job, progress: background.Outcome(content=b"x", filename="x.txt")
    job = background.start("test", actor=head, title="Informe secreto")
    client.force_login(agent_ss)
    assert client.get(reverse("core:job_detail", args=[job.token])).status_code == 404
    assert client.get(reverse("core:job_download", args=[job.token])).status_code == 404
    assert "Informe secreto" not in client.get(reverse("core:job_list")).content.decode()


@pytest.mark.django_db
def test_a_running_job_shows_its_progress_and_asks_again(client, head):
    job = BackgroundJob.objects.create(
        kind="test", title="Prueba", created_by=head, status=BackgroundJobStatus.RUNNING
    )
    background.Progress(job)(300, 1000, "Leyendo el archivo: 30.000 filas leídas.", force=True)
    client.force_login(head)
    page = client.get(reverse("core:job_detail", args=[job.token])).content.decode()
    assert 'value="30"' in page and "30.000 filas leídas" in page
    assert 'hx-trigger="every 1s"' in page
    partial = client.get(
        reverse("core:job_detail", args=[job.token]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in partial and 'id="job-status"' in partial
    # Once done, the next poll sends the page where the job said.
    job.status, job.redirect_url = BackgroundJobStatus.DONE, "/patronos/"
    job.save()
    done = client.get(reverse("core:job_detail", args=[job.token]), headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == "/patronos/"


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_and_saves_nothing(head, runners, employer_ss):
    def breaks(job, progress):
        from django.db import transaction

        with transaction.atomic():
            Employer.objects.filter(pk=employer_ss.pk).update(legal_name="Cambiado")
            raise RuntimeError("boom")

    runners["test"] = breaks
    job = background.start("test", actor=head, title="Prueba")
    assert job.status == BackgroundJobStatus.FAILED
    assert "error inesperado" in job.message and "boom" not in job.message
    employer_ss.refresh_from_db()
    assert employer_ss.legal_name != "Cambiado"


@pytest.mark.django_db
def test_the_same_file_uploaded_while_it_is_checked_is_refused(client, head, settings, tmp_path):
    from core.tabular import file_sha256

    settings.MEDIA_ROOT = tmp_path
    path = tmp_path / "x.csv"
    path.write_bytes(GOOD.encode("cp1252"))
    BackgroundJob.objects.create(
        kind="arrears_check",
        title="Importación de mora: revisión de mora.csv",
        created_by=head,
        status=BackgroundJobStatus.RUNNING,
        dedupe_key=f"arrears-file:{file_sha256(path)}",
    )
    client.force_login(head)
    upload = SimpleUploadedFile("mora.csv", GOOD.encode("cp1252"), content_type="text/csv")
    response = client.post(reverse("employers:import_upload"), {"file": upload})
    assert response.status_code == 200
    assert "ya está en curso" in response.content.decode()
    assert list((tmp_path / "imports").iterdir()) == []
    assert not ArrearsImport.objects.exists()
    with pytest.raises(ValidationError):
        background.start(
            "arrears_check",
            actor=head,
            title="otra",
            dedupe_key=f"arrears-file:{file_sha256(path)}",
        )


@pytest.mark.django_db
def test_a_batch_of_letters_is_built_by_a_job_and_kept_for_download(client, agent_ss, branch_ss):
    from recovery.models import FollowUp
    from tests.factories import CaseFactory, EmployerFactory, PeriodFactory
    from tests.jobs import job_output

    cases = []
    for _ in range(3):
        case = CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=agent_ss)
        PeriodFactory(employer=case.employer)
        cases.append(case)
    client.force_login(agent_ss)
    response = client.post(
        reverse("recovery:demand_notices"),
        {"select": [c.pk for c in cases], "letter": "first_demand", "deadline_days": 8},
    )
    assert job_output(client, response).startswith(b"%PDF")
    job = BackgroundJob.objects.get()
    assert job.created_by == agent_ss and job.output_name.endswith(".pdf")
    assert "3 cartas listas" in job.message
    assert FollowUp.objects.filter(kind="letter").count() == 3
    other = UserFactory(role=agent_ss.role, branch=branch_ss)
    client.force_login(other)
    assert client.get(reverse("core:job_download", args=[job.token])).status_code == 404


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_marked_failed_and_frees_its_key(head, runners, settings):
    import datetime

    from django.utils import timezone

    runners["test"] = lambda job, progress: background.Outcome(message="Listo.")
    dead = BackgroundJob.objects.create(
        kind="test",
        title="Prueba",
        created_by=head,
        status=BackgroundJobStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1),
        dedupe_key="k",
    )
    job = background.start("test", actor=head, title="Otra vez", dedupe_key="k")
    assert job.status == BackgroundJobStatus.DONE
    dead.refresh_from_db()
    assert dead.status == BackgroundJobStatus.FAILED and "se interrumpió" in dead.message
