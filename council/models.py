"""The Board of Directors' path: settlement requests (pay the contributions, have the
fines and surcharges waived) and discharges, their documents and draft resolution, the
Board's sessions and the submissions sent to them, the resolutions, the waivers and
their application to the employer account, and the dispatch of the files to the
archive."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agreements.models import PaymentAgreement
from core import history
from core.models import TimelineEvent
from core.money import MONEY, ZERO
from core.text import NOTE_MAX_CHARS, REASON_MAX_CHARS
from employers.models import ArrearsImport, ContributionPeriod, Employer
from people.access import scope_to_branch
from people.roles import Role
from recovery.models import RecoveryCase

# The draft resolution can be long (many periods); the page and the PDF print it whole.
DRAFT_MAX_CHARS = 20_000


class RequestKind(models.TextChoices):
    SETTLEMENT = "settlement", _("Payment by transaction (waiver of fines and surcharges)")
    DISCHARGE = "discharge", _("Discharge (descargo)")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    REVIEW = "review", _("Under review")
    INCOMPLETE = "incomplete", _("Incomplete: returned to the employer")
    READY = "ready", _("Ready for the Board")
    SUBMITTED = "submitted", _("Submitted to the Board")
    APPROVED = "approved", _("Approved")
    APPROVED_CHANGES = "approved_changes", _("Approved with changes")
    REJECTED = "rejected", _("Rejected")
    APPLIED = "applied", _("Applied")
    ARCHIVED = "archived", _("Archived")


# The one table of the request's states; the services refuse anything else and the
# pages ask it which actions to show.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    RequestStatus.RECEIVED: {RequestStatus.REVIEW},
    RequestStatus.REVIEW: {RequestStatus.INCOMPLETE, RequestStatus.READY},
    # The employer brings what was missing: the request is reviewed again.
    RequestStatus.INCOMPLETE: {RequestStatus.REVIEW},
    # Taken back before it is sent (an import changed the amounts).
    RequestStatus.READY: {RequestStatus.SUBMITTED, RequestStatus.REVIEW},
    RequestStatus.SUBMITTED: {
        RequestStatus.APPROVED,
        RequestStatus.APPROVED_CHANGES,
        RequestStatus.REJECTED,
    },
    RequestStatus.APPROVED: {RequestStatus.APPLIED},
    RequestStatus.APPROVED_CHANGES: {RequestStatus.APPLIED},
    RequestStatus.REJECTED: {RequestStatus.ARCHIVED},
    RequestStatus.APPLIED: {RequestStatus.ARCHIVED},
    RequestStatus.ARCHIVED: set(),
}

# States in which the request's periods, amounts and draft may still be edited.
EDITABLE_STATUSES = frozenset(
    {RequestStatus.RECEIVED, RequestStatus.REVIEW, RequestStatus.INCOMPLETE}
)
APPROVED_STATUSES = frozenset({RequestStatus.APPROVED, RequestStatus.APPROVED_CHANGES})


class PaymentTerms(models.TextChoices):
    AT_ONCE = "at_once", _("Paid at once")
    AGREEMENT = "agreement", _("Through a payment agreement")


class SessionKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    EXTRAORDINARY = "extraordinary", _("Extraordinary")


class DocumentType(models.Model):
    """A document the request's file needs (request letter, credentials, NIT/DUI,
    proof of payment...): the checklist, kept in the admin."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(
        _("for"), max_length=10, choices=RequestKind, default=RequestKind.SETTLEMENT
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "order", "name"]
        verbose_name = _("request document type")
        verbose_name_plural = _("request document types")

    def __str__(self) -> str:
        return self.name


class DraftTemplate(models.Model):
    """The text of the draft resolution (anteproyecto de acuerdo) the department keeps,
    one per kind of request, with placeholders filled from the request."""

    kind = models.CharField(_("for"), max_length=10, choices=RequestKind, unique=True)
    text = models.TextField(_("text"), max_length=DRAFT_MAX_CHARS)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("draft resolution template")
        verbose_name_plural = _("draft resolution templates")

    def __str__(self) -> str:
        return RequestKind(self.kind).label


class SettlementRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> SettlementRequestQuerySet:
        if user.is_authenticated and user.role in (Role.LEGAL, Role.SECRETARY):
            return self.none()
        return scope_to_branch(self, user, branch_field="branch")

    def with_totals(self) -> SettlementRequestQuerySet:
        money = models.DecimalField(**MONEY)
        sums = {
            "total_contributions": "periods__contributions",
            "total_fines": "periods__fines",
            "total_surcharges": "periods__surcharges",
        }
        return self.annotate(
            **{
                name: models.functions.Coalesce(models.Sum(field), ZERO, output_field=money)
                for name, field in sums.items()
            }
        )


@history.track()
class SettlementRequest(models.Model):
    """A request to the Board: to pay by transaction with fines and surcharges waived,
    or to discharge an employer that met its commitments."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=RequestKind, default=RequestKind.SETTLEMENT
    )
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+"
    )
    branch = models.ForeignKey(
        "people.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        RecoveryCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_on = models.DateField(_("received"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus, default=RequestStatus.RECEIVED
    )
    payment_terms = models.CharField(
        _("payment terms"), max_length=10, choices=PaymentTerms, default=PaymentTerms.AT_ONCE
    )
    agreement = models.ForeignKey(
        PaymentAgreement,
        verbose_name=_("payment agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    draft_text = models.TextField(_("draft resolution"), blank=True, max_length=DRAFT_MAX_CHARS)
    contents_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contents checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contents_checked_at = models.DateTimeField(_("contents checked"), null=True, blank=True)
    documents_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("documents checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    documents_checked_at = models.DateTimeField(_("documents checked"), null=True, blank=True)
    submission = models.ForeignKey(
        "council.Submission",
        verbose_name=_("submission"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    resolution_number = models.CharField(_("resolution"), max_length=40, blank=True)
    resolution_date = models.DateField(_("resolution date"), null=True, blank=True)
    outcome_note = models.TextField(_("Board's note"), blank=True, max_length=REASON_MAX_CHARS)
    applied_on = models.DateField(_("applied"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("application recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    dispatch = models.ForeignKey(
        "council.ArchiveDispatch",
        verbose_name=_("archive dispatch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    notes = models.TextField(_("notes"), blank=True, max_length=NOTE_MAX_CHARS)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SettlementRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("Board request")
        verbose_name_plural = _("Board requests")
        permissions = [
            ("review_settlementrequest", _("Can review Board requests")),
            ("decide_settlementrequest", _("Can submit Board requests and record outcomes")),
            ("apply_settlementrequest", _("Can record the application of waivers")),
            ("archive_settlementrequest", _("Can dispatch Board files to the archive")),
        ]
        constraints = [
            # A resolution number names one Board decision.
            models.UniqueConstraint(
                fields=["resolution_number"],
                condition=~Q(resolution_number=""),
                name="request_resolution_unique",
            ),
            models.CheckConstraint(
                condition=Q(payment_terms="at_once") | Q(agreement__isnull=False),
                name="request_agreement_terms",
            ),
        ]
        indexes = [models.Index(fields=["status", "branch"], name="request_status_idx")]

    def __str__(self) -> str:
        return _("Request %(number)s") % {"number": self.number}

    @property
    def allowed_transitions(self) -> set[str]:
        return ALLOWED_TRANSITIONS.get(self.status, set())

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class RequestPeriod(models.Model):
    """One period of a settlement request: the contributions the employer pays and the
    fines and surcharges it asks to have waived, proposed from the statement. The
    database refuses amounts above what the period owes (trigger
    council_request_period_within, migration 0001), and `*_owed` keeps what the period
    owed when proposed: a later import that changes it makes the request stale."""

    request = models.ForeignKey(SettlementRequest, on_delete=models.CASCADE, related_name="periods")
    period = models.ForeignKey(
        ContributionPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+"
    )
    contributions = models.DecimalField(_("contributions to pay"), **MONEY)
    fines = models.DecimalField(_("fines to waive"), **MONEY)
    surcharges = models.DecimalField(_("surcharges to waive"), **MONEY)
    fines_owed = models.DecimalField(_("fines owed"), **MONEY)
    surcharges_owed = models.DecimalField(_("surcharges owed"), **MONEY)
    fines_approved = models.DecimalField(_("fines approved"), null=True, blank=True, **MONEY)
    surcharges_approved = models.DecimalField(
        _("surcharges approved"), null=True, blank=True, **MONEY
    )

    class Meta:
        ordering = ["period__period"]
        verbose_name = _("request period")
        verbose_name_plural = _("request periods")
        constraints = [
            models.UniqueConstraint(fields=["request", "period"], name="request_period_once"),
            models.CheckConstraint(
                condition=Q(contributions__gte=0)
                & Q(fines__gte=0)
                & Q(surcharges__gte=0)
                & Q(fines__lte=F("fines_owed"))
                & Q(surcharges__lte=F("surcharges_owed")),
                name="request_period_amounts",
            ),
            # The Board may approve less than was asked, never more.
            models.CheckConstraint(
                condition=(Q(fines_approved__isnull=True) | Q(fines_approved__gte=0))
                & (Q(fines_approved__isnull=True) | Q(fines_approved__lte=F("fines")))
                & (Q(surcharges_approved__isnull=True) | Q(surcharges_approved__gte=0))
                & (
                    Q(surcharges_approved__isnull=True)
                    | Q(surcharges_approved__lte=F("surcharges"))
                ),
                name="request_period_approved_le_asked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period.period:%m/%Y}"

    @property
    def waived(self) -> Decimal:
        return self.fines + self.surcharges

    @property
    def is_stale(self) -> bool:
        """The account shows the period's fines or surcharges differently than when it
        was proposed (a newer import changed them)."""
        return (
            self.fines_owed != self.period.fines or self.surcharges_owed != self.period.surcharges
        )

    @property
    def waived_approved(self) -> Decimal | None:
        if self.fines_approved is None:
            return None
        return self.fines_approved + self.surcharges_approved


def line_totals(lines) -> dict[str, Decimal]:
    """A request's totals from its periods: contributions, fines, surcharges, waived."""
    lines = list(lines)
    fines = sum((line.fines for line in lines), ZERO)
    surcharges = sum((line.surcharges for line in lines), ZERO)
    return {
        "contributions": sum((line.contributions for line in lines), ZERO),
        "fines": fines,
        "surcharges": surcharges,
        "waived": fines + surcharges,
    }


