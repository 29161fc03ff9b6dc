"""The head's desk: dashboards, the annual plan and the monthly reports. Views parse,
call the services and render; the figures come from `dashboards` and `kpis`."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import form_refused, reported
from people.access import sees_all_branches
from people.registry import page_panels_for
from people.roles import Role
from reporting import dashboards, services
from reporting.apps import (
    ADD_PLAN,
    ADD_REPORT,
    APPROVE_PLAN,
    CHANGE_PLAN,
    CONFIRM_PLAN,
    DASHBOARD,
    VIEW_PLAN,
    VIEW_REPORT,
)
from reporting.forms import (
    PeriodForm,
    PlanCreateForm,
    PlanTextForm,
    ReportForm,
    ReviseForm,
    TargetsForm,
    TargetsImportForm,
)
from reporting.models import MONTHS, TARGET_FIELDS, MonthlyReport, PlanBranch, RecoveryPlan
from reporting.report import report_start


@login_required
@permission_required(DASHBOARD, raise_exception=True)
def dashboard(request):
    """The head's dashboard, a branch's (the head drilling in, or the branch head's own),
    for the months asked (the year to date by default)."""
    today = timezone.localdate()
    period = dashboards.default_period(today)
    form = PeriodForm(request.GET or None, initial={"first": period.first, "last": period.last})
    if form.is_bound and form.is_valid():
        period = dashboards.Period(
            (form.cleaned_data["first"] or period.first).replace(day=1),
            (form.cleaned_data["last"] or period.last).replace(day=1),
        )
        if period.first > period.last:
            period = dashboards.Period(period.last, period.last)
    branch = None
    branch_id = request.GET.get("branch", "")
    if branch_id:
        if not branch_id.isdigit():
            raise Http404
        branch = get_object_or_404(services.visible_branches(request.user), pk=branch_id)
    context = dashboards.dashboard(request.user, period, branch=branch)
    context["form"] = form
    # What the apps above add (office: the overdue action items).
    context["panels"] = page_panels_for("dashboard", request)
    context["branches"] = (
        services.visible_branches(request.user) if sees_all_branches(request.user) else []
    )
    return render(request, "reporting/dashboard.html", context)


def _plan(request, pk: int) -> RecoveryPlan:
    return get_object_or_404(RecoveryPlan, pk=pk)


@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def plan_list(request):
    form = PlanCreateForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not request.user.has_perm(ADD_PLAN):
            raise PermissionDenied
        if form.is_valid():
            with reported(request, _("The plan is drafted: set each branch's targets.")) as done:
                plan = services.plan_create(year=form.cleaned_data["year"], actor=request.user)
            if done.ok:
                return redirect("reporting:plan_detail", pk=plan.pk)
    plans = RecoveryPlan.objects.select_related("created_by", "approved_by").order_by(
        "-year", "-version"
    )
    return render(request, "reporting/plan_list.html", {"plans": plans, "form": form})


@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def plan_detail(request, pk: int):
    plan = _plan(request, pk)
    entries = list(PlanBranch.objects.filter(plan=plan).select_related("branch", "confirmed_by"))
    targets = {}
    for target in plan.targets.all():
        targets.setdefault(target.branch_id, {})[target.month] = target
    grid = []
    for entry in entries:
        months = targets.get(entry.branch_id, {})
        amounts = [months[m].amount if m in months else None for m in MONTHS]
        grid.append(
            {
                "entry": entry,
                "amounts": amounts,
                "total": sum((a for a in amounts if a is not None), start=0),
                "counts": {
                    name: sum(getattr(t, name) for t in months.values())
                    for name in TARGET_FIELDS[1:]
                },
                "can_confirm": plan.is_draft
                and not entry.confirmed_at
                and services.can_confirm(request.user, entry.branch),
            }
        )
    versions = RecoveryPlan.objects.filter(year=plan.year).order_by("-version")
    return render(
        request,
        "reporting/plan_detail.html",
        {
            "plan": plan,
            "grid": grid,
            "months": services.XLSX_MONTHS,
            "versions": versions,
            "timeline": plan.timeline.select_related("actor")[:50],
            "text_form": PlanTextForm(
                initial={"strategies": plan.strategies, "policies": plan.policies}
            ),
            "revise_form": ReviseForm(),
            "import_form": TargetsImportForm(),
            "missing": services.unconfirmed(plan) if plan.is_draft else [],
            "can_edit": plan.is_draft and request.user.has_perm(CHANGE_PLAN),
            "can_approve": plan.is_draft and request.user.has_perm(APPROVE_PLAN),
            "can_revise": plan.status == "approved" and request.user.has_perm(ADD_PLAN),
        },
    )


@require_POST
@login_required
@permission_required(CHANGE_PLAN, raise_exception=True)
def plan_text(request, pk: int):
    plan = _plan(request, pk)
    form = PlanTextForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Strategies and policies saved.")):
            services.plan_text_save(plan=plan, actor=request.user, **form.cleaned_data)
    return redirect("reporting:plan_detail", pk=plan.pk)


@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def plan_branch(request, pk: int, branch_pk: int):
    """One branch's twelve months, editable by the head while the version is a draft."""
    plan = _plan(request, pk)
    branch = get_object_or_404(services.visible_branches(request.user), pk=branch_pk)
    entry = get_object_or_404(
        PlanBranch.objects.select_related("confirmed_by"), plan=plan, branch=branch
    )
    stored = {
        t["month"]: t for t in plan.targets.filter(branch=branch).values("month", *TARGET_FIELDS)
    }
    can_edit = plan.is_draft and request.user.has_perm(CHANGE_PLAN)
    form = TargetsForm(request.POST or None, targets=stored)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            with reported(
                request, _("The targets of %(branch)s are saved.") % {"branch": branch.code}
            ) as done:
                services.targets_save(
                    plan=plan, branch=branch, values=form.values(), actor=request.user
                )
            if done.ok:
                return redirect("reporting:plan_detail", pk=plan.pk)
        else:
            messages.error(request, _("Some targets are not valid: see the marked cells."))
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "reporting/plan_branch.html",
        {
            "plan": plan,
            "branch": branch,
            "entry": entry,
            "form": form,
            "months": services.XLSX_MONTHS,
            "can_edit": can_edit,
            "can_confirm": plan.is_draft
            and not entry.confirmed_at
            and services.can_confirm(request.user, branch),
        },
    )


