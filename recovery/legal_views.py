"""The Legal Unit's inbox of referrals, and the department's view of referred cases."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import DurationField, ExpressionWrapper, F, Value
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.actions import service_action
from config.pdf import render_pdf
from employers.money import amount_in_words
from employers.queries import account_statement
from recovery import services
from recovery.forms import ProgressForm, ReturnForm
from recovery.models import LegalReferral, ReferralStatus


def _visible(request, pk):
    return get_object_or_404(
        LegalReferral.objects.visible_to(request.user).select_related(
            "case", "case__employer", "case__branch", "case__agent", "agreement"
        ),
        pk=pk,
    )


@login_required
@permission_required("recovery.view_legalreferral", raise_exception=True)
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
    page = Paginator(referrals, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "recovery/referral_list.html",
        {"page": page, "statuses": ReferralStatus.choices, "status": status, "today": today},
    )


@login_required
@permission_required("recovery.view_legalreferral", raise_exception=True)
def referral_detail(request, pk):
    referral = _visible(request, pk)
    return render(
        request,
        "recovery/referral_detail.html",
        {
            "referral": referral,
            "statement": account_statement(referral.case.employer, timezone.localdate()),
            "progress_form": ProgressForm(
                initial={
                    "judicial_stage": referral.judicial_stage or "preparation",
                    "amount_recovered": referral.amount_recovered,
                }
            ),
            "return_form": ReturnForm(),
            "can_change": request.user.has_perm("recovery.change_legalreferral"),
        },
    )


def _act(request, pk, action, success, form_class=None):
    return service_action(
        request,
        obj=_visible(request, pk),
        action=action,
        success=success,
        back="legal:referral_detail",
        form=form_class(request.POST) if form_class else None,
    )


@require_POST
@login_required
@permission_required("recovery.change_legalreferral", raise_exception=True)
def referral_accept(request, pk):
    return _act(
        request,
        pk,
        lambda r, d: services.referral_accept(referral=r, actor=request.user),
        _("Referral accepted."),
    )


@require_POST
@login_required
@permission_required("recovery.change_legalreferral", raise_exception=True)
def referral_return(request, pk):
    return _act(
        request,
        pk,
        lambda r, d: services.referral_return(referral=r, actor=request.user, reason=d["reason"]),
        _("Case returned to the department."),
        ReturnForm,
    )


@require_POST
@login_required
@permission_required("recovery.change_legalreferral", raise_exception=True)
def referral_update(request, pk):
    return _act(
        request,
        pk,
        lambda r, d: services.referral_update(
            referral=r,
            actor=request.user,
            judicial_stage=d["judicial_stage"],
            amount_recovered=d["amount_recovered"],
            notes=d["notes"],
        ),
        _("Progress recorded."),
        ProgressForm,
    )


@login_required
@permission_required("recovery.view_legalreferral", raise_exception=True)
def certificate_pdf(request, pk):
    """The debt certificate (Certificación de Mora Patronal) the Legal Unit receives."""
    referral = _visible(request, pk)
    today = timezone.localdate()
    statement = account_statement(referral.case.employer, today)
    pdf = render_pdf(
        "recovery/certificate_pdf.html",
        {
            "referral": referral,
            "statement": statement,
            "arrears_periods": [
                p for p in statement.periods if p.balance > 0 and p.due_date < today
            ],
            "arrears_words": amount_in_words(statement.arrears),
            "today": today,
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificacion-{referral.pk}.pdf"'
    return response
