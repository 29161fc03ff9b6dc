"""Arrears import: the employer account system's export into Recupera.

The file is streamed into a temporary staging table with PostgreSQL's COPY, checked
with a handful of set-based queries, and merged with two statements (UPDATE the
periods that changed, INSERT the new ones), all in one transaction. Python never
holds the rows: memory stays flat whatever the file size, and a file with any bad row
writes nothing.

Columns whose distinct values are few (NIT, branch, period, due date) are checked in
Python once per distinct value, with the same validators the forms use, and joined
back; the amounts are checked by a regular expression in SQL.

The account system is the source of truth for what each period owes and what was
paid: `pagado` replaces the stored `paid`, it is never added to it. Importing the
same file twice therefore changes nothing, and a payment is never counted twice.
"""

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

import pghistory
import psycopg
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from employers.models import ArrearsImport, ArrearsImportStatus, Branch
from employers.validators import normalize_nit

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
_EMPLOYER_NUMBER = re.compile(r"^[0-9]{1,12}$")


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


class _Rejected(Exception):
    """Raised inside the transaction to roll it back when rows are invalid."""


@dataclass
class _FileFormat:
    kind: str  # "csv" or "xlsx"
    encoding: str = "utf-8"  # Python codec name
    delimiter: str = ","
    header: list[str] = field(default_factory=list)  # staging column per file column


# --- reading the file ---------------------------------------------------------------


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


def sniff_format(path: Path) -> _FileFormat:
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04":
        if not zipfile.is_zipfile(path):
            raise ImportFileError(_("The file looks like an XLSX workbook but is damaged."))
        return _FileFormat(kind="xlsx", header=_map_header(next(xlsx_rows(path), [])))
    if b"\x00" in magic:
        raise ImportFileError(_("The file is not a CSV or XLSX file."))
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as fh:
        first_line = fh.readline()
    if not first_line.strip():
        raise ImportFileError(_("The file is empty: the first line must be the header."))
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    header = next(csv.reader([first_line], delimiter=delimiter))
    return _FileFormat(
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


# --- checking distinct values in Python ---------------------------------------------


def _parse_period(raw: str) -> datetime.date:
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


def _lookup_values(column: str, values: list[str], branches: dict[str, int]) -> Iterator[tuple]:
    """Yield (raw, normalized value or None, reason or None) for each distinct value."""
    for raw in values:
        text = (raw or "").strip()
        if not text:
            yield raw, None, _("Required.")
            continue
        try:
            if column == "numero_patronal":
                if not _EMPLOYER_NUMBER.match(text):
                    raise ValidationError(_("The employer number has only digits, at most 12."))
                value = text
            elif column == "nit":
                value = normalize_nit(text)
            elif column == "sucursal":
                code = text.upper()
                if code not in branches:
                    raise ValidationError(
                        _("Unknown branch code. Known codes: %(codes)s.")
                        % {"codes": ", ".join(sorted(branches))}
                    )
                value = str(branches[code])
            elif column == "periodo":
                value = _parse_period(text).isoformat()
            else:
                value = parse_date(text).isoformat()
        except ValidationError as exc:
            yield raw, None, " ".join(exc.messages)
        else:
            yield raw, value, None


# --- the import ---------------------------------------------------------------------


def _staging_columns(header: list[str]) -> list[str]:
    extras = [name for name in header if name not in COLUMNS]
    return COLUMNS + extras


TEMP_TABLES = [
    "arrears_staging",
    "arrears_rows",
    "arrears_employers",
    "lookup_numero_patronal",
    "lookup_nit",
    "lookup_sucursal",
    "lookup_periodo",
    "lookup_fecha_vencimiento",
]


def _drop_temp_tables(cursor) -> None:
    # ON COMMIT DROP is not enough when the import runs inside an outer transaction
    # (a confirmed preview, a test): the tables would outlive the import.
    cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}")


def _create_staging(cursor, header: list[str], typed: bool = False) -> None:
    """The staging table: all text, or (typed) with the amounts as numeric, which lets
    PostgreSQL's own input functions check them during the COPY."""

    def column_type(name: str) -> str:
        return "numeric" if typed and name in AMOUNT_COLUMNS else "text"

    columns = ", ".join(f"{name} {column_type(name)}" for name in _staging_columns(header))
    # Line 1 is the header, so the first data row is line 2.
    cursor.execute(
        "CREATE TEMP TABLE arrears_staging ("
        " line bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 2) PRIMARY KEY, "
        f"{columns}) ON COMMIT DROP"
    )


