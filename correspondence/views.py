"""The correspondence's pages: views parse, call the services, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import FilteredListView
from core.pdf import render_pdf
from core.views import form_refused, reported
from correspondence import services
from correspondence.apps import ADD, ASSIGN, DISPATCH, VIEW
from correspondence.filters import ItemFilter
from correspondence.forms import AssignForm, CloseForm, DispatchForm, ItemForm, ResponseForm
from correspondence.models import CorrespondenceItem, ItemStatus, Response
from correspondence.tables import ItemTable
from people.models import User


def _items(user):
    return CorrespondenceItem.objects.visible_to(user)


def _visible(request, pk: int) -> CorrespondenceItem:
    return get_object_or_404(
        _items(request.user).select_related("employer", "case", "branch", "assigned_to"), pk=pk
    )


class ItemListView(FilteredListView):
    permission_required = VIEW
    table_class = ItemTable
    filterset_class = ItemFilter
    template_name = "correspondence/item_list.html"
    export_basename = "correspondencia"

    def get_queryset(self):
        return _items(self.request.user).select_related("assigned_to")

    def get_filterset_kwargs(self, filterset_class):
        assignees = User.objects.filter(
            pk__in=_items(self.request.user).values("assigned_to")
        ).order_by("first_name", "last_name")
        return {
            **super().get_filterset_kwargs(filterset_class),
            "user": self.request.user,
            "assignees": assignees,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        mine = _items(self.request.user)
        context["overdue_count"] = mine.overdue(today).count()
        context["mine_count"] = mine.awaiting().filter(assigned_to=self.request.user).count()
        return context

    def export_rows(self, queryset):
        yield [
            _("Kind"),
            _("Their reference"),
            _("Unit or body"),
            _("Subject"),
            _("Date"),
            _("Due"),
            _("Employer no."),
            _("Case"),
            _("Assigned to"),
            _("Status"),
            _("Response"),
            _("Sent"),
        ]
        for item in (
            queryset.select_related("employer")
            .prefetch_related("responses")
            .iterator(chunk_size=2000)
        ):
            response = next(iter(item.responses.all()), None)
            yield [
                item.get_direction_display(),
                item.reference,
                item.counterpart,
                item.subject,
                item.dated_on,
                item.deadline,
                item.employer.employer_number if item.employer_id else "",
                item.case_id or "",
                item.assigned_to.display_name if item.assigned_to_id else "",
                item.get_status_display(),
                response.number if response else "",
                response.sent_on if response else "",
            ]


item_list = ItemListView.as_view()


@login_required
@permission_required(ADD, raise_exception=True)
def item_create(request):
    form = ItemForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"dated_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in {"employer_number", "case_number", "scan"}
        }
        try:
            item = services.item_register(
                actor=request.user, upload=form.cleaned_data.get("scan"), **data
            )
        except ValidationError as exc:
            form.add_error("scan" if "scan" in str(exc) or ".pdf" in str(exc) else None, exc)
        else:
            return redirect("correspondence:item_detail", pk=item.pk)
    return render(request, "correspondence/item_form.html", {"form": form})


@login_required
@permission_required(VIEW, raise_exception=True)
def item_detail(request, pk: int):
    item = _visible(request, pk)
    today = timezone.localdate()
    response = item.responses.filter(sent_on__isnull=True).first()
    can_assign = request.user.has_perm(ASSIGN) and item.status in {
        ItemStatus.REGISTERED,
        ItemStatus.ASSIGNED,
    }
    return render(
        request,
        "correspondence/item_detail.html",
        {
            "item": item,
            "today": today,
            "overdue": item.is_overdue(today),
            "responses": item.responses.select_related("signed_by"),
            "timeline": item.timeline.select_related("actor")[:50],
            "assign_form": AssignForm(users=services.assignable(item)) if can_assign else None,
            "response_form": ResponseForm(initial={"body": response.body if response else ""})
            if request.user.has_perm(ASSIGN)
            and item.status in {ItemStatus.ASSIGNED, ItemStatus.ANSWERED}
            else None,
            "dispatch_form": DispatchForm(initial={"sent_on": today})
            if request.user.has_perm(DISPATCH) and item.status == ItemStatus.ANSWERED
            else None,
            "close_form": CloseForm()
            if (request.user.has_perm(DISPATCH) or request.user.has_perm(ASSIGN))
            and ItemStatus.CLOSED in services.ALLOWED_TRANSITIONS[item.status]
            else None,
        },
    )


@require_POST
@login_required
@permission_required(ASSIGN, raise_exception=True)
def item_assign(request, pk: int):
    item = _visible(request, pk)
    form = AssignForm(request.POST, users=services.assignable(item))
    if not form_refused(request, form):
        assignee = form.cleaned_data["assignee"]
        with reported(request, _("Assigned to %(name)s.") % {"name": assignee.get_full_name()}):
            services.item_assign(item=item, assignee=assignee, actor=request.user)
    return redirect("correspondence:item_detail", pk=item.pk)


@require_POST
@login_required
@permission_required(ASSIGN, raise_exception=True)
def item_respond(request, pk: int):
    item = _visible(request, pk)
    form = ResponseForm(request.POST)
    if not form_refused(request, form):
        body = form.cleaned_data["body"]
        with reported(request, _("The response is drafted; print it and send it.")):
            if form.cleaned_data["template"] and not body.strip():
                body = services.template_text(form.cleaned_data["template"], item)
            services.response_draft(item=item, actor=request.user, body=body)
    return redirect("correspondence:item_detail", pk=item.pk)


@require_POST
@login_required
@permission_required(DISPATCH, raise_exception=True)
def item_dispatch(request, pk: int):
    item = _visible(request, pk)
    form = DispatchForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Recorded as sent.")):
            services.item_dispatch(
                item=item, actor=request.user, sent_on=form.cleaned_data["sent_on"]
            )
    return redirect("correspondence:item_detail", pk=item.pk)


@require_POST
@login_required
@permission_required(VIEW, raise_exception=True)
def item_close(request, pk: int):
    item = _visible(request, pk)
    form = CloseForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("The item is closed.")):
            services.item_close(item=item, actor=request.user, note=form.cleaned_data["note"])
    return redirect("correspondence:item_detail", pk=item.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def response_pdf(request, pk: int):
    response = get_object_or_404(
        Response.objects.select_related("item", "item__employer", "signed_by"),
        pk=pk,
        item__in=_items(request.user),
    )
    pdf = render_pdf(
        "correspondence/response_pdf.html", {"response": response, "item": response.item}
    )
    result = HttpResponse(pdf, content_type="application/pdf")
    result["Content-Disposition"] = f'attachment; filename="{response.number}.pdf"'
    return result


@login_required
@permission_required(VIEW, raise_exception=True)
def item_scan(request, pk: int):
    item = _visible(request, pk)
    if not item.scan:
        raise Http404
    return FileResponse(item.scan.open("rb"), as_attachment=True, filename=item.scan_name)


def case_panel(request, case=None) -> dict | None:
    """A case's correspondence on its page (people.registry's page panels)."""
    if case is None or not request.user.has_perm(VIEW):
        return None
    items = list(
        _items(request.user)
        .filter(case=case)
        .select_related("assigned_to")
        .order_by("-dated_on")[:20]
    )
    return {
        "template": "correspondence/_case_panel.html",
        "context": {"items": items, "today": timezone.localdate()},
    }
