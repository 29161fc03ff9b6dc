"""The prescription clock of each period owed: the dated rule (how many years, on what
legal basis), the demand notices served with acknowledgement of receipt, and each
owed period's clock as the nightly job last worked it out."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import history
from core.text import NOTE_MAX_CHARS
from employers.models import ContributionPeriod, Employer
from people.access import scope_to_branch
from recovery.models import LetterKind, RecoveryCase


@history.track()
class PrescriptionRule(models.Model):
    """How many years after its start a period's clock runs out, from a date on: a
    clock that starts (or restarts) on or after `valid_from` runs for `years`. A change
    of the law is a new rule from its date; the earlier clocks keep theirs."""

    valid_from = models.DateField(
        _("in force from"),
        unique=True,
        help_text=_("Applies to the clocks that start or restart on or after this date."),
    )
    years = models.PositiveSmallIntegerField(
        _("years"), validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    legal_basis = models.TextField(_("legal basis"), max_length=2000)
    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_("The period and its legal basis have been confirmed by the Legal Unit."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("prescription rule")
        verbose_name_plural = _("prescription rules")

    def __str__(self) -> str:
        return _("%(years)s years from %(day)s") % {
            "years": self.years,
            "day": self.valid_from.strftime("%d/%m/%Y"),
        }


class NoticeServiceQuerySet(models.QuerySet):
    def visible_to(self, user) -> NoticeServiceQuerySet:
        return scope_to_branch(self, user, branch_field="employer__branch")


@history.track()
class NoticeService(models.Model):
    """A payment demand served on the employer with an acknowledgement of receipt: it
    interrupts the prescription of every period then due."""

    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        RecoveryCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    letter = models.CharField(_("letter"), max_length=20, choices=LetterKind)
    served_on = models.DateField(_("served on"))
    received_by = models.CharField(_("received by"), max_length=150)
    acknowledgement = models.CharField(_("acknowledgement of receipt no."), max_length=60)
    notes = models.TextField(_("notes"), blank=True, max_length=NOTE_MAX_CHARS)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = NoticeServiceQuerySet.as_manager()

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = _("demand notice served")
        verbose_name_plural = _("demand notices served")
        indexes = [models.Index(fields=["employer", "served_on"], name="notice_employer_idx")]

    def __str__(self) -> str:
        return f"{self.get_letter_display()} {self.served_on:%d/%m/%Y}"


class StartKind(models.TextChoices):
    """What (re)started a period's clock: its due date, or the last interruption."""

    DUE = "due", _("Due date")
    NOTICE = "notice", _("Demand notice served")
    AGREEMENT = "agreement", _("Agreement signed")
    PAYMENT = "payment", _("Payment on its agreement")
    COURT = "court", _("Claim filed in court")


class ClockQuerySet(models.QuerySet):
    def visible_to(self, user) -> ClockQuerySet:
        return scope_to_branch(self, user, branch_field="employer__branch")

    def running(self, today: datetime.date) -> ClockQuerySet:
        return self.filter(prescribes_on__gt=today)

    def prescribing_within(self, today: datetime.date, days: int) -> ClockQuerySet:
        """Still collectable today, and prescribing within `days` days."""
        return self.filter(
            prescribes_on__gt=today, prescribes_on__lte=today + datetime.timedelta(days=days)
        )

    def prescribed(self) -> ClockQuerySet:
        return self.filter(prescribed_on__isnull=False)


class PeriodClock(models.Model):
    """One owed period's clock, as the nightly job (or the last interruption recorded)
    worked it out. A period that prescribed keeps its row, flagged, until it is paid or
    written off by the account system — never dropped in silence."""

    period = models.OneToOneField(
        ContributionPeriod,
        primary_key=True,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.CASCADE, related_name="+"
    )
    started_on = models.DateField(_("clock started"))
    start_kind = models.CharField(_("started by"), max_length=10, choices=StartKind)
    rule = models.ForeignKey(
        PrescriptionRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+"
    )
    prescribes_on = models.DateField(_("prescribes on"))
    # Set by the job the first night the period is found prescribed; kept.
    prescribed_on = models.DateField(_("found prescribed on"), null=True, blank=True)
    # The night the agent was told it would prescribe soon (once per clock).
    warned_on = models.DateField(_("warned on"), null=True, blank=True)
    # The agent and the heads were told it prescribed (once).
    prescribed_told = models.BooleanField(_("prescription told"), default=False)

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["prescribes_on", "period"]
        verbose_name = _("prescription clock")
        verbose_name_plural = _("prescription clocks")
        indexes = [
            models.Index(fields=["prescribes_on"], name="clock_prescribes_idx"),
            models.Index(fields=["employer", "prescribes_on"], name="clock_employer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.period_id}: {self.prescribes_on:%d/%m/%Y}"
