"""The plans PostgreSQL actually ran, for tests that must fail when a plan turns quadratic.

`executed_plans()` loads auto_explain in the test's session and collects, as JSON, the
plan of every statement run inside the block — nested ones too (a job's CTEs, the
history triggers' INSERTs) — with their actual row counts. `quadratic_joins()` lists the
nodes in them that read a large set once per row of another — a nested loop's inner side
or a correlated subquery: `loops x rows read per loop` both at or above a threshold,
which is what grows with the square of the data (an index lookup per outer row reads one
row per loop and is not flagged) — and the filters that compare each row they read
with every element of a large constant list (`id = ANY('{…}')` as a filter, not an
index condition: PostgreSQL hashes such a list only when both sides hash alike, which a
bigint column against a list of integers does not).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_SETTINGS = {
    "auto_explain.log_min_duration": "0",
    "auto_explain.log_analyze": "on",
    "auto_explain.log_timing": "off",
    "auto_explain.log_nested_statements": "on",
    "auto_explain.log_format": "json",
    # The settings a statement was planned with, where they differ from the defaults.
    "auto_explain.log_settings": "on",
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


_FILTERS = ("Filter", "Join Filter")
_CONSTANT_LIST = re.compile(r"ANY \('\{([^}]*)\}'")


def _longest_list_filtered(node: dict) -> int:
    """The number of elements of the longest constant list a filter of `node` compares
    each of its rows with."""
    longest = 0
    for key in _FILTERS:
        for elements in _CONSTANT_LIST.findall(node.get(key, "")):
            longest = max(longest, elements.count(",") + 1)
    return longest


def quadratic_joins(plans: list[dict], threshold: int) -> list[str]:
    """The plan nodes run at least `threshold` times that read at least `threshold` rows
    each time: the inner side of a nested loop over two large sets, or a correlated
    subquery (a SubPlan) scanning a large set once per row of another. Each is described
    with its statement's first line."""
    found = []
    for plan in plans:
        for node in _nodes(plan["Plan"]):
            loops = node.get("Actual Loops", 1)
            rows_per_loop = _rows_read_per_loop(node)
            if loops >= threshold and rows_per_loop >= threshold:
                query = " ".join(plan.get("Query Text", "").split())[:120]
                kind = node.get("Parent Relationship", "")
                found.append(
                    f"{loops:.0f} x {rows_per_loop:.0f} rows ({node['Node Type']}, {kind}): {query}"
                )
            elements = _longest_list_filtered(node)
            if elements >= threshold and loops * rows_per_loop >= threshold:
                query = " ".join(plan.get("Query Text", "").split())[:120]
                found.append(
                    f"{loops * rows_per_loop:.0f} rows x a list of {elements} "
                    f"({node['Node Type']} filter): {query}"
                )
    return found