def _copy_csv(cursor, path: Path, fmt: _FileFormat) -> None:
    pg_encoding = "WIN1252" if fmt.encoding == "cp1252" else "UTF8"
    columns = ", ".join(fmt.header)
    delimiter = "';'" if fmt.delimiter == ";" else "','"
    sql = (
        f"COPY arrears_staging ({columns}) FROM STDIN "
        f"WITH (FORMAT csv, HEADER true, DELIMITER {delimiter}, ENCODING '{pg_encoding}')"
    )
    with cursor.copy(sql) as copy, path.open("rb") as fh:
        first_line = fh.readline()
        # COPY wants one line ending throughout; keep the file's own.
        newline = b"\r\n" if first_line.endswith(b"\r\n") else b"\n"
        pending = first_line
        while chunk := fh.read(CHUNK):
            if pending:
                copy.write(pending)
            pending = chunk
        # Blank lines at the end of a file (spreadsheet exports leave them) are not rows.
        pending = pending.rstrip(b"\r\n\t ")
        if pending:
            copy.write(pending + newline)


def _copy_xlsx(cursor, path: Path, fmt: _FileFormat) -> None:
    columns = ", ".join(["line", *fmt.header])
    with cursor.copy(f"COPY arrears_staging ({columns}) FROM STDIN") as copy:
        rows = xlsx_rows(path)
        next(rows, None)  # header
        width = len(fmt.header)
        for number, row in enumerate(rows, start=2):
            values = [xlsx_text(value) for value in list(row)[:width]]
            values += [None] * (width - len(values))
            if any(value not in (None, "") for value in values):
                copy.write_row([number, *values])


def _load(cursor, path: Path, fmt: _FileFormat, *, typed: bool) -> bool:
    """Stage the file and check its few-valued columns. With typed=True a COPY error
    means "take the text path" and returns False; with typed=False it is raised."""
    _drop_temp_tables(cursor)
    _create_staging(cursor, fmt.header, typed=typed)
    try:
        with transaction.atomic():
            if fmt.kind == "csv":
                _copy_csv(cursor, path, fmt)
            else:
                _copy_xlsx(cursor, path, fmt)
    except psycopg.Error:
        if typed:
            return False
        raise
    _load_lookups(cursor)
    return True


def _malformed_csv_lines(path: Path, fmt: _FileFormat) -> list[RowError]:
    """Every line whose number of fields differs from the header's.

    Only run when COPY refused the file, to list all such lines instead of the first.
    """
    errors = []
    width = len(fmt.header)
    with path.open(encoding=fmt.encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=fmt.delimiter)
        next(reader, None)
        for row in reader:
            if row and len(row) != width and any(cell.strip() for cell in row):
                errors.append(
                    RowError(
                        reader.line_num,
                        "",
                        fmt.delimiter.join(row)[:120],
                        _("The row has %(found)s fields; the header has %(expected)s.")
                        % {"found": len(row), "expected": width},
                    )
                )
                if len(errors) >= MAX_LISTED_ERRORS:
                    break
    return errors


def _copy_error(exc: psycopg.Error, path: Path, fmt: _FileFormat) -> list[RowError]:
    if fmt.kind == "csv":
        malformed = _malformed_csv_lines(path, fmt)
        if malformed:
            return malformed
    context = getattr(exc.diag, "context", "") or ""
    match = re.search(r"line (\d+)", context)
    line = int(match[1]) if match else 0
    return [
        RowError(
            line,
            "",
            "",
            _("The file cannot be read at this line: %(error)s")
            % {"error": exc.diag.message_primary or str(exc)},
        )
    ]


LOOKUP_COLUMNS = ["numero_patronal", "nit", "sucursal", "periodo", "fecha_vencimiento"]
LOOKUP_TYPES = {"sucursal": "bigint", "periodo": "date", "fecha_vencimiento": "date"}


