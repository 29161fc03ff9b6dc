"""Cases referred to the Legal Unit: the referral, its judicial stages and timeline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.models import PaymentAgreement
from core import history
from core.models import TimelineEvent
from core.money import MONEY, ZERO
from core.text import NOTE_MAX_CHARS, REASON_MAX_CHARS
from people.access import scope_to_branch
from people.roles import Role
from recovery.models import RecoveryCase


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending acceptance")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned to the department")
    CLOSED = "closed", _("Closed")


class JudicialStage(models.TextChoices):
    PREPARATION = "preparation", _("Preparing the claim")
    FILED = "filed", _("Claim filed (proceso ejecutivo)")
    SERVED = "served", _("Employer served")
    SEIZURE = "seizure", _("Seizure (embargo)")
    JUDGMENT = "judgment", _("Judgment")
    ENFORCEMENT = "enforcement", _("Enforcement")
    SETTLED = "settled", _("Paid / settled")


# The stages at which the claim has been filed in court.
FILED_STAGES = [
    JudicialStage.FILED,
    JudicialStage.SERVED,
    JudicialStage.SEIZURE,
    JudicialStage.JUDGMENT,
    JudicialStage.ENFORCEMENT,
    JudicialStage.SETTLED,
]


class LegalReferralQuerySet(models.QuerySet):
    def visible_to(self, user) -> "LegalReferralQuerySet":
        if user.is_authenticated and user.role == Role.LEGAL:
            return self
        return scope_to_branch(self, user, branch_field="case__branch")


@history.track()
class LegalReferral(models.Model):
    """A case handed to the Legal Unit for judicial collection."""

    case = models.ForeignKey(RecoveryCase, on_delete=models.PROTECT, related_name="referrals")
    agreement = models.ForeignKey(
        PaymentAgreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus, default=ReferralStatus.PENDING
    )
    referred_on = models.DateField(_("referred"))
    debt = models.DecimalField(_("debt when referred"), **MONEY)
    reason = models.TextField(_("reason"), blank=True, max_length=REASON_MAX_CHARS)
    accepted_on = models.DateField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_reason = models.TextField(
        _("why it was returned"), blank=True, max_length=REASON_MAX_CHARS
    )
    judicial_stage = models.CharField(
        _("judicial stage"), max_length=12, choices=JudicialStage, blank=True
    )
    # The day the claim was filed in court: it interrupts the prescription of the
    # employer's periods then due. Set once, when the stage first reaches "filed".
    filed_on = models.DateField(_("claim filed on"), null=True, blank=True)
    amount_recovered = models.DecimalField(_("recovered"), default=ZERO, **MONEY)
    notes = models.TextField(_("notes"), blank=True, max_length=NOTE_MAX_CHARS)

    objects = LegalReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("legal referral")
        verbose_name_plural = _("legal referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["pending", "accepted"]),
                name="one_open_referral_per_case",
            ),
            models.CheckConstraint(
                condition=Q(amount_recovered__gte=0), name="referral_recovered_ge_0"
            ),
        ]

    def __str__(self) -> str:
        return _("Referral of case %(case)s") % {"case": self.case_id}


# The referral states and which may follow which; the services refuse anything else.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    ReferralStatus.PENDING: {ReferralStatus.ACCEPTED, ReferralStatus.RETURNED},
    ReferralStatus.ACCEPTED: {ReferralStatus.RETURNED, ReferralStatus.CLOSED},
    ReferralStatus.RETURNED: set(),
    ReferralStatus.CLOSED: set(),
}


class ReferralEventKind(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    PROGRESS = "progress", _("Progress recorded")
    PAYMENT = "payment", _("Payment received")


class ReferralEvent(TimelineEvent):
    """The referral's timeline: referred, accepted, progress, returned."""

    referral = models.ForeignKey(LegalReferral, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(_("kind"), max_length=12, choices=ReferralEventKind)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
