"""Solvency pages: the employer's standing and its certificate, the register of
certificates, and the verification page anyone in the institute may use."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.exports import FilteredListView
from core.pdf import render_pdf
from employers.models import Employer
from solvency import services
from solvency.apps import ISSUE, VIEW
from solvency.models import SolvencyCertificate
from solvency.tables import CertificateTable


class CertificateListView(FilteredListView):
    permission_required = VIEW
    table_class = CertificateTable
    model = SolvencyCertificate
    filterset_fields = ["employer__branch"]
    template_name = "solvency/certificate_list.html"
    export_basename = "constancias"

    def get_queryset(self):
        return SolvencyCertificate.objects.visible_to(self.request.user).select_related("employer")

    def get_table(self, **kwargs):
        """The page's certificates still valid whose employer is not solvent any more
        are flagged (they stay valid until they expire)."""
        table = super().get_table(**kwargs)
        today = timezone.localdate()
        employer_ids = list(
            {row.record.employer_id for row in table.paginated_rows if row.record.is_valid(today)}
        )
        table.not_solvent = services.not_solvent(employer_ids, today)
        return table

    def export_rows(self, queryset):
        yield [
            _("Number"),
            _("Employer no."),
            _("Employer"),
            _("Issued"),
            _("Valid until"),
            _("Standing"),
        ]
        for c in queryset.select_related("employer"):
            yield [
                c.number,
                c.employer.employer_number,
                c.employer.legal_name,
                timezone.localtime(c.issued_at).date(),
                c.valid_until,
                c.standing_label,
            ]


certificate_list = CertificateListView.as_view()


@require_POST
@login_required
@permission_required(ISSUE, raise_exception=True)
def certificate_issue(request, pk: int):
    employer = get_object_or_404(Employer.objects.visible_to(request.user), pk=pk)
    try:
        certificate = services.certificate_issue(employer=employer, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Certificate %(number)s issued, valid until %(date)s.")
            % {"number": certificate.number, "date": certificate.valid_until.strftime("%d/%m/%Y")},
        )
    return redirect("employers:employer_detail", pk=pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def certificate_pdf(request, pk: int):
    certificate = get_object_or_404(
        SolvencyCertificate.objects.visible_to(request.user).select_related(
            "employer", "issued_by"
        ),
        pk=pk,
    )
    pdf = render_pdf(
        "solvency/certificate_pdf.html",
        {
            "certificate": certificate,
            "centres": services.work_centres(
                certificate.employer, timezone.localtime(certificate.issued_at).date()
            ),
            "verify_url": request.build_absolute_uri("/constancias/verificar/"),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


class VerifyForm(forms.Form):
    codigo = forms.CharField(label=gettext_lazy("Verification code"), max_length=20)


@login_required
def verify(request):
    """Anyone in the institute: is this certificate genuine and valid? It shows the
    certificate, never the employer's account."""
    form = VerifyForm(request.GET or None)
    result, searched = None, False
    if form.is_bound and form.is_valid():
        searched = True
        result = services.verify(form.cleaned_data["codigo"])
    return render(
        request,
        "solvency/verify.html",
        {
            "form": form,
            "result": result,
            "searched": searched,
        },
    )


def employer_panel(request, employer=None, **context) -> dict | None:
    """The employer's standing today and its certificates, on the employer's page."""
    if employer is None or not request.user.has_perm(VIEW):
        return None
    return {
        "template": "solvency/_employer_panel.html",
        "context": {
            "assessment": services.assess(employer),
            "certificates": list(
                SolvencyCertificate.objects.filter(employer=employer).order_by("-issued_at")[:5]
            ),
            "can_issue": request.user.has_perm(ISSUE),
            "today": timezone.localdate(),
        },
    }
