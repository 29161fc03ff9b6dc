"""The department's office work beside collections: the guidelines staff must read and
acknowledge, the meetings and their action items, the trainings with who attended, and
each new staff member's induction checklist."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import history
from people.access import scope_to_branch
from people.roles import Role
from reporting.models import RecoveryPlan

# Who must read the guidelines, be trained on the plan and may own action items: the
# collection staff (the head publishes and trains; the secretary has correspondence).
STAFF_ROLES = [Role.BRANCH_HEAD, Role.AGENT, Role.ADMIN_STAFF]
TEXT_MAX_CHARS = 20_000


def staff_visible_to(user):
    """The active collection staff `user` may see: every branch for the national roles,
    their own branch's for a branch head."""
    from people.models import User

    staff = User.objects.filter(is_active=True, groups__name__in=[r.value for r in STAFF_ROLES])
    return scope_to_branch(staff.distinct(), user, branch_field="branch").order_by(
        "branch__code", "first_name", "last_name"
    )


class GuidelineKind(models.TextChoices):
    GUIDELINE = "guideline", _("Guideline")
    PROCEDURE = "procedure", _("Procedure")
    MANUAL = "manual", _("Organization manual")


class GuidelineQuerySet(models.QuerySet):
    def current(self) -> GuidelineQuerySet:
        """The versions in force: those no later version replaced."""
        return self.filter(superseded_by__isnull=True)


@history.track()
class Guideline(models.Model):
    """One published version of a guideline, procedure or the Manual de Organización."""

    kind = models.CharField(_("kind"), max_length=12, choices=GuidelineKind)
    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=20)
    summary = models.TextField(_("what changes"), max_length=TEXT_MAX_CHARS)
    document = models.FileField(_("document"), upload_to="office/guidelines/%Y/")
    document_name = models.CharField(_("file name"), max_length=255)
    document_type = models.CharField(max_length=100)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )

    objects = GuidelineQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")
        permissions = [("acknowledge_guideline", _("Can acknowledge having read a guideline"))]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Acknowledgement(models.Model):
    guideline = models.ForeignKey(
        Guideline, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("read on"), auto_now_add=True)

    class Meta:
        ordering = ["acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["guideline", "user"], name="acknowledged_once")
        ]

    def __str__(self) -> str:
        return f"{self.guideline_id}: {self.user_id}"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingQuerySet:
        """National roles see every meeting; a branch head or agent those of their
        branch and the department's (no branch) they attended or own an item of."""
        from people.access import sees_all_branches

        if sees_all_branches(user):
            return self
        if not user.is_authenticated or not user.is_active or user.role not in STAFF_ROLES:
            return self.none()
        mine = Q(attendees=user) | Q(action_items__owner=user)
        return self.filter(Q(branch_id=user.branch_id) | mine).distinct()


