"""Prescription pages: the periods about to prescribe (and those that did), the rules,
the notices served; and the panels on the case, the queue, the employer and the
dashboard."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import FilteredListView
from core.views import form_refused, reported
from prescription import services
from prescription.apps import MANAGE_RULES, RECORD_NOTICE, VIEW, VIEW_NOTICE, VIEW_RULES
from prescription.filters import ClockFilter
from prescription.forms import NoticeServiceForm, RuleForm
from prescription.models import NoticeService, PeriodClock, PrescriptionRule
from prescription.tables import ClockTable
from recovery.models import RecoveryCase


def _clocks(user):
    return PeriodClock.objects.visible_to(user)


class ClockListView(FilteredListView):
    permission_required = VIEW
    table_class = ClockTable
    model = PeriodClock
    filterset_class = ClockFilter
    template_name = "prescription/clock_list.html"
    export_basename = "prescripcion"

    def get_queryset(self):
        return services.with_action(_clocks(self.request.user).select_related("employer", "period"))

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        clocks = _clocks(self.request.user)
        soon, prescribed = services.soon_q(today), Q(prescribed_on__isnull=False)
        totals = clocks.aggregate(
            soon_n=Count("pk", filter=soon),
            soon_owed=Sum("period__balance", filter=soon),
            prescribed_n=Count("pk", filter=prescribed),
            prescribed_owed=Sum("period__balance", filter=prescribed),
        )
        context["totals"] = {
            kind: {"n": totals[f"{kind}_n"], "owed": totals[f"{kind}_owed"]}
            for kind in ("soon", "prescribed")
        }
        context["days"] = services.warning_days()
        context["rule"] = services.rule_in_force(today)
        return context

    def export_rows(self, queryset):
        yield [
            _("Employer no."),
            _("Employer"),
            _("Period"),
            _("Owed"),
            _("Clock started"),
            _("Started by"),
            _("Prescribes on"),
            _("Prescribed"),
            _("What would interrupt it"),
        ]
        for c in queryset:
            yield [
                c.employer.employer_number,
                c.employer.legal_name,
                c.period.period.strftime("%m/%Y"),
                c.period.balance,
                c.started_on,
                c.get_start_kind_display(),
                c.prescribes_on,
                _("Yes") if c.prescribed_on else _("No"),
                "" if c.prescribed_on else services.action_label(c.action),
            ]


clock_list = ClockListView.as_view()


@login_required
@permission_required(VIEW_RULES, raise_exception=True)
def rule_list(request):
    """The dated rules, the one in force today, and (for the head) a new rule."""
    can_manage = request.user.has_perm(MANAGE_RULES)
    form = RuleForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            return redirect("prescription:rule_list")
        if form.is_valid():
            try:
                rule = services.rule_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Rule recorded: %(rule)s.") % {"rule": rule})
                job = services.clocks_refresh_start(actor=request.user)
                return redirect("core:job_detail", token=job.token)
    return render(
        request,
        "prescription/rule_list.html",
        {
            "rules": PrescriptionRule.objects.select_related("created_by"),
            "in_force": services.rule_in_force(timezone.localdate()),
            "form": form,
        },
    )


@require_POST
@login_required
@permission_required(RECORD_NOTICE, raise_exception=True)
def notice_record(request, case_pk: int):
    case = get_object_or_404(RecoveryCase.objects.visible_to(request.user), pk=case_pk)
    form = NoticeServiceForm(request.POST)
    if not form_refused(request, form):
        success = _(
            "Notice served on %(day)s recorded: the clocks of the periods then due restart."
        ) % {"day": form.cleaned_data["served_on"].strftime("%d/%m/%Y")}
        with reported(request, success):
            services.notice_service_record(case=case, actor=request.user, **form.cleaned_data)
    return redirect("recovery:case_detail", pk=case.pk)


# Panels ---------------------------------------------------------------------------------


def case_panel(request, case=None, **context) -> dict | None:
    """On a case: the employer's periods about to prescribe (or prescribed), with the
    action that would interrupt each; the notices served; a notice to record."""
    if case is None or not request.user.has_perm(VIEW):
        return None
    today = timezone.localdate()
    until = today + datetime.timedelta(days=services.warning_days())
    # One read of the employer's clocks (a few dozen), split here.
    clocks = list(
        services.with_action(
            PeriodClock.objects.filter(employer_id=case.employer_id).select_related("period")
        ).order_by("prescribes_on", "period_id")
    )
    soon = [c for c in clocks if today < c.prescribes_on <= until][:24]
    prescribed = [c for c in clocks if c.prescribed_on][:24]
    first = next((c.prescribes_on for c in clocks if c.prescribes_on > today), None)
    notices = (
        list(NoticeService.objects.filter(employer_id=case.employer_id)[:5])
        if request.user.has_perm(VIEW_NOTICE)
        else []
    )
    can_record = request.user.has_perm(RECORD_NOTICE) and request.user.has_perm(
        "recovery.change_recoverycase"
    )
    return {
        "template": "prescription/_case_panel.html",
        "context": {
            "case": case,
            "soon": soon,
            "prescribed": prescribed,
            "first": first,
            "days": services.warning_days(),
            "notices": notices,
            "form": NoticeServiceForm(initial={"served_on": today}) if can_record else None,
            "actions": services.ACTIONS,
        },
    }


def queue_panel(request, **context) -> dict | None:
    """In the agent's queue: "por prescribir", the cases whose periods prescribe
    within the warning window, the soonest first."""
    user = request.user
    if not user.has_perm(VIEW):
        return None
    today = timezone.localdate()
    cases = RecoveryCase.objects.visible_to(user).active().filter(agent=user)
    # From the clocks about to prescribe to the agent's employers (an employer has one
    # active case), not through every case of every employer: that join hashed all the
    # cases of the institute for each page of the queue.
    rows = list(
        PeriodClock.objects.filter(services.soon_q(today))
        .filter(employer_id__in=cases.values("employer_id"))
        .values("employer_id", "employer__employer_number", "employer__legal_name")
        .annotate(
            case_pk=Subquery(cases.filter(employer_id=OuterRef("employer_id")).values("pk")[:1]),
            periods=Count("pk"),
            first=Min("prescribes_on"),
            owed=Sum("period__balance"),
        )
        .order_by("first", "employer_id")[:10]
    )
    if not rows:
        return None
    return {
        "template": "prescription/_queue_panel.html",
        "context": {"rows": rows, "days": services.warning_days()},
    }


def employer_panel(request, employer=None, **context) -> dict | None:
    """On the employer's page: the date each owed period would prescribe."""
    if employer is None or not request.user.has_perm(VIEW):
        return None
    clocks = list(services.employer_clocks(employer))
    if not clocks:
        return None
    today = timezone.localdate()
    return {
        "template": "prescription/_employer_panel.html",
        "context": {
            "clocks": clocks,
            "today": today,
            "soon_until": today + datetime.timedelta(days=services.warning_days()),
        },
    }


def dashboard_panel(request, **context) -> dict | None:
    """On the head's dashboard: what is about to prescribe and what did, by branch."""
    user = request.user
    if not user.has_perm(VIEW):
        return None
    today = timezone.localdate()
    clocks = _clocks(user)
    soon = clocks.filter(services.soon_q(today)).aggregate(
        n=Count("pk"), owed=Sum("period__balance"), employers=Count("employer", distinct=True)
    )
    prescribed = clocks.prescribed().aggregate(n=Count("pk"), owed=Sum("period__balance"))
    if not soon["n"] and not prescribed["n"]:
        return None
    return {
        "template": "prescription/_dashboard_panel.html",
        "context": {"soon": soon, "prescribed": prescribed, "days": services.warning_days()},
    }