class RequestDocument(models.Model):
    request = models.ForeignKey(
        SettlementRequest, on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT)
    file = models.FileField(_("file"), upload_to="council/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    is_missing = models.BooleanField(_("missing"), default=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("request document")
        verbose_name_plural = _("request documents")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "document_type"], name="request_document_once"
            )
        ]

    def __str__(self) -> str:
        return self.document_type.name


class RequestEventKind(models.TextChoices):
    CREATED = "created", _("Request received")
    STATUS = "status", _("Status changed")
    DOCUMENT = "document", _("Document")
    AMOUNTS = "amounts", _("Amounts changed")
    DRAFT = "draft", _("Draft resolution")
    CHECK = "check", _("Review")
    OUTCOME = "outcome", _("Board's resolution")
    WAIVER = "waiver", _("Waiver")


class RequestEvent(TimelineEvent):
    request = models.ForeignKey(
        SettlementRequest, on_delete=models.CASCADE, related_name="timeline"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RequestEventKind)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("request event")
        verbose_name_plural = _("request events")


@history.track()
class BoardSession(models.Model):
    """A session of the Consejo Directivo."""

    number = models.CharField(_("session number"), max_length=20, unique=True)
    date = models.DateField(_("date"))
    kind = models.CharField(
        _("kind"), max_length=13, choices=SessionKind, default=SessionKind.ORDINARY
    )
    notes = models.TextField(_("notes"), blank=True, max_length=NOTE_MAX_CHARS)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("Board session")
        verbose_name_plural = _("Board sessions")

    def __str__(self) -> str:
        return _("Session %(number)s of %(date)s") % {
            "number": self.number,
            "date": f"{self.date:%d/%m/%Y}",
        }


