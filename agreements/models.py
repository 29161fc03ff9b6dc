import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Min, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core import history
from core.models import TimelineEvent
from core.money import MONEY, ZERO
from core.text import REASON_MAX_CHARS
from people.access import scope_to_branch
from people.roles import Role


class AllocationOrder(models.TextChoices):
    PERIOD_FIRST = (
        "period_first",
        _("Oldest period first; within it contributions, then fines and surcharges"),
    )
    CONCEPT_FIRST = (
        "concept_first",
        _("All contributions first (oldest first), then fines, then surcharges"),
    )


class Approver(models.TextChoices):
    BRANCH_HEAD = "branch_head", _("Branch head")
    DEPARTMENT_HEAD = "department_head", _("Department head")


@history.track()
class AgreementPolicy(models.Model):
    """The rules an agreement follows; the one in force on the day it is drafted."""

    name = models.CharField(_("name"), max_length=120)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    min_down_payment_pct = models.DecimalField(
        _("minimum down payment (%)"), max_digits=5, decimal_places=2, default=10
    )
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=5)
    approval_threshold = models.DecimalField(
        _("approval needed from"),
        help_text=_("Agreements over this amount need an approval before signing."),
        **MONEY,
    )
    approver = models.CharField(
        _("approved by"), max_length=20, choices=Approver, default=Approver.BRANCH_HEAD
    )
    head_approval_threshold = models.DecimalField(
        _("department head approval needed from"),
        null=True,
        blank=True,
        help_text=_("Over this amount only the department head approves. Empty: no such limit."),
        **MONEY,
    )
    breach_installments = models.PositiveSmallIntegerField(
        _("breach: installments overdue"), default=2
    )
    breach_days = models.PositiveSmallIntegerField(
        _("breach: one installment overdue more than (days)"), default=60
    )
    breach_on_new_arrears = models.BooleanField(
        _("breach: employer behind again on current contributions"), default=True
    )
    new_arrears_periods = models.PositiveSmallIntegerField(
        _("breach: current periods unpaid"),
        default=1,
        help_text=_("How many current periods unpaid past their grace days breach it."),
    )
    new_arrears_min_balance = models.DecimalField(
        _("breach: a current period counts as unpaid above"),
        default=Decimal("25.00"),
        help_text=_("A smaller balance left on a period (a rounding, a cent) is tolerated."),
        **MONEY,
    )
    down_payment_days = models.PositiveSmallIntegerField(
        _("days after signing to pay the down payment"),
        default=30,
        help_text=_("A signed agreement whose down payment is still unpaid then lapses."),
    )
    warning_days = models.PositiveSmallIntegerField(
        _("warn this many days before an installment falls due"), default=3
    )
    allocation_order = models.CharField(
        _("order of settling the debt"),
        max_length=15,
        choices=AllocationOrder,
        default=AllocationOrder.PERIOD_FIRST,
    )

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("agreement policy")
        verbose_name_plural = _("agreement policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_down_payment_pct__gte=0) & Q(min_down_payment_pct__lte=100),
                name="policy_down_payment_pct_0_100",
            ),
            models.CheckConstraint(
                condition=Q(breach_installments__gte=1), name="policy_breach_installments_ge_1"
            ),
            models.CheckConstraint(
                condition=Q(new_arrears_periods__gte=1), name="policy_new_arrears_periods_ge_1"
            ),
            models.CheckConstraint(
                condition=Q(new_arrears_min_balance__gte=0),
                name="policy_new_arrears_min_balance_ge_0",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # One definition of "overdue" and of the breach day, for the nightly jobs (which
    # store `overdue_since` and count the days overdue from it) and for the clause the
    # employer signs (which prints these numbers).
    @property
    def overdue_from_day(self) -> int:
        """An installment is overdue from this day after its due date (day 0): the day
        after its grace days; the marking job stores due date + this as overdue_since."""
        return self.grace_days + 1

    @property
    def breach_day(self) -> int:
        """The day after its due date on which one unpaid installment breaches the
        agreement: it has then been overdue more than breach_days days."""
        return self.overdue_from_day + self.breach_days

    @classmethod
    def in_force(cls, day: datetime.date) -> "AgreementPolicy | None":
        return (
            cls.objects.filter(valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-valid_from")
            .first()
        )

    def max_installments(self, debt) -> int:
        tier = self.tiers.filter(up_to_debt__gte=debt).order_by("up_to_debt").first()
        return tier.max_installments if tier else 0


class PolicyTier(models.Model):
    policy = models.ForeignKey(AgreementPolicy, on_delete=models.CASCADE, related_name="tiers")
    up_to_debt = models.DecimalField(_("debt up to"), **MONEY)
    max_installments = models.PositiveSmallIntegerField(_("maximum installments"))

    class Meta:
        ordering = ["up_to_debt"]
        verbose_name = _("policy tier")
        verbose_name_plural = _("policy tiers")

    def __str__(self) -> str:
        return f"≤ ${self.up_to_debt}: {self.max_installments}"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    LEGALIZED = "legalized", _("Legalized")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    BREACHED = "breached", _("Breached")
    REFERRED = "referred", _("Referred to the Legal Unit")
    CANCELLED = "cancelled", _("Cancelled")
    LAPSED = "lapsed", _("Lapsed (down payment unpaid)")
    RETURNED = "returned", _("Closed: returned by the Legal Unit")


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    AgreementStatus.DRAFT: {AgreementStatus.SIGNED, AgreementStatus.CANCELLED},
    # Lapsed: by the nightly job, when the down payment is not paid in time.
    AgreementStatus.SIGNED: {
        AgreementStatus.LEGALIZED,
        AgreementStatus.CANCELLED,
        AgreementStatus.LAPSED,
    },
    AgreementStatus.LEGALIZED: {
        AgreementStatus.ACTIVE,
        AgreementStatus.CANCELLED,
        AgreementStatus.LAPSED,
    },
    AgreementStatus.ACTIVE: {AgreementStatus.COMPLETED, AgreementStatus.BREACHED},
    AgreementStatus.BREACHED: {AgreementStatus.REFERRED},
    # Reopened: a payment that completed it was reversed (agreements.payments).
    AgreementStatus.COMPLETED: {AgreementStatus.ACTIVE},
    # Returned: the Legal Unit gave the case back (legal's return service).
    AgreementStatus.REFERRED: {AgreementStatus.RETURNED},
    AgreementStatus.CANCELLED: set(),
    AgreementStatus.LAPSED: set(),
    AgreementStatus.RETURNED: set(),
}


# Taken only by a service, never offered as an action on the agreement's page.
SERVICE_ONLY = {(AgreementStatus.COMPLETED, AgreementStatus.ACTIVE)}


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    BIWEEKLY = "biweekly", _("Every two weeks")


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AgreementQuerySet":
        if user.is_authenticated and user.role == Role.LEGAL:
            return self.filter(status=AgreementStatus.REFERRED)
        return scope_to_branch(self, user, branch_field="branch")

    def with_progress(self) -> "AgreementQuerySet":
        """Annotate what was paid, the next due date and the overdue installments."""
        unpaid = Q(installments__paid_amount__lt=F("installments__amount"))
        return self.annotate(
            paid=Coalesce(Sum("installments__paid_amount"), Value(ZERO)),
            next_due=Min("installments__due_date", filter=unpaid),
            overdue=Count("installments", filter=Q(installments__status="overdue")),
        )


@history.track()
class PaymentAgreement(models.Model):
    """A payment plan (convenio de pago) signed with the employer."""

    case = models.ForeignKey(
        "recovery.RecoveryCase", on_delete=models.PROTECT, related_name="agreements"
    )
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="agreements"
    )
    branch = models.ForeignKey("people.Branch", on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(AgreementPolicy, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus, default=AgreementStatus.DRAFT
    )
    total_amount = models.DecimalField(_("amount agreed"), **MONEY)
    down_payment = models.DecimalField(_("down payment"), **MONEY)
    installments_count = models.PositiveSmallIntegerField(_("installments"))
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency, default=Frequency.MONTHLY
    )
    first_due_date = models.DateField(_("first installment due"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    legalized_on = models.DateField(_("legalized"), null=True, blank=True)
    notary = models.CharField(_("notary"), max_length=150, blank=True)
    protocol = models.CharField(_("protocol data"), max_length=200, blank=True)
    legal_document = models.FileField(_("scanned document"), upload_to="agreements/", blank=True)
    activated_on = models.DateField(_("in force since"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    breached_on = models.DateField(_("breached"), null=True, blank=True)
    breach_reason = models.TextField(_("breach"), blank=True, max_length=REASON_MAX_CHARS)
    cancel_reason = models.TextField(
        _("cancellation reason"), blank=True, max_length=REASON_MAX_CHARS
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment agreement")
        verbose_name_plural = _("payment agreements")
        permissions = [
            ("approve_agreement", _("Can approve payment agreements")),
            # Given by the administrator to a person (the division head, another head):
            # the second approver of an agreement only a department head may approve,
            # when the department head drafted it.
            ("approve_as_second", _("Can approve any agreement as the second approver")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(down_payment__gte=0) & Q(down_payment__lte=F("total_amount")),
                name="agreement_down_payment_within_total",
            ),
            models.CheckConstraint(
                condition=Q(installments_count__gte=1), name="agreement_installments_ge_1"
            ),
        ]
        indexes = [models.Index(fields=["status", "branch"], name="agreement_status_branch_idx")]

    def __str__(self) -> str:
        return _("Agreement %(number)s · %(employer)s") % {
            "number": self.pk,
            "employer": self.employer.legal_name,
        }

    @property
    def allowed_transitions(self) -> list[str]:
        return [
            s
            for s in AgreementStatus
            if s in ALLOWED_TRANSITIONS[self.status] and (self.status, s) not in SERVICE_ONLY
        ]

    @property
    def needs_approval(self) -> bool:
        return self.total_amount > self.policy.approval_threshold and self.approved_by_id is None

    @property
    def approver(self) -> str:
        """Who must approve it: the policy's approver, or the department head above
        the policy's higher limit."""
        limit = self.policy.head_approval_threshold
        if limit is not None and self.total_amount > limit:
            return Approver.DEPARTMENT_HEAD
        return self.policy.approver


class AgreementPeriod(models.Model):
    """A period the agreement covers, with its amounts by concept when agreed."""

    agreement = models.ForeignKey(
        PaymentAgreement, on_delete=models.CASCADE, related_name="periods"
    )
    period = models.ForeignKey(
        "employers.ContributionPeriod", on_delete=models.PROTECT, related_name="+"
    )
    contributions = models.DecimalField(_("contributions"), **MONEY)
    fines = models.DecimalField(_("fines"), **MONEY)
    surcharges = models.DecimalField(_("surcharges"), **MONEY)

    class Meta:
        ordering = ["period__period"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "period"], name="agreement_period_once")
        ]

    def __str__(self) -> str:
        return f"{self.period.period:%m/%Y}"


class InstallmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")


class Installment(models.Model):
    agreement = models.ForeignKey(
        PaymentAgreement, on_delete=models.CASCADE, related_name="installments"
    )
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("0 is the down payment."))
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_amount = models.DecimalField(_("paid"), default=ZERO, **MONEY)
    status = models.CharField(
        _("status"), max_length=12, choices=InstallmentStatus, default=InstallmentStatus.PENDING
    )
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    warned_on = models.DateField(_("warning sent"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="installment_number_once"),
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & Q(paid_amount__gte=0)
                & Q(paid_amount__lte=F("amount")),
                name="installment_paid_within_amount",
            ),
        ]
        indexes = [
            # The nightly job looks only at unpaid installments of active agreements.
            models.Index(
                fields=["due_date"],
                condition=Q(status__in=["pending", "partly_paid", "overdue"]),
                name="installment_unpaid_due_idx",
            ),
            models.Index(
                fields=["agreement"],
                condition=Q(status="overdue"),
                name="installment_overdue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}: ${self.amount} {self.due_date:%d/%m/%Y}"

    @property
    def balance(self):
        return self.amount - self.paid_amount


class Payment(models.Model):
    """A payment received for an agreement, with the account system's receipt number."""

    agreement = models.ForeignKey(
        PaymentAgreement, on_delete=models.PROTECT, related_name="payments"
    )
    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True)
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    unallocated = models.DecimalField(
        _("over-payment"),
        default=ZERO,
        help_text=_("What the installments could not take: to be refunded or applied."),
        **MONEY,
    )
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reversal_reason = models.TextField(
        _("reversal reason"), blank=True, max_length=REASON_MAX_CHARS
    )

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} ${self.amount}"


class InstallmentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    installment = models.ForeignKey(
        Installment, on_delete=models.PROTECT, related_name="allocations"
    )
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.installment.number}: ${self.amount}"


