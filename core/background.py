"""Long work in the background, with a progress bar (issue 10, items 14 and 15).

An app registers a runner for a kind of job in its AppConfig.ready():

    background.register("demand_letters", build_letters)

and a view starts one with `start(...)`, then sends the user to the job's page
(`core:job_detail`), which shows the progress until the job is done and then sends the
user where the runner said (`Outcome.redirect`) or offers its file for download.

With REDIS_URL a Celery worker runs the job (`core.tasks.run_background_job`); without
it (`make run`, the tests) the same runner runs in-process, at once, before `start`
returns. A runner does its writes in its own transactions: a failure leaves the data as
it was, and the job says why (the message of a ValidationError, or "unexpected error"
for anything else, logged with its traceback)."""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import BackgroundJob, BackgroundJobStatus

logger = logging.getLogger(__name__)

LIVE = [BackgroundJobStatus.QUEUED, BackgroundJobStatus.RUNNING]
# Progress is written at most this often (seconds): a million-row file reports often
# enough for a bar, not once a row.
PROGRESS_INTERVAL = 0.25


@dataclass
class Outcome:
    """What a finished job leaves: a message, where to go next, a file to download."""

    message: str = ""
    redirect: str = ""
    content: bytes | None = None
    filename: str = ""
    content_type: str = "application/octet-stream"


class Progress:
    """`progress(done, total, label)`: what the job page shows while the job runs."""

    def __init__(self, job: BackgroundJob) -> None:
        self.key = progress_key(job)
        self._last = 0.0

    def __call__(self, done: int, total: int, label: str = "", *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        cache.set(self.key, {"done": done, "total": total, "label": label}, 24 * 60 * 60)


Runner = Callable[[BackgroundJob, Progress], Outcome]
RUNNERS: dict[str, Runner] = {}


def register(kind: str, runner: Runner) -> None:
    RUNNERS[kind] = runner


class AlreadyRunning(ValidationError):
    def __init__(self, job: BackgroundJob | None) -> None:
        super().__init__(
            _("The same work is already under way (%(title)s): wait for it to finish.")
            % {"title": job.title if job else "—"},
            code="already_running",
        )
        self.job = job


def progress_key(job: BackgroundJob) -> str:
    return f"background-job:{job.token}"


def progress_of(job: BackgroundJob) -> dict:
    return cache.get(progress_key(job)) or {"done": 0, "total": 0, "label": ""}


def output_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start(
    kind: str, *, actor, title: str, params: dict | None = None, dedupe_key: str = ""
) -> BackgroundJob:
    """Queue a job (AlreadyRunning when one with the same key is queued or running).
    Without a broker it runs here and now, and is finished when this returns."""
    if kind not in RUNNERS:
        raise LookupError(f"No runner registered for {kind!r}.")
    expire_stale()
    try:
        with transaction.atomic():
            job = BackgroundJob.objects.create(
                kind=kind,
                title=title[:200],
                params=params or {},
                dedupe_key=dedupe_key,
                created_by=actor,
            )
    except IntegrityError:
        raise AlreadyRunning(
            BackgroundJob.objects.filter(dedupe_key=dedupe_key, status__in=LIVE).first()
        ) from None
    Progress(job)(0, 0, _("Waiting for its turn…"), force=True)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run(job.pk)
        job.refresh_from_db()
    else:
        from core.tasks import run_background_job

        transaction.on_commit(lambda: run_background_job.delay(job.pk))
    return job


def _stale_since():
    return timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def expire_stale() -> int:
    """A job running for longer than any task may was interrupted (its worker killed):
    it is marked failed, so that its key is free and its page stops waiting."""
    return BackgroundJob.objects.filter(
        status=BackgroundJobStatus.RUNNING, started_at__lt=_stale_since()
    ).update(
        status=BackgroundJobStatus.FAILED,
        finished_at=timezone.now(),
        message=_("The work was interrupted (its worker stopped); nothing of it was saved."),
    )


def run(job_id: int) -> str:
    """Run a queued job once: a task delivered twice finds it claimed and does nothing."""
    claimed = BackgroundJob.objects.filter(pk=job_id, status=BackgroundJobStatus.QUEUED).update(
        status=BackgroundJobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "already claimed"
    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id)
    progress = Progress(job)
    try:
        outcome = RUNNERS[job.kind](job, progress)
    except ValidationError as exc:
        _finish(job, BackgroundJobStatus.FAILED, Outcome(message=" ".join(exc.messages)))
        return "failed"
    except Exception:
        logger.exception("Background job %s (%s) failed", job.pk, job.kind)
        message = _("The work stopped on an unexpected error; nothing of it was saved.")
        _finish(job, BackgroundJobStatus.FAILED, Outcome(message=message))
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        return "failed"
    _finish(job, BackgroundJobStatus.DONE, outcome)
    progress(1, 1, outcome.message or _("Done."), force=True)
    return "done"


def _finish(job: BackgroundJob, status: str, outcome: Outcome) -> None:
    job.status = status
    job.finished_at = timezone.now()
    job.message = outcome.message[:1000]
    job.redirect_url = outcome.redirect
    if outcome.content is not None:
        extension = Path(outcome.filename).suffix
        stored = f"{job.token.hex}{extension}"
        (output_dir() / stored).write_bytes(outcome.content)
        job.output_file = stored
        job.output_name = outcome.filename
        job.output_type = outcome.content_type
    job.save()
