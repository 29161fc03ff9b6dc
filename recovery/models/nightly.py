"""What the nightly jobs keep: a snapshot of every employer with debt, each night."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.money import MONEY
from employers.models import Employer
from recovery.models.cases import RecoveryCase


class EmployerSnapshot(models.Model):
    """Each night, the state of every employer with debt, kept as it was.

    Roll rates, cure rates and any past month's figures are computed from these rows.
    """

    taken_on = models.DateField(_("date"))
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey("people.Branch", on_delete=models.PROTECT, related_name="+")
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