@require_POST
@login_required
@permission_required(CONFIRM_PLAN, raise_exception=True)
def plan_confirm(request, pk: int, branch_pk: int):
    plan = _plan(request, pk)
    branch = get_object_or_404(services.visible_branches(request.user), pk=branch_pk)
    with reported(request, _("You confirmed the targets of %(branch)s.") % {"branch": branch.code}):
        services.branch_confirm(plan=plan, branch=branch, actor=request.user)
    return redirect("reporting:plan_detail", pk=plan.pk)


@require_POST
@login_required
@permission_required(APPROVE_PLAN, raise_exception=True)
def plan_approve(request, pk: int):
    plan = _plan(request, pk)
    with reported(request, _("The plan is approved and in force.")):
        services.plan_approve(plan=plan, actor=request.user)
    return redirect("reporting:plan_detail", pk=plan.pk)


@require_POST
@login_required
@permission_required(ADD_PLAN, raise_exception=True)
def plan_revise(request, pk: int):
    plan = _plan(request, pk)
    form = ReviseForm(request.POST)
    if form_refused(request, form):
        return redirect("reporting:plan_detail", pk=plan.pk)
    with reported(
        request,
        _("A new version is drafted; the approved one stays in force until it is approved."),
    ) as done:
        revised = services.plan_revise(
            plan=plan, actor=request.user, reason=form.cleaned_data["reason"]
        )
    return redirect("reporting:plan_detail", pk=revised.pk if done.ok else plan.pk)


@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def plan_xlsx(request, pk: int):
    plan = _plan(request, pk)
    response = HttpResponse(
        services.targets_xlsx(plan),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="plan-{plan.year}-v{plan.version}-metas.xlsx"'
    )
    return response


@require_POST
@login_required
@permission_required(CHANGE_PLAN, raise_exception=True)
def plan_import(request, pk: int):
    """Every branch's targets from a workbook: all or nothing, the line and reason of
    the first problem otherwise."""
    plan = _plan(request, pk)
    form = TargetsImportForm(request.POST, request.FILES)
    if form_refused(request, form):
        return redirect("reporting:plan_detail", pk=plan.pk)
    upload = form.cleaned_data["file"]
    if upload.size > 2 * 1024 * 1024:
        messages.error(request, _("The targets workbook is larger than 2 MB."))
        return redirect("reporting:plan_detail", pk=plan.pk)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "metas"
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        try:
            changed = services.targets_import(plan=plan, path=path, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Targets imported: %(count)s branch-months changed.") % {"count": changed},
            )
    return redirect("reporting:plan_detail", pk=plan.pk)


@login_required
@permission_required(VIEW_REPORT, raise_exception=True)
def report_list(request):
    form = ReportForm(request.POST or None, initial={"month": timezone.localdate().replace(day=1)})
    if request.method == "POST":
        if not request.user.has_perm(ADD_REPORT):
            raise PermissionDenied
        if form.is_valid():
            try:
                job = report_start(month=form.cleaned_data["month"], actor=request.user)
            except ValidationError as exc:
                form.add_error("month", exc)
            else:
                return redirect("core:job_detail", token=job.token)
    reports = MonthlyReport.objects.select_related("requested_by").order_by("-requested_at")[:100]
    return render(request, "reporting/report_list.html", {"form": form, "reports": reports})


@login_required
@permission_required(VIEW_REPORT, raise_exception=True)
def report_download(request, pk: int, kind: str):
    report = get_object_or_404(MonthlyReport, pk=pk)
    if kind not in {"pdf", "xlsx"}:
        raise Http404
    stored = getattr(report, kind)
    if not stored:
        raise Http404
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=f"informe-mora-{report.month:%Y-%m}.{kind}"
    )


def agent_panel(request, **context) -> dict | None:
    """The agent's own figures for its queue page (people.registry's page panels)."""
    if request.user.role != Role.AGENT:
        return None
    return {
        "template": "reporting/_agent_panel.html",
        "context": dashboards.agent_figures(request.user),
    }
