"""The shared tables: the holiday calendar, the record of nightly runs, the abstract
timeline event every app's timeline is made of, and the background jobs."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import REASON_MAX_CHARS


class HolidayKind(models.TextChoices):
    NATIONAL = "national", _("National holiday")
    INSTITUTIONAL = "institutional", _("Institutional closing day")


class Holiday(models.Model):
    """Days that are not business days: El Salvador's holidays (loaded from
    python-holidays by a migration) and the institute's own closing days."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=15, choices=HolidayKind)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class JobRun(models.Model):
    """One night's run of one job: it runs once per date, whoever starts it."""

    job = models.CharField(_("job"), max_length=60)
    run_date = models.DateField(_("run as of"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        ordering = ["-run_date", "job"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "run_date"], name="job_runs_once_a_date")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.run_date:%Y-%m-%d}"


class TimelineEvent(models.Model):
    """One line of an object's timeline: who did what, when, before and after, why.

    Append-only. Each app's timeline subclasses it with its foreign key to the object
    and its own `kind` choices (a TextChoices of the app)."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20)
    before = models.CharField(_("before"), max_length=200, blank=True)
    after = models.CharField(_("after"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=REASON_MAX_CHARS)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.before} → {self.after}"


class BackgroundJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BackgroundJob(models.Model):
    """Work that takes longer than a page should wait (an import, a batch of letters),
    run by a Celery task (core.background). Its progress lives in the cache; its state,
    result and output file here, for whoever started it."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=BackgroundJobStatus,
        default=BackgroundJobStatus.QUEUED,
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # Two jobs with the same key cannot be queued or running at once (the same file
    # uploaded twice, a second click on "confirm").
    dedupe_key = models.CharField(max_length=120, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=REASON_MAX_CHARS, blank=True)
    redirect_url = models.CharField(max_length=300, blank=True)
    output_file = models.CharField(max_length=100, blank=True)
    output_name = models.CharField(max_length=150, blank=True)
    output_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(status__in=["queued", "running"]) & ~models.Q(dedupe_key=""),
                name="one_live_job_per_key",
            )
        ]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="job_user_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status in (BackgroundJobStatus.QUEUED, BackgroundJobStatus.RUNNING)
