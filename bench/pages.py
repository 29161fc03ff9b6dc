"""Pages under load: gunicorn with 2 workers, 8 concurrent clients, the pages staff use.

    python bench/pages.py [--employers 50000] [--clients 8] [--seconds 10]

Seeds a scratch database (`recupera_pages`, once: `seed_demo --employers N` and the demo
activity; never the application's own), starts gunicorn with 2 workers on 127.0.0.1, and
for each page keeps `--clients` logged-in clients requesting it for `--seconds` (after a
warm-up), as the role that uses it: the agent's queue, the case list with and without a
search, the employer list and search, an employer's statement, a case, an agreement, the
Legal Unit's inbox. In the same run, the same load on a bare view (`/salud/`: the whole
middleware stack and a static template, no query) is the limit. Prints the engine, then
per page `p50_ms_<page>`, `p95_ms_<page>`, `rps_<page>`, and `p95_max_ms` (the worst
page's p95) and `list_over_bare` (the case list's requests/s over the bare view's).
Goals: p95 < 300 ms for every page at 8 clients; list_over_bare >= 0.5.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, report

PAGES_DB = "recupera_pages"
PASSWORD = "Recupera.2026"


def use_pages_database() -> None:
    url = os.environ.get("DATABASE_URL")
    if url:
        base, _, _name = url.rpartition("/")
        os.environ["DATABASE_URL"] = f"{base}/{PAGES_DB}"
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [PAGES_DB]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{PAGES_DB}"')
    else:
        os.environ["EMBEDDED_DATABASE_NAME"] = PAGES_DB
    os.environ["DJANGO_ENV"] = "development"
    os.environ["DJANGO_DEBUG"] = "false"  # as in production: no query log, no debug pages
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def seed(employers: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from employers.models import Employer

    call_command("migrate", verbosity=0)
    if Employer.objects.count() < employers:
        print(f"# seeding {employers:,} employers (once)", flush=True)
        call_command("seed_demo", employers=employers, verbosity=0)
        call_command("demo_users", verbosity=0)
        call_command("run_nightly_jobs", date=timezone.localdate().isoformat(), verbosity=0)
        call_command("seed_demo_activity", verbosity=0)
        call_command("seed_demo_stories", verbosity=0)
    # The tables as autovacuum keeps them in production: a freshly seeded database has no
    # statistics yet, and its plans (an employer's 24 periods estimated at 3,368, JIT
    # compiling for 60 ms) would measure the seeding, not the pages; nor a visibility map,
    # so that every index-only scan reads the heap too (the queue's debts: 31 ms instead
    # of 18 on 15). VACUUM sets what autovacuum sets after a bulk insert.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    # The employers' arrears summary as the night leaves it, as of today (the seeding's
    # own night may be days old; the queue sums the periods when it is stale).
    from employers.arrears import refresh_arrears_summary

    refresh_arrears_summary()


def pages() -> dict[str, tuple[str, str]]:
    """page name -> (user, path): real objects of the seeded data."""
    from agreements.models import PaymentAgreement
    from employers.models import Employer
    from people.models import User
    from recovery.models import RecoveryCase

    agent = User.objects.get(username="gestor.ss")
    case = (
        RecoveryCase.objects.filter(agent=agent, follow_ups__isnull=False).order_by("-pk").first()
    )
    employer = Employer.objects.filter(branch=agent.branch).order_by("-periods__period").first()
    agreement = PaymentAgreement.objects.filter(branch=agent.branch).order_by("-pk").first()
    word = (case.employer.legal_name.split() or ["a"])[0]
    return {
        "bare": ("gestor.ss", "/salud/"),
        "queue": ("gestor.ss", "/casos/"),
        "case_list": ("gestor.ss", "/casos/lista/"),
        "case_list_search": ("gestor.ss", f"/casos/lista/?q={urllib.parse.quote(word)}"),
        "case_list_head": ("jefe", "/casos/lista/"),
        "employer_list": ("jefe", "/patronos/"),
        "employer_search": ("jefe", f"/patronos/?q={urllib.parse.quote(word)}"),
        "statement": ("gestor.ss", f"/patronos/{employer.pk}/"),
        "case": ("gestor.ss", f"/casos/{case.pk}/"),
        "agreement": ("gestor.ss", f"/convenios/{agreement.pk}/"),
        "legal_inbox": ("juridico", "/juridico/"),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi",
            *("--bind", f"127.0.0.1:{port}", "--workers", "2"),
            *("--timeout", "120", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/salud/", timeout=10)
            return process
        except OSError:  # refused while it boots, or a first answer slower than that
            time.sleep(0.5)
    process.terminate()
    raise SystemExit("gunicorn did not answer on /salud/ within a minute")


def logged_in(base: str, username: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/cuenta/ingresar/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    data = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"{base}/cuenta/ingresar/", data=data, headers={"Referer": f"{base}/cuenta/ingresar/"}
    )
    page = opener.open(request).read().decode()
    if 'id="id_password"' in page:
        raise SystemExit(f"could not log in as {username}")
    return opener


def hammer(openers, url: str, seconds: float) -> tuple[list[float], int, float]:
    """Every client requests `url` in a loop for `seconds`: latencies, errors, elapsed."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(opener):
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                with opener.open(url, timeout=60) as response:
                    response.read()
                    ok = response.status == 200
            except OSError:
                ok = False
            mine.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(opener,)) for opener in openers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument(
        "--only", default="", help="comma-separated page names (bare is always measured)"
    )
    args = parser.parse_args()
    use_pages_database()
    seed(args.employers)
    targets = pages()
    if args.only:
        wanted = {"bare", *args.only.split(",")}
        targets = {name: target for name, target in targets.items() if name in wanted}
    port = free_port()
    server = start_gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    figures: dict = {"employers": args.employers, "clients": args.clients}
    try:
        sessions = {
            user: [logged_in(base, user) for _ in range(args.clients)]
            for user in {user for user, _path in targets.values()}
        }
        rps = {}
        worst = 0.0
        for name, (user, path) in targets.items():
            hammer(sessions[user], base + path, args.warmup)
            latencies, errors, elapsed = hammer(sessions[user], base + path, args.seconds)
            p50 = statistics.median(latencies) * 1000
            p95 = percentile(latencies, 0.95) * 1000
            rps[name] = len(latencies) / elapsed
            figures[f"p50_ms_{name}"] = f"{p50:.0f}"
            figures[f"p95_ms_{name}"] = f"{p95:.0f}"
            figures[f"rps_{name}"] = f"{rps[name]:.1f}"
            if errors:
                figures[f"errors_{name}"] = errors
            if name != "bare":
                worst = max(worst, p95)
            print(f"# {name} {path}: p50 {p50:.0f} ms, p95 {p95:.0f} ms", flush=True)
        figures["p95_max_ms"] = f"{worst:.0f}"
        if "case_list" in rps:
            figures["list_over_bare"] = f"{rps['case_list'] / rps['bare']:.2f}"
    finally:
        server.terminate()
        server.wait(30)
    report(figures)


if __name__ == "__main__":
    main()
