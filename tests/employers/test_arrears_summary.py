"""The employers' arrears summary (employers.arrears): summed by the import and every
night, trusted only while nothing has written a period since, and only on its day."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from core.nightly import nightly_jobs
from employers.arrears import refresh_arrears_summary
from employers.models import ArrearsSummary, ArrearsSummaryState, ContributionPeriod
from tests.employers.test_import_arrears import GOOD_ROWS, run, write_csv
from tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db

TRIGAL, JUANA = "100200300", "100200301"


def summary() -> dict:
    return {
        s.employer.employer_number: (s.debt, s.oldest_due)
        for s in ArrearsSummary.objects.select_related("employer")
    }


def fresh_as_of():
    return ArrearsSummaryState.objects.get().as_of


def test_an_import_sums_up_what_each_employer_has_in_arrears(tmp_path, head):
    run(write_csv(tmp_path, [list(row) for row in GOOD_ROWS]), actor=head)
    assert fresh_as_of() == timezone.localdate()
    # Trigal's February is paid; its January and Juana's are owed since 13/02/2026.
    assert summary() == {
        TRIGAL: (Decimal("1087.50"), datetime.date(2026, 2, 13)),
        JUANA: (Decimal("123.93"), datetime.date(2026, 2, 13)),
    }


def test_a_dry_run_and_a_rejected_file_leave_it_as_it_was(tmp_path, head):
    run(write_csv(tmp_path, [list(row) for row in GOOD_ROWS]), actor=head)
    before = summary()
    changed = [list(row) for row in GOOD_ROWS]
    changed[0][10] = "1087.50"  # Trigal pays January
    run(write_csv(tmp_path, changed, name="2.csv"), actor=head, dry_run=True)
    assert (summary(), fresh_as_of()) == (before, timezone.localdate())
    changed[2][3] = "ZZ"  # and a bad branch: the file is refused
    assert not run(write_csv(tmp_path, changed, name="3.csv"), actor=head).ok
    assert (summary(), fresh_as_of()) == (before, timezone.localdate())
    changed[2][3] = "SM"
    assert run(write_csv(tmp_path, changed, name="4.csv"), actor=head).ok
    assert TRIGAL not in summary()


def test_any_write_to_the_periods_makes_it_stale(employer_ss):
    period = PeriodFactory(employer=employer_ss, due_date=datetime.date(2026, 3, 1))
    for write in (
        lambda: ContributionPeriod.objects.filter(pk=period.pk).update(paid=Decimal("1")),
        lambda: PeriodFactory(employer=employer_ss, period=datetime.date(2025, 1, 1)),
        lambda: ContributionPeriod.objects.filter(pk=period.pk).delete(),
        lambda: connection.cursor().execute("DELETE FROM employers_contributionperiod"),
        # TRUNCATE fires no trigger of INSERT, UPDATE or DELETE, only its own (after the
        # deferred foreign-key checks the factories left pending, which TRUNCATE refuses).
        lambda: connection.cursor().execute(
            "SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE employers_contributionperiod CASCADE"
        ),
    ):
        refresh_arrears_summary()
        assert fresh_as_of() == timezone.localdate()
        write()
        assert fresh_as_of() is None


def test_the_night_sums_it_up_as_of_the_day_the_lists_ask_about(employer_ss):
    today = timezone.localdate()
    PeriodFactory(employer=employer_ss, due_date=today - datetime.timedelta(days=1))
    PeriodFactory(
        employer=employer_ss, period=datetime.date(2025, 1, 1), due_date=today
    )  # due today: not in arrears yet
    job = {job.name: job for job in nightly_jobs()}["arrears_summary"]
    assert job.run(run_date=today - datetime.timedelta(days=3)) == {"employers": 1}
    assert fresh_as_of() == today
    ((debt, oldest),) = summary().values()
    assert oldest == today - datetime.timedelta(days=1)
    assert debt == ContributionPeriod.objects.get(due_date__lt=today).balance


def test_an_import_sums_up_again_only_its_employers_when_the_summary_held(
    tmp_path, head, employer_ss
):
    """Held before the merge: only the file's employers not set aside are summed again
    (a stored row of another employer stays as it was). Stale before: every employer."""
    PeriodFactory(employer=employer_ss, due_date=datetime.date(2026, 3, 1))
    run(write_csv(tmp_path, [list(row) for row in GOOD_ROWS]), actor=head)
    ArrearsSummary.objects.filter(employer=employer_ss).update(debt=Decimal("1.00"))
    changed = [list(row) for row in GOOD_ROWS]
    changed[0][10] = "1087.50"  # Trigal pays January; Juana's rows are set aside
    assert run(write_csv(tmp_path, changed, name="2.csv"), actor=head).ok
    assert TRIGAL not in summary()
    assert summary()[employer_ss.employer_number][0] == Decimal("1.00")
    ArrearsSummaryState.objects.update(as_of=None)
    changed[2][10] = "123.93"  # Juana pays too; the summary was stale: all summed again
    assert run(write_csv(tmp_path, changed, name="3.csv"), actor=head).ok
    assert fresh_as_of() == timezone.localdate()
    assert list(summary()) == [employer_ss.employer_number]
    assert summary()[employer_ss.employer_number][0] > Decimal("1.00")


def test_the_command_sums_it_up_now(employer_ss):
    """`manage.py refresh_arrears_summary`: what the night does, on demand (after the
    demo's data, or a manual correction of periods)."""
    PeriodFactory(employer=employer_ss, due_date=timezone.localdate() - datetime.timedelta(days=1))
    assert ArrearsSummaryState.objects.filter(as_of__isnull=False).count() == 0
    out = StringIO()
    call_command("refresh_arrears_summary", stdout=out)
    assert fresh_as_of() == timezone.localdate()
    assert list(summary()) == [employer_ss.employer_number]
    assert "'employers': 1" in out.getvalue()
