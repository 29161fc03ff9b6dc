"""Applying a checked file: new employers, changed and new periods, and the log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import pghistory
import psycopg
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from employers.arrears import lock_arrears_summary, refresh_arrears_summary
from employers.imports.checks import any_error, build_rows, collect_errors, load_lookups
from employers.imports.reading import (
    MAX_STORED_ERRORS,
    ImportFileError,
    ImportResult,
    file_sha256,
    sniff_format,
)
from employers.imports.staging import copy_error, drop_temp_tables, load_staging
from employers.imports.unchanged import set_aside_unchanged, store_digests
from employers.models import ArrearsImport, ArrearsImportStatus

logger = logging.getLogger(__name__)

# Functions `(arrears_import)` called inside the import's transaction once its periods
# are merged (a dry run rolls them back with it): the apps above register theirs in
# AppConfig.ready() to read what the account system now shows (council marks the
# waivers it reflects applied).
IMPORT_LISTENERS: list[Callable[[ArrearsImport], None]] = []


def register_import_listener(listener: Callable[[ArrearsImport], None]) -> None:
    if listener not in IMPORT_LISTENERS:
        IMPORT_LISTENERS.append(listener)


def log_rejected_file(
    *, record: ArrearsImport | None, actor, file_name: str, sha256: str, error: ImportFileError
) -> ArrearsImport:
    """A file refused as a whole is logged like a file with bad rows: a REJECTED import
    with the reason (and the line, when one is to blame)."""
    logger.warning("Arrears file %s refused: %s", file_name, error)
    rejected = record or ArrearsImport(created_by=actor, file_name=file_name)
    rejected.sha256 = sha256
    rejected.status = ArrearsImportStatus.REJECTED
    rejected.stored_file = ""
    result = ImportResult(file_name=file_name, sha256=sha256, error_count=1)
    result.errors = [error.as_row_error()]
    record_counts(rejected, result)
    return rejected


class ImportSteps:
    """How far an import is, told to a progress callback: reading is most of the time
    (70 % of the bar, by bytes), the checks and the merge the rest."""

    SCALE = 1000

    def __init__(self, progress: Callable[..., None] | None, size: int) -> None:
        self.progress = progress
        self.size = max(size, 1)
        self.rows = 0
        # Seconds per step (read, stage, check, merge): the benchmark prints them.
        self.seconds: dict[str, float] = {}
        self._step = ""
        self._since = 0.0

    def begin(self, step: str) -> None:
        now = time.perf_counter()
        if self._step:
            self.seconds[self._step] = self.seconds.get(self._step, 0.0) + now - self._since
        self._step, self._since = step, now

    def end(self) -> None:
        self.begin("")

    def reading(self, bytes_read: int, rows_read: int) -> None:
        self.rows = rows_read
        if self.progress:
            done = int(700 * min(bytes_read, self.size) / self.size)
            label = _("Reading the file: %(rows)s rows read.") % {"rows": f"{rows_read:,}"}
            self.progress(done, self.SCALE, label)

    def checking(self) -> None:
        self.begin("check")
        if self.progress:
            label = _("Checking %(rows)s rows.") % {"rows": f"{self.rows:,}"}
            self.progress(750, self.SCALE, label, force=True)

    def merging(self, rows: int, dry_run: bool) -> None:
        self.begin("merge")
        if self.progress:
            label = (
                _("Comparing %(rows)s rows with the stored periods.")
                if dry_run
                else _("Writing the changes of %(rows)s rows.")
            ) % {"rows": f"{rows:,}"}
            self.progress(900, self.SCALE, label, force=True)


# The periods' unique index: on a first load it, not the cheap checks, finds a period the
# file repeats for a new employer (any_error's repeats_of_new_employers).
REPEATED_PERIOD_CONSTRAINT = "period_unique_centre"


class _Rejected(Exception):
    """Raised inside the transaction to roll it back when rows are invalid."""


def merge_rows(cursor) -> tuple[int, int, int]:
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
         WHERE p.employer_id = e.id AND p.work_centre = r.work_centre AND p.period = r.period
           AND (p.due_date, p.employer_share, p.worker_share, p.fines, p.surcharges, p.paid)
               IS DISTINCT FROM
               (r.due_date, r.employer_share, r.worker_share, r.fines, r.surcharges, r.paid)
        """
    )
    periods_updated = cursor.rowcount
    cursor.execute(
        """
        INSERT INTO employers_contributionperiod
            (employer_id, work_centre, period, due_date, employer_share, worker_share,
             fines, surcharges, paid)
        SELECT e.id, r.work_centre, r.period, r.due_date, r.employer_share, r.worker_share,
               r.fines, r.surcharges, r.paid
          FROM arrears_rows r
          JOIN employers_employer e ON e.employer_number = r.employer_number
         WHERE NOT EXISTS (SELECT 1 FROM employers_contributionperiod p
                            WHERE p.employer_id = e.id AND p.work_centre = r.work_centre
                              AND p.period = r.period)
        """
    )
    return employers_created, cursor.rowcount, periods_updated