def _load_lookups(cursor) -> None:
    """Check each distinct value of the few-valued columns once, in Python."""
    branches = dict(Branch.objects.values_list("code", "pk"))
    expressions = [f"btrim(coalesce({column}, ''))" for column in LOOKUP_COLUMNS]
    # One scan of the staging table for the distinct values of all five columns.
    cursor.execute(
        f"SELECT {', '.join(expressions)}, "
        f"{', '.join(f'GROUPING({e})' for e in expressions)} FROM arrears_staging "
        f"GROUP BY GROUPING SETS ({', '.join(f'({e})' for e in expressions)})"
    )
    width = len(LOOKUP_COLUMNS)
    distinct: dict[str, list[str]] = {column: [] for column in LOOKUP_COLUMNS}
    for row in cursor.fetchall():
        index = row[width:].index(0)
        distinct[LOOKUP_COLUMNS[index]].append(row[index])
    for column in LOOKUP_COLUMNS:
        table = f"lookup_{column}"
        # Typed values, so that a million rows are not cast one by one; no index, so that
        # the join is a hash join, never a million index probes.
        value_type = LOOKUP_TYPES.get(column, "text")
        cursor.execute(f"CREATE TEMP TABLE {table} (raw text, value {value_type}, reason text)")
        with cursor.copy(f"COPY {table} (raw, value, reason) FROM STDIN") as copy:
            for row in _lookup_values(column, distinct[column], branches):
                copy.write_row(row)
        cursor.execute(f"ANALYZE {table}")


def _amount_check(value: str) -> str:
    """SQL that is true when `value` (a trimmed, non-null text) is a valid amount.

    Empty means zero; otherwise digits with at most one dot, at most 12 integer
    digits and 2 decimals. An unbounded pattern plus position arithmetic: bounded
    repetitions make the regular expression engine twice as slow.
    """
    dot = f"strpos({value}, '.')"
    return (
        f"({value} ~ '^[0-9]*\\.?[0-9]*$' AND {value} <> '.' AND CASE {dot} "
        f"WHEN 0 THEN length({value}) <= 12 "
        f"ELSE {dot} <= 13 AND length({value}) - {dot} <= 2 END)"
    )


def _typed_amount_check(column: str) -> str:
    """The checks numeric input did not make: not negative, 2 decimals, 12 digits, and
    not the NaN or Infinity numeric input also accepts (coalesce: NaN has no scale)."""
    return (
        f"({column} IS NULL OR coalesce({column} <> 'NaN' AND {column} >= 0 "
        f"AND {column} < 1000000000000 AND scale({column}) <= 2, false))"
    )


def _build_rows(cursor, typed: bool = False) -> int:
    """Typed rows, with `suspect` set on any row a per-row check fails. Returns the count."""
    text_columns = [c for c in COLUMNS if not (typed and c in AMOUNT_COLUMNS)]
    trimmed = ", ".join(
        [f"btrim(coalesce({column}, '')) AS {column}" for column in text_columns]
        + [column for column in COLUMNS if column not in text_columns]
    )
    if typed:
        amounts_ok = " AND ".join(_typed_amount_check(column) for column in AMOUNT_COLUMNS)
        casts = ",\n".join(
            f"CASE WHEN s.amounts_ok THEN coalesce(s.{column}, 0)::numeric(14,2) END AS {target}"
            for column, target in AMOUNT_COLUMNS.items()
        )
    else:
        amounts_ok = " AND ".join(_amount_check(column) for column in AMOUNT_COLUMNS)
        casts = ",\n".join(
            f"CASE WHEN s.amounts_ok THEN coalesce(nullif(s.{column}, ''), '0')::numeric(14,2) "
            f"END AS {target}"
            for column, target in AMOUNT_COLUMNS.items()
        )
    not_blank = " OR ".join(
        f"{column} <> ''" if column in text_columns else f"{column} IS NOT NULL"
        for column in COLUMNS
    )
    # Each subquery ends in OFFSET 0 so that PostgreSQL computes its columns once a
    # row instead of inlining them into every place that uses them.
    cursor.execute(
        f"""
        CREATE TEMP TABLE arrears_rows AS
        SELECT s.line,
               k.value AS employer_number,
               n.value AS nit,
               s.razon_social AS legal_name,
               b.value AS branch_id,
               p.value AS period,
               d.value AS due_date,
               {casts},
               (k.reason IS NOT NULL OR n.reason IS NOT NULL OR b.reason IS NOT NULL
                OR p.reason IS NOT NULL OR d.reason IS NOT NULL OR NOT s.amounts_ok
                OR length(s.razon_social) NOT BETWEEN 1 AND 250
               ) AS suspect
          FROM (SELECT *, ({amounts_ok}) AS amounts_ok
                  FROM (SELECT line, {trimmed} FROM arrears_staging OFFSET 0) t
                 -- Rows of nothing but delimiters are spreadsheet leftovers, not data.
                 WHERE {not_blank}
                OFFSET 0) s
          JOIN lookup_numero_patronal k ON k.raw = s.numero_patronal
          JOIN lookup_nit n ON n.raw = s.nit
          JOIN lookup_sucursal b ON b.raw = s.sucursal
          JOIN lookup_periodo p ON p.raw = s.periodo
          JOIN lookup_fecha_vencimiento d ON d.raw = s.fecha_vencimiento
        """,
    )
    total = cursor.rowcount
    # One row per employer of the file: serves the consistency checks and the insert
    # of new employers without going over the million rows again.
    cursor.execute(
        """
        CREATE TEMP TABLE arrears_employers AS
        SELECT employer_number, min(nit) AS nit, max(nit) AS other_nit,
               min(branch_id) AS branch_id, max(branch_id) AS other_branch_id,
               max(legal_name) AS legal_name
          FROM arrears_rows WHERE employer_number IS NOT NULL
         GROUP BY employer_number
        """
    )
    cursor.execute("ANALYZE arrears_employers")
    return total


