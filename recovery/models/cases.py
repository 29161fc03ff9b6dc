"""Recovery cases: their states, opening rule, strategy levels and timeline."""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, Func, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import history
from core.models import TimelineEvent
from core.money import MONEY, ZERO
from core.text import REASON_MAX_CHARS
from employers.models import (
    ArrearsSummary,
    ArrearsSummaryState,
    ContributionPeriod,
    Employer,
    arrears_filter,
)
from people.access import scope_to_branch
from people.roles import Role


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_CONTACT = "in_contact", _("In contact")
    PROMISE = "promise", _("Payment promise")
    AGREEMENT = "agreement", _("Payment agreement")
    SETTLED = "settled", _("Settled (paid)")
    REFERRED = "referred", _("Referred to the Legal Unit")
    CLOSED = "closed", _("Closed")


# The one table of allowed transitions. Pages ask it which actions to show; the
# service refuses anything else.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.OPEN: {
        CaseStatus.IN_CONTACT,
        CaseStatus.PROMISE,
        CaseStatus.SETTLED,
        CaseStatus.REFERRED,
        CaseStatus.CLOSED,
    },
    CaseStatus.IN_CONTACT: {
        CaseStatus.PROMISE,
        CaseStatus.AGREEMENT,
        CaseStatus.SETTLED,
        CaseStatus.REFERRED,
        CaseStatus.CLOSED,
    },
    CaseStatus.PROMISE: {
        CaseStatus.IN_CONTACT,  # the promise was broken
        CaseStatus.AGREEMENT,
        CaseStatus.SETTLED,
        CaseStatus.REFERRED,
        CaseStatus.CLOSED,
    },
    CaseStatus.AGREEMENT: {
        CaseStatus.IN_CONTACT,  # the agreement was cancelled before it took effect
        CaseStatus.SETTLED,
        CaseStatus.REFERRED,
        CaseStatus.CLOSED,
    },
    CaseStatus.REFERRED: {
        CaseStatus.IN_CONTACT,  # returned by the Legal Unit
        CaseStatus.SETTLED,
        CaseStatus.CLOSED,
    },
    # The Board's discharge (council) closes a settled case as paid.
    CaseStatus.SETTLED: {CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),
}


# Entered only by a referral to the Legal Unit (legal.services: by hand from the case
# page, or the breach job's) and left only by the Legal Unit's return: a case moved
# there by the generic status change would have no referral (nobody would see it), and
# one taken back would leave its referral open.
LEGAL_ONLY_STATUSES = frozenset({CaseStatus.REFERRED})


ACTIVE_STATUSES = [
    CaseStatus.OPEN,
    CaseStatus.IN_CONTACT,
    CaseStatus.PROMISE,
    CaseStatus.AGREEMENT,
    CaseStatus.REFERRED,
]


# States the collection agent works; a referred case belongs to the Legal Unit.
WORKED_STATUSES = [CaseStatus.OPEN, CaseStatus.IN_CONTACT, CaseStatus.PROMISE]


class CloseReason(models.TextChoices):
    PAID = "paid", _("Paid")
    UNCOLLECTABLE = "uncollectable", _("Uncollectable")
    MERGED = "merged", _("Merged into another case")
    ERROR = "error", _("Opened in error")


class HoldReason(models.TextChoices):
    DISPUTE = "dispute", _("Dispute of the debt")
    HARDSHIP = "hardship", _("Hardship")
    ACCOUNT_CORRECTION = "account_correction", _("Pending correction of the account")


@history.track()
class CaseOpeningRule(models.Model):
    """When a case is opened: arrears over an amount and older than some days.

    The newest rule in force on a date applies; the admin keeps the history.
    """

    valid_from = models.DateField(_("valid from"), unique=True)
    min_arrears = models.DecimalField(_("minimum arrears"), **MONEY)
    min_days_late = models.PositiveIntegerField(_("minimum days late"))

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("case opening rule")
        verbose_name_plural = _("case opening rules")
        constraints = [
            models.CheckConstraint(condition=Q(min_arrears__gte=0), name="opening_rule_min_ge_0")
        ]

    def __str__(self) -> str:
        return f"{self.valid_from:%d/%m/%Y}: ≥ ${self.min_arrears} · ≥ {self.min_days_late} d"

    @classmethod
    def in_force(cls, day: datetime.date) -> "CaseOpeningRule | None":
        return cls.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


