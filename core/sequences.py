"""Numbers that restart every year (DRP-2026-0001, CS-2026-0001): one row per year in
the app's own sequence table (a `year` primary key and a `last` counter)."""

from __future__ import annotations

from django.db import connection, models


def next_in_year(model: type[models.Model], year: int) -> int:
    """The next number of `year` in `model`'s table, in one statement: the row stays
    locked until the transaction ends, so two callers at once never get the same one."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [year],
        )
        return cursor.fetchone()[0]
