from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import payments, services
from agreements.filters import AgreementFilter
from agreements.forms import AgreementTermsForm, LegalizeForm, PaymentForm, ReasonForm, SignForm
from agreements.models import AgreementPolicy, AgreementStatus, Payment, PaymentAgreement
from agreements.pdf import render_agreement_pdf, render_status_letter_pdf
from agreements.tables import AgreementTable
from core.exports import FilteredListView
from core.views import form_refused, reported
from employers.models import ContributionPeriod
from recovery.models import RecoveryCase


def _visible(request, pk: int) -> PaymentAgreement:
    queryset = PaymentAgreement.objects.visible_to(request.user).select_related(
        "employer", "case", "case__agent", "branch", "policy", "created_by", "approved_by"
    )
    return get_object_or_404(queryset, pk=pk)


class AgreementListView(FilteredListView):
    permission_required = "agreements.view_paymentagreement"
    table_class = AgreementTable
    filterset_class = AgreementFilter
    template_name = "agreements/agreement_list.html"

    def get_queryset(self):
        return (
            PaymentAgreement.objects.visible_to(self.request.user)
            .with_progress()
            .select_related("employer", "branch", "case__agent")
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    export_basename = "convenios"

    def export_rows(self, queryset):
        return _agreement_rows(queryset)


agreement_list = AgreementListView.as_view()


def _agreement_rows(queryset):
    yield [
        _("Agreement"),
        _("Employer no."),
        _("Employer"),
        _("Branch"),
        _("Agent"),
        _("Status"),
        _("Amount agreed"),
        _("Paid"),
        _("Next due"),
        _("Overdue"),
    ]
    for agreement in queryset.iterator(chunk_size=2000):
        agent = agreement.case.agent
        yield [
            agreement.pk,
            agreement.employer.employer_number,
            agreement.employer.legal_name,
            agreement.branch.code,
            agent.get_full_name() if agent else "",
            agreement.get_status_display(),
            agreement.total_amount,
            agreement.paid,
            agreement.next_due.strftime("%d/%m/%Y") if agreement.next_due else "",
            agreement.overdue,
        ]


def _debts(case):
    return services.period_debts(
        ContributionPeriod.objects.filter(employer=case.employer).in_arrears()
    )


@login_required
@permission_required("agreements.add_paymentagreement", raise_exception=True)
def agreement_create(request, case_pk: int):
    """Draft an agreement: the schedule is shown before anything is saved."""
    case = get_object_or_404(
        RecoveryCase.objects.visible_to(request.user).select_related("employer"), pk=case_pk
    )
    return _terms_page(request, case=case, agreement=None)


@login_required
@permission_required("agreements.change_paymentagreement", raise_exception=True)
def agreement_edit(request, pk: int):
    agreement = _visible(request, pk)
    if agreement.status != AgreementStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed; a signed agreement cannot."))
        return redirect("agreements:agreement_detail", pk=agreement.pk)
    return _terms_page(request, case=agreement.case, agreement=agreement)


def _terms_page(request, *, case, agreement):
    debts = _debts(case)
    initial = None
    if agreement is not None:
        initial = {
            "periods": [str(p.period_id) for p in agreement.periods.all()],
            "down_payment": agreement.down_payment,
            "installments": agreement.installments_count,
            "frequency": agreement.frequency,
            "first_due_date": agreement.first_due_date,
        }
    form = AgreementTermsForm(request.POST or None, debts=debts, initial=initial)
    plan = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("save"):
                if agreement is None:
                    agreement = services.agreement_create(
                        case=case, actor=request.user, **form.terms()
                    )
                else:
                    services.agreement_update_draft(
                        agreement=agreement, actor=request.user, **form.terms()
                    )
                messages.success(request, _("Draft saved."))
                return redirect("agreements:agreement_detail", pk=agreement.pk)
            plan = services.agreement_plan(case=case, **form.terms())
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
    policy = AgreementPolicy.in_force(timezone.localdate())
    return render(
        request,
        "agreements/agreement_form.html",
        {
            "case": case,
            "agreement": agreement,
            "form": form,
            "plan": plan,
            "debts": debts,
            "policy": policy,
            "tiers": list(policy.tiers.all()) if policy else [],
        },
    )


@login_required
@permission_required("agreements.view_paymentagreement", raise_exception=True)
def agreement_detail(request, pk: int):
    agreement = _visible(request, pk)
    preview = None
    amount = request.GET.get("preview")
    if amount:
        try:
            preview = payments.allocation_preview(agreement=agreement, amount=Decimal(amount))
        except (InvalidOperation, ValueError):
            messages.error(request, _("Write the amount with a dot for decimals."))
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "installments": agreement.installments.order_by("number").prefetch_related(
                "allocations__payment"
            ),
            "periods": agreement.periods.select_related("period"),
            "payments": agreement.payments.select_related("recorded_by"),
            "timeline": agreement.timeline.select_related("actor")[:100],
            "transitions": agreement.allowed_transitions,
            "can_approve": agreement.needs_approval
            and services.can_approve(request.user, agreement),
            "approval_rule": services.approval_rule(agreement),
            "sign_form": SignForm(initial={"signed_on": timezone.localdate()}),
            "legalize_form": LegalizeForm(initial={"legalized_on": timezone.localdate()}),
            "payment_form": PaymentForm(initial={"paid_on": timezone.localdate()}),
            "reason_form": ReasonForm(),
            "preview": preview,
            "preview_amount": amount,
        },
    )