def _check_staged(cursor, steps: ImportSteps, result: ImportResult, *, typed: bool) -> int:
    """Set aside the unchanged employers' rows, then type and check the others; returns
    the number of rows in the file (both kinds; blank leftovers not counted). A file of
    no rows at all is refused."""
    steps.begin("compare")
    result.rows_set_aside = set_aside_unchanged(cursor)
    steps.checking()
    load_lookups(cursor)
    rows = result.rows_set_aside + build_rows(cursor, typed=typed)
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return rows


def _apply(
    cursor,
    steps: ImportSteps,
    file_name: str,
    actor,
    dry_run: bool,
    record: ArrearsImport | None,
    result: ImportResult,
) -> ArrearsImport:
    """Log the import as applied and merge its checked rows (the caller rolls a dry run
    back)."""
    applied = record or ArrearsImport(created_by=actor, applied_by=actor, file_name=file_name)
    applied.sha256 = result.sha256
    applied.status = ArrearsImportStatus.APPLIED
    applied.applied_at = timezone.now()
    applied.save()
    steps.merging(result.rows_total, dry_run)
    today = timezone.localdate()
    summary_held = lock_arrears_summary(cursor, today)
    created, inserted, updated = merge_rows(cursor)
    result.employers_created = created
    result.periods_created = inserted
    result.periods_updated = updated
    result.periods_unchanged = result.rows_total - inserted - updated
    record_counts(applied, result)
    store_digests(cursor)
    # The lists sorted by debt read the summary again once it is summed anew: only the
    # file's employers not set aside when it held before the merge (an unchanged
    # re-import sums up none), else every employer.
    refresh_arrears_summary(
        today=today,
        employers_sql=(
            "SELECT e.id FROM arrears_employers f"
            " JOIN employers_employer e ON e.employer_number = f.employer_number"
        )
        if summary_held
        else None,
    )
    drop_temp_tables(cursor)
    for listener in IMPORT_LISTENERS:
        listener(applied)
    return applied


def run_arrears_import(
    *,
    path: Path,
    file_name: str,
    actor=None,
    dry_run: bool = False,
    record: ArrearsImport | None = None,
    progress: Callable[..., None] | None = None,
    sha256: str | None = None,
) -> ImportResult:
    """Validate and, unless dry_run or invalid, apply an arrears file.

    `sha256`: the file's, when the caller has it already (a stored upload); else it is
    computed here.

    `progress(done, total, label)`, when given, hears how far it is (a background job's
    progress bar): rows read while the file is copied, then the checks, then the merge.

    A real run is logged in `record` (a previewed import being confirmed) or in a new
    ArrearsImport, applied or rejected. A file that cannot be read at all raises
    ImportFileError and writes nothing but, unless dry_run, its REJECTED log entry.
    """
    steps = ImportSteps(progress, path.stat().st_size)
    steps.begin("read")
    sha256 = sha256 or file_sha256(path)
    result = ImportResult(file_name=file_name, sha256=sha256, dry_run=dry_run)
    result.previous_import = (
        ArrearsImport.objects.filter(sha256=sha256, status=ArrearsImportStatus.APPLIED)
        .order_by("-applied_at")
        .first()
    )
    try:
        return _run(path, file_name, actor, dry_run, record, result, steps)
    except ImportFileError as exc:
        if not dry_run:
            log_rejected_file(
                record=record, actor=actor, file_name=file_name, sha256=sha256, error=exc
            )
        raise


def _run(
    path: Path,
    file_name: str,
    actor,
    dry_run: bool,
    record: ArrearsImport | None,
    result: ImportResult,
    steps: ImportSteps,
) -> ImportResult:
    sha256 = result.sha256
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
            steps.begin("stage")
            typed = fmt.kind == "csv" and load_staging(
                cursor, path, fmt, typed=True, on_chunk=steps.reading
            )
            applied = None
            if typed:
                result.rows_total = _check_staged(cursor, steps, result, typed=True)
                if not any_error(cursor, repeats_of_new_employers=False):
                    logged = (record.status, record.applied_at) if record else None
                    try:
                        with transaction.atomic():  # a savepoint
                            applied = _apply(
                                cursor, steps, file_name, actor, dry_run, record, result
                            )
                    except psycopg.errors.UniqueViolation as exc:
                        # A period the file repeats for a new employer: rolled back to
                        # the savepoint, the text path below names both lines. Any other
                        # unique index refusing is not the file's to report.
                        if exc.diag.constraint_name != REPEATED_PERIOD_CONSTRAINT:
                            raise
                        if record:
                            record.status, record.applied_at = logged
            if applied is None:
                steps.begin("stage")
                try:
                    load_staging(cursor, path, fmt, typed=False, on_chunk=steps.reading)
                except psycopg.Error as exc:
                    result.errors = copy_error(exc, path, fmt)
                    result.error_count = len(result.errors)
                    raise _Rejected from exc
                result.rows_total = _check_staged(cursor, steps, result, typed=False)
                if any_error(cursor):
                    result.errors, result.error_count = collect_errors(cursor)
                    raise _Rejected
                applied = _apply(cursor, steps, file_name, actor, dry_run, record, result)
            if dry_run:
                transaction.set_rollback(True)
        steps.end()
        result.step_seconds = steps.seconds
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