class Meeting(models.Model):
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place or link"), max_length=200, blank=True)
    branch = models.ForeignKey(
        "people.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: a meeting of the whole department."),
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), related_name="+"
    )
    minutes = models.TextField(_("minutes"), max_length=TEXT_MAX_CHARS, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ActionItemQuerySet(models.QuerySet):
    def open(self) -> ActionItemQuerySet:
        return self.filter(status=ActionStatus.OPEN)

    def overdue(self, today: datetime.date) -> ActionItemQuerySet:
        return self.open().filter(due_on__lt=today)


@history.track()
class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    what = models.CharField(_("what"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=6, choices=ActionStatus, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", done_at__isnull=True)
                | Q(status="done", done_at__isnull=False),
                name="action_done_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.what

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < today


class Training(models.Model):
    topic = models.CharField(_("topic"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    trainer = models.CharField(_("trainer"), max_length=200)
    plan = models.ForeignKey(
        RecoveryPlan,
        verbose_name=_("recovery plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The approved plan whose strategies and policies it trains on."),
    )
    material = models.FileField(_("material"), upload_to="office/trainings/%Y/", blank=True)
    material_name = models.CharField(_("file name"), max_length=255, blank=True)
    material_type = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="", online_link=""), name="training_place_or_link"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.starts_at:%d/%m/%Y})"


@history.track()
class Invitation(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # None until the attendance is recorded.
    attended = models.BooleanField(_("attended"), null=True)

    class Meta:
        ordering = ["user__branch__code", "user__first_name", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["training", "user"], name="invited_once")]

    def __str__(self) -> str:
        return f"{self.training_id}: {self.user_id}"


class InductionItem(models.Model):
    """One step of the induction plan every new staff member goes through."""

    title = models.CharField(_("step"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("induction step")
        verbose_name_plural = _("induction steps")

    def __str__(self) -> str:
        return self.title


class Induction(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="induction"
    )
    started_on = models.DateField(_("started"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("induction")
        verbose_name_plural = _("inductions")

    def __str__(self) -> str:
        return str(self.user)


@history.track()
class InductionTask(models.Model):
    induction = models.ForeignKey(Induction, on_delete=models.CASCADE, related_name="tasks")
    item = models.ForeignKey(InductionItem, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["item__order", "item__pk"]
        constraints = [
            models.UniqueConstraint(fields=["induction", "item"], name="induction_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.induction_id}: {self.item_id}"


class Rating(models.IntegerChoices):
    UNSATISFACTORY = 1, _("1 · Unsatisfactory")
    NEEDS_IMPROVEMENT = 2, _("2 · Needs improvement")
    GOOD = 3, _("3 · Good")
    VERY_GOOD = 4, _("4 · Very good")
    EXCELLENT = 5, _("5 · Excellent")


# The criteria the evaluator rates, besides the figures of the staff member's work.
CRITERIA = {
    "follow_up_quality": _("Quality and timeliness of the follow-ups"),
    "procedures": _("Knowledge and application of guidelines and procedures"),
    "deadlines": _("Meeting deadlines and action items"),
    "teamwork": _("Teamwork and dealing with employers"),
}


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, user) -> EvaluationQuerySet:
        """The head and the auditor see all; a branch head their branch's; each staff
        member their own."""
        from people.access import sees_all_branches

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role in (Role.DEPARTMENT_HEAD, Role.AUDITOR) or user.is_superuser:
            return self
        own = Q(person=user)
        if user.role == Role.BRANCH_HEAD and user.branch_id:
            return self.filter(own | Q(person__branch_id=user.branch_id))
        if sees_all_branches(user) or user.role in STAFF_ROLES:
            return self.filter(own)
        return self.none()


@history.track()
class StaffEvaluation(models.Model):
    """A staff member's evaluation for a period: the figures of their work as they were
    on the day it was made (frozen), the evaluator's ratings and comments, and the
    staff member's acknowledgement."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_month = models.DateField(_("from"))
    last_month = models.DateField(_("to"))
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made on"), auto_now_add=True)
    figures = models.JSONField(_("figures"), default=list)
    figures_as_of = models.DateField(_("figures as of"), null=True, blank=True)
    ratings = models.JSONField(_("ratings"), default=dict)
    overall = models.PositiveSmallIntegerField(_("overall"), choices=Rating)
    strengths = models.TextField(_("strengths"), max_length=TEXT_MAX_CHARS, blank=True)
    improvements = models.TextField(_("to improve"), max_length=TEXT_MAX_CHARS, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    staff_comment = models.TextField(
        _("staff member's comment"), max_length=TEXT_MAX_CHARS, blank=True
    )

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("staff evaluation")
        verbose_name_plural = _("staff evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "first_month", "last_month"], name="evaluated_once_a_period"
            ),
            models.CheckConstraint(
                condition=Q(first_month__lte=models.F("last_month")),
                name="evaluation_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.first_month:%m/%Y}–{self.last_month:%m/%Y}"

    def rating_lines(self) -> list[tuple[str, str]]:
        labels = dict(Rating.choices)
        return [
            (str(label), str(labels.get(self.ratings.get(key), "—")))
            for key, label in CRITERIA.items()
        ]
