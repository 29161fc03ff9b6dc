"""The Informe mensual de recuperación de mora: per branch and in total, the plan's
targets and the results, the KPIs with their charts, the agreements, the Board's
resolutions and the referrals of the month; as PDF and XLSX, built by a background
job (`monthly_report`) and kept with its month, who asked for it and when."""

from __future__ import annotations

import datetime
import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import background
from core.calendar import add_months
from core.models import BackgroundJob
from core.pdf import render_pdf_pages
from people.models import Branch, User
from reporting import charts, kpis
from reporting.dashboards import HISTORY_MONTHS, Period, month_label, target_sum, targets_in_force
from reporting.models import MonthlyReport, MonthlySummary, RecoveryPlan
from reporting.summaries import FIGURES, month_end, month_start

# Half a page wide: drawn at this width, the charts' text keeps its size in the PDF.
PDF_CHART_WIDTH = 480

# The KPIs of the report's tables, in its order.
REPORT_KPIS = [
    "recovered",
    "recovered_vs_target",
    "delinquency_by_count",
    "delinquency_by_amount",
    "arrears",
    "agreements_signed",
    "agreements_active",
    "agreements_breached",
    "agreements_completed",
    "breach_rate",
    "promise_kept_rate",
    "cure_rate",
    "roll_forward_rate",
    "days_to_agreement",
    "referrals",
    "waivers_approved",
    "waivers_applied",
]


def report_start(*, month: datetime.date, actor: User) -> BackgroundJob:
    """Queue the month's report; asking again while one runs gives the running one."""
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ValidationError(_("The report is of a month that has begun."))
    try:
        return background.start(
            "monthly_report",
            actor=actor,
            title=_("Monthly report, %(month)s") % {"month": date_format(month, "F Y")},
            params={"month": month.isoformat()},
            dedupe_key=f"monthly_report:{month:%Y-%m}",
        )
    except background.AlreadyRunning as exc:
        if exc.job is None:
            raise
        return exc.job


def _section(rows, months: list[datetime.date], targets, branch_ids, month) -> dict:
    """One branch's (or the total's) figures: the month and the year to date."""
    in_month = [r for r in rows if r["month"] == month]
    year_rows = [r for r in rows if month.replace(month=1) <= r["month"] <= month]
    keys_month = [(b, month) for b in branch_ids]
    year_months = [m for m in months if m.year == month.year and m <= month]
    keys_year = [(b, m) for b in branch_ids for m in year_months]
    f_month = kpis.figures(in_month, month, target_sum(targets, keys_month))
    f_year = kpis.figures(year_rows, month, target_sum(targets, keys_year))
    lines = [
        (kpi, value, kpis.KPI_BY_KEY[kpi.key].compute(f_year))
        for kpi, value in kpis.evaluate(f_month, REPORT_KPIS)
    ]
    by_month = {
        m: kpis.figures(
            [r for r in rows if r["month"] == m],
            m,
            target_sum(targets, [(b, m) for b in branch_ids]),
        )
        for m in months
    }
    history = Period(months[0], month).months
    return {
        "month": f_month,
        "year": f_year,
        "lines": lines,
        "targets": [
            (
                _("Amount to recover"),
                f_month.target_amount,
                kpis.recovered(f_month),
                f_year.target_amount,
                kpis.recovered(f_year),
                "money",
            ),
            (
                _("Cases to close"),
                f_month.target_cases_closed,
                f_month["cases_closed"],
                f_year.target_cases_closed,
                f_year["cases_closed"],
                "count",
            ),
            (
                _("Agreements to sign"),
                f_month.target_agreements_signed,
                f_month["agreements_signed"],
                f_year.target_agreements_signed,
                f_year["agreements_signed"],
                "count",
            ),
            (
                _("Referrals"),
                f_month.target_referrals,
                f_month["referrals"],
                f_year.target_referrals,
                f_year["referrals"],
                "count",
            ),
        ],
        "charts": [
            charts.recovered_vs_target(
                [month_label(m) for m in year_months],
                [kpis.recovered(by_month[m]) for m in year_months],
                [by_month[m].target_amount for m in year_months],
                width=PDF_CHART_WIDTH,
            ),
            charts.delinquency(
                [month_label(m) for m in history],
                [
                    kpis.delinquency_by_count(by_month[m])
                    if by_month[m]["employers_active"]
                    else None
                    for m in history
                ],
                [
                    kpis.delinquency_by_amount(by_month[m]) if by_month[m]["billed_12m"] else None
                    for m in history
                ],
                width=PDF_CHART_WIDTH,
            ),
            charts.aging(
                [str(label) for _k, label, _f, _l in kpis.AGING_BUCKETS],
                list(kpis.aging(f_month).values()),
                width=PDF_CHART_WIDTH,
            ),
        ],
    }


