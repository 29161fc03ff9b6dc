"""Small helpers for the set-based SQL the nightly jobs write by hand."""

from collections.abc import Iterable


def sql_list(values: Iterable[str]) -> str:
    """A list of string constants for `IN (...)` or a partial-index predicate, from an
    enum's values (never from user input): `'open', 'in_contact'`."""
    return ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)