@history.track()
class Submission(models.Model):
    """The requests the department sends to one session, with a cover memo."""

    session = models.ForeignKey(
        BoardSession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    number = models.CharField(_("memo number"), max_length=30, unique=True)
    sent_on = models.DateField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    memo = models.TextField(_("cover memo"), blank=True, max_length=NOTE_MAX_CHARS)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("submission to the Board")
        verbose_name_plural = _("submissions to the Board")

    def __str__(self) -> str:
        return self.number


@history.track()
class ArchiveDispatch(models.Model):
    """Resolutions and request files sent to the archive, with a memo."""

    number = models.CharField(_("dispatch number"), max_length=30, unique=True)
    sent_on = models.DateField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True, max_length=NOTE_MAX_CHARS)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("archive dispatch")
        verbose_name_plural = _("archive dispatches")

    def __str__(self) -> str:
        return self.number


class WaiverStatus(models.TextChoices):
    PENDING = "pending", _("Approved, pending application")
    APPLIED = "applied", _("Applied in the account")
    REVOKED = "revoked", _("Revoked")


class WaiverQuerySet(models.QuerySet):
    def visible_to(self, user) -> WaiverQuerySet:
        if user.is_authenticated and user.role in (Role.LEGAL, Role.SECRETARY):
            return self.none()
        return scope_to_branch(self, user, branch_field="request__branch")

    def outstanding(self) -> WaiverQuerySet:
        """What the account system does not reflect yet: waivers approved and not
        applied (the balance is lower than it shows), and waivers revoked after the
        account had applied them (higher), until an import shows them back."""
        return self.filter(
            Q(status=WaiverStatus.PENDING)
            | Q(status=WaiverStatus.REVOKED, applied_at__isnull=False, reinstated_at__isnull=True)
        )


@history.track()
class Waiver(models.Model):
    """The fines and surcharges the Board waived on one period. The employer account
    system stays the source of truth: Recupera records the waiver, shows the balance
    after it, exports it for the account system, and marks it applied when an import
    shows the period reduced by it (never subtracting it twice)."""

    request = models.ForeignKey(SettlementRequest, on_delete=models.PROTECT, related_name="waivers")
    request_period = models.OneToOneField(
        RequestPeriod, on_delete=models.PROTECT, related_name="waiver"
    )
    period = models.ForeignKey(
        ContributionPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+"
    )
    fines = models.DecimalField(_("fines waived"), **MONEY)
    surcharges = models.DecimalField(_("surcharges waived"), **MONEY)
    # What the period owed when the waiver was recorded: the import that shows these
    # reduced by the waiver is its evidence of application.
    fines_before = models.DecimalField(_("fines before"), **MONEY)
    surcharges_before = models.DecimalField(_("surcharges before"), **MONEY)
    # Granted on condition of this agreement: revoked if it breaches.
    condition_agreement = models.ForeignKey(
        PaymentAgreement,
        verbose_name=_("on condition of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=WaiverStatus, default=WaiverStatus.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_import = models.ForeignKey(
        ArrearsImport,
        verbose_name=_("applied by the import"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_note = models.CharField(_("application note"), max_length=255, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("why revoked"), max_length=255, blank=True)
    reinstated_at = models.DateTimeField(_("reinstated in the account"), null=True, blank=True)

    objects = WaiverQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("waiver")
        verbose_name_plural = _("waivers")
        constraints = [
            models.CheckConstraint(
                condition=Q(fines__gte=0)
                & Q(surcharges__gte=0)
                & Q(fines__lte=F("fines_before"))
                & Q(surcharges__lte=F("surcharges_before")),
                name="waiver_within_owed",
            ),
            models.CheckConstraint(
                condition=~Q(status="applied") | Q(applied_at__isnull=False),
                name="waiver_applied_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "period"], name="waiver_status_idx")]

    def __str__(self) -> str:
        return f"{self.request.number} {self.period.period:%m/%Y}"

    @property
    def amount(self) -> Decimal:
        return self.fines + self.surcharges
