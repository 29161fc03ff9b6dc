from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.exports import FilteredListView
from core.pagination import KeysFirstPaginator
from core.views import form_refused, reported
from employers.queries import account_statement
from people.access import sees_all_branches
from people.models import Branch, User
from people.registry import page_panels_for
from people.roles import Role
from recovery import services
from recovery.filters import CaseFilter
from recovery.forms import (
    AssignForm,
    DemandForm,
    DocumentForm,
    FollowUpForm,
    HoldForm,
    ReasonForm,
    TransitionForm,
)
from recovery.models import (
    Attachment,
    CaseDocument,
    CaseStatus,
    DocumentRequirement,
    RecoveryCase,
)
from recovery.pdf import render_demand_notices_pdf
from recovery.queries import (
    PRIORITY_EXPLAINED,
    case_timeline,
    document_checklist,
    work_queue,
    work_queue_keys_order,
)
from recovery.tables import CaseTable, queue_rows_html

MAX_BATCH_LETTERS = 200


def _visible_case(request, pk: int) -> RecoveryCase:
    queryset = (
        RecoveryCase.objects.visible_to(request.user)
        .with_debt()
        .with_priority()
        .select_related("employer", "employer__branch", "agent", "level", "branch")
    )
    return get_object_or_404(queryset, pk=pk)


def _form_errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


@login_required
@permission_required("recovery.view_recoverycase", raise_exception=True)
def queue(request):
    """The agent's home page: what is due today, in the order the page explains."""
    today = timezone.localdate()
    agent = branch = None
    agents = []
    branches = []
    if request.user.role == Role.AGENT:
        agent = request.user
    elif request.user.has_perm("recovery.assign_case"):
        agents = User.objects.filter(groups__name=Role.AGENT.value, is_active=True)
        if sees_all_branches(request.user):
            # The department head picks a branch, then one of its agents.
            branches = list(Branch.objects.filter(is_active=True))
            branch_id = request.GET.get("branch")
            if branch_id and branch_id.isdigit():
                branch = get_object_or_404(Branch, pk=branch_id)
                agents = agents.filter(branch=branch)
        else:
            agents = agents.filter(branch_id=request.user.branch_id)
        agent_id = request.GET.get("agent")
        if agent_id and agent_id.isdigit():
            agent = get_object_or_404(agents, pk=agent_id)
    cases = work_queue(request.user, today, agent=agent)
    if branch is not None:
        cases = cases.filter(branch=branch)
    page = KeysFirstPaginator(cases, 25, keys_order=work_queue_keys_order(today)).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "recovery/queue.html",
        {
            "page": page,
            "rows": queue_rows_html(page.object_list, show_agent=agent is None),
            "today": today,
            "agent": agent,
            "agents": agents.order_by("first_name", "last_name") if agents else [],
            "branches": branches,
            "branch": branch,
            "priority_explained": PRIORITY_EXPLAINED,
            "panels": page_panels_for("queue", request),
        },
    )


