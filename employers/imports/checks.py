"""Set-based checks of the staged rows, and the report of every bad row."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from employers.imports.reading import (
    AMOUNT_COLUMNS,
    COLUMNS,
    MAIN_WORK_CENTRE,
    MAX_LISTED_ERRORS,
    RowError,
    parse_date,
    parse_period,
)
from employers.imports.staging import index_staging_lines
from employers.validators import normalize_nit
from people.models import Branch

_EMPLOYER_NUMBER = re.compile(r"^[0-9]{1,12}$")
_WORK_CENTRE = re.compile(r"^[0-9]{1,3}$")


def _lookup_values(column: str, values: list[str], branches: dict[str, int]) -> Iterator[tuple]:
    """Yield (raw, normalized value or None, reason or None) for each distinct value."""
    for raw in values:
        text = (raw or "").strip()
        if column == "centro_trabajo":
            if not text:
                yield raw, MAIN_WORK_CENTRE, None
            elif _WORK_CENTRE.match(text) and int(text) > 0:
                yield raw, text.zfill(3), None
            else:
                yield (
                    raw,
                    None,
                    _("The work centre is a number from 001 to 999 (001: the main one)."),
                )
            continue
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
                value = parse_period(text).isoformat()
            else:
                value = parse_date(text).isoformat()
        except ValidationError as exc:
            yield raw, None, " ".join(exc.messages)
        else:
            yield raw, value, None


LOOKUP_COLUMNS = [
    "numero_patronal",
    "nit",
    "sucursal",
    "periodo",
    "fecha_vencimiento",
    "centro_trabajo",
]


LOOKUP_TYPES = {"sucursal": "bigint", "periodo": "date", "fecha_vencimiento": "date"}


def load_lookups(cursor) -> None:
    """Check each distinct value of the few-valued columns once, in Python."""
    branches = dict(Branch.objects.values_list("code", "pk"))
    # The employer numbers are the blocks' (set_aside_unchanged grouped the staged rows
    # by the number as written): 50,000 values to trim instead of a million.
    cursor.execute(
        "SELECT DISTINCT btrim(coalesce(employer_number, '')) FROM arrears_blocks"
        " WHERE NOT unchanged"
    )
    distinct: dict[str, list[str]] = {"numero_patronal": [row[0] for row in cursor.fetchall()]}
    # One scan of the staging table for the distinct values of the five other columns.
    columns = [column for column in LOOKUP_COLUMNS if column != "numero_patronal"]
    expressions = [f"btrim(coalesce({column}, ''))" for column in columns]
    cursor.execute(
        f"SELECT {', '.join(expressions)}, "
        f"{', '.join(f'GROUPING({e})' for e in expressions)} FROM arrears_staging "
        f"GROUP BY GROUPING SETS ({', '.join(f'({e})' for e in expressions)})"
    )
    width = len(columns)
    distinct.update({column: [] for column in columns})
    for row in cursor.fetchall():
        index = row[width:].index(0)
        distinct[columns[index]].append(row[index])
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


def amount_check(value: str) -> str:
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


def build_rows(cursor, typed: bool = False) -> int:
    """Typed rows, with `suspect` set on any row a per-row check fails. Returns the count."""
    text_columns = [c for c in COLUMNS if not (typed and c in AMOUNT_COLUMNS)]
    trimmed = ", ".join(
        [f"btrim(coalesce({column}, '')) AS {column}" for column in text_columns]
        + ["btrim(coalesce(centro_trabajo, '')) AS centro_trabajo"]
        + [column for column in COLUMNS if column not in text_columns]
    )
    if typed:
        amounts_ok = " AND ".join(_typed_amount_check(column) for column in AMOUNT_COLUMNS)
        casts = ",\n".join(
            f"CASE WHEN s.amounts_ok THEN coalesce(s.{column}, 0)::numeric(14,2) END AS {target}"
            for column, target in AMOUNT_COLUMNS.items()
        )
    else:
        amounts_ok = " AND ".join(amount_check(column) for column in AMOUNT_COLUMNS)
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
    # row instead of inlining them into every place that uses them. Planned without
    # nested loops: the staging table has no statistics, and a guess of a few rows
    # after one join (the work centre's, whose value is the same in every row of a file
    # without the column) made the next five joins nested loops over the million rows.
    cursor.execute("SELECT current_setting('enable_nestloop')")
    nestloop = cursor.fetchone()[0]
    cursor.execute("SELECT set_config('enable_nestloop', 'off', true)")
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
               w.value AS work_centre,
               {casts},
               (k.reason IS NOT NULL OR n.reason IS NOT NULL OR b.reason IS NOT NULL
                OR p.reason IS NOT NULL OR d.reason IS NOT NULL OR w.reason IS NOT NULL
                OR NOT s.amounts_ok
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
          JOIN lookup_centro_trabajo w ON w.raw = s.centro_trabajo
        """,
    )
    total = cursor.rowcount
    cursor.execute("SELECT set_config('enable_nestloop', %s, true)", [nestloop])
    # One row per employer of the file: serves the consistency checks and the insert
    # of new employers without going over the million rows again.
    # `known`: registered already, so its rows may update stored periods.
    cursor.execute(
        """
        CREATE TEMP TABLE arrears_employers AS
        SELECT f.*, e.id IS NOT NULL AS known
          FROM (SELECT employer_number, min(nit) AS nit, max(nit) AS other_nit,
                       min(branch_id) AS branch_id, max(branch_id) AS other_branch_id,
                       max(legal_name) AS legal_name
                  FROM arrears_rows WHERE employer_number IS NOT NULL
                 GROUP BY employer_number) f
          LEFT JOIN employers_employer e ON e.employer_number = f.employer_number
        """
    )
    cursor.execute("ANALYZE arrears_employers")
    return total


