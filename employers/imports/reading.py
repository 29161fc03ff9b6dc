"""Reading an arrears file: its format, encoding, header, and the parsing of the
values that are checked once per distinct value."""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from employers.models import ArrearsImport

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


# Both the COPY and the bench read the file in chunks of this size.
CHUNK = 1 << 20


_PERIOD_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")


_PERIOD_SLASH = re.compile(r"^(\d{1,2})/(\d{4})$")


_DATE_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@dataclass
class RowError:
    line: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass
class ImportResult:
    file_name: str
    sha256: str
    rows_total: int = 0
    employers_created: int = 0
    periods_created: int = 0
    periods_updated: int = 0
    periods_unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    dry_run: bool = False
    previous_import: ArrearsImport | None = None

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def changed(self) -> bool:
        return bool(self.employers_created or self.periods_created or self.periods_updated)


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


@dataclass
class FileFormat:
    kind: str  # "csv" or "xlsx"
    encoding: str = "utf-8"  # Python codec name
    delimiter: str = ","
    header: list[str] = field(default_factory=list)  # staging column per file column


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _normalize_header(name: str) -> str:
    name = name.strip().strip("\ufeff").strip().lower()
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace(" ", "_")


def _map_header(raw: list[str]) -> list[str]:
    names = [_normalize_header(str(value or "")) for value in raw]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise ImportFileError(
            _("The header lacks the columns: %(missing)s. Expected: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)}
        )
    repeated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    if repeated:
        raise ImportFileError(
            _("The header repeats the columns: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    # Columns the format does not know are loaded into throw-away columns.
    return [name if name in COLUMNS else f"extra_{i}" for i, name in enumerate(names)]


def detect_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        if fh.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def sniff_format(path: Path) -> FileFormat:
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04":
        if not zipfile.is_zipfile(path):
            raise ImportFileError(_("The file looks like an XLSX workbook but is damaged."))
        return FileFormat(kind="xlsx", header=_map_header(next(xlsx_rows(path), [])))
    if b"\x00" in magic:
        raise ImportFileError(_("The file is not a CSV or XLSX file."))
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as fh:
        first_line = fh.readline()
    if not first_line.strip():
        raise ImportFileError(_("The file is empty: the first line must be the header."))
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    header = next(csv.reader([first_line], delimiter=delimiter))
    return FileFormat(
        kind="csv", encoding=encoding, delimiter=delimiter, header=_map_header(header)
    )


def xlsx_rows(path: Path) -> Iterator[list]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ImportFileError(
            _("The XLSX workbook cannot be read: %(error)s") % {"error": exc}
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def xlsx_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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


def parse_date(raw: str) -> datetime.date:
    text = raw.strip()
    if match := _DATE_DMY.match(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    elif match := _DATE_ISO.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        raise ValidationError(_("Write the date as dd/mm/aaaa or aaaa-mm-dd."))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(_("The date does not exist.")) from None