class StrategyAction(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")
    REFERRAL_PROPOSAL = "referral_proposal", _("Proposal to refer to the Legal Unit")


class LetterKind(models.TextChoices):
    FIRST_DEMAND = "first_demand", _("First payment demand")
    SECOND_DEMAND = "second_demand", _("Second payment demand")
    FINAL_NOTICE = "final_notice", _("Final notice")


class StrategyRole(models.TextChoices):
    CHAMPION = "champion", _("Champion (in force)")
    CHALLENGER = "challenger", _("Challenger (under test)")
    RETIRED = "retired", _("Retired")


@history.track()
class Strategy(models.Model):
    """A collection strategy: its ladder of levels. The champion works every case; a
    challenger under test takes `share` per cent of the cases opened while it runs
    (drawn at random, recorded on each case), so the two can be compared on like cases."""

    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=12, choices=StrategyRole)
    share = models.PositiveSmallIntegerField(
        _("share of the new cases (%)"),
        default=0,
        help_text=_("The challenger's share of the cases opened while it runs (1 to 50)."),
    )
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    notes = models.TextField(_("what it changes, and why"), blank=True, max_length=2000)

    class Meta:
        ordering = ["role", "-started_on", "pk"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.UniqueConstraint(
                fields=["role"], condition=Q(role="champion"), name="strategy_one_champion"
            ),
            models.UniqueConstraint(
                fields=["role"],
                condition=Q(role="challenger", ended_on__isnull=True),
                name="strategy_one_running_challenger",
            ),
            models.CheckConstraint(condition=Q(share__lte=50), name="strategy_share_le_50"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def running(self) -> bool:
        return self.role == StrategyRole.CHALLENGER and self.ended_on is None


def champion_strategy_id() -> int:
    """The champion's id (created when missing): a level created without a strategy
    belongs to it."""
    champion = Strategy.objects.filter(role=StrategyRole.CHAMPION).first()
    if champion is None:
        # Named in the institute's language whatever the command's locale (a migrate).
        with translation.override(settings.LANGUAGE_CODE):
            name = str(_("Strategy in force"))
        champion = Strategy.objects.create(name=name, role=StrategyRole.CHAMPION)
    return champion.pk


@history.track()
class StrategyLevel(models.Model):
    """A level of the collection strategy (like dunning levels) and its action."""

    strategy = models.ForeignKey(
        Strategy,
        verbose_name=_("strategy"),
        on_delete=models.PROTECT,
        related_name="levels",
        default=champion_strategy_id,
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=80)
    min_days_late = models.PositiveIntegerField(_("from days late"))
    min_debt = models.DecimalField(_("from debt"), default=ZERO, **MONEY)
    sector = models.CharField(
        _("sector"), max_length=12, blank=True, help_text=_("Empty: every sector.")
    )
    action = models.CharField(_("action due"), max_length=20, choices=StrategyAction)
    letter = models.CharField(_("letter"), max_length=20, choices=LetterKind, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["strategy", "order"]
        verbose_name = _("strategy level")
        verbose_name_plural = _("strategy levels")
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=StrategyAction.LETTER) | ~Q(letter=""),
                name="letter_level_names_its_letter",
            ),
            models.UniqueConstraint(fields=["strategy", "order"], name="strategy_level_order_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


def _employer_arrears(today: datetime.date):
    """The case's employer's periods in arrears on `today`, grouped by the employer:
    what the debt, the oldest due date and the sort key below each sum up."""
    periods = ContributionPeriod.objects.filter(
        arrears_filter(today), employer=OuterRef("employer")
    ).order_by()
    return periods.values("employer")


def _debt_subquery(today: datetime.date):
    return _employer_arrears(today).annotate(total=Sum("balance")).values("total")


def _oldest_due_subquery(today: datetime.date):
    return _employer_arrears(today).annotate(oldest=Min("due_date")).values("oldest")


def debt_sort_key(today: datetime.date) -> Case:
    """One key that sorts, ascending, as the debt descending and then the oldest due
    date ascending (no arrears last): the row (-debt, oldest due) of the employer's
    periods in arrears, or NULL when it has none. Read from the employers' arrears
    summary (a join: `RecoveryCase.arrears`) while its state says it holds on `today`;
    otherwise summed from the periods, once instead of with_debt's twice."""
    key = _employer_arrears(today).annotate(
        key=Func(-Sum("balance"), Min("due_date"), function="ROW", output_field=models.TextField())
    )
    summed = Subquery(key.values("key"), output_field=models.TextField())
    # The same row from the employers' arrears summary while it is known to hold on
    # `today` (employers.arrears): a join instead of summing each case's periods.
    stored = Case(
        When(
            arrears__debt__isnull=False,
            then=Func(
                -F("arrears__debt"),
                F("arrears__oldest_due"),
                function="ROW",
                output_field=models.TextField(),
            ),
        ),
        output_field=models.TextField(),
    )
    return Case(
        When(Exists(ArrearsSummaryState.objects.filter(as_of=today)), then=stored),
        default=summed,
        output_field=models.TextField(),
    )


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


HIGH_PRIORITY_DEBT = 5000


MEDIUM_PRIORITY_DEBT = 1000


class RecoveryCaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RecoveryCaseQuerySet":
        if user.is_authenticated and user.role == Role.LEGAL:
            return self.filter(status=CaseStatus.REFERRED)
        return scope_to_branch(self, user, branch_field="branch")

    def active(self) -> "RecoveryCaseQuerySet":
        return self.filter(status__in=ACTIVE_STATUSES)

    def with_debt(self, today: datetime.date | None = None) -> "RecoveryCaseQuerySet":
        """Annotate the current debt (from the account statement) and its oldest due date."""
        today = today or timezone.localdate()
        money = models.DecimalField(**MONEY)
        return self.annotate(
            debt=Coalesce(
                Subquery(_debt_subquery(today), output_field=money), Value(ZERO), output_field=money
            ),
            oldest_due=Subquery(_oldest_due_subquery(today), output_field=models.DateField()),
        )

    def with_priority(self, today: datetime.date | None = None) -> "RecoveryCaseQuerySet":
        """Annotate `priority` (high, medium, low); needs with_debt() first.

        High: a broken promise, a debt of $5,000 or more, or unpaid for over 180 days.
        Medium: $1,000 or more, or unpaid for over 90 days.
        """
        today = today or timezone.localdate()
        return self.annotate(
            priority=Case(
                When(
                    Q(broken_promises__gt=0)
                    | Q(debt__gte=HIGH_PRIORITY_DEBT)
                    | Q(oldest_due__lt=today - datetime.timedelta(days=180)),
                    then=Value(Priority.HIGH),
                ),
                When(
                    Q(debt__gte=MEDIUM_PRIORITY_DEBT)
                    | Q(oldest_due__lt=today - datetime.timedelta(days=90)),
                    then=Value(Priority.MEDIUM),
                ),
                default=Value(Priority.LOW),
                output_field=models.CharField(),
            )
        )

    def with_pending_promise(self, until: datetime.date) -> "RecoveryCaseQuerySet":
        return self.annotate(
            promise_due=Exists(
                apps.get_model("recovery", "PaymentPromise").objects.filter(
                    case=OuterRef("pk"), status="pending", promised_on__lte=until
                )
            )
        )


@history.track(exclude=["arrears"])  # a view of the employer's summary, no column
class RecoveryCase(models.Model):
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="cases"
    )
    # The employer's arrears summary, reached from the case's own employer_id without
    # going through the employers' table (no column of its own; the queue's sort joins it).
    arrears = models.ForeignObject(
        ArrearsSummary,
        on_delete=models.DO_NOTHING,
        from_fields=["employer"],
        to_fields=["employer"],
        null=True,
        related_name="+",
        editable=False,
        serialize=False,
    )
    branch = models.ForeignKey(
        "people.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus, default=CaseStatus.OPEN
    )
    opening_debt = models.DecimalField(_("debt when opened"), **MONEY)
    opened_on = models.DateField(_("opened"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(
        _("close reason"), max_length=15, choices=CloseReason, blank=True
    )
    close_note = models.TextField(_("close note"), blank=True, max_length=REASON_MAX_CHARS)
    hold_reason = models.CharField(_("on hold for"), max_length=20, choices=HoldReason, blank=True)
    hold_note = models.TextField(_("hold note"), blank=True, max_length=REASON_MAX_CHARS)
    hold_until = models.DateField(_("on hold until"), null=True, blank=True)
    level = models.ForeignKey(
        StrategyLevel,
        verbose_name=_("strategy level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level_since = models.DateField(_("at this level since"), null=True, blank=True)
    level_done = models.BooleanField(
        _("level action done"),
        default=False,
        help_text=_("The action of the current level was done, or skipped with a reason."),
    )
    next_action = models.CharField(_("next action"), max_length=200, blank=True)
    next_action_on = models.DateField(_("next action on"), null=True, blank=True)
    last_action_on = models.DateField(_("last action"), null=True, blank=True)
    broken_promises = models.PositiveSmallIntegerField(_("broken promises"), default=0)
    # The strategy the case was given when it opened, and the draw that decided it
    # (uniform in [0, 1): below the challenger's share, the challenger). Empty for the
    # cases opened before any strategy test.
    strategy = models.ForeignKey(
        Strategy,
        verbose_name=_("strategy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    strategy_draw = models.DecimalField(
        _("strategy draw"), max_digits=6, decimal_places=5, null=True, blank=True
    )

    objects = RecoveryCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("recovery case")
        verbose_name_plural = _("recovery cases")
        permissions = [("assign_case", _("Can assign and reassign cases"))]
        constraints = [
            models.UniqueConstraint(
                fields=["employer"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="one_active_case_per_employer",
            ),
            models.CheckConstraint(condition=Q(opening_debt__gte=0), name="case_opening_debt_ge_0"),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.CLOSED) | ~Q(close_reason=""),
                name="closed_case_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "status"], name="case_branch_status_idx"),
            models.Index(fields=["agent", "status"], name="case_agent_status_idx"),
            # The case list's default order, within a branch and across all: its first
            # page reads 25 cases in order and joins their employers, instead of joining
            # every employer and sorting (issue 11, pages bench).
            models.Index(fields=["branch", "-opened_on", "-id"], name="case_branch_opened_idx"),
            models.Index(fields=["-opened_on", "-id"], name="case_opened_idx"),
        ]

    def __str__(self) -> str:
        return _("Case %(number)s · %(employer)s") % {
            "number": self.pk,
            "employer": self.employer.legal_name,
        }

    def get_priority_display(self) -> str:
        """The label of `priority`, annotated by with_priority()."""
        return Priority(self.priority).label

    @property
    def allowed_transitions(self) -> list[str]:
        """The statuses a user may move the case to by hand: never into or out of
        "referred", which only the Legal Unit's referral and return change."""
        if self.status in LEGAL_ONLY_STATUSES:
            return []
        return [
            status
            for status in CaseStatus
            if status in ALLOWED_TRANSITIONS[self.status] and status not in LEGAL_ONLY_STATUSES
        ]

    def is_on_hold(self, today: datetime.date) -> bool:
        return bool(self.hold_until and self.hold_until >= today)


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    TRANSITION = "transition", _("Status change")
    ASSIGNMENT = "assignment", _("Assignment")
    HOLD = "hold", _("On hold")
    RELEASE = "release", _("Hold lifted")
    LEVEL = "level", _("Strategy level")
    LEVEL_SKIP = "level_skip", _("Level action skipped")
    PROMISE = "promise", _("Promise evaluated")
    DOCUMENT = "document", _("Document")
    LEGAL = "legal", _("Legal Unit")


class CaseEvent(TimelineEvent):
    """Append-only timeline of a case: who did what, when, before and after, why."""

    case = models.ForeignKey(RecoveryCase, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(_("kind"), max_length=12, choices=CaseEventKind)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at_idx")]
