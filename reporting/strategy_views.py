"""The head's strategies page: the champion's and the challenger's ladders, the test
(start, share, end or promote), the case-opening rules, the agreement policy; the
comparison of champion and challenger; the history of every change. Writes go through
recovery's and agreements' services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import services as agreement_services
from agreements.models import AgreementPolicy
from core.views import form_refused, reported
from people.access import sees_all_branches
from people.models import User
from recovery import strategies as strategy_services
from recovery.models import CaseOpeningRule, RecoveryCase, Strategy, StrategyLevel, StrategyRole
from reporting import strategies
from reporting.strategy_forms import (
    ChallengerForm,
    EndForm,
    LevelForm,
    OpeningRuleForm,
    PolicyForm,
    ShareForm,
)

VIEW = "recovery.view_strategy"
CHANGE = "recovery.change_strategy"


@login_required
@permission_required(VIEW, raise_exception=True)
def strategy_home(request):
    today = timezone.localdate()
    champion = strategy_services.champion()
    challenger = strategy_services.challenger()
    policy = AgreementPolicy.in_force(today)
    can_change = request.user.has_perm(CHANGE)
    return render(
        request,
        "reporting/strategies.html",
        {
            "champion": champion,
            "champion_levels": list(champion.levels.all()),
            "challenger": challenger,
            "challenger_levels": list(challenger.levels.all()) if challenger else [],
            "challenger_cases": challenger.cases.count() if challenger else 0,
            "past": Strategy.objects.exclude(pk=champion.pk)
            .exclude(pk=challenger.pk if challenger else None)
            .order_by("-started_on"),
            "rules": CaseOpeningRule.objects.all()[:5],
            "rule_in_force": CaseOpeningRule.in_force(today),
            "policy": policy,
            "can_change": can_change,
            "challenger_form": ChallengerForm() if can_change and not challenger else None,
            "share_form": ShareForm(initial={"share": challenger.share}) if challenger else None,
            "end_form": EndForm() if challenger else None,
            "rule_form": OpeningRuleForm(initial={"valid_from": today}) if can_change else None,
            "policy_form": PolicyForm(instance=policy) if can_change and policy else None,
        },
    )


def _back():
    return redirect("reporting:strategy_home")


@require_POST
@login_required
@permission_required(CHANGE, raise_exception=True)
def challenger_start(request):
    form = ChallengerForm(request.POST)
    if not form_refused(request, form):
        with reported(
            request,
            _("The challenger is under test: it takes its share of the cases opened from tonight."),
        ):
            strategy_services.challenger_start(actor=request.user, **form.cleaned_data)
    return _back()


@require_POST
@login_required
@permission_required(CHANGE, raise_exception=True)
def challenger_share(request, pk: int):
    strategy = get_object_or_404(Strategy, pk=pk)
    form = ShareForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Share changed.")):
            strategy_services.challenger_share(
                actor=request.user, strategy=strategy, **form.cleaned_data
            )
    return _back()


@require_POST
@login_required
@permission_required(CHANGE, raise_exception=True)
def challenger_end(request, pk: int):
    strategy = get_object_or_404(Strategy, pk=pk)
    form = EndForm(request.POST)
    if not form_refused(request, form):
        promote = form.cleaned_data["promote"]
        with reported(
            request,
            _("The challenger is now the champion.") if promote else _("The test has ended."),
        ):
            strategy_services.challenger_end(
                actor=request.user, strategy=strategy, **form.cleaned_data
            )
    return _back()


@login_required
@permission_required("recovery.change_strategylevel", raise_exception=True)
def level_edit(request, strategy_pk: int, pk: int | None = None):
    """A level of a ladder, new or changed; the form re-renders with its errors."""
    strategy = get_object_or_404(Strategy, pk=strategy_pk)
    level = get_object_or_404(StrategyLevel, pk=pk, strategy=strategy) if pk else None
    form = LevelForm(request.POST or None, instance=level)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            strategy_services.level_save(
                actor=request.user,
                strategy=strategy,
                level=StrategyLevel.objects.get(pk=level.pk) if level else None,
                data=data,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Level saved."))
            return _back()
    return render(
        request,
        "reporting/strategy_level.html",
        {"form": form, "strategy": strategy, "level": level},
    )


@require_POST
@login_required
@permission_required("recovery.add_caseopeningrule", raise_exception=True)
def opening_rule_create(request):
    form = OpeningRuleForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Case-opening rule recorded.")):
            strategy_services.opening_rule_create(actor=request.user, **form.cleaned_data)
    return _back()


@require_POST
@login_required
@permission_required("agreements.change_agreementpolicy", raise_exception=True)
def policy_revise(request):
    form = PolicyForm(request.POST)
    # The form only checks the fields; the service makes the new version.
    form.instance = AgreementPolicy.in_force(timezone.localdate()) or AgreementPolicy()
    if not form_refused(request, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        with reported(request, _("The agreement policy has a new version from today.")):
            agreement_services.policy_revise(
                actor=request.user, data=data, reason=form.cleaned_data["reason"]
            )
    return _back()


@login_required
@permission_required(VIEW, raise_exception=True)
def strategy_compare(request):
    # Every strategy that was tested: the challengers, and a promoted one.
    challengers = list(
        Strategy.objects.filter(started_on__isnull=False)
        .exclude(role=StrategyRole.RETIRED)
        .order_by("-started_on", "-pk")
    )
    chosen = request.GET.get("estrategia", "")
    strategy = next((s for s in challengers if str(s.pk) == chosen), None)
    if strategy is None:
        strategy = strategy_services.challenger() or next(iter(challengers), None)
    comparison = None
    if strategy is not None:
        scope = RecoveryCase.objects.all()
        if not sees_all_branches(request.user):
            scope = scope.filter(branch_id=request.user.branch_id)
        comparison = strategies.compare(strategy, scope)
    return render(
        request,
        "reporting/strategy_compare.html",
        {"comparison": comparison, "choices": challengers, "strategy": strategy},
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def strategy_history(request):
    changes = strategies.history()
    names = {
        u.pk: u.display_name
        for u in User.objects.filter(pk__in={c.user_id for c in changes if c.user_id})
    }
    for change in changes:
        change.who = names.get(change.user_id, _("system"))
    return render(request, "reporting/strategy_history.html", {"changes": changes})


@login_required
@permission_required("reporting.view_dashboard", raise_exception=True)
def forecast(request):
    """The recovery forecast per branch (all, for who sees every branch), beside the
    plan's targets, with its back-test and the method."""
    from people.filters import visible_branches
    from reporting import forecast as forecasting

    branches = visible_branches(request.user).order_by("code")
    chosen = request.GET.get("sucursal", "")
    selected = [b for b in branches if str(b.pk) == chosen]
    branch_ids = [b.pk for b in (selected or branches)]
    year, backtest = forecasting.forecast_and_backtest(branch_ids, timezone.localdate())
    return render(
        request,
        "reporting/forecast.html",
        {
            "branches": branches,
            "selected": selected[0] if selected else None,
            "forecast": year,
            "backtest": backtest,
            "today": timezone.localdate(),
        },
    )
