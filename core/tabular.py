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
    """The file as a whole cannot be read (format, encoding, header, size).

    `line` and `column` say where, when one place is to blame (an undefined byte)."""

    def __init__(self, message: str, *, line: int = 0, column: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.column = column

    def as_row_error(self) -> RowError:
        return RowError(self.line, self.column, "", str(self))


# A file may carry columns the format does not use (the account system adds some), but
# not without bound: PostgreSQL refuses a table of more than 1,600 columns.
MAX_EXTRA_COLUMNS = 40
# A header line longer than this is not a header.
MAX_HEADER_CHARS = 16 * 1024

# An XLSX workbook is a zip archive: what it unpacks to is checked before it is opened.
# Spreadsheet XML compresses 5 to 20 times; a "zip bomb" hundreds or thousands of times.
XLSX_MAX_RATIO = 100
XLSX_MAX_UNCOMPRESSED = 2 * 1024 * 1024 * 1024
# openpyxl holds the shared strings in memory, even in read-only mode.
XLSX_MAX_SHARED_STRINGS = 128 * 1024 * 1024


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


def map_header(raw: list, columns: list[str], optional: tuple[str, ...] = ()) -> list[str]:
    """The header's names, checked against the columns the import needs (and the
    `optional` ones it takes when present)."""
    if len(raw) > len(columns) + MAX_EXTRA_COLUMNS:
        raise ImportFileError(
            _(
                "The header has %(found)s columns; this file has %(expected)s and can carry "
                "at most %(extra)s more. Is it the right file?"
            )
            % {"found": len(raw), "expected": len(columns), "extra": MAX_EXTRA_COLUMNS}
        )
    names = [normalize_header(str(value or "")) for value in raw]
    missing = [column for column in columns if column not in names]
    if missing:
        raise ImportFileError(
            _("The header lacks the columns: %(missing)s. Expected: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(columns)}
        )
    known = [*columns, *optional]
    repeated = sorted({name for name in names if name in known and names.count(name) > 1})
    if repeated:
        raise ImportFileError(
            _("The header repeats the columns: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    # Columns the format does not know are kept apart under throw-away names.
    return [name if name in known else f"extra_{i}" for i, name in enumerate(names)]


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or Windows-1252, after reading the whole file.

    ImportFileError when it is not text at all (a NUL byte) or has a byte that neither
    encoding defines, with the line where it is."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    is_utf8 = True
    undefined_at = None  # offset of the first byte Windows-1252 does not define
    offset = 0
    with path.open("rb") as fh:
        bom = fh.read(3) == codecs.BOM_UTF8
        fh.seek(0)
        while chunk := fh.read(CHUNK):
            if b"\x00" in chunk:
                raise ImportFileError(
                    _("The file is not a CSV or XLSX file: it holds binary data, not text.")
                )
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            if undefined_at is None:
                try:
                    cp1252.decode(chunk)
                except UnicodeDecodeError as exc:
                    undefined_at = offset + exc.start
            offset += len(chunk)
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        return "utf-8-sig" if bom else "utf-8"
    if undefined_at is not None:
        _undefined_byte(path, undefined_at)
    return "cp1252"


def _undefined_byte(path: Path, offset: int) -> None:
    """Raise ImportFileError naming the line, the CSV column and the byte at `offset`."""
    line, line_start, read = 1, 0, 0
    with path.open("rb") as fh:
        header = fh.readline(MAX_HEADER_CHARS)
        fh.seek(0)
        while read < offset:
            chunk = fh.read(min(CHUNK, offset - read))
            line += chunk.count(b"\n")
            if (newline := chunk.rfind(b"\n")) >= 0:
                line_start = read + newline + 1
            read += len(chunk)
        fh.seek(line_start)
        prefix = fh.read(offset - line_start)
        byte = fh.read(1)[0]
    column = ""
    if line > 1:
        text = header.decode("cp1252", errors="replace").strip()
        delimiter = ";" if text.count(";") > text.count(",") else ","
        before = prefix.decode("cp1252", errors="replace") + "x"
        try:
            index = len(next(csv.reader([before], delimiter=delimiter), [""])) - 1
            names = next(csv.reader([text], delimiter=delimiter), [])
        except csv.Error:  # the line opens a quote it does not close
            index, names = 0, []
        column = normalize_header(names[index]) if index < len(names) else str(index + 1)
    raise ImportFileError(
        _(
            "Line %(line)s, column %(column)s: the byte 0x%(byte)02X is not a character in "
            "UTF-8 or Windows-1252. Save the file again as CSV UTF-8."
        )
        % {"line": line, "column": column or "-", "byte": byte},
        line=line,
        column=column,
    )


def check_xlsx_archive(path: Path) -> None:
    """Refuse a workbook whose members unpack to far more than a spreadsheet does,
    before any of it is unpacked."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(_("The file looks like an XLSX workbook but is damaged.")) from exc
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        too_big = member.filename.endswith("sharedStrings.xml") and (
            member.file_size > XLSX_MAX_SHARED_STRINGS
        )
        if ratio > XLSX_MAX_RATIO or too_big or total > XLSX_MAX_UNCOMPRESSED:
            raise ImportFileError(
                _(
                    "The workbook unpacks to %(size)s MB (%(member)s), far more than its data "
                    "can be. Save it again from the spreadsheet, or export it as CSV."
                )
                % {"size": member.file_size // (1024 * 1024), "member": member.filename}
            )


def sniff_format(path: Path, columns: list[str], optional: tuple[str, ...] = ()) -> FileFormat:
    """CSV (comma or semicolon; UTF-8 with or without BOM, or Windows-1252) or XLSX
    (first sheet), with a header naming every one of `columns` (and perhaps some of
    `optional`); else ImportFileError."""
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04":
        check_xlsx_archive(path)
        return FileFormat(
            kind="xlsx", header=map_header(next(xlsx_rows(path), []), columns, optional)
        )
    if b"\x00" in magic:
        raise ImportFileError(
            _("The file is not a CSV or XLSX file: it holds binary data, not text.")
        )
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as fh:
        first_line = fh.readline(MAX_HEADER_CHARS + 1)
    if len(first_line) > MAX_HEADER_CHARS:
        raise ImportFileError(
            _("The first line is longer than any header of this file: is it the right file?")
        )
    if not first_line.strip():
        raise ImportFileError(_("The file is empty: the first line must be the header."))
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    header = next(csv.reader([first_line], delimiter=delimiter))
    return FileFormat(
        kind="csv",
        encoding=encoding,
        delimiter=delimiter,
        header=map_header(header, columns, optional),
    )


def read_rows(path: Path, fmt: FileFormat) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) for every row after the header that is not blank."""
    if fmt.kind == "xlsx":
        rows = ([xlsx_text(value) or "" for value in row] for row in xlsx_rows(path))
        yield from _named(rows, fmt.header)
        return
    with path.open(encoding=fmt.encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=fmt.delimiter)
        try:
            yield from _named(reader, fmt.header)
        except csv.Error as exc:
            raise csv_error(exc, reader.line_num) from exc


def csv_error(exc: csv.Error, line: int) -> ImportFileError:
    return ImportFileError(
        _("Line %(line)s cannot be read as CSV: %(error)s") % {"line": line, "error": exc},
        line=line,
    )


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
