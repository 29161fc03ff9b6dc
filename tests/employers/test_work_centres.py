"""Work centres: the optional `centro_trabajo` column of the arrears file (absent, the
main centre), its checks, the re-import that sets an unchanged employer aside, and the
statement, letters and certificate grouping the periods by centre."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from employers.imports import COLUMNS, run_arrears_import
from employers.models import ContributionPeriod, Employer
from tests.employers.test_import_arrears import GOOD_ROWS, write_csv
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
HEADER = [*COLUMNS, "centro_trabajo"]


def rows_with_centres():
    trigal_jan, trigal_feb, juana = GOOD_ROWS
    second_centre = [*trigal_jan[:6], "120.00", "40.00", "0", "6.00", "0"]
    return [
        [*trigal_jan, ""],  # blank: the main centre
        [*trigal_feb, "1"],  # written without its zeros
        [*second_centre, "002"],  # the same month, another centre
        [*juana, "001"],
    ]


def run(path, **kwargs):
    return run_arrears_import(path=path, file_name=path.name, **kwargs)


def test_a_file_with_work_centres_keeps_one_period_per_centre(tmp_path, head):
    result = run(write_csv(tmp_path, rows_with_centres(), header=HEADER), actor=head)
    assert result.ok, result.errors
    trigal = Employer.objects.get(employer_number="100200300")
    centres = ContributionPeriod.objects.filter(employer=trigal).values_list(
        "work_centre", "period"
    )
    assert sorted(centres) == [
        ("001", datetime.date(2026, 1, 1)),
        ("001", datetime.date(2026, 2, 1)),
        ("002", datetime.date(2026, 1, 1)),
    ]
    assert ContributionPeriod.objects.get(employer=trigal, work_centre="002").balance == Decimal(
        "166.00"
    )


def test_a_file_without_the_column_is_the_main_centre(tmp_path, head):
    assert run(write_csv(tmp_path, GOOD_ROWS), actor=head).ok
    assert set(ContributionPeriod.objects.values_list("work_centre", flat=True)) == {"001"}
    # The same periods later written with their centre "001" are the same periods.
    rows = [[*row, "001"] for row in GOOD_ROWS]
    again = run(write_csv(tmp_path, rows, header=HEADER, name="b.csv"), actor=head)
    assert again.ok and again.periods_created == 0 and ContributionPeriod.objects.count() == 3


@pytest.mark.parametrize("bad", ["000", "1000", "A1", "-2"])
def test_a_bad_work_centre_is_refused_with_its_line(tmp_path, head, bad):
    rows = rows_with_centres()
    rows[2][-1] = bad
    result = run(write_csv(tmp_path, rows, header=HEADER), actor=head)
    assert not result.ok
    [error] = result.errors
    assert (error.line, error.column, error.value) == (4, "centro_trabajo", bad)
    assert "centro de trabajo" in error.reason
    assert not ContributionPeriod.objects.exists()


def test_the_same_centre_and_period_twice_is_refused(tmp_path, head):
    rows = rows_with_centres()
    rows[2][-1] = "001"  # now the same centre and month as line 2
    result = run(write_csv(tmp_path, rows, header=HEADER), actor=head)
    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [(4, "periodo")]
    assert "centro de trabajo" in result.errors[0].reason


def test_an_unchanged_reimport_with_centres_is_set_aside_and_a_moved_centre_is_not(tmp_path, head):
    rows = rows_with_centres()
    assert run(write_csv(tmp_path, rows, header=HEADER), actor=head).ok
    again = run(write_csv(tmp_path, rows, header=HEADER, name="b.csv"), actor=head)
    assert again.rows_set_aside == 4 and not again.changed
    rows[2][-1] = "003"
    moved = run(write_csv(tmp_path, rows, header=HEADER, name="c.csv"), actor=head)
    assert moved.ok and moved.rows_set_aside == 1 and moved.periods_created == 1


def test_the_statement_and_its_pdf_group_the_periods_by_centre(client, tmp_path, head):
    assert run(write_csv(tmp_path, rows_with_centres(), header=HEADER), actor=head).ok
    trigal = Employer.objects.get(employer_number="100200300")
    client.force_login(head)
    page = client.get(reverse("employers:employer_detail", args=[trigal.pk])).content.decode()
    assert "Centro de trabajo 001 (principal)" in page and "Centro de trabajo 002" in page
    assert "Subtotal del centro 002" in page
    pdf = client.get(reverse("employers:statement_pdf", args=[trigal.pk]))
    text = pdf_text(pdf.content)
    assert "Centro de trabajo 002" in text and "Subtotal del centro 001" in text
    # One centre only: no grouping rows.
    juana = Employer.objects.get(employer_number="100200301")
    page = client.get(reverse("employers:employer_detail", args=[juana.pk])).content.decode()
    assert "Centro de trabajo" not in page


def test_the_demand_letter_groups_the_periods_by_centre(tmp_path, head, agent_ss):
    from recovery.models import RecoveryCase
    from recovery.pdf import render_demand_notices_pdf
    from tests.factories import CaseFactory

    assert run(write_csv(tmp_path, rows_with_centres(), header=HEADER), actor=head).ok
    trigal = Employer.objects.get(employer_number="100200300")
    CaseFactory(employer=trigal, agent=agent_ss)
    cases = list(RecoveryCase.objects.with_debt().select_related("employer", "branch", "agent"))
    text = pdf_text(
        render_demand_notices_pdf(
            cases, letter="first_demand", today=datetime.date(2026, 12, 1), deadline_days=8
        )
    )
    assert "Centro de trabajo 001 (principal)" in text and "Centro de trabajo 002" in text


def test_the_certificate_lists_every_centre(client, tmp_path, head, agent_ss):
    from solvency import services

    # Both centres, everything paid.
    rows = [row for row in rows_with_centres() if row[0] == "100200300"]
    for row in rows:
        total = sum(Decimal(x or "0") for x in row[6:10])
        row[10] = str(total)
    assert run(write_csv(tmp_path, rows, header=HEADER), actor=head).ok
    trigal = Employer.objects.get(employer_number="100200300")
    certificate = services.certificate_issue(employer=trigal, actor=agent_ss)
    client.force_login(agent_ss)
    pdf = client.get(reverse("solvency:certificate_pdf", args=[certificate.pk]))
    text = pdf_text(pdf.content)
    assert "todos los centros de trabajo" in text and "002" in text
