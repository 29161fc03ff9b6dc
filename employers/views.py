from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import FilteredListView, tabular_response
from core.models import BackgroundJobStatus
from employers import services
from employers.exports import employer_rows, statement_rows
from employers.filters import EmployerFilter
from employers.forms import ArrearsUploadForm, EmployerForm
from employers.models import ArrearsImport, ArrearsImportStatus, Employer
from employers.pdf import render_statement_pdf
from employers.queries import account_statement, employer_links, with_outstanding_waivers
from employers.queries import employer_history as history_entries
from employers.relations import related_employers
from employers.tables import EmployerTable
from people.registry import page_panels_for

EXPORT_FORMATS = {"csv", "xlsx"}


class EmployerListView(FilteredListView):
    permission_required = "employers.view_employer"
    table_class = EmployerTable
    filterset_class = EmployerFilter
    template_name = "employers/employer_list.html"

    def get_queryset(self):
        today = timezone.localdate()
        employers = Employer.objects.visible_to(self.request.user).with_arrears(today)
        return with_outstanding_waivers(employers, today).select_related("branch")

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    export_basename = "patronos"

    def export_rows(self, queryset):
        return employer_rows(queryset)


employer_list = EmployerListView.as_view()


def _visible_employer(request, pk: int) -> Employer:
    queryset = Employer.objects.visible_to(request.user).select_related(
        "branch", "department", "municipality"
    )
    return get_object_or_404(queryset, pk=pk)


@login_required
@permission_required("employers.view_employer", raise_exception=True)
def employer_detail(request, pk: int):
    employer = _visible_employer(request, pk)
    statement = account_statement(employer, timezone.localdate())
    return render(
        request,
        "employers/employer_detail.html",
        {
            "statement": statement,
            "links": employer_links(employer, request.user),
            "related": related_employers(employer, request.user),
            # What the apps above add (solvency: the employer's standing, its certificate).
            "panels": page_panels_for("employer", request, employer=employer),
        },
    )


@login_required
@permission_required("employers.view_employer", raise_exception=True)
def statement_export(request, pk: int, fmt: str):
    """The account statement as CSV or XLSX, for whoever works it in a spreadsheet."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    employer = _visible_employer(request, pk)
    statement = account_statement(employer, timezone.localdate())
    return tabular_response(
        statement_rows(statement), fmt, f"estado-de-cuenta-{employer.employer_number}"
    )


@login_required
@permission_required("employers.view_employer", raise_exception=True)
def statement_pdf(request, pk: int):
    employer = _visible_employer(request, pk)
    statement = account_statement(employer, timezone.localdate())
    response = HttpResponse(render_statement_pdf(statement), content_type="application/pdf")
    filename = f"estado-de-cuenta-{employer.employer_number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@permission_required("employers.view_history", raise_exception=True)
def employer_history(request, pk: int):
    employer = _visible_employer(request, pk)
    entries = history_entries(employer)
    return render(
        request, "employers/employer_history.html", {"employer": employer, "entries": entries}
    )


@login_required
@permission_required("employers.view_arrearsimport", raise_exception=True)
def import_list(request):
    imports = ArrearsImport.objects.visible_to(request.user).select_related("created_by")
    page = Paginator(imports, 25).get_page(request.GET.get("page"))
    return render(request, "employers/import_list.html", {"page": page})


@login_required
@permission_required("employers.add_arrearsimport", raise_exception=True)
def import_upload(request):
    """Upload → a background job checks the file (progress on its page) → the preview."""
    form = ArrearsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.arrears_import_upload(
                upload=form.cleaned_data["file"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            if job.status != BackgroundJobStatus.FAILED:
                return redirect("core:job_detail", token=job.token)
            # Checked at once (no worker) and refused: the form says why.
            form.add_error("file", job.message)
    return render(request, "employers/import_upload.html", {"form": form})


@login_required
@permission_required("employers.view_arrearsimport", raise_exception=True)
def import_detail(request, pk: int):
    record = get_object_or_404(
        ArrearsImport.objects.visible_to(request.user).select_related("created_by", "applied_by"),
        pk=pk,
    )
    can_apply = record.status == ArrearsImportStatus.PREVIEWED and request.user.has_perm(
        "employers.add_arrearsimport"
    )
    return render(
        request,
        "employers/import_detail.html",
        {"record": record, "can_apply": can_apply, "errors": record.errors[:1000]},
    )


@require_POST
@login_required
@permission_required("employers.add_arrearsimport", raise_exception=True)
def import_apply(request, pk: int):
    record = get_object_or_404(ArrearsImport.objects.visible_to(request.user), pk=pk)
    try:
        if request.POST.get("action") == "discard":
            services.arrears_import_discard(record=record, actor=request.user)
            messages.info(request, _("The import was discarded; nothing was written."))
        else:
            job = services.arrears_import_confirm(record=record, actor=request.user)
            if job.status == BackgroundJobStatus.FAILED:
                messages.error(request, job.message)
            else:
                return redirect("core:job_detail", token=job.token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("employers:import_detail", pk=record.pk)


@login_required
@permission_required("employers.change_employer", raise_exception=True)
def employer_edit(request, pk: int):
    employer = _visible_employer(request, pk)
    form = EmployerForm(request.POST or None, instance=employer)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_update(employer=employer, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Employer data saved."))
            return redirect("employers:employer_detail", pk=employer.pk)
    return render(request, "employers/employer_form.html", {"employer": employer, "form": form})