class Concept(models.TextChoices):
    CONTRIBUTIONS = "contributions", _("Contributions")
    FINES = "fines", _("Fines")
    SURCHARGES = "surcharges", _("Surcharges")


class ConceptAllocationQuerySet(models.QuerySet):
    def live(self, recorded_after: datetime.datetime | None = None) -> "ConceptAllocationQuerySet":
        """Allocations of payments not reversed; with `recorded_after`, only those of
        payments recorded since (the account system's last export): what its balances
        do not show yet. The one definition the statement and new agreements net."""
        allocations = self.filter(payment__reversed_at__isnull=True)
        if recorded_after is not None:
            allocations = allocations.filter(payment__recorded_at__gt=recorded_after)
        return allocations


class ConceptAllocation(models.Model):
    """Which part of the debt (period and concept) a payment settled."""

    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="concept_allocations"
    )
    agreement_period = models.ForeignKey(
        AgreementPeriod, on_delete=models.PROTECT, related_name="allocations"
    )
    concept = models.CharField(_("concept"), max_length=15, choices=Concept)
    amount = models.DecimalField(_("amount"), **MONEY)

    objects = ConceptAllocationQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.agreement_period} {self.concept}: ${self.amount}"


class AgreementEventKind(models.TextChoices):
    CREATED = "created", _("Drafted")
    CHANGED = "changed", _("Terms changed")
    APPROVED = "approved", _("Approved")
    STATUS = "status", _("Status change")
    PAYMENT = "payment", _("Payment")
    REVERSAL = "reversal", _("Payment reversed")


class AgreementEvent(TimelineEvent):
    """The agreement's timeline: drafted, changed, approved, each status, payments."""

    agreement = models.ForeignKey(
        PaymentAgreement, on_delete=models.CASCADE, related_name="timeline"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementEventKind)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")