def report_context(month: datetime.date, progress=None) -> dict:
    from council.models import SettlementRequest
    from legal.models import LegalReferral

    month = month_start(month)
    months = Period(add_months(month, -(HISTORY_MONTHS - 1)), month).months
    branches = list(Branch.objects.filter(is_active=True))
    ids = [b.pk for b in branches]
    rows = list(
        MonthlySummary.objects.filter(month__gte=months[0], month__lte=month).values(
            "month", "branch_id", "agent_id", "as_of", "is_final", "rolls", *FIGURES
        )
    )
    targets = targets_in_force(Period(months[0], month), ids)
    sections = []
    steps = len(branches) + 2
    sections.append((_("Department total"), _section(rows, months, targets, ids, month)))
    if progress:
        progress(1, steps, _("Department total"))
    for done, branch in enumerate(branches, start=2):
        branch_rows = [r for r in rows if r["branch_id"] == branch.pk]
        sections.append((str(branch), _section(branch_rows, months, targets, [branch.pk], month)))
        if progress:
            progress(done, steps, str(branch))
    end = month_end(month)
    resolutions = list(
        SettlementRequest.objects.filter(resolution_date__range=(month, end))
        .select_related("employer", "branch")
        .prefetch_related("periods")
        .order_by("resolution_date", "number")
    )
    referrals = list(
        LegalReferral.objects.filter(referred_on__range=(month, end))
        .select_related("case__employer", "case__branch")
        .order_by("referred_on", "pk")
    )
    in_month = [r for r in rows if r["month"] == month]
    return {
        "month": month,
        "month_name": date_format(month, "F Y"),
        "as_of": max((r["as_of"] for r in in_month), default=None),
        "final": bool(in_month) and all(r["is_final"] for r in in_month),
        "plan": RecoveryPlan.objects.in_force(month.year),
        "sections": sections,
        "resolutions": resolutions,
        "referrals": referrals,
        "generated_at": timezone.localtime(),
    }


def _money(value):
    return float(value) if value is not None else None


def render_xlsx(context: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    bold = Font(bold=True)
    sheet.append([_("Monthly debt recovery report"), context["month_name"]])
    sheet.append([_("Figures as of"), context["as_of"]])
    sheet["A1"].font = bold
    for name, section in context["sections"]:
        sheet.append([])
        sheet.append([name])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append([_("Indicator"), _("Month"), _("Year to date"), _("Formula")])
        for kpi, month_value, year_value in section["lines"]:
            convert = _money if kpi.kind in {"money", "percent", "days"} else (lambda v: v)
            sheet.append(
                [str(kpi.label), convert(month_value), convert(year_value), str(kpi.formula)]
            )
            if kpi.kind == "percent":
                for cell in sheet[sheet.max_row][1:3]:
                    cell.number_format = "0.0%"
            elif kpi.kind == "money":
                for cell in sheet[sheet.max_row][1:3]:
                    cell.number_format = "#,##0.00"
        sheet.append([_("Target"), _("Month target"), _("Month"), _("Year target"), _("Year")])
        for label, t_month, r_month, t_year, r_year, kind in section["targets"]:
            convert = _money if kind == "money" else (lambda v: v)
            sheet.append(
                [str(label), convert(t_month), convert(r_month), convert(t_year), convert(r_year)]
            )
    sheet.column_dimensions["A"].width = 42
    resolutions = book.create_sheet(_("Board")[:31])
    resolutions.append(
        [
            _("Request"),
            _("Employer"),
            _("Branch"),
            _("Resolution"),
            _("Date"),
            _("Status"),
            _("Waived"),
        ]
    )
    from council.models import line_totals

    for request in context["resolutions"]:
        resolutions.append(
            [
                request.number,
                request.employer.legal_name,
                request.branch.code,
                request.resolution_number,
                request.resolution_date,
                request.get_status_display(),
                _money(line_totals(request.periods.all())["waived"]),
            ]
        )
    referrals = book.create_sheet(_("Referrals")[:31])
    referrals.append([_("Employer"), _("Branch"), _("Referred"), _("Debt"), _("Status")])
    for referral in context["referrals"]:
        referrals.append(
            [
                referral.case.employer.legal_name,
                referral.case.branch.code,
                referral.referred_on,
                _money(referral.debt),
                referral.get_status_display(),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build_report(month: datetime.date, progress=None) -> tuple[bytes, bytes, int]:
    context = report_context(month, progress)
    pdf, pages = render_pdf_pages("reporting/report_pdf.html", context)
    return pdf, render_xlsx(context), pages


def build_report_job(job: BackgroundJob, progress: background.Progress) -> background.Outcome:
    """The runner of `monthly_report`: the PDF and the XLSX, kept on a MonthlyReport."""
    month = datetime.date.fromisoformat(job.params["month"])

    def step(done, total, label):
        progress(done, total + 2, _("Laid out: %(what)s.") % {"what": label})

    pdf, xlsx, pages = build_report(month, step)
    progress(1, 1, _("Saving the files."), force=True)
    with transaction.atomic():
        report = MonthlyReport.objects.create(
            month=month,
            job=job,
            requested_by=job.created_by,
            pages=pages,
            finished_at=timezone.now(),
        )
        stem = f"informe-mora-{month:%Y-%m}-{report.pk}"
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        report.save(update_fields=["pdf", "xlsx"])
    return background.Outcome(
        message=_("The report of %(month)s is ready: %(pages)s pages.")
        % {"month": date_format(month, "F Y"), "pages": pages},
        content=pdf,
        filename=f"{stem}.pdf",
        content_type="application/pdf",
    )
