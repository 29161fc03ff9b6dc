"""Arrears import benchmark: the project's import against a bare COPY of the same file.

    python bench/import_arrears.py --rows 1000000

Generates a realistic arrears CSV, imports it into a scratch database
(`recupera_bench`, created and migrated here; never the application's own), and in
the same run times a bare `COPY` of the same file into a plain table of text columns.
It also times the floor an import can reach (`floor_s`): the same periods, already typed,
COPYed into a scratch copy of the periods table with its indexes, checks and foreign key.
Prints the engine, then one figure per line as `name: value`, with each step's time
(read, stage, check, merge). Goals at 1,000,000 rows: the first import within 1.5 times
the floor, an unchanged re-import within 3 times the bare text COPY, peak RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report, setup_django


def generate(path: Path, rows: int, employers: int, seed: int) -> None:
    """Employers x consecutive periods, like the account system's monthly export."""
    from stdnum.sv.nit import calc_check_digit

    from core.calendar import add_months, period_due_date
    from employers.imports import COLUMNS

    rng = random.Random(seed)
    branches = ["SS", "SA", "SO", "SM", "US", "AP"]
    per_employer = max(1, rows // employers)
    import datetime

    start = datetime.date(2024, 1, 1)
    months = [add_months(start, -i) for i in range(per_employer + 1)]
    dues = {m: period_due_date(m).strftime("%d/%m/%Y") for m in months}
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(COLUMNS)
        written = 0
        number = 0
        while written < rows:
            number += 1
            body = f"0614{number % 28 + 1:02d}{number % 12 + 1:02d}90{number % 1000:03d}"[:13]
            nit = body + calc_check_digit(body)
            name = f"Empresa Prueba {number} S.A. de C.V."
            branch = branches[number % len(branches)]
            share = rng.randint(50, 5000)
            for month in months[: min(per_employer, rows - written)]:
                paid = share * 1.3 if rng.random() < 0.9 else 0
                writer.writerow(
                    [
                        f"{300000000 + number}",
                        nit,
                        name,
                        branch,
                        month.strftime("%Y-%m"),
                        dues[month],
                        f"{share * 0.75:.2f}",
                        f"{share * 0.3:.2f}",
                        "0" if paid else "11.43",
                        "0" if paid else f"{share * 0.075:.2f}",
                        f"{share * 1.05:.2f}" if paid else "0",
                    ]
                )
                written += 1


def bare_copy(path: Path) -> float:
    from django.db import connection

    from employers.imports import CHUNK, COLUMNS

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute("DROP TABLE IF EXISTS bench_bare_copy")
        cursor.execute(f"CREATE TABLE bench_bare_copy ({', '.join(c + ' text' for c in COLUMNS)})")
        started = time.perf_counter()
        sql = "COPY bench_bare_copy FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')"
        with cursor.copy(sql) as copy, path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_bare_copy")
    return elapsed


FLOOR_COLUMNS = (
    "employer_id, period, due_date, employer_share, worker_share, fines, surcharges, paid"
)


def typed_floor(tmp: Path) -> float:
    """What an import cannot beat: the imported periods, already typed, COPYed into a
    scratch copy of the periods table with the same indexes, checks and foreign key
    (deferred, as the real one; checked at commit, which is timed)."""
    from django.db import connection, transaction

    typed = tmp / "typed.copy"
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        with (
            typed.open("wb") as fh,
            cursor.copy(
                f"COPY (SELECT {FLOOR_COLUMNS} FROM employers_contributionperiod) TO STDOUT"
            ) as copy,
        ):
            for data in copy:
                fh.write(data)
        cursor.execute("DROP TABLE IF EXISTS bench_floor_periods")
        cursor.execute(
            "CREATE TABLE bench_floor_periods (LIKE employers_contributionperiod INCLUDING ALL)"
        )
        cursor.execute(
            "ALTER TABLE bench_floor_periods ADD FOREIGN KEY (employer_id) "
            "REFERENCES employers_employer (id) DEFERRABLE INITIALLY DEFERRED"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        copy_sql = f"COPY bench_floor_periods ({FLOOR_COLUMNS}) FROM STDIN"
        with cursor.copy(copy_sql) as copy, typed.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor_periods")
    return elapsed


def reset_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE employers_contributionperiod, employers_contributionperiodevent, "
            "employers_employerevent, employers_arrearsimport, employers_employer CASCADE"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--employers", type=int, default=0, help="default: rows / 20")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    from employers.imports import run_arrears_import

    reset_tables()
    employers = args.employers or max(1, args.rows // 20)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mora.csv"
        generate(path, args.rows, employers, args.seed)
        size_mb = path.stat().st_size / 1e6
        copy_s = bare_copy(path)
        started = time.perf_counter()
        result = run_arrears_import(path=path, file_name=path.name)
        import_s = time.perf_counter() - started
        if not result.ok:
            raise SystemExit(f"import rejected: {result.errors[:5]}")
        started = time.perf_counter()
        again = run_arrears_import(path=path, file_name=path.name)
        reimport_s = time.perf_counter() - started
        copy_again_s = bare_copy(path)
        floor_s = typed_floor(Path(tmp))
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    copy_s = min(copy_s, copy_again_s)
    figures = {
        "rows": result.rows_total,
        "file_mb": f"{size_mb:.1f}",
        "import_s": f"{import_s:.2f}",
        "copy_s": f"{copy_s:.2f}",
        "floor_s": f"{floor_s:.2f}",
        "rows_per_s": f"{result.rows_total / import_s:.0f}",
        "import_over_floor": f"{import_s / floor_s:.2f}",
        "import_over_copy": f"{import_s / copy_s:.2f}",
        **{f"import_{step}_s": f"{value:.2f}" for step, value in result.step_seconds.items()},
        "reimport_s": f"{reimport_s:.2f}",
        "reimport_over_copy": f"{reimport_s / copy_s:.2f}",
        **{f"reimport_{step}_s": f"{value:.2f}" for step, value in again.step_seconds.items()},
        "reimport_rows_changed": again.periods_created + again.periods_updated,
        "peak_rss_mb": f"{peak_rss_mb:.0f}",
    }
    report(figures)
    reset_tables()


if __name__ == "__main__":
    main()