def _any_error(cursor) -> bool:
    """Cheap checks that decide whether the detailed error report must be built."""
    cursor.execute(
        """
        SELECT EXISTS (SELECT 1 FROM arrears_rows WHERE suspect)
            OR EXISTS (SELECT 1 FROM arrears_employers
                        WHERE nit <> other_nit OR branch_id <> other_branch_id)
            OR EXISTS (SELECT 1 FROM arrears_employers f
                         JOIN employers_employer e USING (employer_number)
                        WHERE e.nit <> f.nit)
            OR EXISTS (SELECT 1 FROM arrears_rows
                        GROUP BY employer_number, period HAVING count(*) > 1)
        """
    )
    return cursor.fetchone()[0]


def _collect_errors(cursor) -> tuple[list[RowError], int]:
    """Every bad row with its line, column, value and reason (only for a bad file)."""
    reasons = {
        "name_required": _("Required for an employer that is not registered yet."),
        "name_long": _("At most 250 characters."),
        "amount": _("Not a valid amount: digits with a dot for decimals, e.g. 1234.56."),
        "nit_known": _("Does not agree with the NIT registered for this employer"),
        "nit_file": _("This employer appears in this file with another NIT"),
        "branch_file": _("This employer appears in this file with another branch"),
        "repeated": _("This employer and period are repeated in the file; first at line"),
    }
    lookups = "\n".join(
        f"""UNION ALL SELECT s.line, '{column}', s.{column}, l.reason, {i}
              FROM arrears_staging s
              JOIN lookup_{column} l ON l.raw = btrim(coalesce(s.{column}, ''))
             WHERE l.reason IS NOT NULL"""
        for i, column in enumerate(LOOKUP_COLUMNS, start=1)
    )
    amounts = "\n".join(
        f"""UNION ALL SELECT s.line, '{column}', s.{column}, %(amount)s, {i}
              FROM arrears_rows r JOIN arrears_staging s USING (line)
             WHERE r.suspect AND r.paid IS NULL
               AND NOT {_amount_check(f"btrim(coalesce(s.{column}, ''))")}"""
        for i, column in enumerate(AMOUNT_COLUMNS, start=10)
    )
    sql = f"""
        WITH errors (line, col, value, reason, ord) AS (
            SELECT 0, '', '', '', 0 WHERE false
            {lookups}
            {amounts}
            UNION ALL SELECT r.line, 'nit', s.nit,
                   %(nit_known)s || ' (' || recupera_format_nit(e.nit) || ').', 2
              FROM arrears_rows r JOIN arrears_staging s USING (line)
              JOIN employers_employer e ON e.employer_number = r.employer_number
             WHERE r.nit IS NOT NULL AND e.nit <> r.nit
            UNION ALL SELECT r.line, 'nit', s.nit,
                   %(nit_file)s || ' (' || recupera_format_nit(f.first_nit) || ').', 2
              FROM (SELECT employer_number, (array_agg(nit ORDER BY line))[1] AS first_nit
                      FROM arrears_rows WHERE nit IS NOT NULL
                     GROUP BY employer_number HAVING min(nit) <> max(nit)) f
              JOIN arrears_rows r ON r.employer_number = f.employer_number
              JOIN arrears_staging s ON s.line = r.line
             WHERE r.nit IS DISTINCT FROM f.first_nit AND r.nit IS NOT NULL
            UNION ALL SELECT r.line, 'razon_social', r.legal_name, %(name_required)s, 3
              FROM arrears_rows r
             WHERE r.legal_name = ''
               AND NOT EXISTS (SELECT 1 FROM employers_employer e
                                WHERE e.employer_number = r.employer_number)
            UNION ALL SELECT line, 'razon_social', left(legal_name, 60) || '…', %(name_long)s, 3
              FROM arrears_rows WHERE length(legal_name) > 250
            UNION ALL SELECT r.line, 'sucursal', s.sucursal, %(branch_file)s, 4
              FROM (SELECT employer_number, (array_agg(branch_id ORDER BY line))[1] AS first
                      FROM arrears_rows WHERE branch_id IS NOT NULL
                     GROUP BY employer_number HAVING min(branch_id) <> max(branch_id)) f
              JOIN arrears_rows r ON r.employer_number = f.employer_number
              JOIN arrears_staging s ON s.line = r.line
             WHERE r.branch_id <> f.first
            UNION ALL SELECT r.line, 'periodo', s.periodo,
                   %(repeated)s || ' ' || f.first_line || '.', 5
              FROM (SELECT employer_number, period, min(line) AS first_line
                      FROM arrears_rows WHERE period IS NOT NULL
                     GROUP BY employer_number, period HAVING count(*) > 1) f
              JOIN arrears_rows r USING (employer_number, period)
              JOIN arrears_staging s ON s.line = r.line
             WHERE r.line <> f.first_line
        )
        SELECT line, col, coalesce(value, ''), reason, count(*) OVER ()
          FROM errors ORDER BY line, ord LIMIT {MAX_LISTED_ERRORS}
    """
    cursor.execute(sql, reasons)
    rows = cursor.fetchall()
    total = rows[0][4] if rows else 0
    return [RowError(line, col, value, reason) for line, col, value, reason, _n in rows], total


