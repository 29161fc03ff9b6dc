"""Reading an arrears file: its format, encoding, header, and the parsing of the
values that are checked once per distinct value."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import tabular
from core.tabular import (  # noqa: F401 - the import package's names
    CHUNK,
    FileFormat,
    ImportFileError,
    RowError,
    detect_encoding,
    file_sha256,
    parse_date,
    xlsx_rows,
    xlsx_text,
)
from employers.models import MAIN_WORK_CENTRE, ArrearsImport  # noqa: F401 - re-exported

COLUMNS = [
    "numero_patronal",
    "nit",
    "razon_social",
    "sucursal",
    "periodo",
    "fecha_vencimiento",
    "cuota_patronal",
    "cuota_laboral",
    "multa",
    "recargo",
    "pagado",
]

# Taken when the header has it: the work centre (centro de trabajo), a 3-digit
# correlative of the employer number; absent or blank, the main centre.
OPTIONAL_COLUMNS = ("centro_trabajo",)


AMOUNT_COLUMNS = {
    "cuota_patronal": "employer_share",
    "cuota_laboral": "worker_share",
    "multa": "fines",
    "recargo": "surcharges",
    "pagado": "paid",
}


# Errors kept for the report; a file with more still says how many there were.
MAX_LISTED_ERRORS = 10_000


# Errors stored with the import log, for the page that shows it later.
MAX_STORED_ERRORS = 2_000


_PERIOD_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")


_PERIOD_SLASH = re.compile(r"^(\d{1,2})/(\d{4})$")


_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@dataclass
class ImportResult:
    file_name: str
    sha256: str
    rows_total: int = 0
    employers_created: int = 0
    periods_created: int = 0
    periods_updated: int = 0
    periods_unchanged: int = 0
    # Rows of employers whose rows were exactly as the last import left them: set
    # aside unchecked (employers.imports.unchanged); counted in periods_unchanged too.
    rows_set_aside: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    dry_run: bool = False
    previous_import: ArrearsImport | None = None
    # Seconds per step (read, stage, compare, check, merge), for the benchmark.
    step_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def changed(self) -> bool:
        return bool(self.employers_created or self.periods_created or self.periods_updated)


def sniff_format(path: Path) -> FileFormat:
    return tabular.sniff_format(path, COLUMNS, OPTIONAL_COLUMNS)


def parse_period(raw: str) -> datetime.date:
    text = raw.strip()
    match = _PERIOD_ISO.match(text)
    if match:
        year, month = int(match[1]), int(match[2])
    elif match := _PERIOD_SLASH.match(text):
        month, year = int(match[1]), int(match[2])
    elif match := _DATE_ISO.match(text):  # a date cell from a workbook
        year, month = int(match[1]), int(match[2])
    else:
        raise ValidationError(_("Write the period as AAAA-MM or MM/AAAA."))
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        raise ValidationError(_("The period does not exist."))
    return datetime.date(year, month, 1)