def _back_to(agreement: PaymentAgreement):
    return redirect("agreements:agreement_detail", pk=agreement.pk)


@require_POST
@login_required
def agreement_approve(request, pk):
    if not (
        request.user.has_perm("agreements.approve_agreement")
        or request.user.has_perm("agreements.approve_as_second")
    ):
        raise PermissionDenied
    agreement = _visible(request, pk)
    with reported(request, _("Agreement approved.")):
        services.agreement_approve(agreement=agreement, actor=request.user)
    return _back_to(agreement)


@require_POST
@login_required
@permission_required("agreements.change_paymentagreement", raise_exception=True)
def agreement_sign(request, pk):
    agreement = _visible(request, pk)
    form = SignForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Signature recorded.")):
            services.agreement_sign(
                agreement=agreement, actor=request.user, signed_on=form.cleaned_data["signed_on"]
            )
    return _back_to(agreement)


@require_POST
@login_required
@permission_required("agreements.change_paymentagreement", raise_exception=True)
def agreement_legalize(request, pk):
    agreement = _visible(request, pk)
    form = LegalizeForm(request.POST, request.FILES)
    if not form_refused(request, form):
        with reported(request, _("Legalization recorded.")):
            services.agreement_legalize(
                agreement=agreement,
                actor=request.user,
                legalized_on=form.cleaned_data["legalized_on"],
                notary=form.cleaned_data["notary"],
                protocol=form.cleaned_data["protocol"],
                document=form.cleaned_data.get("document"),
            )
    return _back_to(agreement)


@require_POST
@login_required
@permission_required("agreements.change_paymentagreement", raise_exception=True)
def agreement_activate(request, pk):
    agreement = _visible(request, pk)
    with reported(request, _("The agreement is in force.")):
        services.agreement_activate(agreement=agreement, actor=request.user)
    return _back_to(agreement)


@require_POST
@login_required
@permission_required("agreements.change_paymentagreement", raise_exception=True)
def agreement_cancel(request, pk):
    agreement = _visible(request, pk)
    form = ReasonForm(request.POST)
    if not form_refused(request, form):
        with reported(request, _("Agreement cancelled.")):
            services.agreement_cancel(
                agreement=agreement, actor=request.user, reason=form.cleaned_data["reason"]
            )
    return _back_to(agreement)


@require_POST
@login_required
@permission_required("agreements.add_payment", raise_exception=True)
def payment_create(request, pk):
    """Two steps: the payment's allocation is shown (installments and parts of the debt
    it settles), then recorded when confirmed."""
    agreement = _visible(request, pk)
    form = PaymentForm(request.POST)
    if not form_refused(request, form) and not request.POST.get("confirm"):
        try:
            preview = payments.allocation_preview(
                agreement=agreement, amount=form.cleaned_data["amount"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _back_to(agreement)
        return render(
            request,
            "agreements/payment_confirm.html",
            {"agreement": agreement, "form": form, "preview": preview},
        )
    if form.is_valid():
        with reported(request, _("Payment recorded and applied.")):
            payments.payment_record(
                agreement=agreement,
                actor=request.user,
                receipt_number=form.cleaned_data["receipt_number"],
                paid_on=form.cleaned_data["paid_on"],
                amount=form.cleaned_data["amount"],
            )
    return _back_to(agreement)


@require_POST
@login_required
@permission_required("agreements.add_payment", raise_exception=True)
def payment_reverse(request, pk, payment_pk):
    agreement = _visible(request, pk)
    payment = get_object_or_404(Payment, pk=payment_pk, agreement=agreement)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the payment is reversed."))
    else:
        with reported(request, _("Payment reversed; the others were reapplied.")):
            payments.payment_reverse(
                payment=payment, actor=request.user, reason=form.cleaned_data["reason"]
            )
    return _back_to(agreement)


@login_required
@permission_required("agreements.view_paymentagreement", raise_exception=True)
def agreement_pdf(request, pk):
    agreement = _visible(request, pk)
    response = HttpResponse(render_agreement_pdf(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="convenio-{agreement.pk}.pdf"'
    return response


@login_required
@permission_required("agreements.view_paymentagreement", raise_exception=True)
def status_letter_pdf(request, pk):
    agreement = _visible(request, pk)
    pdf = render_status_letter_pdf(agreement, timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="estado-convenio-{agreement.pk}.pdf"'
    return response


@login_required
@permission_required("agreements.view_paymentagreement", raise_exception=True)
def legal_document(request, pk):
    agreement = _visible(request, pk)
    if not agreement.legal_document:
        raise Http404
    return FileResponse(agreement.legal_document.open("rb"), as_attachment=True)
