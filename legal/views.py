"""The Legal Unit's inbox of referrals, and the department's view of referred cases."""

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import DurationField, ExpressionWrapper, F, Value
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.views import form_refused, reported
from employers.queries import account_statement
from legal import services
from legal.forms import ProgressForm, ReturnForm
from legal.models import LegalReferral, ReferralStatus
from legal.pdf import render_certificate_pdf
from recovery.models import RecoveryCase


@require_POST
@login_required
@permission_required("legal.add_legalreferral", raise_exception=True)
def case_refer(request, case_pk: int):
    """Refer a case to the Legal Unit by hand, from the case page."""
    case = get_object_or_404(RecoveryCase.objects.visible_to(request.user), pk=case_pk)
    form = ReturnForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Case referred to the Legal Unit, pending its acceptance.")):
            services.referral_create(
                case=case, actor=request.user, reason=form.cleaned_data["reason"]
            )
    return redirect("recovery:case_detail", pk=case.pk)


def _visible(request, pk) -> LegalReferral:
    return get_object_or_404(
        LegalReferral.objects.visible_to(request.user).select_related(
            "case", "case__employer", "case__branch", "case__agent", "agreement"
        ),
        pk=pk,
    )


@login_required
@permission_required("legal.view_legalreferral", raise_exception=True)
def referral_list(request):
    today = timezone.localdate()
    status = request.GET.get("status") or ""
    referrals = (
        LegalReferral.objects.visible_to(request.user)
        .select_related("case__employer", "case__branch")
        .annotate(
            days=ExpressionWrapper(Value(today) - F("referred_on"), output_field=DurationField())
        )
        .order_by("referred_on", "pk")
    )
    if status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    # The dates referred (the dashboard's figure links here with its months).
    dates = ReferredRangeForm(request.GET)
    if dates.is_valid():
        if dates.cleaned_data["referred_from"]:
            referrals = referrals.filter(referred_on__gte=dates.cleaned_data["referred_from"])
        if dates.cleaned_data["referred_to"]:
            referrals = referrals.filter(referred_on__lte=dates.cleaned_data["referred_to"])
    page = Paginator(referrals, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "legal/referral_list.html",
        {
            "page": page,
            "statuses": ReferralStatus.choices,
            "status": status,
            "today": today,
            "dates": dates,
        },
    )


class ReferredRangeForm(forms.Form):
    referred_from = forms.DateField(required=False, label=gettext_lazy("Referred from"))
    referred_to = forms.DateField(required=False, label=gettext_lazy("Referred up to"))


@login_required
@permission_required("legal.view_legalreferral", raise_exception=True)
def referral_detail(request, pk):
    referral = _visible(request, pk)
    return render(
        request,
        "legal/referral_detail.html",
        {
            "referral": referral,
            "outstanding": services.referral_outstanding(referral),
            "payments_since": services.referral_payments(referral),
            "timeline": referral.timeline.select_related("actor"),
            "statement": account_statement(referral.case.employer, timezone.localdate()),
            "progress_form": ProgressForm(
                initial={
                    "judicial_stage": referral.judicial_stage or "preparation",
                    "amount_recovered": referral.amount_recovered,
                    "filed_on": referral.filed_on,
                }
            ),
            "return_form": ReturnForm(),
            "can_change": request.user.has_perm("legal.change_legalreferral"),
        },
    )


@require_POST
@login_required
@permission_required("legal.change_legalreferral", raise_exception=True)
def referral_accept(request, pk):
    referral = _visible(request, pk)
    with reported(request, _("Referral accepted.")):
        services.referral_accept(referral=referral, actor=request.user)
    return redirect("legal:referral_detail", pk=referral.pk)


@require_POST
@login_required
@permission_required("legal.change_legalreferral", raise_exception=True)
def referral_return(request, pk):
    referral = _visible(request, pk)
    form = ReturnForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Case returned to the department.")):
            services.referral_return(
                referral=referral, actor=request.user, reason=form.cleaned_data["reason"]
            )
    return redirect("legal:referral_detail", pk=referral.pk)


@require_POST
@login_required
@permission_required("legal.change_legalreferral", raise_exception=True)
def referral_update(request, pk):
    referral = _visible(request, pk)
    form = ProgressForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Progress recorded.")):
            services.referral_update(
                referral=referral,
                actor=request.user,
                judicial_stage=form.cleaned_data["judicial_stage"],
                amount_recovered=form.cleaned_data["amount_recovered"],
                notes=form.cleaned_data["notes"],
                filed_on=form.cleaned_data["filed_on"],
            )
    return redirect("legal:referral_detail", pk=referral.pk)


@login_required
@permission_required("legal.view_legalreferral", raise_exception=True)
def certificate_pdf(request, pk):
    """The debt certificate (Certificación de Mora Patronal) the Legal Unit receives."""
    referral = _visible(request, pk)
    response = HttpResponse(render_certificate_pdf(referral), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificacion-{referral.pk}.pdf"'
    return response