def _merge(cursor) -> tuple[int, int, int]:
    cursor.execute(
        """
        INSERT INTO employers_employer
            (employer_number, person_type, nit, dui, nrc, legal_name, trade_name,
             economic_activity, sector, address, phone, email, legal_representative,
             branch_id, status, created_at, updated_at)
        SELECT f.employer_number,
               CASE WHEN length(f.nit) = 9 THEN 'natural' ELSE 'legal' END,
               f.nit, CASE WHEN length(f.nit) = 9 THEN f.nit ELSE '' END, '',
               f.legal_name, '', '', 'private', '', '', '', '', f.branch_id, 'active',
               now(), now()
          FROM arrears_employers f
         WHERE NOT EXISTS (SELECT 1 FROM employers_employer e
                            WHERE e.employer_number = f.employer_number)
        """
    )
    employers_created = cursor.rowcount
    # Only rows whose figures differ are touched, so a re-import writes nothing and the
    # history holds real changes only.
    cursor.execute(
        """
        UPDATE employers_contributionperiod p
           SET due_date = r.due_date, employer_share = r.employer_share,
               worker_share = r.worker_share, fines = r.fines, surcharges = r.surcharges,
               paid = r.paid
          FROM arrears_rows r
          JOIN employers_employer e ON e.employer_number = r.employer_number
         WHERE p.employer_id = e.id AND p.period = r.period
           AND (p.due_date, p.employer_share, p.worker_share, p.fines, p.surcharges, p.paid)
               IS DISTINCT FROM
               (r.due_date, r.employer_share, r.worker_share, r.fines, r.surcharges, r.paid)
        """
    )
    periods_updated = cursor.rowcount
    cursor.execute(
        """
        INSERT INTO employers_contributionperiod
            (employer_id, period, due_date, employer_share, worker_share, fines,
             surcharges, paid)
        SELECT e.id, r.period, r.due_date, r.employer_share, r.worker_share, r.fines,
               r.surcharges, r.paid
          FROM arrears_rows r
          JOIN employers_employer e ON e.employer_number = r.employer_number
         WHERE NOT EXISTS (SELECT 1 FROM employers_contributionperiod p
                            WHERE p.employer_id = e.id AND p.period = r.period)
        """
    )
    return employers_created, cursor.rowcount, periods_updated


