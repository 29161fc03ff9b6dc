"""An employer whose rows are exactly as the last import left them is set aside unchecked
(employers.imports.unchanged); any difference sends all of its rows through the checks."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from employers.models import ArrearsDigest, ContributionPeriod, Employer
from people.models import Branch
from tests.employers.test_import_arrears import GOOD_ROWS, HEADER, run, write_csv

pytestmark = pytest.mark.django_db

TRIGAL, JUANA = "100200300", "100200301"


def rows():
    return [list(row) for row in GOOD_ROWS]


def digests():
    return dict(ArrearsDigest.objects.values_list("employer__employer_number", "rows"))


def test_the_first_import_stores_each_employers_digest(tmp_path, head):
    result = run(write_csv(tmp_path, rows()), actor=head)
    assert result.ok and result.rows_set_aside == 0
    assert digests() == {TRIGAL: 2, JUANA: 1}


def test_the_same_rows_again_in_another_order_are_set_aside_unchecked(tmp_path, head):
    run(write_csv(tmp_path, rows()), actor=head)
    again = run(write_csv(tmp_path, rows()[::-1], name="otra.csv"), actor=head)
    assert again.ok
    assert again.rows_set_aside == 3
    assert (again.rows_total, again.periods_unchanged, again.periods_updated) == (3, 3, 0)
    assert "compare" in again.step_seconds


def test_a_changed_row_sends_every_row_of_its_employer_through_the_checks(tmp_path, head):
    run(write_csv(tmp_path, rows()), actor=head)
    changed = rows()
    changed[0][10] = "500.00"
    result = run(write_csv(tmp_path, changed, name="2.csv"), actor=head)
    assert result.rows_set_aside == 1  # Juana's only
    assert (result.periods_updated, result.periods_unchanged) == (1, 2)
    january = ContributionPeriod.objects.get(
        employer__employer_number=TRIGAL, period=datetime.date(2026, 1, 1)
    )
    assert january.paid == Decimal("500.00")
    # The next file equal to this one sets both employers aside.
    assert run(write_csv(tmp_path, changed, name="3.csv"), actor=head).rows_set_aside == 3


def test_a_row_repeated_in_an_unchanged_employer_is_still_reported(tmp_path, head):
    run(write_csv(tmp_path, rows()), actor=head)
    repeated = [*rows(), GOOD_ROWS[0]]
    result = run(write_csv(tmp_path, repeated, name="2.csv"), actor=head)
    assert [(e.line, e.column) for e in result.errors] == [(5, "periodo")]


def test_a_duplicate_written_with_spaces_in_the_number_is_still_reported(tmp_path, head):
    """The rows are grouped by the number as written: the other spelling must not let
    the unchanged rows be set aside while its duplicate is merged."""
    run(write_csv(tmp_path, rows()), actor=head)
    spaced = list(GOOD_ROWS[0])
    spaced[0], spaced[10] = f" {TRIGAL} ", "999.00"
    result = run(write_csv(tmp_path, [*rows(), spaced], name="2.csv"), actor=head)
    assert [(e.line, e.column) for e in result.errors] == [(5, "periodo")]
    assert not ContributionPeriod.objects.filter(paid=Decimal("999.00")).exists()


def test_an_employer_whose_nit_changed_since_is_checked_again(tmp_path, head):
    run(write_csv(tmp_path, rows()), actor=head)
    Employer.objects.filter(employer_number=TRIGAL).update(nit="02495046-3".replace("-", ""))
    result = run(write_csv(tmp_path, rows(), name="2.csv"), actor=head)
    assert {(e.line, e.column) for e in result.errors} == {(2, "nit"), (3, "nit")}


def test_a_branch_code_no_longer_known_is_checked_again(tmp_path, head):
    run(write_csv(tmp_path, rows()), actor=head)
    Branch.objects.filter(code="SS").update(code="SSX")
    result = run(write_csv(tmp_path, rows(), name="2.csv"), actor=head)
    assert {(e.line, e.column) for e in result.errors} == {(2, "sucursal"), (3, "sucursal")}


def test_a_rejected_file_and_a_dry_run_store_no_digest(tmp_path, head):
    run(write_csv(tmp_path, rows()), actor=head, dry_run=True)
    assert digests() == {}
    bad = rows()
    bad[2][6] = "mucho"
    assert not run(write_csv(tmp_path, bad, name="2.csv"), actor=head).ok
    assert digests() == {}


def test_a_file_taking_the_text_path_is_set_aside_too(tmp_path, head):
    """Quoted empty amounts cannot be typed by COPY: the all-text staging sums up the
    rows the same way."""
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([HEADER, *rows()])
    path = tmp_path / "comillas.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert run(path, actor=head).ok
    again = run(path, actor=head)
    assert again.ok and again.rows_set_aside == 3 and not again.changed


def test_the_import_and_its_reimport_join_no_two_large_sets_by_nested_loop(tmp_path, head):
    """The import's statements (staging, digests, checks, merge) plan hash joins on a
    file big enough to tell, first time and unchanged."""
    from bench.import_arrears import generate
    from tests.plans import executed_plans, quadratic_joins

    path = tmp_path / "mora.csv"
    generate(path, rows=6000, employers=1500, seed=3)
    with executed_plans() as plans:
        first = run(path, actor=head)
        again = run(path, actor=head)
    assert first.ok and first.periods_created == 6000
    assert again.rows_set_aside == 6000
    assert len(plans) > 10
    assert quadratic_joins(plans, threshold=300) == []
    # The typed rows are built without nested loops whatever the guesses: on a million
    # rows without statistics, the work centre's join once turned the next five into
    # nested loops that ran for hours; at this size the plan happens to be right.
    [typed] = [p for p in plans if "CREATE TEMP TABLE arrears_rows" in p["Query Text"]][:1]
    assert typed.get("Settings", {}).get("enable_nestloop") == "off"


def test_the_report_of_a_bad_file_joins_no_two_large_sets_by_nested_loop(tmp_path, head):
    """A file with an error every few rows: its report joins each error back to the
    staged row by line (an index built only for the report) and plans no nested loop
    over two large sets, nor a seq scan of the staged rows once per error."""
    from bench.import_arrears import generate
    from tests.plans import executed_plans, quadratic_joins

    path = tmp_path / "mora.csv"
    generate(path, rows=6000, employers=1500, seed=4)
    lines = path.read_text(encoding="utf-8").splitlines()
    for n in range(1, len(lines), 5):
        fields = lines[n].split(";")
        fields[6] = "12,5x"  # not an amount
        lines[n] = ";".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with executed_plans() as plans:
        result = run(path, actor=head)
    assert not result.ok and result.error_count == 1200
    assert result.errors[0].line == 2 and result.errors[0].value == "12,5x"
    assert quadratic_joins(plans, threshold=300) == []
    assert not ContributionPeriod.objects.exists()
