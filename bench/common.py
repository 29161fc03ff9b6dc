"""Shared set-up of the benchmarks: a scratch database, never the application's own."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "recupera_bench"


def setup_django() -> None:
    """Point Django at `recupera_bench` (created if needed), set it up and migrate it."""
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("DATABASE_URL")
    if url:
        base, _, _name = url.rpartition("/")
        os.environ["DATABASE_URL"] = f"{base}/{BENCH_DB}"
        _create_database(f"{base}/postgres")
    else:
        os.environ["EMBEDDED_DATABASE_NAME"] = BENCH_DB
    os.environ.setdefault("DJANGO_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def engine() -> str:
    """Which PostgreSQL the figures come from: version, and embedded or server."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    kind = "server" if os.environ.get("DATABASE_URL") else "embedded"
    return f"PostgreSQL {version} ({kind})"


def report(figures: dict) -> None:
    """One `name: value` line per figure, the engine first."""
    print(f"engine: {engine()}", flush=True)
    for name, value in figures.items():
        print(f"{name}: {value}", flush=True)
