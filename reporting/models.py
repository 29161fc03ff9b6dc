"""The department head's desk: the annual recovery plan (its versions, targets per
branch and month, each branch head's confirmation), the monthly summaries the
dashboards read, and the monthly reports kept once printed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import history
from core.models import BackgroundJob, TimelineEvent
from core.money import MONEY, ZERO
from core.text import NOTE_MAX_CHARS, REASON_MAX_CHARS
from people.access import scope_to_branch

MONTHS = range(1, 13)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded by a newer version")


class RecoveryPlanQuerySet(models.QuerySet):
    def in_force(self, year: int) -> RecoveryPlan | None:
        return self.filter(year=year, status=PlanStatus.APPROVED).first()


@history.track()
class RecoveryPlan(models.Model):
    """One version of a year's Plan Anual de Recuperación de Mora. A change after
    approval is a new version; the old one stays, superseded, readable."""

    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus, default=PlanStatus.DRAFT
    )
    strategies = models.TextField(_("strategies"), blank=True, max_length=NOTE_MAX_CHARS)
    policies = models.TextField(_("policies"), blank=True, max_length=NOTE_MAX_CHARS)
    change_reason = models.TextField(
        _("reason for the new version"), blank=True, max_length=REASON_MAX_CHARS
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    objects = RecoveryPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("annual recovery plan")
        verbose_name_plural = _("annual recovery plans")
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="plan_unique_version"),
            models.UniqueConstraint(
                fields=["year"], condition=Q(status="draft"), name="plan_one_draft_a_year"
            ),
            models.UniqueConstraint(
                fields=["year"], condition=Q(status="approved"), name="plan_one_in_force_a_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="plan_year_sensible"
            ),
        ]
        permissions = [
            ("approve_recoveryplan", "Can approve the annual recovery plan"),
            ("confirm_recoveryplan", "Can confirm a branch's targets"),
            ("view_dashboard", "Can see the dashboards"),
            ("view_monthlyreport", "Can read the monthly reports"),
            ("add_monthlyreport", "Can generate the monthly report"),
        ]

    def __str__(self) -> str:
        return _("Recovery plan %(year)s, version %(version)s") % {
            "year": self.year,
            "version": self.version,
        }

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


class PlanBranch(models.Model):
    """A branch in a plan version: its branch head's confirmation of its targets. Saving
    the branch's targets with a change clears it."""

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="branches")
    branch = models.ForeignKey("people.Branch", on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["branch__code"]
        constraints = [models.UniqueConstraint(fields=["plan", "branch"], name="plan_branch_once")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.branch_id}"


@history.track()
class BranchTarget(models.Model):
    """What a branch is to achieve in one month of the plan's year."""

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="targets")
    branch = models.ForeignKey("people.Branch", on_delete=models.PROTECT, related_name="+")
    month = models.PositiveSmallIntegerField(_("month"))
    amount = models.DecimalField(_("amount to recover"), default=ZERO, **MONEY)
    cases_closed = models.PositiveIntegerField(_("cases to close"), default=0)
    agreements_signed = models.PositiveIntegerField(_("agreements to sign"), default=0)
    referrals = models.PositiveIntegerField(_("referrals to the Legal Unit"), default=0)

    class Meta:
        ordering = ["branch__code", "month"]
        verbose_name = _("branch target")
        verbose_name_plural = _("branch targets")
        constraints = [
            models.UniqueConstraint(fields=["plan", "branch", "month"], name="target_once"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="target_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="target_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.branch_id} · {self.month}"


# The figures a target sets, in the order the plan's pages show them.
TARGET_FIELDS = ["amount", "cases_closed", "agreements_signed", "referrals"]


class PlanEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    TARGETS = "targets", _("Targets changed")
    CONFIRMED = "confirmed", _("Branch confirmed")
    APPROVED = "approved", _("Approved")
    REVISED = "revised", _("New version")
    TEXT = "text", _("Strategies and policies changed")
    IMPORTED = "imported", _("Targets imported")


class PlanEvent(TimelineEvent):
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(_("kind"), max_length=12, choices=PlanEventKind)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")


class MonthlySummaryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_branch(self, user, branch_field="branch")


class MonthlySummary(models.Model):
    """A month's figures for a branch and agent (agent empty: the branch's own figures,
    such as its arrears, and work no agent is assigned). Month to date while the month
    runs, refreshed each night; frozen at month end (`is_final`), so that a report of
    January printed in March gives the same numbers in June."""

    month = models.DateField(_("month"))
    branch = models.ForeignKey("people.Branch", on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    as_of = models.DateField(_("figures as of"))
    is_final = models.BooleanField(_("month closed"), default=False)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)
    # Flows of the month.
    recovered_agreements = models.DecimalField(_("paid on agreements"), default=ZERO, **MONEY)
    recovered_accounts = models.DecimalField(
        _("paid on cases without agreement"), default=ZERO, **MONEY
    )
    cases_opened = models.PositiveIntegerField(default=0)
    cases_closed = models.PositiveIntegerField(default=0)
    cases_cured = models.PositiveIntegerField(default=0)
    cases_at_start = models.PositiveIntegerField(default=0)
    cases_active = models.PositiveIntegerField(default=0)
    agreements_signed = models.PositiveIntegerField(default=0)
    agreements_breached = models.PositiveIntegerField(default=0)
    agreements_completed = models.PositiveIntegerField(default=0)
    agreements_active = models.PositiveIntegerField(default=0)
    days_to_agreement = models.PositiveIntegerField(default=0)
    promises_due = models.PositiveIntegerField(default=0)
    promises_kept = models.PositiveIntegerField(default=0)
    referrals = models.PositiveIntegerField(default=0)
    referrals_accepted = models.PositiveIntegerField(default=0)
    waivers_approved = models.DecimalField(default=ZERO, **MONEY)
    waivers_applied = models.DecimalField(default=ZERO, **MONEY)
    # The branch's stock at the month's last snapshot (agent empty only).
    employers_active = models.PositiveIntegerField(default=0)
    employers_in_arrears = models.PositiveIntegerField(default=0)
    arrears = models.DecimalField(default=ZERO, **MONEY)
    billed_12m = models.DecimalField(default=ZERO, **MONEY)
    aging_d0_30 = models.DecimalField(default=ZERO, **MONEY)
    aging_d31_90 = models.DecimalField(default=ZERO, **MONEY)
    aging_d91_180 = models.DecimalField(default=ZERO, **MONEY)
    aging_d181_365 = models.DecimalField(default=ZERO, **MONEY)
    aging_d365_plus = models.DecimalField(default=ZERO, **MONEY)
    snapshot_on = models.DateField(null=True, blank=True)
    # Employers by aging bucket at the previous month's snapshot and where each is at
    # this month's: {"d0_30": {"d31_90": 4, "current": 2, ...}, ...}.
    rolls = models.JSONField(default=dict, blank=True)

    objects = MonthlySummaryQuerySet.as_manager()

    class Meta:
        ordering = ["month", "branch__code"]
        verbose_name = _("monthly summary")
        verbose_name_plural = _("monthly summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "branch", "agent"],
                nulls_distinct=False,
                name="summary_once",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="summary_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.branch_id} · {self.agent_id or '-'}"


class MonthlyReport(models.Model):
    """An Informe mensual de recuperación de mora, as generated: its month, who asked
    for it and when, its PDF and XLSX."""

    month = models.DateField(_("month"))
    job = models.OneToOneField(
        BackgroundJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to="reports/", blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="report_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
