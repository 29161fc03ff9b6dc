"""Reading a tabular file someone uploads (CSV or XLSX): its format, encoding and
header, its rows, and the values every import parses the same way.

The arrears import and the payments import both go through `sniff_format`, so a file
is accepted or refused for the same reasons whichever page it is given to."""

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

# Files are read in chunks of this size (hash, encoding check, COPY).
CHUNK = 1 << 20

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


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


@dataclass
class FileFormat:
    kind: str  # "csv" or "xlsx"
    encoding: str = "utf-8"  # Python codec name
    delimiter: str = ","
    # One name per file column: the expected column, or `extra_<i>` for one not used.
    header: list[str] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def normalize_header(name: str) -> str:
    name = name.strip().strip("\ufeff").strip().lower()
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace(" ", "_")


def map_header(raw: list, columns: list[str]) -> list[str]:
    """The header's names, checked against the columns the import needs."""
    names = [normalize_header(str(value or "")) for value in raw]
    missing = [column for column in columns if column not in names]
    if missing:
        raise ImportFileError(
            _("The header lacks the columns: %(missing)s. Expected: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(columns)}
        )
    repeated = sorted({name for name in names if name in columns and names.count(name) > 1})
    if repeated:
        raise ImportFileError(
            _("The header repeats the columns: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    # Columns the format does not know are kept apart under throw-away names.
    return [name if name in columns else f"extra_{i}" for i, name in enumerate(names)]


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


def sniff_format(path: Path, columns: list[str]) -> FileFormat:
    """CSV (comma or semicolon; UTF-8 with or without BOM, or Windows-1252) or XLSX
    (first sheet), with a header naming every one of `columns`; else ImportFileError."""
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04":
        if not zipfile.is_zipfile(path):
            raise ImportFileError(_("The file looks like an XLSX workbook but is damaged."))
        return FileFormat(kind="xlsx", header=map_header(next(xlsx_rows(path), []), columns))
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
        kind="csv", encoding=encoding, delimiter=delimiter, header=map_header(header, columns)
    )


def read_rows(path: Path, fmt: FileFormat) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) for every row after the header that is not blank."""
    if fmt.kind == "xlsx":
        rows = ([xlsx_text(value) or "" for value in row] for row in xlsx_rows(path))
        yield from _named(rows, fmt.header)
        return
    with path.open(encoding=fmt.encoding, newline="") as fh:
        yield from _named(csv.reader(fh, delimiter=fmt.delimiter), fmt.header)


def _named(rows, header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    next(rows, None)
    wanted = [(i, name) for i, name in enumerate(header) if not name.startswith("extra_")]
    for line, row in enumerate(rows, start=2):
        if not any(str(cell).strip() for cell in row):
            continue
        yield line, {name: (str(row[i]).strip() if i < len(row) else "") for i, name in wanted}


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
