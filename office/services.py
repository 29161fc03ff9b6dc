"""The office's writes: publish and acknowledge guidelines, meetings and their action
items, trainings with their invitations and attendance, inductions and their steps."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import add_months
from core.uploads import check_upload
from office.apps import (
    ACKNOWLEDGE,
    ADD_EVALUATION,
    ADD_GUIDELINE,
    ADD_INDUCTION,
    ADD_MEETING,
    ADD_TRAINING,
    CHANGE_ACTION,
    CHANGE_INDUCTION,
)
from office.models import (
    CRITERIA,
    STAFF_ROLES,
    Acknowledgement,
    ActionItem,
    ActionStatus,
    Guideline,
    Induction,
    InductionItem,
    InductionTask,
    Invitation,
    Meeting,
    StaffEvaluation,
    Training,
    staff_visible_to,
)
from people.access import sees_all_branches
from people.models import User
from people.notifications import Notice, notices_send
from people.roles import Role


def _require(actor: User, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied


def _notify(users: Iterable[User], title: str, body: str, url: str) -> int:
    return notices_send(
        notices=[Notice(user.pk, user.branch_id, title, body, url) for user in users]
    )


# Guidelines -------------------------------------------------------------------------


@transaction.atomic
def guideline_publish(
    *,
    actor: User,
    upload,
    kind: str,
    title: str,
    version: str,
    summary: str,
    supersedes: Guideline | None = None,
) -> Guideline:
    """Publish a version; a new version of a guideline in force replaces it, and every
    staff member must read it again."""
    _require(actor, ADD_GUIDELINE)
    if supersedes is not None:
        supersedes = Guideline.objects.select_for_update().get(pk=supersedes.pk)
        if Guideline.objects.filter(supersedes=supersedes).exists():
            raise ValidationError(_("That version was already replaced by a later one."))
    guideline = Guideline(
        kind=kind,
        title=title,
        version=version,
        summary=summary,
        published_by=actor,
        supersedes=supersedes,
        document_type=check_upload(upload),
        document_name=upload.name[:255],
        document=upload,
    )
    guideline.full_clean()
    guideline.save()
    _notify(
        staff_visible_to(actor),
        _("New guideline to read: %(title)s") % {"title": guideline},
        guideline.summary[:300],
        reverse("office:guideline_detail", args=[guideline.pk]),
    )
    return guideline


def must_read(user: User) -> bool:
    return user.is_active and user.role in STAFF_ROLES


# Who sees who has read a guideline, been trained, done their induction: the head,
# the branch heads (their branch) and the auditor.
OVERSEERS = {Role.DEPARTMENT_HEAD, Role.BRANCH_HEAD, Role.AUDITOR}


def oversees(user: User) -> bool:
    return user.is_superuser or user.role in OVERSEERS


def unread_guidelines(user: User) -> QuerySet[Guideline]:
    """The guidelines in force `user` has not acknowledged (none for those who need not)."""
    if not must_read(user):
        return Guideline.objects.none()
    read = Acknowledgement.objects.filter(guideline=OuterRef("pk"), user=user)
    return Guideline.objects.current().exclude(Exists(read)).order_by("published_at")


@transaction.atomic
def guideline_acknowledge(*, guideline: Guideline, actor: User) -> Acknowledgement:
    _require(actor, ACKNOWLEDGE)
    if not must_read(actor):
        raise ValidationError(_("Your role does not acknowledge guidelines."))
    if not Guideline.objects.current().filter(pk=guideline.pk).exists():
        raise ValidationError(_("This version was replaced: read the one in force."))
    acknowledgement, _created = Acknowledgement.objects.get_or_create(
        guideline=guideline, user=actor
    )
    return acknowledgement


def readers(guideline: Guideline, viewer: User) -> tuple[list, list[User]]:
    """(acknowledgements, staff who have not read it), of the staff `viewer` sees."""
    staff = staff_visible_to(viewer).select_related("branch")
    read = {
        ack.user_id: ack
        for ack in Acknowledgement.objects.filter(guideline=guideline, user__in=staff)
    }
    done, pending = [], []
    for person in staff:
        if person.pk in read:
            done.append((person, read[person.pk]))
        else:
            pending.append(person)
    return done, pending


def guideline_counts(guidelines: Iterable[Guideline], viewer: User) -> dict[int, tuple]:
    """guideline id -> (acknowledged, staff) among the staff `viewer` sees: one query."""
    staff = staff_visible_to(viewer)
    total = staff.count()
    rows = (
        Acknowledgement.objects.filter(guideline__in=list(guidelines), user__in=staff)
        .values("guideline")
        .annotate(n=Count("pk"))
    )
    counts = {row["guideline"]: row["n"] for row in rows}
    return {g.pk: (counts.get(g.pk, 0), total) for g in guidelines}


# Meetings and action items ------------------------------------------------------------


def meeting_branch_allowed(actor: User, branch) -> None:
    """The national roles hold any meeting; a branch head only their own branch's."""
    if not sees_all_branches(actor) and (branch is None or branch.pk != actor.branch_id):
        raise ValidationError(_("A branch head holds meetings of their own branch."))


