"""The nightly-job registry and its runner.

Each app declares its jobs in its own `jobs.py` as `NIGHTLY_JOBS`, a list of
`NightlyJob(name, function, order=N)`; the runner collects them from the installed
apps and runs them by `order`, so adding an app touches no other app's code. The
orders in use (lower first): employers find the related employers (50) and sum up
the arrears (60); recovery opens cases (100) and evaluates promises (200);
agreements mark overdue installments (300) and breaches (400); the Legal Unit refers
the breached agreements' cases (450); agreements are completed (500); recovery
advances strategy levels (600) and takes the snapshots (900), the last of the night.

Each job takes `run_date` and returns its counts (a dict or a number). It runs once
per date: a `JobRun(job, run_date)` row claimed under a PostgreSQL advisory lock, so
two schedulers or a rerun do nothing more (`force` reruns; jobs are idempotent).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _

from core.models import JobRun

log = logging.getLogger(__name__)

# After this many missed nights the catch-up stops and asks for a person.
MAX_CATCH_UP_NIGHTS = 62


@dataclass(frozen=True)
class NightlyJob:
    name: str
    run: Callable[..., dict | int]
    order: int


def nightly_jobs() -> list[NightlyJob]:
    """Every installed app's NIGHTLY_JOBS, in their declared order."""
    jobs: list[NightlyJob] = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "jobs"):
            module = import_module(f"{app_config.name}.jobs")
            jobs.extend(getattr(module, "NIGHTLY_JOBS", []))
    names = [job.name for job in jobs]
    if len(names) != len(set(names)):
        raise RuntimeError(f"Two nightly jobs share a name: {sorted(names)}")
    return sorted(jobs, key=lambda job: (job.order, job.name))


def last_night_processed() -> datetime.date | None:
    """The last date on which every nightly job finished (the last job did)."""
    return (
        JobRun.objects.filter(job=nightly_jobs()[-1].name, finished_at__isnull=False)
        .order_by("-run_date")
        .values_list("run_date", flat=True)
        .first()
    )


def run_nightly_jobs(*, run_date: datetime.date | None = None, force: bool = False) -> dict:
    """Run every nightly job in order as of run_date; each once per date unless force.

    Without a date, the nights missed since the last one processed (server down,
    worker stopped) are run first, one by one in order, so no deadline is skipped.
    """
    today = timezone.localdate()
    if run_date is not None:
        if run_date > today:
            # A night not yet come would breach agreements whose installments can
            # still be paid, and mark its date done before it happens.
            raise ValueError(
                _("The nightly jobs cannot run as of %(day)s: that night is in the future.")
                % {"day": run_date.strftime("%d/%m/%Y")}
            )
        return _run_night(run_date, force)
    last = last_night_processed()
    start = today if last is None else min(last + datetime.timedelta(days=1), today)
    if (today - start).days > MAX_CATCH_UP_NIGHTS:
        raise RuntimeError(
            f"{(today - start).days} nights were missed; run them with --date after checking why."
        )
    results = {}
    day = start
    while day <= today:
        results[day.isoformat()] = _run_night(day, force)
        day += datetime.timedelta(days=1)
    return results if len(results) > 1 else results[today.isoformat()]


def _run_night(run_date: datetime.date, force: bool) -> dict:
    results = {}
    for job in nightly_jobs():
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Two schedulers firing at once: the second waits here, then finds the
                # night's JobRun finished and skips.
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext('recupera.nightly.' || %s))", [job.name]
                )
            done = JobRun.objects.filter(job=job.name, run_date=run_date, finished_at__isnull=False)
            if done.exists() and not force:
                results[job.name] = "skipped"
                continue
            run, _created = JobRun.objects.update_or_create(
                job=job.name, run_date=run_date, defaults={"started_at": timezone.now()}
            )
            outcome = job.run(run_date=run_date)
            run.finished_at = timezone.now()
            run.counts = outcome if isinstance(outcome, dict) else {"rows": outcome}
            run.save()
            results[job.name] = run.counts
            log.info("nightly job %s as of %s: %s", job.name, run_date, run.counts)
    return results