class CaseListView(FilteredListView):
    permission_required = "recovery.view_recoverycase"
    table_class = CaseTable
    filterset_class = CaseFilter
    template_name = "recovery/case_list.html"

    def get_queryset(self):
        return (
            RecoveryCase.objects.visible_to(self.request.user)
            .with_debt()
            .with_priority()
            .select_related("employer", "branch", "agent", "level")
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if not self.request.user.has_perm("recovery.change_recoverycase"):
            table.exclude = ("select",)
        return table

    export_basename = "casos"

    def export_rows(self, queryset):
        return _case_rows(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("recovery.assign_case"):
            branch = (
                self.request.user.branch_id if self.request.user.role == Role.BRANCH_HEAD else None
            )
            context["assign_form"] = AssignForm(branch_id=branch)
        context["demand_form"] = DemandForm()
        return context


case_list = CaseListView.as_view()


def _case_rows(queryset):
    yield [
        _("Case"),
        _("Employer no."),
        _("Employer"),
        _("Branch"),
        _("Agent"),
        _("Status"),
        _("Level"),
        _("Debt"),
        _("Oldest due"),
        _("Last action"),
        _("Opened"),
    ]
    for case in queryset.iterator(chunk_size=2000):
        yield [
            case.pk,
            case.employer.employer_number,
            case.employer.legal_name,
            case.branch.code,
            case.agent.get_full_name() if case.agent else "",
            case.get_status_display(),
            case.level.name if case.level else "",
            case.debt,
            case.oldest_due.strftime("%d/%m/%Y") if case.oldest_due else "",
            case.last_action_on.strftime("%d/%m/%Y") if case.last_action_on else "",
            case.opened_on.strftime("%d/%m/%Y"),
        ]


def _activity_context(request, case, follow_up_form=None):
    return {
        "case": case,
        "timeline": case_timeline(case),  # older pages: case_timeline_page
        "follow_up_form": follow_up_form or FollowUpForm(),
        "can_change": request.user.has_perm("recovery.change_recoverycase"),
    }


@login_required
@permission_required("recovery.view_recoverycase", raise_exception=True)
def case_timeline_page(request, pk: int):
    """Older timeline entries: rows appended under the shown ones (htmx), or a page of
    their own without JavaScript."""
    case = _visible_case(request, pk)
    try:
        number = min(max(int(request.GET.get("pagina", "2")), 1), 100_000)
    except ValueError:
        number = 2
    context = {"case": case, "timeline": case_timeline(case, page=number)}
    if request.htmx:
        return render(request, "recovery/case_detail.html#timeline-rows", context)
    return render(request, "recovery/case_timeline.html", context)


@login_required
@permission_required("recovery.view_recoverycase", raise_exception=True)
def case_detail(request, pk: int):
    case = _visible_case(request, pk)
    today = timezone.localdate()
    context = _activity_context(request, case)
    context.update(
        {
            "statement": account_statement(case.employer, today),
            "transition_form": TransitionForm(),
            "transitions": [CaseStatus(s) for s in case.allowed_transitions],
            "hold_form": HoldForm(),
            "skip_form": ReasonForm(),
            "demand_form": DemandForm(
                initial={"letter": case.level.letter} if case.level and case.level.letter else None
            ),
            "documents": document_checklist(case),
            "document_form": DocumentForm(),
            "on_hold": case.is_on_hold(today),
            "agreements": list(case.agreements.order_by("-created_at")),
            "panels": page_panels_for("case", request, case=case),
        }
    )
    if request.user.has_perm("recovery.assign_case"):
        context["assign_form"] = AssignForm(branch_id=case.branch_id)
    return render(request, "recovery/case_detail.html", context)


@require_POST
@login_required
@permission_required("recovery.change_recoverycase", raise_exception=True)
def follow_up_create(request, pk: int):
    """One short form on the case page; with htmx only the activity block is redrawn."""
    case = _visible_case(request, pk)
    form = FollowUpForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_up_record(
                case=case,
                actor=request.user,
                kind=data["kind"],
                outcome=data["outcome"],
                contact_person=data["contact_person"],
                notes=data["notes"],
                next_action=data["next_action"],
                next_action_on=data["next_action_on"],
                promise_amount=data["promise_amount"],
                promise_date=data["promise_date"],
                attachments=data["attachments"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Follow-up recorded."))
            # The follow-up can change the status, the next action and the strategy
            # level shown in the header: the whole page is loaded again (htmx too),
            # and shows the message once.
            if request.htmx:
                return HttpResponseClientRedirect(reverse("recovery:case_detail", args=[case.pk]))
            return redirect("recovery:case_detail", pk=case.pk)
    if not request.htmx:
        messages.error(request, _("The follow-up was not recorded: see the errors below."))
        context = _activity_context(request, case, form)
        return render(request, "recovery/case_detail.html#activity", context, status=400)
    return render(
        request,
        "recovery/case_detail.html#activity",
        _activity_context(request, case, form),
        status=400,
    )


def _back_to(case: RecoveryCase):
    return redirect("recovery:case_detail", pk=case.pk)


@require_POST
@login_required
@permission_required("recovery.change_recoverycase", raise_exception=True)
def case_transition(request, pk: int):
    case = _visible_case(request, pk)
    form = TransitionForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Status changed.")):
            services.case_transition(
                case=case,
                to_status=form.cleaned_data["to_status"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                close_reason=form.cleaned_data["close_reason"],
            )
    return _back_to(case)


@require_POST
@login_required
@permission_required("recovery.assign_case", raise_exception=True)
def case_assign(request, pk: int):
    case = _visible_case(request, pk)
    form = AssignForm(request.POST, branch_id=case.branch_id)
    if not form_refused(request, form):
        with reported(request, _("Case reassigned.")):
            services.case_assign(
                case=case,
                agent=form.cleaned_data["agent"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
    return _back_to(case)


@require_POST
@login_required
@permission_required("recovery.change_recoverycase", raise_exception=True)
def case_hold(request, pk: int):
    case = _visible_case(request, pk)
    form = HoldForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("The case is on hold.")):
            services.case_hold(
                case=case,
                hold_reason=form.cleaned_data["hold_reason"],
                until=form.cleaned_data["until"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
    return _back_to(case)


@require_POST
@login_required
@permission_required("recovery.change_recoverycase", raise_exception=True)
def case_release(request, pk: int):
    case = _visible_case(request, pk)
    form = ReasonForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("The hold was lifted.")):
            services.case_release(case=case, actor=request.user, reason=form.cleaned_data["reason"])
    return _back_to(case)


@require_POST
@login_required
@permission_required("recovery.change_recoverycase", raise_exception=True)
def case_level_skip(request, pk: int):
    case = _visible_case(request, pk)
    form = ReasonForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("The level's action was marked as skipped.")):
            services.level_skip(case=case, actor=request.user, reason=form.cleaned_data["reason"])
    return _back_to(case)


def _demand_response(request, cases: list[RecoveryCase]):
    form = DemandForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the letter and the days to pay."))
        return None
    letter = form.cleaned_data["letter"]
    today = timezone.localdate()
    pdf = render_demand_notices_pdf(
        cases, letter=letter, today=today, deadline_days=form.cleaned_data["deadline_days"]
    )
    services.demand_notices_issue(cases=cases, actor=request.user, letter=letter)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = "requerimiento" if len(cases) == 1 else "requerimientos"
    response["Content-Disposition"] = f'attachment; filename="{name}-{today:%Y%m%d}.pdf"'
    return response


@require_POST
@login_required
@permission_required("recovery.change_recoverycase", raise_exception=True)
def demand_notice(request, pk: int):
    """The payment demand letter of one employer; printing it records a letter."""
    case = _visible_case(request, pk)
    return _demand_response(request, [case]) or _back_to(case)


def _chosen_cases(request):
    """The cases a list action applies to: the ticked ones, or with `scope=filtered`
    every case the list's filters give (the filters travel in `filter_query`)."""
    queryset = RecoveryCase.objects.visible_to(request.user)
    if "filtered" in (request.POST.get("scope"), request.GET.get("scope")):
        filters = CaseFilter(
            QueryDict(request.POST.get("filter_query", "")),
            queryset=queryset.with_debt(),
            user=request.user,
        )
        return filters.qs if filters.is_valid() else queryset.none()
    ids = [int(pk) for pk in request.POST.getlist("select") if pk.isdigit()]
    return queryset.filter(pk__in=ids)


def _back_to_list(request) -> str:
    """Where a bulk action returns: the `next` the list sent if it is a path of this
    site (the list with its filters), the case list otherwise — never another host."""
    back = request.POST.get("next") or ""
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return reverse("recovery:case_list")


@require_POST
@login_required
@permission_required("recovery.assign_case", raise_exception=True)
def cases_reassign(request):
    """From the case list: give the chosen cases (every one of them) to an agent."""
    back = _back_to_list(request)
    case_ids = list(_chosen_cases(request).order_by().values_list("pk", flat=True))
    if not case_ids:
        messages.error(request, _("Select at least one case."))
        return redirect(back)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the agent."))
        return redirect(back)
    try:
        changed = services.cases_assign(
            case_ids=case_ids,
            agent=form.cleaned_data["agent"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(count)s cases reassigned.") % {"count": changed})
    return redirect(back)


@require_POST
@login_required
@permission_required("recovery.change_recoverycase", raise_exception=True)
def demand_notices(request):
    """From the case list: the demand letters of the chosen cases, in one PDF."""
    back = _back_to_list(request)
    cases = list(
        _chosen_cases(request)
        .with_debt()
        .select_related("employer", "employer__branch", "agent", "level", "branch")
        .order_by("employer__legal_name")[: MAX_BATCH_LETTERS + 1]
    )
    if not cases:
        messages.error(request, _("Select at least one case."))
        return redirect(back)
    if len(cases) > MAX_BATCH_LETTERS:
        messages.error(
            request,
            _("At most %(max)s letters at once; narrow the selection.")
            % {"max": MAX_BATCH_LETTERS},
        )
        return redirect(back)
    form = DemandForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the letter and the days to pay."))
        return redirect(back)
    # Built in the background: 200 letters take half a minute.
    try:
        job = services.demand_letters_start(
            cases=cases,
            actor=request.user,
            letter=form.cleaned_data["letter"],
            deadline_days=form.cleaned_data["deadline_days"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    return redirect("core:job_detail", token=job.token)


@require_POST
@login_required
@permission_required("recovery.change_recoverycase", raise_exception=True)
def case_document(request, pk: int, requirement_id: int):
    case = _visible_case(request, pk)
    requirement = get_object_or_404(DocumentRequirement, pk=requirement_id, is_active=True)
    form = DocumentForm(request.POST, request.FILES)
    if form_refused(request, form):
        return _back_to(case)
    with reported(request, _("Document checklist updated.")):
        if form.cleaned_data.get("file"):
            services.case_document_upload(
                case=case,
                requirement=requirement,
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        else:
            services.case_document_mark_missing(
                case=case,
                requirement=requirement,
                note=form.cleaned_data["note"],
                actor=request.user,
            )
    return _back_to(case)


@login_required
@permission_required("recovery.view_recoverycase", raise_exception=True)
def attachment_download(request, pk: int):
    """Files are served only through here, after the same scoping as their case."""
    attachment = get_object_or_404(Attachment.objects.select_related("follow_up"), pk=pk)
    _visible_case(request, attachment.follow_up.case_id)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


@login_required
@permission_required("recovery.view_recoverycase", raise_exception=True)
def document_download(request, pk: int):
    document = get_object_or_404(CaseDocument, pk=pk)
    _visible_case(request, document.case_id)
    if not document.file:
        raise Http404
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.original_name
    )
