import datetime

from celery import shared_task

from core.nightly import run_nightly_jobs


@shared_task(acks_late=True, soft_time_limit=50 * 60, time_limit=60 * 60)
def nightly_jobs(run_date: str | None = None) -> dict:
    """Celery beat's entry point: the same service as `manage.py run_nightly_jobs`."""
    day = datetime.date.fromisoformat(run_date) if run_date else None
    return run_nightly_jobs(run_date=day)


@shared_task(acks_late=True)
def run_background_job(job_id: int) -> str:
    """A job a page started (an import, a batch of letters): see core.background."""
    from core.background import run

    return run(job_id)
