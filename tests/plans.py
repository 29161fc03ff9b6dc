"""The plans PostgreSQL actually ran, for tests that must fail when a plan turns quadratic.

`executed_plans()` loads auto_explain in the test's session and collects, as JSON, the
plan of every statement run inside the block — nested ones too (a job's CTEs, the
history triggers' INSERTs) — with their actual row counts. `quadratic_joins()` lists the
nested loops in them that compared two large sets: `outer rows x inner rows per loop`
both at or above a threshold, which is what grows with the square of the data (an
index lookup per outer row reads one inner row per loop and is not flagged).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_SETTINGS = {
    "auto_explain.log_min_duration": "0",
    "auto_explain.log_analyze": "on",
    "auto_explain.log_timing": "off",
    "auto_explain.log_nested_statements": "on",
    "auto_explain.log_format": "json",
    "auto_explain.log_level": "notice",
    "client_min_messages": "notice",
}


@contextmanager
def executed_plans() -> Iterator[list[dict]]:
    plans: list[dict] = []

    def collect(diagnostic) -> None:
        message = diagnostic.message_primary or ""
        if message.startswith("duration:") and "plan:" in message:
            plans.append(json.loads(message.split("plan:", 1)[1]))

    connection.ensure_connection()
    raw = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("LOAD 'auto_explain'")
        for name, value in _SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
    raw.add_notice_handler(collect)
    try:
        yield plans
    finally:
        raw.remove_notice_handler(collect)
        with connection.cursor() as cursor:
            cursor.execute("SET auto_explain.log_min_duration = -1")
            cursor.execute("RESET client_min_messages")


def _nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _rows_read_per_loop(node: dict) -> float:
    return node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)


def quadratic_joins(plans: list[dict], threshold: int) -> list[str]:
    """The nested loops that read at least `threshold` inner rows per loop for at least
    `threshold` outer rows, each described with its statement's first line."""
    found = []
    for plan in plans:
        for node in _nodes(plan["Plan"]):
            if node.get("Node Type") != "Nested Loop" or len(node.get("Plans", [])) < 2:
                continue
            outer, inner = node["Plans"][0], node["Plans"][1]
            outer_rows = outer.get("Actual Rows", 0) * outer.get("Actual Loops", 1)
            inner_rows = _rows_read_per_loop(inner)
            if outer_rows >= threshold and inner_rows >= threshold:
                query = " ".join(plan.get("Query Text", "").split())[:120]
                found.append(f"{outer_rows:.0f} x {inner_rows:.0f} rows: {query}")
    return found
