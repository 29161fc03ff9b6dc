"""The Board path's pages: the desk of what waits for whom, the requests, the sessions
and their submissions, the waivers and the archive dispatches. Each view fetches
through the one scoping point, calls one service and redirects."""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Min, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from agreements.models import PaymentAgreement
from core.exports import FilteredListView, tabular_response
from core.views import form_refused, reported
from council import services
from council.apps import ADD, APPLY, ARCHIVE, DECIDE, REVIEW, VIEW
from council.exports import waiver_rows, waivers_to_export
from council.filters import RequestFilter, WaiverFilter
from council.forms import (
    AmountsForm,
    ConfirmAppliedForm,
    DispatchForm,
    DraftForm,
    OutcomeForm,
    ReasonForm,
    RequestForm,
    SessionForm,
    SubmissionForm,
)
from council.models import (
    APPROVED_STATUSES,
    ArchiveDispatch,
    BoardSession,
    DocumentType,
    RequestDocument,
    RequestKind,
    RequestPeriod,
    RequestStatus,
    SettlementRequest,
    Submission,
    Waiver,
    WaiverStatus,
    line_totals,
)
from council.pdf import render_dispatch_pdf, render_draft_pdf, render_submission_pdf
from council.tables import RequestTable, WaiverTable
from employers.models import Employer
from employers.queries import account_statement
from recovery.forms import DocumentForm
from recovery.models import RecoveryCase


def _requests(user):
    return SettlementRequest.objects.visible_to(user)


