"""Setting aside the employers whose rows are exactly as the last import left them.

The account system sends its whole export every time, and most of it is what the
last file said. Each employer's rows are summed up as they stand in the staging table
(how many, and the exclusive or of a 64-bit hash of each row's columns) and compared
with what the last applied import stored for that employer (`ArrearsDigest`). When
both agree and the employer's NIT is still the one those rows were checked against,
the rows are the same rows as then, at most in another order:

- the same count and the same exclusive or cannot come from a different set of rows
  (the stored rows had no repeated row, so any added, dropped or changed row leaves a
  hash that nothing cancels), short of a 64-bit hash collision;
- they were valid then, and what makes them valid has not changed (the NIT is
  compared; branch codes are checked again here; periods are written only by the
  import, so the stored periods still hold those figures).

Such employers' rows are removed from the staging table before the checks and the
merge, which then work on the rest only; an unchanged re-import reads the file, sums
it up, compares 50,000 digests and writes nothing. Any difference at all, even a blank
added to one value, sends all of that employer's rows through every check.
"""

from __future__ import annotations

from employers.imports.reading import COLUMNS


def _row_hash(alias: str) -> str:
    # NULL and '' mean the same to the checks (both are trimmed and coalesced), so they
    # hash the same; amounts typed by COPY hash as numeric's text, which keeps the
    # digits written (1.50 stays 1.50).
    # The work centre only when written (concat_ws skips a NULL): a file without the
    # column hashes as files did before it existed.
    parts = ", ".join(f"coalesce({alias}.{column}::text, '')" for column in COLUMNS)
    centre = f"nullif({alias}.centro_trabajo, '')"
    return f"hashtextextended(concat_ws(chr(31), {parts}, {centre}), 0)"


def set_aside_unchanged(cursor) -> int:
    """Sum up the staged rows per employer, remove those of the employers whose rows
    are unchanged, and return how many rows were set aside."""
    # Grouped by the number as written: trimming a million values costs more than
    # the rest of the pass. A number written with spaces matches no employer, and a
    # block is only unchanged when no other block trims to its number.
    cursor.execute(
        f"""
        CREATE TEMP TABLE arrears_blocks AS
        WITH blocks AS (
            SELECT s.numero_patronal AS employer_number, count(*) AS rows,
                   bit_xor({_row_hash("s")}) AS digest,
                   min(s.sucursal) AS branch_code, max(s.sucursal) AS other_branch_code
              FROM arrears_staging s
             GROUP BY 1
        ), spelled_twice AS (
            -- Numbers the file also wrote with spaces around (the same employer).
            SELECT btrim(employer_number) AS employer_number
              FROM blocks WHERE employer_number <> btrim(employer_number)
             GROUP BY 1
        )
        SELECT b.employer_number, b.rows, b.digest, t.employer_number IS NOT NULL
               AS spelled_twice,
               coalesce(d.nit = e.nit AND d.rows = b.rows AND d.digest = b.digest
                        AND b.branch_code = b.other_branch_code
                        AND EXISTS (SELECT 1 FROM people_branch r
                                     WHERE r.code = upper(b.branch_code))
                        AND t.employer_number IS NULL, false)
               AS unchanged
          FROM blocks b
          LEFT JOIN spelled_twice t ON t.employer_number = b.employer_number
          LEFT JOIN employers_employer e ON e.employer_number = b.employer_number
          LEFT JOIN employers_arrearsdigest d ON d.employer_id = e.id
        """
    )
    cursor.execute(
        "SELECT sum(rows) FILTER (WHERE unchanged), count(*) FILTER (WHERE NOT unchanged) "
        "FROM arrears_blocks"
    )
    set_aside, others = cursor.fetchone()
    if not set_aside:
        return 0
    if others == 0:
        cursor.execute("TRUNCATE arrears_staging")
    else:
        cursor.execute(
            """
            DELETE FROM arrears_staging s USING arrears_blocks b
             WHERE b.unchanged AND b.employer_number = s.numero_patronal
            """
        )
        set_aside = cursor.rowcount
    return int(set_aside)


def store_digests(cursor) -> None:
    """After the merge: the digest of every employer of the file not set aside."""
    cursor.execute(
        """
        INSERT INTO employers_arrearsdigest AS d (employer_id, nit, rows, digest)
        SELECT e.id, e.nit, b.rows, b.digest
          FROM arrears_blocks b
          JOIN employers_employer e ON e.employer_number = b.employer_number
         -- A number the file wrote twice (once with spaces): its digest covers only
         -- some of its rows.
         WHERE NOT b.unchanged AND NOT b.spelled_twice
        ON CONFLICT (employer_id) DO UPDATE
           SET nit = EXCLUDED.nit, rows = EXCLUDED.rows, digest = EXCLUDED.digest
         WHERE (d.nit, d.rows, d.digest) IS DISTINCT FROM
               (EXCLUDED.nit, EXCLUDED.rows, EXCLUDED.digest)
        """
    )
