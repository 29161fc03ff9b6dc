"""The correspondence's writes: register (the secretary), assign and answer (the head
and the branch heads), dispatch and close (the secretary), the nightly reminders."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import is_business_day
from core.sequences import next_in_year
from core.uploads import check_upload
from correspondence.models import (
    ALLOWED_TRANSITIONS,
    CorrespondenceItem,
    Direction,
    ItemEvent,
    ItemEventKind,
    ItemStatus,
    ReferenceSequence,
    Response,
    ResponseTemplate,
)
from people.access import sees_all_branches
from people.models import User
from people.notifications import Notice, notices_send
from people.roles import Role

ASSIGN = "correspondence.assign_correspondenceitem"
DISPATCH = "correspondence.dispatch_correspondenceitem"
ADD = "correspondence.add_correspondenceitem"
# Who may be given an item: the department's staff (not the secretary, who registers).
ASSIGNABLE_ROLES = [Role.DEPARTMENT_HEAD, Role.BRANCH_HEAD, Role.AGENT, Role.ADMIN_STAFF]


def _event(item, kind, actor, *, before="", after="", reason="") -> None:
    ItemEvent.objects.create(
        item=item,
        kind=kind,
        actor=actor,
        before=str(before)[:200],
        after=str(after)[:200],
        reason=reason,
    )


def _locked(item: CorrespondenceItem) -> CorrespondenceItem:
    return CorrespondenceItem.objects.select_for_update().get(pk=item.pk)


def _move(item: CorrespondenceItem, to_status: str, actor: User, reason: str = "") -> None:
    if to_status not in ALLOWED_TRANSITIONS[item.status]:
        raise ValidationError(
            _("An item “%(status)s” cannot become “%(to)s”.")
            % {"status": item.get_status_display(), "to": ItemStatus(to_status).label}
        )
    before = item.status
    item.status = to_status
    if to_status == ItemStatus.CLOSED:
        item.closed_on = timezone.localdate()
    item.save()
    if before != to_status:
        _event(item, ItemEventKind.STATUS, actor, before=before, after=to_status, reason=reason)


@transaction.atomic
def item_register(*, actor: User, upload=None, **fields) -> CorrespondenceItem:
    """Register a letter received (or a request sent): its branch is its case's or its
    employer's (none: the department's own). The scan is checked by size, type and
    content before anything is written."""
    if not actor.has_perm(ADD):
        raise PermissionDenied
    item = CorrespondenceItem(created_by=actor, **fields)
    if item.case_id and not item.employer_id:
        item.employer = item.case.employer
    if item.case_id:
        item.branch_id = item.case.branch_id
    elif item.employer_id:
        item.branch_id = item.employer.branch_id
    if item.deadline and item.deadline < item.dated_on:
        raise ValidationError(_("The deadline cannot come before the letter's date."))
    if upload is not None:
        item.scan_type = check_upload(upload)
        item.scan_name = upload.name[:255]
        item.scan = upload
    item.save()
    _event(item, ItemEventKind.REGISTERED, actor, after=item.get_direction_display())
    return item


def assignable(item: CorrespondenceItem):
    users = User.objects.filter(
        is_active=True, groups__name__in=[role.value for role in ASSIGNABLE_ROLES]
    ).distinct()
    if item.branch_id:
        # A branch's letter goes to its staff or to the national staff.
        national = [Role.DEPARTMENT_HEAD.value, Role.ADMIN_STAFF.value]
        users = users.filter(branch_id=item.branch_id) | users.filter(groups__name__in=national)
    return users.distinct().order_by("first_name", "last_name")


@transaction.atomic
def item_assign(*, item: CorrespondenceItem, assignee: User, actor: User) -> None:
    if not actor.has_perm(ASSIGN):
        raise PermissionDenied
    item = _locked(item)
    if not sees_all_branches(actor) and item.branch_id != actor.branch_id:
        raise PermissionDenied
    if not assignable(item).filter(pk=assignee.pk).exists():
        raise ValidationError(_("This person cannot be given this item."))
    if item.status == ItemStatus.ANSWERED:
        raise ValidationError(_("The response is drafted: send it, or draft it again."))
    before = item.assigned_to
    item.assigned_to = assignee
    _move(item, ItemStatus.ASSIGNED, actor)
    _event(item, ItemEventKind.ASSIGNED, actor, before=before or "", after=assignee)
    if assignee != actor:
        notices_send(
            notices=[
                Notice(
                    agent_id=assignee.pk,
                    branch_id=item.branch_id,
                    title=_("Correspondence for you: %(subject)s")
                    % {"subject": item.subject[:120]},
                    body=_("From %(who)s; due %(date)s.")
                    % {
                        "who": item.counterpart,
                        "date": item.deadline.strftime("%d/%m/%Y") if item.deadline else "—",
                    },
                    url=reverse("correspondence:item_detail", args=[item.pk]),
                )
            ]
        )


def next_number(year: int) -> str:
    """The next number of the year's sequence: two responses at once each get their own."""
    last = next_in_year(ReferenceSequence, year)
    return f"{settings.CORRESPONDENCE_PREFIX}-{year}-{last:04d}"


