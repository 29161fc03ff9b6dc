"""The agents' work on a case: follow-ups, attachments, promises, base documents."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import history
from core.money import MONEY
from core.text import NOTE_MAX_CHARS
from recovery.models.cases import LetterKind, RecoveryCase


class FollowUpKind(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


class FollowUpOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NOT_REACHED = "not_reached", _("Not reached")
    REFUSED = "refused", _("Refused to pay")
    PROMISED = "promised", _("Promised to pay")
    PAID = "paid", _("Says it paid")
    WRONG_DATA = "wrong_data", _("Wrong contact data")
    SENT = "sent", _("Sent / delivered")


class FollowUp(models.Model):
    """A recorded collection action (gestión de cobro)."""

    case = models.ForeignKey(RecoveryCase, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("kind"), max_length=10, choices=FollowUpKind)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=FollowUpOutcome)
    notes = models.TextField(_("notes"), blank=True, max_length=NOTE_MAX_CHARS)
    next_action = models.CharField(_("next action"), max_length=200, blank=True)
    next_action_on = models.DateField(_("next action on"), null=True, blank=True)
    letter = models.CharField(_("letter"), max_length=20, choices=LetterKind, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["case", "occurred_at"], name="followup_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_outcome_display()}"


class Attachment(models.Model):
    """A file attached to a follow-up, stored outside the static tree."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="followups/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class PromiseStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    KEPT = "kept", _("Kept")
    PARTLY_KEPT = "partly_kept", _("Partly kept")
    BROKEN = "broken", _("Broken")


@history.track()
class PaymentPromise(models.Model):
    """The employer promises to pay an amount by a date; checked on that date."""

    case = models.ForeignKey(RecoveryCase, on_delete=models.CASCADE, related_name="promises")
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.PROTECT, null=True, blank=True, related_name="promises"
    )
    amount = models.DecimalField(_("amount promised"), **MONEY)
    promised_on = models.DateField(_("promised for"))
    # What the account showed as paid when the promise was made: payments since then
    # are the difference.
    baseline_paid = models.DecimalField(_("paid when promised"), **MONEY)
    status = models.CharField(
        _("status"), max_length=12, choices=PromiseStatus, default=PromiseStatus.PENDING
    )
    paid_since = models.DecimalField(_("paid since the promise"), null=True, blank=True, **MONEY)
    evaluated_on = models.DateField(_("checked on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-promised_on", "-id"]
        verbose_name = _("payment promise")
        verbose_name_plural = _("payment promises")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_gt_0"),
        ]
        indexes = [
            models.Index(
                fields=["promised_on"],
                condition=Q(status="pending"),
                name="promise_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"${self.amount} · {self.promised_on:%d/%m/%Y}"


class DocumentRequirement(models.Model):
    """A document a case file needs (documentación base); the list is configurable."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("base document")
        verbose_name_plural = _("base documents")

    def __str__(self) -> str:
        return self.name


class CaseDocument(models.Model):
    case = models.ForeignKey(RecoveryCase, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(DocumentRequirement, on_delete=models.PROTECT)
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    is_missing = models.BooleanField(_("missing"), default=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        constraints = [
            models.UniqueConstraint(fields=["case", "requirement"], name="one_document_per_need")
        ]

    def __str__(self) -> str:
        return self.requirement.name
