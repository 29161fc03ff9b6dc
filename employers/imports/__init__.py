"""Arrears import: the employer account system's export into Recupera.

The file is streamed into a temporary staging table with PostgreSQL's COPY; the rows
of every employer whose rows are exactly as the last import left them are set aside
unchecked (employers.imports.unchanged); the rest are checked with a handful of
set-based queries and merged with two statements (UPDATE the
periods that changed, INSERT the new ones), all in one transaction. Python never
holds the rows: memory stays flat whatever the file size, and a file with any bad row
writes nothing.

Columns whose distinct values are few (NIT, branch, period, due date) are checked in
Python once per distinct value, with the same validators the forms use, and joined
back; the amounts are checked by a regular expression in SQL.

The account system is the source of truth for what each period owes and what was
paid: `pagado` replaces the stored `paid`, it is never added to it. Importing the
same file twice therefore changes nothing, and a payment is never counted twice."""

from employers.imports.checks import amount_check
from employers.imports.merge import (
    log_rejected_file,
    record_counts,
    register_import_listener,
    run_arrears_import,
)
from employers.imports.reading import (
    AMOUNT_COLUMNS,
    CHUNK,
    COLUMNS,
    MAX_LISTED_ERRORS,
    MAX_STORED_ERRORS,
    ImportFileError,
    ImportResult,
    RowError,
    detect_encoding,
    file_sha256,
    parse_date,
    sniff_format,
    xlsx_rows,
    xlsx_text,
)

__all__ = [
    "AMOUNT_COLUMNS",
    "CHUNK",
    "COLUMNS",
    "MAX_LISTED_ERRORS",
    "MAX_STORED_ERRORS",
    "ImportFileError",
    "ImportResult",
    "RowError",
    "amount_check",
    "detect_encoding",
    "file_sha256",
    "log_rejected_file",
    "parse_date",
    "record_counts",
    "register_import_listener",
    "run_arrears_import",
    "sniff_format",
    "xlsx_rows",
    "xlsx_text",
]