def template_text(template: ResponseTemplate, item: CorrespondenceItem) -> str:
    values = {
        "referencia": item.reference or "—",
        "remitente": item.counterpart,
        "asunto": item.subject,
        "fecha": item.dated_on.strftime("%d/%m/%Y"),
        "patrono": item.employer.legal_name if item.employer_id else "—",
        "numero_patronal": item.employer.employer_number if item.employer_id else "—",
        "fecha_limite": item.deadline.strftime("%d/%m/%Y") if item.deadline else "—",
    }
    try:
        return template.body.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(
            _("The template “%(name)s” has a placeholder it cannot fill: %(error)s")
            % {"name": template.name, "error": exc}
        ) from exc


@transaction.atomic
def response_draft(*, item: CorrespondenceItem, actor: User, body: str) -> Response:
    """The response (or the request's letter), numbered the first time; drafting again
    before it is sent keeps its number."""
    if not actor.has_perm(ASSIGN):
        raise PermissionDenied
    item = _locked(item)
    body = body.strip()
    if not body:
        raise ValidationError(_("The response has no text."))
    if item.status not in {ItemStatus.ASSIGNED, ItemStatus.ANSWERED}:
        raise ValidationError(_("Assign the item before answering it."))
    response = item.responses.filter(sent_on__isnull=True).first()
    if response is None:
        response = Response.objects.create(
            item=item, number=next_number(timezone.localdate().year), body=body, signed_by=actor
        )
    else:
        response.body, response.signed_by = body, actor
        response.save()
    _move(item, ItemStatus.ANSWERED, actor)
    _event(item, ItemEventKind.RESPONSE, actor, after=response.number)
    return response


@transaction.atomic
def item_dispatch(*, item: CorrespondenceItem, actor: User, sent_on: datetime.date) -> None:
    """The response went out: for a letter received, it is answered; for a request,
    the answer is now awaited until its date."""
    if not actor.has_perm(DISPATCH):
        raise PermissionDenied
    item = _locked(item)
    response = item.responses.filter(sent_on__isnull=True).first()
    if response is None or item.status != ItemStatus.ANSWERED:
        raise ValidationError(_("There is no drafted response to send."))
    if sent_on > timezone.localdate():
        raise ValidationError(_("It cannot be sent in the future."))
    response.sent_on = sent_on
    response.save(update_fields=["sent_on"])
    _move(item, ItemStatus.SENT, actor, reason=response.number)


@transaction.atomic
def item_close(*, item: CorrespondenceItem, actor: User, note: str = "") -> None:
    if not (actor.has_perm(DISPATCH) or actor.has_perm(ASSIGN)):
        raise PermissionDenied
    item = _locked(item)
    if item.direction == Direction.OUTGOING and item.status == ItemStatus.SENT and not note:
        raise ValidationError(_("Say what the answer to the request was."))
    _move(item, ItemStatus.CLOSED, actor, reason=note)


def business_days_ahead(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th business day after `day` (holidays and closing days skipped)."""
    counted = 0
    while counted < count:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            counted += 1
    return day


@transaction.atomic
def correspondence_reminders(*, run_date: datetime.date) -> int:
    """Remind whoever has an item (the heads, when nobody has it) once per deadline,
    when it falls within CORRESPONDENCE_REMINDER_DAYS business days or has passed."""
    horizon = business_days_ahead(run_date, settings.CORRESPONDENCE_REMINDER_DAYS)
    items = list(
        CorrespondenceItem.objects.awaiting()
        .filter(deadline__lte=horizon)
        .exclude(reminded_for=F("deadline"))
        .select_for_update()
    )
    if not items:
        return 0

    def title(item) -> str:
        values = {"subject": item.subject[:120], "date": item.deadline.strftime("%d/%m/%Y")}
        if item.assigned_to_id is None:
            return _("Nobody has it, due %(date)s: %(subject)s") % values
        if item.deadline < run_date:
            return _("Overdue since %(date)s: %(subject)s") % values
        return _("Due %(date)s: %(subject)s") % values

    def notice(item) -> Notice:
        return Notice(
            agent_id=item.assigned_to_id,
            branch_id=item.branch_id,
            title=title(item),
            body=item.counterpart,
            url=reverse("correspondence:item_detail", args=[item.pk]),
        )

    notices_send(notices=[notice(i) for i in items if i.assigned_to_id])
    notices_send(
        notices=[notice(i) for i in items if not i.assigned_to_id], to_agent=False, to_heads=True
    )
    for item in items:
        _event(item, ItemEventKind.REMINDER, None, after=item.deadline.strftime("%d/%m/%Y"))
    CorrespondenceItem.objects.filter(pk__in=[i.pk for i in items]).update(
        reminded_for=F("deadline")
    )
    return len(items)
