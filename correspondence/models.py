"""The department's correspondence: letters received from other units and outside
bodies, with their response deadline, and requests sent to other units with the date
an answer is expected; who has each, the response drafted from a template with its
number of the year's sequence, when it went out, and the item closed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import history
from core.models import TimelineEvent
from core.text import NOTE_MAX_CHARS
from employers.models import Employer
from people.access import scope_to_branch
from people.roles import Role
from recovery.models import RecoveryCase

BODY_MAX_CHARS = 20_000


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Received")
    OUTGOING = "outgoing", _("Request sent")


class SenderKind(models.TextChoices):
    INTERNAL = "internal", _("Unit of the institute")
    EXTERNAL = "external", _("Outside body")


class ItemStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Response drafted")
    SENT = "sent", _("Sent")
    CLOSED = "closed", _("Closed")


# The one table of the item's states.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    ItemStatus.REGISTERED: {ItemStatus.ASSIGNED, ItemStatus.CLOSED},
    ItemStatus.ASSIGNED: {ItemStatus.ASSIGNED, ItemStatus.ANSWERED, ItemStatus.CLOSED},
    ItemStatus.ANSWERED: {ItemStatus.ANSWERED, ItemStatus.SENT, ItemStatus.ASSIGNED},
    ItemStatus.SENT: {ItemStatus.CLOSED},
    ItemStatus.CLOSED: set(),
}


class ItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> ItemQuerySet:
        """The secretary registers and dispatches all of it; the national roles see
        all; a branch's staff see the items of their branch (those of no branch are
        the department's own)."""
        if user.is_authenticated and user.is_active and user.role == Role.SECRETARY:
            return self
        return scope_to_branch(self, user, branch_field="branch")

    def awaiting(self) -> ItemQuerySet:
        """What still waits on someone: a letter until its response is sent, a request
        sent until its answer comes (the item is closed)."""
        return self.exclude(status=ItemStatus.CLOSED).exclude(
            direction=Direction.INCOMING, status=ItemStatus.SENT
        )

    def overdue(self, today: datetime.date) -> ItemQuerySet:
        return self.awaiting().filter(deadline__lt=today)


@history.track()
class CorrespondenceItem(models.Model):
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction, default=Direction.INCOMING
    )
    reference = models.CharField(_("their reference"), max_length=60, blank=True)
    sender_kind = models.CharField(
        _("from or to"), max_length=10, choices=SenderKind, default=SenderKind.INTERNAL
    )
    counterpart = models.CharField(_("unit or body"), max_length=200)
    subject = models.CharField(_("subject"), max_length=300)
    dated_on = models.DateField(_("received or sent on"))
    deadline = models.DateField(_("response due"), null=True, blank=True)
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    case = models.ForeignKey(
        RecoveryCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    branch = models.ForeignKey(
        "people.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scan = models.FileField(_("scan"), upload_to="correspondence/%Y/%m/", blank=True)
    scan_name = models.CharField(_("file name"), max_length=255, blank=True)
    scan_type = models.CharField(max_length=100, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus, default=ItemStatus.REGISTERED
    )
    notes = models.TextField(_("notes"), blank=True, max_length=NOTE_MAX_CHARS)
    reminded_for = models.DateField(_("reminder sent for the deadline"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("correspondence item")
        verbose_name_plural = _("correspondence")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=models.F("dated_on")),
                name="item_deadline_after_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="item_open_deadline")]
        permissions = [
            ("assign_correspondenceitem", "Can assign and answer correspondence"),
            ("dispatch_correspondenceitem", "Can dispatch and close correspondence"),
        ]

    def __str__(self) -> str:
        return f"{self.counterpart}: {self.subject}"

    @property
    def is_awaiting(self) -> bool:
        return self.status != ItemStatus.CLOSED and not (
            self.direction == Direction.INCOMING and self.status == ItemStatus.SENT
        )

    def is_overdue(self, today: datetime.date) -> bool:
        return bool(self.deadline and self.is_awaiting and self.deadline < today)


class ReferenceSequence(models.Model):
    """The department's outgoing numbers, one sequence a year: DRP-2026-0001, ..."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ResponseTemplate(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    body = models.TextField(
        _("text"),
        max_length=BODY_MAX_CHARS,
        help_text=_(
            "Placeholders: {referencia}, {remitente}, {asunto}, {fecha}, {patrono}, "
            "{numero_patronal}, {fecha_limite}."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")

    def __str__(self) -> str:
        return self.name


@history.track()
class Response(models.Model):
    """The department's letter answering (or, for a request, making) an item."""

    item = models.ForeignKey(CorrespondenceItem, on_delete=models.CASCADE, related_name="responses")
    number = models.CharField(_("number"), max_length=20, unique=True)
    body = models.TextField(_("text"), max_length=BODY_MAX_CHARS)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    sent_on = models.DateField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return self.number


class ItemEventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    STATUS = "status", _("Status")
    ASSIGNED = "assigned", _("Assigned")
    RESPONSE = "response", _("Response")
    REMINDER = "reminder", _("Reminder")


class ItemEvent(TimelineEvent):
    item = models.ForeignKey(CorrespondenceItem, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(_("kind"), max_length=12, choices=ItemEventKind)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("correspondence event")
        verbose_name_plural = _("correspondence events")