def run_arrears_import(
    *,
    path: Path,
    file_name: str,
    actor=None,
    dry_run: bool = False,
    record: ArrearsImport | None = None,
) -> ImportResult:
    """Validate and, unless dry_run or invalid, apply an arrears file.

    A real run is logged in `record` (a previewed import being confirmed) or in a new
    ArrearsImport, applied or rejected. A file that cannot be read at all raises
    ImportFileError and writes nothing.
    """
    sha256 = file_sha256(path)
    result = ImportResult(file_name=file_name, sha256=sha256, dry_run=dry_run)
    result.previous_import = (
        ArrearsImport.objects.filter(sha256=sha256, status=ArrearsImportStatus.APPLIED)
        .order_by("-applied_at")
        .first()
    )
    fmt = sniff_format(path)
    try:
        with (
            transaction.atomic(),
            pghistory.context(
                user=actor.pk if actor else None, import_file=file_name, import_sha256=sha256
            ),
            connection.cursor() as django_cursor,
        ):
            cursor = django_cursor.cursor  # the psycopg cursor, for COPY
            # One import at a time: two at once would both see a period as new.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('recupera.arrears_import'))")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            # New employers' search index takes them in its pending list, merged later,
            # instead of one index page write per trigram.
            cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
            # A CSV is first loaded with its amounts typed: PostgreSQL checks them while
            # copying, which is much cheaper than checking text. Any problem at all sends
            # the file through the all-text path, which reports every bad row.
            typed = fmt.kind == "csv" and _load(cursor, path, fmt, typed=True)
            if typed:
                result.rows_total = _build_rows(cursor, typed=True)
            if not typed or (result.rows_total and _any_error(cursor)):
                try:
                    _load(cursor, path, fmt, typed=False)
                except psycopg.Error as exc:
                    result.errors = _copy_error(exc, path, fmt)
                    result.error_count = len(result.errors)
                    raise _Rejected from exc
                result.rows_total = _build_rows(cursor)
                if result.rows_total and _any_error(cursor):
                    result.errors, result.error_count = _collect_errors(cursor)
                    raise _Rejected
            if result.rows_total == 0:
                raise ImportFileError(_("The file has a header but no rows."))
            applied = record or ArrearsImport(created_by=actor, file_name=file_name)
            applied.sha256 = sha256
            applied.status = ArrearsImportStatus.APPLIED
            applied.applied_at = timezone.now()
            applied.save()
            created, inserted, updated = _merge(cursor)
            result.employers_created = created
            result.periods_created = inserted
            result.periods_updated = updated
            result.periods_unchanged = result.rows_total - inserted - updated
            record_counts(applied, result)
            _drop_temp_tables(cursor)
            if dry_run:
                transaction.set_rollback(True)
    except _Rejected:
        if not dry_run:
            rejected = record or ArrearsImport(created_by=actor, file_name=file_name)
            rejected.sha256 = sha256
            rejected.status = ArrearsImportStatus.REJECTED
            record_counts(rejected, result)
    return result


def record_counts(record: ArrearsImport, result: ImportResult, *, save: bool = True) -> None:
    """Copy a result's counts and first errors onto its import log row."""
    record.rows_total = result.rows_total
    record.employers_created = result.employers_created
    record.periods_created = result.periods_created
    record.periods_updated = result.periods_updated
    record.periods_unchanged = result.periods_unchanged
    record.error_count = result.error_count
    record.errors = [error.as_dict() for error in result.errors[:MAX_STORED_ERRORS]]
    if save:
        record.save()
