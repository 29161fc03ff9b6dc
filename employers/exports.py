"""How an employer list and an account statement read as export rows."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from core.exports import CHUNK_ROWS


def employer_rows(queryset) -> Iterator[list]:
    yield [
        _("Employer no."),
        _("NIT"),
        _("Legal name"),
        _("Trade name"),
        _("Branch"),
        _("Sector"),
        _("Status"),
        _("Department"),
        _("Municipality"),
        _("Phone"),
        _("E-mail"),
        _("Arrears"),
        _("Waived, not yet applied"),
        _("Oldest period owed"),
    ]
    rows = queryset.select_related("branch", "department", "municipality").iterator(
        chunk_size=CHUNK_ROWS
    )
    for employer in rows:
        yield [
            employer.employer_number,
            employer.nit_display,
            employer.legal_name,
            employer.trade_name,
            employer.branch.code,
            employer.get_sector_display(),
            employer.get_status_display(),
            employer.department.name if employer.department else "",
            employer.municipality.name if employer.municipality else "",
            employer.phone,
            employer.email,
            employer.arrears,
            getattr(employer, "waived", None) or 0,
            employer.oldest_arrears_period.strftime("%Y-%m")
            if employer.oldest_arrears_period
            else "",
        ]


def statement_rows(statement) -> Iterator[list]:
    yield [
        _("Period"),
        _("Due date"),
        _("Employer share"),
        _("Worker share"),
        _("Fines"),
        _("Surcharges"),
        _("Paid"),
        _("Balance"),
    ]
    for period in statement.periods:
        yield [
            period.period.strftime("%Y-%m"),
            period.due_date.strftime("%d/%m/%Y"),
            period.employer_share,
            period.worker_share,
            period.fines,
            period.surcharges,
            period.paid,
            period.balance,
        ]