def holds(meeting: Meeting, actor: User) -> bool:
    """Whether `actor` runs `meeting`: adds its action items and closes anyone's."""
    return actor.has_perm(ADD_MEETING) and (
        sees_all_branches(actor) or meeting.branch_id == actor.branch_id
    )


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    title: str,
    held_on: datetime.date,
    place: str,
    branch,
    minutes: str,
    attendees: Iterable[User],
    actions: Iterable[dict] = (),
) -> Meeting:
    """A meeting with its minutes and, each with an owner and a due date, its action
    items; the owners hear of theirs."""
    _require(actor, ADD_MEETING)
    meeting_branch_allowed(actor, branch)
    meeting = Meeting(
        title=title,
        held_on=held_on,
        place=place,
        branch=branch,
        minutes=minutes,
        created_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(list(attendees))
    for action in actions:
        action_add(meeting=meeting, actor=actor, **action)
    return meeting


def action_owners(actor: User) -> QuerySet[User]:
    return staff_visible_to(actor)


@transaction.atomic
def action_add(
    *, meeting: Meeting, actor: User, what: str, owner: User, due_on: datetime.date
) -> ActionItem:
    if not holds(meeting, actor):
        raise PermissionDenied
    if not action_owners(actor).filter(pk=owner.pk).exists():
        raise ValidationError(_("The owner must be a staff member you can see."))
    item = ActionItem(meeting=meeting, what=what, owner=owner, due_on=due_on)
    item.full_clean()
    item.save()
    _notify(
        [owner],
        _("Action item for you: %(what)s") % {"what": what[:120]},
        _("Due %(date)s, from the meeting %(meeting)s.")
        % {"date": due_on.strftime("%d/%m/%Y"), "meeting": meeting},
        reverse("office:meeting_detail", args=[meeting.pk]),
    )
    return item


def may_close(item: ActionItem, actor: User) -> bool:
    """The owner closes their own; the head, and the branch head of the meeting's
    branch, close anyone's."""
    if not actor.has_perm(CHANGE_ACTION):
        return False
    return item.owner_id == actor.pk or holds(item.meeting, actor)


@transaction.atomic
def action_done(*, item: ActionItem, actor: User, note: str = "") -> ActionItem:
    item = ActionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if not may_close(item, actor):
        raise PermissionDenied
    if item.status == ActionStatus.DONE:
        raise ValidationError(_("This action item is already done."))
    item.status = ActionStatus.DONE
    item.done_at = timezone.now()
    item.done_by = actor
    item.note = note[:500]
    item.save()
    return item


@transaction.atomic
def action_reopen(*, item: ActionItem, actor: User, note: str) -> ActionItem:
    item = ActionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if not may_close(item, actor):
        raise PermissionDenied
    if item.status == ActionStatus.OPEN:
        raise ValidationError(_("This action item is still open."))
    if not note.strip():
        raise ValidationError(_("Say why it is reopened."))
    item.status, item.done_at, item.done_by, item.note = ActionStatus.OPEN, None, None, note
    item.save()
    return item


def actions_visible_to(user: User) -> QuerySet[ActionItem]:
    if sees_all_branches(user):
        return ActionItem.objects.all()
    return ActionItem.objects.filter(
        Q(owner=user) | Q(meeting__in=Meeting.objects.visible_to(user))
    ).distinct()


# Trainings -------------------------------------------------------------------------------


@transaction.atomic
def training_plan(*, actor: User, upload=None, **fields) -> Training:
    _require(actor, ADD_TRAINING)
    training = Training(created_by=actor, **fields)
    if upload is not None:
        training.material_type = check_upload(upload)
        training.material_name = upload.name[:255]
        training.material = upload
    if not training.place and not training.online_link:
        raise ValidationError(_("Give a place or an online link."))
    if training.plan_id and training.plan.status != "approved":
        raise ValidationError(_("Link the approved plan, not a draft."))
    training.full_clean()
    training.save()
    return training


def invitable(actor: User, *, branches=(), roles=()) -> QuerySet[User]:
    staff = staff_visible_to(actor)
    if branches:
        staff = staff.filter(branch__in=branches)
    if roles:
        staff = staff.filter(groups__name__in=[str(role) for role in roles])
    return staff.distinct()


@transaction.atomic
def training_invite(*, training: Training, actor: User, branches=(), roles=()) -> int:
    """Invite the staff of the branches and roles chosen (all when none); returns how
    many were newly invited, each told by a notification."""
    _require(actor, ADD_TRAINING)
    already = Invitation.objects.filter(training=training).values("user")
    new = list(invitable(actor, branches=branches, roles=roles).exclude(pk__in=already))
    Invitation.objects.bulk_create([Invitation(training=training, user=user) for user in new])
    _notify(
        new,
        _("You are invited to a training: %(topic)s") % {"topic": training.topic},
        _("On %(when)s, %(where)s.")
        % {
            "when": timezone.localtime(training.starts_at).strftime("%d/%m/%Y %H:%M"),
            "where": training.place or training.online_link,
        },
        reverse("office:training_detail", args=[training.pk]),
    )
    return len(new)


@transaction.atomic
def attendance_record(*, training: Training, actor: User, present: Iterable[int]) -> int:
    """Record who attended (the invitations checked) and who did not (the others)."""
    _require(actor, ADD_TRAINING)
    if training.starts_at > timezone.now():
        raise ValidationError(_("The attendance is recorded once the training has taken place."))
    present = set(present)
    invitations = list(
        Invitation.objects.select_for_update().filter(training=training).order_by("pk")
    )
    unknown = present - {invitation.user_id for invitation in invitations}
    if unknown:
        raise ValidationError(_("Only the people invited can be marked present."))
    changed = [i for i in invitations if i.attended != (i.user_id in present)]
    for invitation in changed:
        invitation.attended = invitation.user_id in present
    Invitation.objects.bulk_update(changed, ["attended"])
    return len(changed)


def untrained(viewer: User, year: int) -> QuerySet[User]:
    """The staff `viewer` sees who attended no training on `year`'s recovery plan."""
    trained = Invitation.objects.filter(
        user=OuterRef("pk"), attended=True, training__plan__year=year
    )
    return staff_visible_to(viewer).exclude(Exists(trained)).select_related("branch")


# Induction -------------------------------------------------------------------------------


@transaction.atomic
def induction_start(*, user: User, actor: User, started_on: datetime.date) -> Induction:
    """The induction checklist of a new staff member: one task per active step."""
    _require(actor, ADD_INDUCTION)
    if not staff_visible_to(actor).filter(pk=user.pk).exists():
        raise ValidationError(_("Only collection staff go through the induction."))
    if Induction.objects.filter(user=user).exists():
        raise ValidationError(_("This person's induction has already started."))
    items = list(InductionItem.objects.filter(active=True))
    if not items:
        raise ValidationError(_("The induction plan has no steps: add them in the admin."))
    induction = Induction.objects.create(user=user, started_on=started_on, started_by=actor)
    InductionTask.objects.bulk_create([InductionTask(induction=induction, item=i) for i in items])
    _notify(
        [user],
        _("Your induction plan has started"),
        _("%(n)s steps to complete.") % {"n": len(items)},
        reverse("office:induction_detail", args=[induction.pk]),
    )
    return induction


def inductions_visible_to(user: User) -> QuerySet[Induction]:
    staff = staff_visible_to(user)
    return Induction.objects.filter(user__in=staff)


@transaction.atomic
def induction_tick(*, task: InductionTask, actor: User, done: bool) -> InductionTask:
    _require(actor, CHANGE_INDUCTION)
    task = InductionTask.objects.select_for_update().get(pk=task.pk)
    if not inductions_visible_to(actor).filter(pk=task.induction_id).exists():
        raise PermissionDenied
    if done == (task.done_at is not None):
        return task
    task.done_at, task.done_by = (timezone.now(), actor) if done else (None, None)
    task.save()
    return task


def induction_progress(inductions: Iterable[Induction]) -> dict[int, tuple[int, int]]:
    """induction id -> (steps done, steps): one query."""
    rows = (
        InductionTask.objects.filter(induction__in=list(inductions))
        .values("induction")
        .annotate(done=Count("pk", filter=Q(done_at__isnull=False)), total=Count("pk"))
    )
    return {row["induction"]: (row["done"], row["total"]) for row in rows}


# Staff evaluations ------------------------------------------------------------------------


def evaluation_figures(person: User, first: datetime.date, last: datetime.date) -> dict:
    """The figures of `person`'s work over the months first..last (both first days):
    from the month summaries (reporting) and the follow-ups they recorded, with the
    share of their branch's target when the plan sets one. Values as text, so that the
    frozen copy keeps the exact amounts."""
    from recovery.models import FollowUp
    from reporting import kpis
    from reporting.models import BranchTarget, MonthlySummary, PlanStatus
    from reporting.summaries import FIGURES

    rows = list(
        MonthlySummary.objects.filter(agent=person, month__gte=first, month__lte=last).values(
            "month", "as_of", "rolls", *FIGURES
        )
    )
    f = kpis.figures(rows, last)
    end = add_months(last, 1)
    follow_ups = FollowUp.objects.filter(
        created_by=person, occurred_at__date__gte=first, occurred_at__date__lt=end
    ).count()
    recovered = kpis.recovered(f)
    target = None
    if person.branch_id:
        months = [(m.year, m.month) for m in _months(first, last)]
        amounts = BranchTarget.objects.filter(
            plan__status=PlanStatus.APPROVED, branch_id=person.branch_id
        ).values_list("plan__year", "month", "amount")
        target = (
            sum((amount for year, month, amount in amounts if (year, month) in months), Decimal(0))
            or None
        )
    share = (recovered / target).quantize(Decimal("0.0001")) if target else None
    promise_rate = kpis.promise_kept_rate(f)
    lines = [
        (
            "cases_handled",
            _("Cases handled"),
            f["cases_opened"] + _first_stock(rows, first),
            "count",
        ),
        ("cases_closed", _("Cases closed"), f["cases_closed"], "count"),
        ("follow_ups", _("Follow-ups recorded"), follow_ups, "count"),
        (
            "promises_kept",
            _("Promises kept"),
            f"{f['promises_kept']} / {f['promises_due']}",
            "text",
        ),
        ("promise_rate", _("Promise-kept rate"), promise_rate, "percent"),
        ("agreements_signed", _("Agreements signed"), f["agreements_signed"], "count"),
        ("recovered", _("Amount recovered"), recovered, "money"),
        ("branch_target", _("Branch target for the period"), target, "money"),
        ("target_share", _("Share of the branch target"), share, "percent"),
        ("referrals", _("Referrals to the Legal Unit"), f["referrals"], "count"),
    ]
    as_of = max((r["as_of"] for r in rows), default=None)
    return {
        "as_of": as_of,
        "lines": [
            {
                "key": key,
                "label": str(label),
                "value": "" if value is None else str(value),
                "kind": kind,
            }
            for key, label, value, kind in lines
        ],
    }


def _first_stock(rows: list[dict], first: datetime.date) -> int:
    """The cases the person already had when the period began."""
    return sum(r["cases_at_start"] or 0 for r in rows if r["month"] == first)


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def evaluable(actor: User) -> QuerySet[User]:
    """Whom `actor` evaluates: the staff they see, not themselves."""
    return staff_visible_to(actor).exclude(pk=actor.pk)


@transaction.atomic
def evaluation_make(
    *,
    actor: User,
    person: User,
    first_month: datetime.date,
    last_month: datetime.date,
    ratings: dict[str, int],
    overall: int,
    strengths: str = "",
    improvements: str = "",
) -> StaffEvaluation:
    """The evaluation, with the figures of that day frozen into it; the person is told."""
    _require(actor, ADD_EVALUATION)
    if not evaluable(actor).filter(pk=person.pk).exists():
        raise ValidationError(_("You evaluate the staff of your scope, not yourself."))
    first_month, last_month = first_month.replace(day=1), last_month.replace(day=1)
    if first_month > last_month:
        raise ValidationError(_("The period ends before it begins."))
    if last_month > timezone.localdate().replace(day=1):
        raise ValidationError(_("The period cannot end in a future month."))
    if StaffEvaluation.objects.filter(
        person=person, first_month=first_month, last_month=last_month
    ).exists():
        raise ValidationError(_("This person already has an evaluation for that period."))
    missing = [key for key in CRITERIA if key not in ratings]
    if missing:
        raise ValidationError(_("Rate every criterion."))
    figures = evaluation_figures(person, first_month, last_month)
    evaluation = StaffEvaluation(
        person=person,
        first_month=first_month,
        last_month=last_month,
        evaluator=actor,
        figures=figures["lines"],
        figures_as_of=figures["as_of"],
        ratings={key: int(ratings[key]) for key in CRITERIA},
        overall=overall,
        strengths=strengths,
        improvements=improvements,
    )
    evaluation.full_clean()
    evaluation.save()
    _notify(
        [person],
        _("Your evaluation for %(first)s–%(last)s is ready")
        % {"first": first_month.strftime("%m/%Y"), "last": last_month.strftime("%m/%Y")},
        _("Read it and acknowledge it."),
        reverse("office:evaluation_detail", args=[evaluation.pk]),
    )
    return evaluation


@transaction.atomic
def evaluation_acknowledge(
    *, evaluation: StaffEvaluation, actor: User, comment: str = ""
) -> StaffEvaluation:
    evaluation = StaffEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.person_id != actor.pk:
        raise PermissionDenied
    if evaluation.acknowledged_at is not None:
        raise ValidationError(_("You acknowledged this evaluation already."))
    evaluation.acknowledged_at = timezone.now()
    evaluation.staff_comment = comment
    evaluation.save(update_fields=["acknowledged_at", "staff_comment"])
    return evaluation
