"""Reads of the recovery app: the work queue and a case's timeline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from people.models import User
from recovery.models import (
    WORKED_STATUSES,
    CaseDocument,
    DocumentRequirement,
    RecoveryCase,
)
from recovery.models.cases import debt_sort_key

# How many days ahead a promise counts as "falling due" in the queue.
PROMISE_HORIZON_DAYS = 2

PRIORITY_EXPLAINED = _(
    "Cases are ordered by: first, cases with a broken promise; then the amount owed, "
    "largest first; then the age of the oldest unpaid period, oldest first."
)


def work_queue(user: User, today: datetime.date, agent: User | None = None) -> QuerySet:
    """What is due today for an agent (or, for a branch head, the whole branch).

    A case is in the queue when its next follow-up is due, a promise falls due within
    two days, the strategy put an action due, it is new, or a promise was broken.
    """
    cases = RecoveryCase.objects.visible_to(user).filter(status__in=WORKED_STATUSES)
    if agent is not None:
        cases = cases.filter(agent=agent)
    horizon = today + datetime.timedelta(days=PROMISE_HORIZON_DAYS)
    cases = (
        cases.with_debt(today)
        .with_pending_promise(horizon)
        .annotate(
            follow_up_due=Q(next_action_on__lte=today),
            level_due=Q(level__isnull=False, level_done=False),
            is_new=Q(last_action_on__isnull=True),
            broken_first=Case(
                When(broken_promises__gt=0, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .filter(
            Q(next_action_on__lte=today)
            | Q(promise_due=True)
            | Q(level__isnull=False, level_done=False)
            | Q(last_action_on__isnull=True)
            | Q(broken_promises__gt=0, status="in_contact")
        )
        .filter(Q(hold_until__isnull=True) | Q(hold_until__lt=today))
        .select_related("employer", "agent", "level", "branch")
        .order_by("-broken_first", "-debt", "oldest_due", "pk")
    )
    return cases


def work_queue_keys_order(today: datetime.date) -> list:
    """work_queue's order, for sorting its keys (KeysFirstPaginator): the debt and the
    oldest due date read in one subquery instead of two."""
    return ["-broken_first", debt_sort_key(today).asc(), "pk"]


@dataclass
class TimelineItem:
    at: datetime.datetime
    kind: str
    title: str
    detail: str
    who: str
    obj: object = None


# A case's timeline is shown this many entries at a time, newest first; older ones
# load on demand (a case can gather hundreds of follow-ups).
TIMELINE_PAGE_SIZE = 50


@dataclass
class TimelinePage:
    items: list[TimelineItem]
    number: int
    total: int

    @property
    def has_next(self) -> bool:
        return self.number * TIMELINE_PAGE_SIZE < self.total

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def shown(self) -> int:
        return min(self.number * TIMELINE_PAGE_SIZE, self.total)


def case_timeline(case: RecoveryCase, page: int = 1) -> TimelinePage:
    """One page of a case's follow-ups, promises, state changes and documents, newest
    first. Each source gives at most the newest (page times size) entries: the page's entries
    are among them, whatever the mix."""
    page = max(page, 1)
    newest = page * TIMELINE_PAGE_SIZE
    items: list[TimelineItem] = []
    events = case.timeline.select_related("actor").order_by("-at", "-pk")[:newest]
    for event in events:
        change = f"{event.before} → {event.after}" if event.before else event.after
        items.append(
            TimelineItem(
                event.at,
                "event",
                event.get_kind_display(),
                change,
                _who(event.actor),
                event,
            )
        )
    follow_ups = (
        case.follow_ups.select_related("created_by")
        .prefetch_related("attachments", "promises")
        .order_by("-occurred_at", "-pk")[:newest]
    )
    for follow_up in follow_ups:
        items.append(
            TimelineItem(
                follow_up.occurred_at,
                "follow_up",
                f"{follow_up.get_kind_display()} · {follow_up.get_outcome_display()}",
                follow_up.notes,
                _who(follow_up.created_by),
                follow_up,
            )
        )
    items.sort(key=lambda item: item.at, reverse=True)
    total = case.timeline.count() + case.follow_ups.count()
    start = (page - 1) * TIMELINE_PAGE_SIZE
    return TimelinePage(items[start:newest], page, total)


def _who(user: User | None) -> str:
    if user is None:
        return str(_("system"))
    return user.get_full_name() or user.username


@dataclass
class DocumentLine:
    requirement: DocumentRequirement
    document: CaseDocument | None

    @property
    def state(self) -> str:
        if self.document and self.document.file:
            return "uploaded"
        if self.document and self.document.is_missing:
            return "missing"
        return "pending"


def document_checklist(case: RecoveryCase) -> list[DocumentLine]:
    documents = {d.requirement_id: d for d in case.documents.all()}
    return [
        DocumentLine(requirement, documents.get(requirement.pk))
        for requirement in DocumentRequirement.objects.filter(is_active=True)
    ]
