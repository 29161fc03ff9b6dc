"""The office's pages: views parse, call the services, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.forms import formset_factory
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import FilteredListView, tabular_response
from core.pdf import render_pdf
from core.views import form_refused, reported
from office import services
from office.apps import (
    ADD_EVALUATION,
    ADD_GUIDELINE,
    ADD_INDUCTION,
    ADD_MEETING,
    ADD_TRAINING,
    CHANGE_INDUCTION,
    VIEW_EVALUATION,
    VIEW_GUIDELINE,
    VIEW_INDUCTION,
    VIEW_MEETING,
    VIEW_TRAINING,
)
from office.filters import ActionFilter, GuidelineFilter, TrainingFilter
from office.forms import (
    AcknowledgeForm,
    ActionForm,
    EvaluationAcknowledgeForm,
    EvaluationForm,
    GuidelineForm,
    InductionStartForm,
    InviteForm,
    MeetingForm,
    NoteForm,
    TrainingForm,
    YearForm,
)
from office.models import (
    Guideline,
    Induction,
    InductionTask,
    Meeting,
    StaffEvaluation,
    Training,
    staff_visible_to,
)
from office.tables import (
    ActionTable,
    EvaluationTable,
    GuidelineTable,
    InductionTable,
    MeetingTable,
    TrainingTable,
)
from people.access import sees_all_branches
from people.models import Branch

UPLOAD_CODES = {"attachment_type", "attachment_size", "attachment_content"}


@login_required
@permission_required(VIEW_GUIDELINE, raise_exception=True)
def office_home(request):
    """The office's sections the user may open, each with what waits in it."""
    user = request.user
    today = timezone.localdate()
    actions = services.actions_visible_to(user)
    sections = [
        (
            "office:guideline_list",
            _("Guidelines"),
            _("Guidelines, procedures and the Organization manual: %(n)s to read.")
            % {"n": services.unread_guidelines(user).count()},
        )
    ]
    if user.has_perm(VIEW_MEETING):
        sections.append(
            (
                "office:meeting_list",
                _("Meetings"),
                _("Meetings and their action items: %(n)s overdue.")
                % {"n": actions.overdue(today).count()},
            )
        )
    if user.has_perm(VIEW_TRAINING):
        sections.append(
            ("office:training_list", _("Trainings"), _("Trainings, invitations and attendance."))
        )
    if user.has_perm(VIEW_INDUCTION):
        sections.append(("office:induction_list", _("Induction"), _("The induction of new staff.")))
    if user.has_perm(VIEW_EVALUATION):
        sections.append(
            (
                "office:evaluation_list",
                _("Evaluations"),
                _("Staff evaluations with the figures of their work."),
            )
        )
    return render(request, "office/home.html", {"sections": sections})


# Guidelines ---------------------------------------------------------------------------


class GuidelineListView(FilteredListView):
    permission_required = VIEW_GUIDELINE
    table_class = GuidelineTable
    filterset_class = GuidelineFilter
    template_name = "office/guideline_list.html"
    export_basename = "lineamientos"

    def get_queryset(self):
        return Guideline.objects.all()

    def get_table_kwargs(self):
        user = self.request.user
        guidelines = list(self.filterset.qs) if hasattr(self, "filterset") else []
        return {
            "counts": services.guideline_counts(guidelines, user)
            if services.oversees(user)
            else {},
            "unread": services.unread_guidelines(user).values_list("pk", flat=True),
            "exclude": () if services.oversees(user) else ("read",),
        }

    def export_rows(self, queryset):
        user = self.request.user
        guidelines = list(queryset.select_related("published_by"))
        counts = services.guideline_counts(guidelines, user) if services.oversees(user) else {}
        yield [_("Kind"), _("Title"), _("Version"), _("Published"), _("By"), _("Read")]
        for g in guidelines:
            done, total = counts.get(g.pk, ("", ""))
            yield [
                g.get_kind_display(),
                g.title,
                g.version,
                timezone.localtime(g.published_at).date(),
                g.published_by.display_name,
                f"{done}/{total}" if total != "" else "",
            ]


guideline_list = GuidelineListView.as_view()