def _visible(request, pk: int) -> SettlementRequest:
    return get_object_or_404(
        _requests(request.user).select_related(
            "employer",
            "branch",
            "case",
            "agreement",
            "prepared_by",
            "contents_checked_by",
            "documents_checked_by",
            "applied_by",
            "submission__session",
            "dispatch",
        ),
        pk=pk,
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


# --- The desk --------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def desk(request):
    """What waits for whom, with counts and the oldest's age: review, the Board,
    application, archive, and the discharges to propose."""
    today = timezone.localdate()
    visible = _requests(request.user)
    stages = [
        (_("To review"), [RequestStatus.RECEIVED, RequestStatus.REVIEW], _("the department head")),
        (_("Waiting for the employer"), [RequestStatus.INCOMPLETE], _("the employer")),
        (_("To send to the Board"), [RequestStatus.READY], _("the department's staff")),
        (_("At the Board"), [RequestStatus.SUBMITTED], _("the Board of Directors")),
        (_("To apply in the account"), list(APPROVED_STATUSES), _("the account system")),
        (
            _("To archive"),
            [RequestStatus.APPLIED, RequestStatus.REJECTED],
            _("the department's staff"),
        ),
    ]
    counts = {
        row["status"]: row
        for row in visible.values("status").annotate(n=Count("id"), oldest=Min("received_on"))
    }
    rows = []
    for label, statuses, who in stages:
        n = sum(counts.get(status, {}).get("n", 0) for status in statuses)
        oldest = min(
            (counts[s]["oldest"] for s in statuses if s in counts and counts[s]["oldest"]),
            default=None,
        )
        query = "&".join(f"status={status}" for status in statuses)
        rows.append(
            {
                "label": label,
                "who": who,
                "count": n,
                "age": (today - oldest).days if oldest else None,
                "query": query,
            }
        )
    late_after = today - datetime.timedelta(days=settings.COUNCIL_APPLICATION_DAYS)
    late_waivers = (
        Waiver.objects.visible_to(request.user)
        .filter(status=WaiverStatus.PENDING, recorded_at__date__lt=late_after)
        .select_related("request", "period__employer")
        .order_by("recorded_at")
    )
    candidates = []
    if request.user.has_perm(ADD) and request.user.has_perm(REVIEW):
        candidates = list(
            services.discharge_candidates().filter(
                pk__in=RecoveryCase.objects.visible_to(request.user).values("pk")
            )[:50]
        )
    return render(
        request,
        "council/desk.html",
        {
            "rows": rows,
            "late_waivers": late_waivers[:50],
            "late_count": late_waivers.count(),
            "late_days": settings.COUNCIL_APPLICATION_DAYS,
            "candidates": candidates,
            "sessions": BoardSession.objects.filter(date__gte=today).order_by("date")[:5],
        },
    )


@require_POST
@login_required
@permission_required(REVIEW, raise_exception=True)
def discharge_propose(request, case_pk: int):
    case = get_object_or_404(RecoveryCase.objects.visible_to(request.user), pk=case_pk)
    try:
        created = services.discharge_propose(case=case, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("council:desk")
    messages.success(
        request, _("Discharge request %(number)s proposed.") % {"number": created.number}
    )
    return redirect("council:request_detail", pk=created.pk)


# --- Requests ------------------------------------------------------------------------


class RequestListView(FilteredListView):
    permission_required = VIEW
    table_class = RequestTable
    filterset_class = RequestFilter
    template_name = "council/request_list.html"
    export_basename = "solicitudes-consejo"

    def get_queryset(self):
        return (
            _requests(self.request.user)
            .with_totals()
            .annotate(waived=F("total_fines") + F("total_surcharges"))
            .select_related("employer", "branch", "submission__session")
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def export_rows(self, queryset):
        yield [
            _("Request"),
            _("Kind"),
            _("Employer no."),
            _("Employer"),
            _("Branch"),
            _("Received"),
            _("Status"),
            _("Contributions"),
            _("Fines"),
            _("Surcharges"),
            _("Session"),
            _("Resolution"),
        ]
        for r in queryset.iterator(chunk_size=2000):
            yield [
                r.number,
                r.get_kind_display(),
                r.employer.employer_number,
                r.employer.legal_name,
                r.branch.code,
                r.received_on,
                r.get_status_display(),
                r.total_contributions,
                r.total_fines,
                r.total_surcharges,
                r.submission.session.number if r.submission_id else "",
                r.resolution_number,
            ]


request_list = RequestListView.as_view()


@login_required
@permission_required(ADD, raise_exception=True)
def request_create(request):
    employers = Employer.objects.visible_to(request.user)
    agreements = PaymentAgreement.objects.visible_to(request.user).select_related("employer")
    form = RequestForm(request.POST or None, employers=employers, agreements=agreements)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_create(
                employer=data["employer"],
                actor=request.user,
                received_on=data["received_on"],
                payment_terms=data["payment_terms"],
                agreement=data["agreement"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Request %(number)s received; its periods were proposed from the statement.")
                % {"number": created.number},
            )
            return redirect("council:request_detail", pk=created.pk)
    return render(request, "council/request_form.html", {"form": form})


def _actions(request_obj: SettlementRequest, user) -> dict:
    """Only the actions the request's state and the user's role allow."""
    allowed = request_obj.allowed_transitions
    is_preparer = user.pk == request_obj.prepared_by_id
    can_review = user.has_perm(REVIEW) and not is_preparer
    editable = request_obj.is_editable and user.has_perm(ADD)
    return {
        "edit": editable,
        "take_review": can_review and RequestStatus.REVIEW in allowed,
        "check": can_review and request_obj.status == RequestStatus.REVIEW,
        "incomplete": can_review and RequestStatus.INCOMPLETE in allowed,
        "ready": can_review and RequestStatus.READY in allowed,
        "outcome": user.has_perm(DECIDE) and request_obj.status == RequestStatus.SUBMITTED,
        "apply_discharge": user.has_perm(APPLY)
        and not is_preparer
        and request_obj.kind == RequestKind.DISCHARGE
        and request_obj.status in APPROVED_STATUSES,
        "confirm_waiver": user.has_perm(APPLY) and not is_preparer,
        "is_preparer": is_preparer,
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def request_detail(request, pk: int):
    obj = _visible(request, pk)
    lines = list(obj.periods.select_related("period"))
    waivers = {w.request_period_id: w for w in obj.waivers.select_related("applied_import")}
    for line in lines:
        line.waiver_record = waivers.get(line.pk)
    documents = {d.document_type_id: d for d in obj.documents.all()}
    checklist = [(kind, documents.get(kind.pk)) for kind in services.document_types(obj)]
    totals = line_totals(lines)
    actions = _actions(obj, request.user)
    return render(
        request,
        "council/request_detail.html",
        {
            "req": obj,
            "lines": lines,
            "totals": totals,
            "checklist": checklist,
            "timeline": obj.timeline.select_related("actor")[:100],
            "problems": services.readiness_problems(obj)
            if obj.status in {RequestStatus.REVIEW, RequestStatus.RECEIVED}
            else [],
            "actions": actions,
            "statement": account_statement(obj.employer, timezone.localdate()),
            "draft_form": DraftForm(initial={"draft_text": obj.draft_text}),
            "document_form": DocumentForm(),
            "reason_form": ReasonForm(),
            "outcome_form": OutcomeForm(initial={"resolution_date": timezone.localdate()}),
            "confirm_form": ConfirmAppliedForm(),
            "resolution_example": settings.COUNCIL_RESOLUTION_EXAMPLE,
        },
    )


@require_POST
@login_required
@permission_required(VIEW, raise_exception=True)
def request_transition(request, pk: int):
    obj = _visible(request, pk)
    to_status = request.POST.get("to", "")
    if not request.user.has_perm(REVIEW):
        raise Http404
    form = ReasonForm(request.POST)
    if not form_refused(request, form):
        with reported(
            request,
            _("The request is now “%(status)s”.")
            % {
                "status": RequestStatus(to_status).label
                if to_status in RequestStatus.values
                else ""
            },
        ):
            services.request_transition(
                request=obj,
                to_status=to_status,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
    return redirect("council:request_detail", pk=obj.pk)


@require_POST
@login_required
@permission_required(REVIEW, raise_exception=True)
def request_check(request, pk: int):
    obj = _visible(request, pk)
    part = request.POST.get("part")
    if part not in {"contents", "documents"}:
        raise Http404
    with reported(request, _("Review recorded.")):
        services.request_check(request=obj, part=part, actor=request.user)
    return redirect("council:request_detail", pk=obj.pk)


@require_POST
@login_required
@permission_required(ADD, raise_exception=True)
def request_amounts(request, pk: int, line_pk: int):
    obj = _visible(request, pk)
    line = get_object_or_404(RequestPeriod, pk=line_pk, request=obj)
    form = AmountsForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Amounts changed.")):
            services.request_period_set_amounts(
                line=line,
                fines=form.cleaned_data["fines"],
                surcharges=form.cleaned_data["surcharges"],
                actor=request.user,
            )
    return redirect("council:request_detail", pk=obj.pk)


@require_POST
@login_required
@permission_required(ADD, raise_exception=True)
def request_refresh(request, pk: int):
    obj = _visible(request, pk)
    with reported(request, _("The changed periods were proposed again from the statement.")):
        services.request_refresh_amounts(request=obj, actor=request.user)
    return redirect("council:request_detail", pk=obj.pk)


@require_POST
@login_required
@permission_required(ADD, raise_exception=True)
def request_draft(request, pk: int):
    obj = _visible(request, pk)
    if request.POST.get("regenerate"):
        with reported(request, _("Draft resolution generated again from the template.")):
            services.request_draft_update(request=obj, text=None, actor=request.user)
        return redirect("council:request_detail", pk=obj.pk)
    form = DraftForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Draft resolution saved.")):
            services.request_draft_update(
                request=obj, text=form.cleaned_data["draft_text"], actor=request.user
            )
    return redirect("council:request_detail", pk=obj.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def request_draft_pdf(request, pk: int):
    obj = _visible(request, pk)
    return _pdf(render_draft_pdf(obj), f"anteproyecto-{obj.number}")


@require_POST
@login_required
@permission_required(ADD, raise_exception=True)
def request_document(request, pk: int, type_pk: int):
    obj = _visible(request, pk)
    document_type = get_object_or_404(DocumentType, pk=type_pk, is_active=True, kind=obj.kind)
    form = DocumentForm(request.POST, request.FILES)
    if not form_refused(request, form):
        with reported(request, _("Document checklist updated.")):
            if form.cleaned_data.get("file"):
                services.request_document_upload(
                    request=obj,
                    document_type=document_type,
                    upload=form.cleaned_data["file"],
                    actor=request.user,
                )
            else:
                services.request_document_mark_missing(
                    request=obj,
                    document_type=document_type,
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
    return redirect("council:request_detail", pk=obj.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def document_download(request, pk: int):
    """Files are served only through here, after the same scoping as their request."""
    document = get_object_or_404(RequestDocument.objects.exclude(file=""), pk=pk)
    _visible(request, document.request_id)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name or "documento",
        content_type=document.content_type or "application/octet-stream",
    )


def _approved_amounts(post, lines) -> dict[int, tuple[Decimal, Decimal]]:
    amounts = {}
    for line in lines:
        try:
            fines = Decimal(post.get(f"fines_{line.pk}", line.fines))
            surcharges = Decimal(post.get(f"surcharges_{line.pk}", line.surcharges))
        except InvalidOperation as exc:
            raise ValidationError(
                _("Period %(period)s: write the amounts as numbers (1234.56).")
                % {"period": f"{line.period.period:%m/%Y}"}
            ) from exc
        if not (fines.is_finite() and surcharges.is_finite()):
            raise ValidationError(_("Write the amounts as numbers (1234.56)."))
        amounts[line.pk] = (fines, surcharges)
    return amounts


@require_POST
@login_required
@permission_required(DECIDE, raise_exception=True)
def request_outcome(request, pk: int):
    obj = _visible(request, pk)
    form = OutcomeForm(request.POST)
    if not form_refused(request, form):
        data = form.cleaned_data
        approved = data["outcome"] == "approved"
        with reported(request, _("The Board's resolution was recorded.")):
            lines = list(obj.periods.select_related("period"))
            services.request_record_outcome(
                request=obj,
                approved=approved,
                resolution_number=data["resolution_number"],
                resolution_date=data["resolution_date"],
                actor=request.user,
                amounts=_approved_amounts(request.POST, lines) if approved else None,
                note=data["note"],
            )
    if obj.submission_id and request.POST.get("back") == "session":
        return redirect("council:session_detail", pk=obj.submission.session_id)
    return redirect("council:request_detail", pk=obj.pk)


@require_POST
@login_required
@permission_required(APPLY, raise_exception=True)
def discharge_apply(request, pk: int):
    obj = _visible(request, pk)
    with reported(request, _("Discharge applied: the case is closed as paid.")):
        services.discharge_apply(request=obj, actor=request.user)
    return redirect("council:request_detail", pk=obj.pk)


# --- Waivers ---------------------------------------------------------------------------


class WaiverListView(LoginRequiredMixin, PermissionRequiredMixin, SingleTableMixin, FilterView):
    permission_required = VIEW
    table_class = WaiverTable
    filterset_class = WaiverFilter
    template_name = "council/waiver_list.html"

    def get_queryset(self):
        return Waiver.objects.visible_to(self.request.user).select_related(
            "request", "period__employer", "applied_import"
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["to_export"] = waivers_to_export().count()
        return context


waiver_list = WaiverListView.as_view()


@login_required
@permission_required(APPLY, raise_exception=True)
def waiver_export(request):
    """The file for the account system (every branch's: it is one system)."""
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return tabular_response(waiver_rows(), fmt, "exoneraciones")


@require_POST
@login_required
@permission_required(APPLY, raise_exception=True)
def waiver_confirm(request, pk: int):
    waiver = get_object_or_404(Waiver.objects.visible_to(request.user), pk=pk)
    form = ConfirmAppliedForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Waiver confirmed applied.")):
            services.waiver_confirm_applied(
                waiver=waiver, actor=request.user, note=form.cleaned_data["note"]
            )
    return redirect("council:request_detail", pk=waiver.request_id)


# --- Sessions and submissions -------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def session_list(request):
    form = SessionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(DECIDE):
            raise Http404
        if form.is_valid():
            with reported(request, _("Session recorded.")) as outcome:
                session = services.session_create(actor=request.user, **form.cleaned_data)
            if outcome.ok:
                return redirect("council:session_detail", pk=session.pk)
    visible = _requests(request.user)
    sessions = BoardSession.objects.annotate(
        requests=Count("submissions__requests", filter=Q(submissions__requests__in=visible))
    ).order_by("-date")[:100]
    return render(
        request,
        "council/session_list.html",
        {"sessions": sessions, "form": form, "can_decide": request.user.has_perm(DECIDE)},
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def session_detail(request, pk: int):
    session = get_object_or_404(BoardSession, pk=pk)
    visible = _requests(request.user)
    submissions = session.submissions.select_related("sent_by").prefetch_related(
        Prefetch(
            "requests",
            queryset=visible.with_totals().select_related("employer").order_by("number"),
        )
    )
    ready = visible.filter(status=RequestStatus.READY).with_totals().select_related("employer")
    return render(
        request,
        "council/session_detail.html",
        {
            "session": session,
            "submissions": submissions,
            "ready": ready if request.user.has_perm(DECIDE) else [],
            "submission_form": SubmissionForm(initial={"session": session}),
            "outcome_form": OutcomeForm(initial={"resolution_date": session.date}),
            "can_decide": request.user.has_perm(DECIDE),
            "resolution_example": settings.COUNCIL_RESOLUTION_EXAMPLE,
        },
    )


@require_POST
@login_required
@permission_required(DECIDE, raise_exception=True)
def submission_create(request, pk: int):
    session = get_object_or_404(BoardSession, pk=pk)
    form = SubmissionForm(request.POST)
    form.fields["session"].queryset = BoardSession.objects.filter(pk=session.pk)
    if not form_refused(request, form):
        ids = [int(i) for i in request.POST.getlist("select") if i.isdigit()]
        chosen = list(_requests(request.user).filter(pk__in=ids))
        with reported(
            request, _("Submission sent with %(count)s requests.") % {"count": len(chosen)}
        ):
            services.submission_create(
                session=session,
                requests=chosen,
                actor=request.user,
                sent_on=form.cleaned_data["sent_on"],
                memo=form.cleaned_data["memo"],
            )
    return redirect("council:session_detail", pk=session.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def submission_pdf(request, pk: int):
    submission = get_object_or_404(Submission, pk=pk)
    # A branch user sees the memo only if the submission carries a request of theirs.
    if not _requests(request.user).filter(submission=submission).exists():
        raise Http404
    return _pdf(render_submission_pdf(submission), f"remision-{submission.number}")


# --- Archive ------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def dispatch_list(request):
    form = DispatchForm(request.POST or None)
    archivable = (
        _requests(request.user)
        .filter(status__in=[RequestStatus.APPLIED, RequestStatus.REJECTED])
        .select_related("employer")
        .order_by("resolution_date", "number")
    )
    if request.method == "POST":
        if not request.user.has_perm(ARCHIVE):
            raise Http404
        if form.is_valid():
            ids = [int(i) for i in request.POST.getlist("select") if i.isdigit()]
            with reported(request, _("Dispatch to the archive recorded.")) as outcome:
                services.dispatch_create(
                    requests=list(archivable.filter(pk__in=ids)),
                    actor=request.user,
                    sent_on=form.cleaned_data["sent_on"],
                    notes=form.cleaned_data["notes"],
                )
            if outcome.ok:
                return redirect("council:dispatch_list")
    dispatches = (
        ArchiveDispatch.objects.filter(requests__in=_requests(request.user))
        .distinct()
        .annotate(n=Count("requests"))[:50]
    )
    return render(
        request,
        "council/dispatch_list.html",
        {
            "form": form,
            "archivable": archivable[:200],
            "dispatches": dispatches,
            "can_archive": request.user.has_perm(ARCHIVE),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def dispatch_pdf(request, pk: int):
    dispatch = get_object_or_404(ArchiveDispatch, pk=pk)
    if not _requests(request.user).filter(dispatch=dispatch).exists():
        raise Http404
    return _pdf(render_dispatch_pdf(dispatch), f"remision-archivo-{dispatch.number}")
