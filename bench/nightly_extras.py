"""The nightly jobs of issue 15 at scale: the related employers and the prescription
clocks, against a bare scan of what each reads.

    python bench/nightly_extras.py [--employers 50000]

Seeds `recupera_bench` (`seed_demo --employers N`, once) and times, in a transaction
rolled back at the end: `relations_find` (every employer's keys grouped and paired),
`clocks_refresh` on a first night (every owed period's clock written) and on an
unchanged night (nothing to write), `arrears_summary` (every employer's arrears summed
up for the lists sorted by debt), and in the same run the bare SQL each cannot beat:
one pass over the employers' keys, one over the owed periods. Prints the engine and
`name: value` lines; `*_over_scan` is the job over its bare scan.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report, setup_django


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=50_000)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from employers.arrears import refresh_arrears_summary
    from employers.models import ContributionPeriod, Employer
    from employers.relations import relations_find
    from prescription.services import clocks_refresh

    if Employer.objects.count() < args.employers:
        call_command("seed_demo", employers=args.employers, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    today = timezone.localdate()

    def scan_keys():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT nit), count(DISTINCT phone), count(DISTINCT email),"
                " count(DISTINCT lower(address)) FROM employers_employer"
            )

    def scan_owed():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT id, employer_id, due_date"
                " FROM employers_contributionperiod WHERE balance > 0) p"
            )

    figures = {}
    with transaction.atomic():
        figures["employers"] = Employer.objects.count()
        figures["owed_periods"] = ContributionPeriod.objects.filter(balance__gt=0).count()
        keys_s = min(timed(scan_keys) for _ in range(2))
        owed_s = min(timed(scan_owed) for _ in range(2))
        counts = {}
        relations_s = timed(lambda: counts.update(relations_find(run_date=today)))
        first_s = timed(lambda: clocks_refresh(run_date=today))
        again_s = timed(lambda: clocks_refresh(run_date=today))
        summary_s = timed(lambda: refresh_arrears_summary(today=today))
        figures.update(
            {
                "relations_found": counts.get("found"),
                "relations_s": f"{relations_s:.2f}",
                "keys_scan_s": f"{keys_s:.2f}",
                "relations_over_scan": f"{relations_s / keys_s:.1f}",
                "clocks_first_s": f"{first_s:.2f}",
                "clocks_unchanged_s": f"{again_s:.2f}",
                "owed_scan_s": f"{owed_s:.2f}",
                "clocks_over_scan": f"{again_s / owed_s:.1f}",
                "arrears_summary_s": f"{summary_s:.2f}",
                "summary_over_scan": f"{summary_s / owed_s:.1f}",
            }
        )
        transaction.set_rollback(True)
    report(figures)


if __name__ == "__main__":
    main()