@login_required
@permission_required(ADD_GUIDELINE, raise_exception=True)
def guideline_create(request):
    supersedes = None
    if request.GET.get("reemplaza", "").isdigit():
        supersedes = get_object_or_404(Guideline.objects.current(), pk=request.GET["reemplaza"])
    initial = {"kind": supersedes.kind, "title": supersedes.title} if supersedes is not None else {}
    form = GuidelineForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("document")
        try:
            guideline = services.guideline_publish(
                actor=request.user, upload=upload, supersedes=supersedes, **data
            )
        except ValidationError as exc:
            # The upload check's reasons belong to the file; the others to the form.
            upload_refused = getattr(exc, "code", "") in UPLOAD_CODES
            form.add_error("document" if upload_refused else None, exc)
        else:
            messages.success(request, _("Published: every staff member must now read it."))
            return redirect("office:guideline_detail", pk=guideline.pk)
    return render(request, "office/guideline_form.html", {"form": form, "supersedes": supersedes})


@login_required
@permission_required(VIEW_GUIDELINE, raise_exception=True)
def guideline_detail(request, pk: int):
    guideline = get_object_or_404(
        Guideline.objects.select_related("published_by", "supersedes"), pk=pk
    )
    later = Guideline.objects.filter(supersedes=guideline).first()
    unread = services.unread_guidelines(request.user).filter(pk=guideline.pk).exists()
    done, pending = (
        services.readers(guideline, request.user) if services.oversees(request.user) else ([], [])
    )
    return render(
        request,
        "office/guideline_detail.html",
        {
            "guideline": guideline,
            "later": later,
            "unread": unread,
            "ack_form": AcknowledgeForm() if unread else None,
            "oversees": services.oversees(request.user),
            "done": done,
            "pending": pending,
        },
    )


@require_POST
@login_required
@permission_required(VIEW_GUIDELINE, raise_exception=True)
def guideline_acknowledge(request, pk: int):
    guideline = get_object_or_404(Guideline, pk=pk)
    form = AcknowledgeForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Thank you: your reading is recorded.")):
            services.guideline_acknowledge(guideline=guideline, actor=request.user)
    return redirect("office:guideline_detail", pk=pk)


@login_required
@permission_required(VIEW_GUIDELINE, raise_exception=True)
def guideline_document(request, pk: int):
    guideline = get_object_or_404(Guideline, pk=pk)
    return FileResponse(
        guideline.document.open("rb"), as_attachment=True, filename=guideline.document_name
    )


# Meetings and action items ----------------------------------------------------------


def _meetings(user):
    return Meeting.objects.visible_to(user)


def _branches(user):
    if sees_all_branches(user):
        return Branch.objects.all()
    return Branch.objects.filter(pk=user.branch_id)


class MeetingListView(FilteredListView):
    permission_required = VIEW_MEETING
    export_basename = "reuniones"
    table_class = MeetingTable
    model = Meeting
    filterset_fields = ["branch"]
    template_name = "office/meeting_list.html"

    def get_queryset(self):
        return (
            _meetings(self.request.user)
            .select_related("branch")
            .annotate(open_items=Count("action_items", filter=Q(action_items__status="open")))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        actions = services.actions_visible_to(self.request.user)
        context["overdue_count"] = actions.overdue(today).count()
        context["mine_count"] = actions.open().filter(owner=self.request.user).count()
        return context

    def export_rows(self, queryset):
        yield [_("Date"), _("Meeting"), _("Branch"), _("Place or link"), _("Open action items")]
        for m in queryset:
            yield [
                m.held_on,
                m.title,
                m.branch.code if m.branch_id else _("Department"),
                m.place,
                m.open_items,
            ]


meeting_list = MeetingListView.as_view()


class ActionListView(FilteredListView):
    permission_required = VIEW_MEETING
    table_class = ActionTable
    filterset_class = ActionFilter
    template_name = "office/action_list.html"
    export_basename = "acciones"

    def get_queryset(self):
        return services.actions_visible_to(self.request.user).select_related("owner", "meeting")

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "owners": services.action_owners(self.request.user),
        }

    def export_rows(self, queryset):
        yield [_("Due"), _("What"), _("Owner"), _("Status"), _("Done"), _("Meeting"), _("Note")]
        for item in queryset.select_related("owner", "meeting").iterator(chunk_size=2000):
            yield [
                item.due_on,
                item.what,
                item.owner.display_name,
                item.get_status_display(),
                timezone.localtime(item.done_at).date() if item.done_at else "",
                str(item.meeting),
                item.note,
            ]