def any_error(cursor, *, repeats_of_new_employers: bool = True) -> bool:
    """Cheap checks that decide whether the detailed error report must be built.

    `repeats_of_new_employers=False` leaves out the periods the file repeats for an
    employer not registered yet: the merge inserts those rows, and the periods' unique
    index (employer, work centre, period) refuses the second one by itself, so the
    caller turns that refusal into the report. The rows of registered employers are
    always checked here: two rows of one stored period would both update it, silently.
    Grouping a million rows by their three keys was most of these checks' time."""
    repeats = (
        "SELECT 1 FROM arrears_rows GROUP BY employer_number, work_centre, period"
        if repeats_of_new_employers
        else "SELECT 1 FROM arrears_rows r JOIN arrears_employers f USING (employer_number)"
        " WHERE f.known GROUP BY r.employer_number, r.work_centre, r.period"
    )
    cursor.execute(
        f"""
        SELECT EXISTS (SELECT 1 FROM arrears_rows WHERE suspect)
            OR EXISTS (SELECT 1 FROM arrears_employers
                        WHERE nit <> other_nit OR branch_id <> other_branch_id)
            OR EXISTS (SELECT 1 FROM arrears_employers f
                         JOIN employers_employer e USING (employer_number)
                        WHERE e.nit <> f.nit)
            OR EXISTS ({repeats} HAVING count(*) > 1)
        """
    )
    return cursor.fetchone()[0]


def collect_errors(cursor) -> tuple[list[RowError], int]:
    """Every bad row with its line, column, value and reason (only for a bad file)."""
    index_staging_lines(cursor)
    reasons = {
        "name_required": _("Required for an employer that is not registered yet."),
        "name_long": _("At most 250 characters."),
        "amount": _("Not a valid amount: digits with a dot for decimals, e.g. 1234.56."),
        "nit_known": _("Does not agree with the NIT registered for this employer"),
        "nit_file": _("This employer appears in this file with another NIT"),
        "branch_file": _("This employer appears in this file with another branch"),
        "repeated": _(
            "This employer, work centre and period are repeated in the file; first at line"
        ),
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
               AND NOT {amount_check(f"btrim(coalesce(s.{column}, ''))")}"""
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
              FROM (SELECT employer_number, work_centre, period, min(line) AS first_line
                      FROM arrears_rows WHERE period IS NOT NULL AND work_centre IS NOT NULL
                     GROUP BY employer_number, work_centre, period HAVING count(*) > 1) f
              JOIN arrears_rows r USING (employer_number, work_centre, period)
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
