"""CSV and XLSX exports of exactly the rows a filtered list shows, streamed."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

# Exports read the queryset in chunks of this many rows (server-side cursor).
CHUNK_ROWS = 2000


# A text cell starting with one of these is a formula to Excel and LibreOffice (CSV and
# XLSX alike): "=HYPERLINK(...)" typed as an employer's name would run on opening.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet must show it: numbers, dates and money stay what they
    are; text that would start a formula is prefixed with an apostrophe (OWASP's advice),
    so it reads as the text it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_rows(rows: Iterable[list]) -> Iterator[list]:
    for row in rows:
        yield [safe_cell(value) for value in row]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that Excel opens UTF-8 with its accents
    for row in rows:
        yield writer.writerow(row)


def tabular_response(rows: Iterator[list], fmt: str, basename: str):
    """Rows (the first one the header) as a CSV download or an XLSX workbook; every text
    cell goes through safe_cell."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    rows = _safe_rows(rows)
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(basename[:31])
        for row in rows:
            sheet.append(row)
        # A write-only workbook streams rows to a temporary file, not to memory.
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        workbook.save(handle)
        handle.seek(0)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{basename}-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(_csv_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.csv"'
    return response


class FilteredExportMixin:
    """For a SingleTableMixin + FilterView list: `?export=csv|xlsx` downloads every row
    the page's filters give, in the page's order. Subclasses say how a row reads."""

    export_basename = "export"

    def export_rows(self, queryset) -> Iterator[list]:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx"):
            self.filterset = self.get_filterset(self.get_filterset_class())
            if self.filterset.is_valid():
                table = self.get_table_class()(self.filterset.qs, order_by=request.GET.get("sort"))
                return tabular_response(
                    self.export_rows(table.data.data), fmt, self.export_basename
                )
        return super().get(request, *args, **kwargs)


class FilteredListView(
    FilteredExportMixin,
    LoginRequiredMixin,
    PermissionRequiredMixin,
    SingleTableMixin,
    FilterView,
):
    """The house list page: logged in, one permission, a django-tables2 table over a
    django-filter form, 25 rows a page, and `?export=csv|xlsx` of every filtered row.
    Subclasses give `permission_required`, `table_class`, the filter, the template,
    `export_basename` and `export_rows`."""

    table_pagination = {"per_page": 25}