action_list = ActionListView.as_view()

ActionFormSet = formset_factory(ActionForm, extra=3)


@login_required
@permission_required(ADD_MEETING, raise_exception=True)
def meeting_create(request):
    user = request.user
    staff = staff_visible_to(user).select_related("branch")
    form = MeetingForm(
        request.POST or None,
        staff=staff,
        branches=_branches(user),
        initial={
            "held_on": timezone.localdate(),
            "branch": None if sees_all_branches(user) else user.branch_id,
        },
    )
    actions = ActionFormSet(request.POST or None, form_kwargs={"owners": staff}, prefix="accion")
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        data = dict(form.cleaned_data)
        attendees = data.pop("attendees")
        items = [a.cleaned_data for a in actions if a.cleaned_data]
        try:
            meeting = services.meeting_record(
                actor=user, attendees=attendees, actions=items, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Meeting recorded; the owners were told of their items."))
            return redirect("office:meeting_detail", pk=meeting.pk)
    return render(request, "office/meeting_form.html", {"form": form, "actions": actions})


@login_required
@permission_required(VIEW_MEETING, raise_exception=True)
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(
        _meetings(request.user).select_related("branch", "created_by"), pk=pk
    )
    items = list(meeting.action_items.select_related("owner", "done_by", "meeting"))
    for item in items:
        item.closable = services.may_close(item, request.user)
    can_add = services.holds(meeting, request.user)
    return render(
        request,
        "office/meeting_detail.html",
        {
            "meeting": meeting,
            "attendees": meeting.attendees.select_related("branch").order_by("first_name"),
            "items": items,
            "today": timezone.localdate(),
            "action_form": ActionForm(owners=services.action_owners(request.user))
            if can_add
            else None,
            "note_form": NoteForm(),
        },
    )


@require_POST
@login_required
@permission_required(ADD_MEETING, raise_exception=True)
def action_add(request, pk: int):
    meeting = get_object_or_404(_meetings(request.user), pk=pk)
    form = ActionForm(request.POST, owners=services.action_owners(request.user))
    if not form_refused(request, form):
        with reported(request, _("Action item added; its owner was told.")):
            services.action_add(meeting=meeting, actor=request.user, **form.cleaned_data)
    return redirect("office:meeting_detail", pk=pk)


def _action(request, pk: int):
    return get_object_or_404(
        services.actions_visible_to(request.user).select_related("meeting"), pk=pk
    )


@require_POST
@login_required
def action_done(request, pk: int):
    item = _action(request, pk)
    form = NoteForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Marked done.")):
            services.action_done(item=item, actor=request.user, note=form.cleaned_data["note"])
    if request.POST.get("next"):
        return redirect(_safe_next(request))
    return redirect("office:meeting_detail", pk=item.meeting_id)


@require_POST
@login_required
def action_reopen(request, pk: int):
    item = _action(request, pk)
    form = NoteForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Reopened.")):
            services.action_reopen(item=item, actor=request.user, note=form.cleaned_data["note"])
    return redirect("office:meeting_detail", pk=item.meeting_id)


def _safe_next(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


# Trainings --------------------------------------------------------------------------------


class TrainingListView(FilteredListView):
    permission_required = VIEW_TRAINING
    table_class = TrainingTable
    filterset_class = TrainingFilter
    template_name = "office/training_list.html"
    export_basename = "capacitaciones"

    def get_queryset(self):
        return Training.objects.select_related("plan").annotate(
            invited=Count("invitations"),
            attended=Count("invitations", filter=Q(invitations__attended=True)),
        )

    def export_rows(self, queryset):
        yield [
            _("Date"),
            _("Topic"),
            _("Trainer"),
            _("Place"),
            _("Plan"),
            _("Invited"),
            _("Attended"),
        ]
        for t in queryset:
            yield [
                timezone.localtime(t.starts_at).strftime("%d/%m/%Y %H:%M"),
                t.topic,
                t.trainer,
                t.place or t.online_link,
                str(t.plan) if t.plan_id else "",
                t.invited,
                t.attended,
            ]


training_list = TrainingListView.as_view()


@login_required
@permission_required(ADD_TRAINING, raise_exception=True)
def training_create(request):
    form = TrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("material_file")
        try:
            training = services.training_plan(actor=request.user, upload=upload, **data)
        except ValidationError as exc:
            upload_refused = getattr(exc, "code", "") in UPLOAD_CODES
            form.add_error("material_file" if upload_refused else None, exc)
        else:
            messages.success(request, _("Training planned: now invite the staff."))
            return redirect("office:training_detail", pk=training.pk)
    return render(request, "office/training_form.html", {"form": form})


@login_required
@permission_required(VIEW_TRAINING, raise_exception=True)
def training_detail(request, pk: int):
    training = get_object_or_404(Training.objects.select_related("plan", "created_by"), pk=pk)
    staff = staff_visible_to(request.user)
    invitations = training.invitations.filter(user__in=staff).select_related("user", "user__branch")
    manages = request.user.has_perm(ADD_TRAINING)
    invite_form = InviteForm()
    invite_form.fields["branches"].queryset = _branches(request.user)
    return render(
        request,
        "office/training_detail.html",
        {
            "training": training,
            "invitations": invitations,
            "manages": manages,
            "invite_form": invite_form if manages else None,
            "took_place": training.starts_at <= timezone.now(),
        },
    )


@require_POST
@login_required
@permission_required(ADD_TRAINING, raise_exception=True)
def training_invite(request, pk: int):
    training = get_object_or_404(Training, pk=pk)
    form = InviteForm(request.POST)
    form.fields["branches"].queryset = _branches(request.user)
    if not form_refused(request, form):
        try:
            count = services.training_invite(
                training=training,
                actor=request.user,
                branches=form.cleaned_data["branches"],
                roles=form.cleaned_data["roles"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if count:
                messages.success(request, _("%(n)s people invited.") % {"n": count})
            else:
                messages.info(request, _("Everyone chosen was invited already."))
    return redirect("office:training_detail", pk=pk)


@require_POST
@login_required
@permission_required(ADD_TRAINING, raise_exception=True)
def training_attendance(request, pk: int):
    training = get_object_or_404(Training, pk=pk)
    present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
    with reported(request, _("Attendance recorded.")):
        services.attendance_record(training=training, actor=request.user, present=present)
    return redirect("office:training_detail", pk=pk)


@login_required
@permission_required(VIEW_TRAINING, raise_exception=True)
def training_material(request, pk: int):
    training = get_object_or_404(Training, pk=pk)
    if not training.material:
        raise Http404
    return FileResponse(
        training.material.open("rb"), as_attachment=True, filename=training.material_name
    )


@login_required
@permission_required(VIEW_TRAINING, raise_exception=True)
def untrained(request):
    """The staff not trained yet on a year's recovery plan (this year by default)."""
    if not services.oversees(request.user):
        raise PermissionDenied
    form = YearForm(request.GET or None, initial={"year": timezone.localdate().year})
    year = (
        form.cleaned_data["year"]
        if form.is_bound and form.is_valid()
        else timezone.localdate().year
    )
    people = services.untrained(request.user, year)
    if request.GET.get("export") in ("csv", "xlsx"):
        rows = [[_("Branch"), _("Name"), _("Role"), _("E-mail")]] + [
            [p.branch.code if p.branch_id else "", p.display_name, p.role_label, p.email]
            for p in people.prefetch_related("groups")
        ]
        return tabular_response(iter(rows), request.GET["export"], f"sin-capacitar-{year}")
    return render(
        request,
        "office/untrained.html",
        {
            "form": form,
            "year": year,
            "people": people.prefetch_related("groups"),
            "trainings": Training.objects.filter(plan__year=year).count(),
        },
    )


# Induction --------------------------------------------------------------------------------


class InductionListView(FilteredListView):
    permission_required = VIEW_INDUCTION
    table_class = InductionTable
    model = Induction
    filterset_fields = ["user__branch"]
    template_name = "office/induction_list.html"
    export_basename = "induccion"

    def get_queryset(self):
        return (
            services.inductions_visible_to(self.request.user)
            .select_related("user", "user__branch")
            .annotate(
                total=Count("tasks"), done=Count("tasks", filter=Q(tasks__done_at__isnull=False))
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm(ADD_INDUCTION):
            context["start_form"] = InductionStartForm(
                staff=staff_visible_to(self.request.user).filter(induction__isnull=True),
                initial={"started_on": timezone.localdate()},
            )
        return context

    def export_rows(self, queryset):
        yield [_("Branch"), _("Name"), _("Started"), _("Steps done"), _("Steps")]
        for i in queryset:
            yield [
                i.user.branch.code if i.user.branch_id else "",
                i.user.display_name,
                i.started_on,
                i.done,
                i.total,
            ]


induction_list = InductionListView.as_view()


@require_POST
@login_required
@permission_required(ADD_INDUCTION, raise_exception=True)
def induction_start(request):
    form = InductionStartForm(
        request.POST, staff=staff_visible_to(request.user).filter(induction__isnull=True)
    )
    if form_refused(request, form):
        return redirect("office:induction_list")
    try:
        induction = services.induction_start(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("office:induction_list")
    messages.success(request, _("Induction started."))
    return redirect("office:induction_detail", pk=induction.pk)


def _induction(request, pk: int) -> Induction:
    """An induction the user oversees, or their own."""
    queryset = Induction.objects.select_related("user", "user__branch", "started_by")
    if request.user.has_perm(VIEW_INDUCTION):
        visible = services.inductions_visible_to(request.user) | Induction.objects.filter(
            user=request.user
        )
        return get_object_or_404(queryset.filter(pk__in=visible.values("pk")), pk=pk)
    return get_object_or_404(queryset, pk=pk, user=request.user)


@login_required
def induction_detail(request, pk: int):
    induction = _induction(request, pk)
    tasks = list(induction.tasks.select_related("item", "done_by"))
    can_tick = request.user.has_perm(CHANGE_INDUCTION) and induction.user_id != request.user.pk
    return render(
        request,
        "office/induction_detail.html",
        {
            "induction": induction,
            "tasks": tasks,
            "done": sum(1 for t in tasks if t.done_at),
            "can_tick": can_tick,
        },
    )


@require_POST
@login_required
@permission_required(CHANGE_INDUCTION, raise_exception=True)
def induction_tick(request, pk: int):
    task = get_object_or_404(
        InductionTask.objects.filter(induction__in=services.inductions_visible_to(request.user)),
        pk=pk,
    )
    done = request.POST.get("done") == "1"
    with reported(request, _("Step marked done.") if done else _("Step marked pending.")):
        services.induction_tick(task=task, actor=request.user, done=done)
    return redirect("office:induction_detail", pk=task.induction_id)


# Panels on other apps' pages (people.registry) ----------------------------------------------


def pending_panel(request, **context) -> dict | None:
    """What waits on the user: guidelines to read, their open action items, their own
    induction while it is not complete."""
    user = request.user
    if not user.is_authenticated:
        return None
    unread = list(services.unread_guidelines(user)[:10]) if user.has_perm(VIEW_GUIDELINE) else []
    actions = list(
        services.actions_visible_to(user).open().filter(owner=user).select_related("meeting")[:10]
    )
    induction = (
        Induction.objects.filter(user=user)
        .annotate(total=Count("tasks"), done=Count("tasks", filter=Q(tasks__done_at__isnull=False)))
        .first()
    )
    if induction is not None and induction.done == induction.total:
        induction = None
    if not unread and not actions and induction is None:
        return None
    return {
        "template": "office/_pending_panel.html",
        "context": {
            "unread": unread,
            "actions": actions,
            "induction": induction,
            "today": timezone.localdate(),
        },
    }


def overdue_actions_panel(request, **context) -> dict | None:
    """The overdue action items, on the dashboard of those who hold the meetings."""
    user = request.user
    if not user.has_perm(ADD_MEETING):
        return None
    overdue = services.actions_visible_to(user).overdue(timezone.localdate())
    items = list(overdue.select_related("owner", "meeting")[:10])
    if not items:
        return None
    return {
        "template": "office/_overdue_panel.html",
        "context": {"items": items, "count": overdue.count()},
    }


# Staff evaluations ------------------------------------------------------------------------


class EvaluationListView(FilteredListView):
    permission_required = VIEW_EVALUATION
    table_class = EvaluationTable
    model = StaffEvaluation
    filterset_fields = ["person__branch"]
    template_name = "office/evaluation_list.html"
    export_basename = "evaluaciones"

    def get_queryset(self):
        return StaffEvaluation.objects.visible_to(self.request.user).select_related(
            "person", "evaluator"
        )

    def export_rows(self, queryset):
        yield [
            _("Staff member"),
            _("From"),
            _("To"),
            _("Evaluator"),
            _("Overall"),
            _("Made on"),
            _("Acknowledged"),
        ]
        for e in queryset.select_related("person", "evaluator"):
            yield [
                e.person.display_name,
                e.first_month.strftime("%m/%Y"),
                e.last_month.strftime("%m/%Y"),
                e.evaluator.display_name,
                e.get_overall_display(),
                timezone.localtime(e.created_at).date(),
                timezone.localtime(e.acknowledged_at).date() if e.acknowledged_at else "",
            ]


evaluation_list = EvaluationListView.as_view()


@login_required
@permission_required(ADD_EVALUATION, raise_exception=True)
def evaluation_create(request):
    today = timezone.localdate()
    form = EvaluationForm(
        request.POST or None,
        people=services.evaluable(request.user).select_related("branch"),
        initial={
            "first_month": today.replace(month=1, day=1),
            "last_month": today.replace(day=1),
        },
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = services.evaluation_figures(
                data["person"],
                data["first_month"].replace(day=1),
                data["last_month"].replace(day=1),
            )
        else:
            try:
                evaluation = services.evaluation_make(
                    actor=request.user,
                    person=data["person"],
                    first_month=data["first_month"],
                    last_month=data["last_month"],
                    ratings=form.ratings(),
                    overall=data["overall"],
                    strengths=data["strengths"],
                    improvements=data["improvements"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Evaluation saved with its figures as of today."))
                return redirect("office:evaluation_detail", pk=evaluation.pk)
    return render(request, "office/evaluation_form.html", {"form": form, "preview": preview})


def _evaluation(request, pk: int) -> StaffEvaluation:
    return get_object_or_404(
        StaffEvaluation.objects.visible_to(request.user).select_related(
            "person", "person__branch", "evaluator"
        ),
        pk=pk,
    )


@login_required
@permission_required(VIEW_EVALUATION, raise_exception=True)
def evaluation_detail(request, pk: int):
    evaluation = _evaluation(request, pk)
    mine = evaluation.person_id == request.user.pk
    return render(
        request,
        "office/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "ack_form": EvaluationAcknowledgeForm()
            if mine and evaluation.acknowledged_at is None
            else None,
        },
    )


@require_POST
@login_required
@permission_required(VIEW_EVALUATION, raise_exception=True)
def evaluation_acknowledge(request, pk: int):
    evaluation = _evaluation(request, pk)
    form = EvaluationAcknowledgeForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Your acknowledgement is recorded.")):
            services.evaluation_acknowledge(
                evaluation=evaluation, actor=request.user, comment=form.cleaned_data["comment"]
            )
    return redirect("office:evaluation_detail", pk=pk)


@login_required
@permission_required(VIEW_EVALUATION, raise_exception=True)
def evaluation_pdf(request, pk: int):
    evaluation = _evaluation(request, pk)
    pdf = render_pdf("office/evaluation_pdf.html", {"evaluation": evaluation})
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"evaluacion-{evaluation.person.username}-{evaluation.last_month:%Y-%m}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
