"""What the nightly jobs keep: employer snapshots and the record of each run."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from employers.models import MONEY, Employer
from recovery.models.cases import RecoveryCase


class EmployerSnapshot(models.Model):
    """Each night, the state of every employer with debt, kept as it was.

    Roll rates, cure rates and any past month's figures are computed from these rows.
    """

    taken_on = models.DateField(_("date"))
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey("employers.Branch", on_delete=models.PROTECT, related_name="+")
    debt = models.DecimalField(_("debt"), **MONEY)
    oldest_due = models.DateField(_("oldest due date"), null=True)
    aging_bucket = models.CharField(_("aging bucket"), max_length=10, blank=True)
    case = models.ForeignKey(RecoveryCase, on_delete=models.SET_NULL, null=True, related_name="+")
    case_status = models.CharField(_("case status"), max_length=12, blank=True)
    level_order = models.PositiveSmallIntegerField(_("strategy level"), null=True)

    class Meta:
        verbose_name = _("employer snapshot")
        verbose_name_plural = _("employer snapshots")
        constraints = [
            models.UniqueConstraint(fields=["taken_on", "employer"], name="one_snapshot_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.taken_on:%Y-%m-%d} · {self.employer_id}"


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
