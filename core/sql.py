"""Small helpers for the set-based SQL the nightly jobs write by hand."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction


def sql_list(values: Iterable[str]) -> str:
    """A list of string constants for `IN (...)` or a partial-index predicate, from an
    enum's values (never from user input): `'open', 'in_contact'`."""
    return ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)


# A job that changed at least this many rows of a table refreshes its statistics before
# the next statement reads it: ANALYZE samples at most 30,000 rows (a fraction of a
# second on any size of table), while a plan built on statistics that still say "no
# overdue installment" joins by nested loops that grow with the square of the data.
BULK_ROWS = 500


def analyze_after_bulk(cursor, table: str, changed: int) -> bool:
    """ANALYZE `table` (a constant of the calling job, never user input) when `changed`
    rows of it were just written in bulk. Runs inside the job's transaction: the sample
    sees the job's own uncommitted rows, and a rollback takes the statistics back too."""
    if changed < BULK_ROWS:
        return False
    cursor.execute(f"ANALYZE {table}")
    return True


# What a set-based statement runs with. Nested loops off: the statements join whole
# sets (every active agreement, every overdue installment), for which a hash or merge
# join is linear; a nested loop is only right when one side is a handful of rows, and
# the planner believes that whenever the statistics predate the night's data (a bulk
# load, the first night after go-live, rows this same night marked) — then it compares
# every row with every row. JIT off: with nested loops priced out, the ones that must
# remain (a cross join with a one-row CTE) make the cost look enormous, and compiling
# the statement would take longer than running it.
SET_BASED_SETTINGS = {"enable_nestloop": "off", "jit": "off"}


@contextmanager
def set_based() -> Iterator:
    """A transaction and cursor for set-based statements, planned with
    SET_BASED_SETTINGS; the previous settings are restored on the way out (inside an
    enclosing transaction too, so a caller's later queries plan as usual)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
            [list(SET_BASED_SETTINGS)],
        )
        previous = dict(cursor.fetchall())
        for name, value in SET_BASED_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        yield cursor
        # On an error the rollback of this block takes the settings back with it.
        for name, value in previous.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
