import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from pghistory.models import Events

from employers.imports import COLUMNS, ImportFileError, run_arrears_import
from employers.models import ArrearsImport, ArrearsImportStatus, ContributionPeriod, Employer

HEADER = COLUMNS
GOOD_ROWS = [
    [
        "100200300",
        "0614-050707-104-8",
        "Panadería El Trigal, S.A. de C.V.",
        "SS",
        "2026-01",
        "13/02/2026",
        "750.00",
        "300.00",
        "0",
        "37.50",
        "0",
    ],
    [
        "100200300",
        "0614-050707-104-8",
        "Panadería El Trigal, S.A. de C.V.",
        "SS",
        "02/2026",
        "2026-03-13",
        "750",
        "300",
        "",
        "",
        "1050.00",
    ],
    [
        "100200301",
        "02495046-3",
        "Juana Pérez Ñúñez",
        "sm",
        "2026-01",
        "13/02/2026",
        "75.00",
        "30.00",
        "11.43",
        "7.50",
        "0",
    ],
]


def write_csv(tmp_path, rows, *, delimiter=",", encoding="utf-8", name="mora.csv", header=HEADER):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    path = tmp_path / name
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(tmp_path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "mora.xlsx"
    workbook.save(path)
    return path


def run(path, **kwargs):
    return run_arrears_import(path=path, file_name=path.name, **kwargs)


def assert_good_rows_imported():
    trigal = Employer.objects.get(employer_number="100200300")
    assert trigal.legal_name == "Panadería El Trigal, S.A. de C.V."
    assert trigal.nit == "06140507071048"
    assert trigal.branch.code == "SS"
    juana = Employer.objects.get(employer_number="100200301")
    assert juana.legal_name == "Juana Pérez Ñúñez"
    assert juana.person_type == "natural" and juana.dui == "024950463"
    assert juana.branch.code == "SM"
    january = ContributionPeriod.objects.get(employer=trigal, period=datetime.date(2026, 1, 1))
    assert january.due_date == datetime.date(2026, 2, 13)
    assert january.balance == Decimal("1087.50")
    february = ContributionPeriod.objects.get(employer=trigal, period=datetime.date(2026, 2, 1))
    assert february.balance == Decimal("0.00")
    assert ContributionPeriod.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "delimiter, encoding",
    [(",", "utf-8"), (";", "utf-8"), (";", "utf-8-sig"), (",", "utf-8-sig"), (";", "cp1252")],
)
def test_good_csv_imports_in_every_encoding_and_delimiter(tmp_path, head, delimiter, encoding):
    path = write_csv(tmp_path, GOOD_ROWS, delimiter=delimiter, encoding=encoding)
    result = run(path, actor=head)
    assert result.ok, result.errors
    assert (result.rows_total, result.employers_created, result.periods_created) == (3, 2, 3)
    assert_good_rows_imported()


@pytest.mark.django_db
def test_good_xlsx_imports(tmp_path, head):
    rows = [list(row) for row in GOOD_ROWS]
    rows[0][0] = 100200300  # a number cell, as spreadsheets store it
    rows[0][6] = 750.0
    rows[2][5] = datetime.date(2026, 2, 13)  # a date cell
    result = run(write_xlsx(tmp_path, rows), actor=head)
    assert result.ok, result.errors
    assert_good_rows_imported()


@pytest.mark.django_db
def test_the_import_is_logged_with_hash_and_counts(tmp_path, head):
    path = write_csv(tmp_path, GOOD_ROWS)
    result = run(path, actor=head)
    record = ArrearsImport.objects.get()
    assert record.status == ArrearsImportStatus.APPLIED
    assert record.created_by == head
    assert record.file_name == "mora.csv"
    assert record.sha256 == result.sha256 and len(record.sha256) == 64
    assert (record.rows_total, record.periods_created, record.periods_updated) == (3, 3, 0)


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing_the_second_time(tmp_path, head):
    path = write_csv(tmp_path, GOOD_ROWS)
    run(path, actor=head)
    events_before = Events.objects.references(Employer.objects.all()).count()
    second = run(path, actor=head)
    assert not second.changed
    assert (second.periods_created, second.periods_updated, second.periods_unchanged) == (0, 0, 3)
    assert second.previous_import is not None
    assert ContributionPeriod.objects.count() == 3
    assert Events.objects.references(Employer.objects.all()).count() == events_before


@pytest.mark.django_db
def test_a_changed_period_is_updated_and_its_change_is_in_history(tmp_path, head):
    run(write_csv(tmp_path, GOOD_ROWS), actor=head)
    changed = [list(row) for row in GOOD_ROWS]
    changed[0][10] = "500.00"  # the employer paid part of January
    result = run(write_csv(tmp_path, changed, name="mora-2.csv"), actor=head)
    assert (result.periods_updated, result.periods_unchanged) == (1, 2)
    january = ContributionPeriod.objects.get(
        employer__employer_number="100200300", period=datetime.date(2026, 1, 1)
    )
    assert january.paid == Decimal("500.00")
    assert january.balance == Decimal("587.50")
    from employers.queries import employer_history

    entries = employer_history(january.employer)
    update = next(entry for entry in entries if entry.subject == "2026-01")
    assert ("paid", Decimal("0.00"), Decimal("500.00")) in update.changes
    assert update.user == head.get_full_name()


@pytest.mark.django_db
def test_paid_replaces_the_stored_figure_and_is_never_added(tmp_path, head):
    """The account system's `pagado` is the total paid: re-imports never double count."""
    rows = [list(GOOD_ROWS[0])]
    rows[0][10] = "100.00"
    run(write_csv(tmp_path, rows), actor=head)
    run(write_csv(tmp_path, rows, name="again.csv"), actor=head)
    period = ContributionPeriod.objects.get()
    assert period.paid == Decimal("100.00")
    rows[0][10] = "250.00"
    run(write_csv(tmp_path, rows, name="later.csv"), actor=head)
    period.refresh_from_db()
    assert period.paid == Decimal("250.00")


BAD_CASES = [
    # (column index, bad value, column name, reason fragment)
    (0, "ABC123", "numero_patronal", "solo dígitos"),
    (0, "", "numero_patronal", "Obligatorio"),
    (1, "0614-050707-104-0", "nit", "dígito verificador"),
    (1, "12345", "nit", "14 dígitos"),
    (2, "", "razon_social", "no está registrado"),
    (3, "XX", "sucursal", "sucursal desconocido"),
    (4, "2026-13", "periodo", "no existe"),
    (4, "enero 2026", "periodo", "AAAA-MM"),
    (5, "31/02/2026", "fecha_vencimiento", "no existe"),
    (5, "13-02-2026", "fecha_vencimiento", "dd/mm/aaaa"),
    (6, "1,234.50", "cuota_patronal", "punto decimal"),
    (7, "-30", "cuota_laboral", "punto decimal"),
    (8, "12.345", "multa", "punto decimal"),
    (10, "abc", "pagado", "punto decimal"),
    (10, "NaN", "pagado", "punto decimal"),
    (9, "Infinity", "recargo", "punto decimal"),
    (6, "1234567890123", "cuota_patronal", "punto decimal"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("index, value, column, reason", BAD_CASES)
def test_each_kind_of_bad_row_is_reported_and_nothing_is_written(
    tmp_path, head, index, value, column, reason
):
    rows = [list(row) for row in GOOD_ROWS]
    rows[2][index] = value
    result = run(write_csv(tmp_path, rows), actor=head)
    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [(4, column)]
    assert reason in result.errors[0].reason
    assert result.errors[0].value == value
    assert Employer.objects.count() == 0
    assert ContributionPeriod.objects.count() == 0
    record = ArrearsImport.objects.get()
    assert record.status == ArrearsImportStatus.REJECTED and record.error_count == 1


@pytest.mark.django_db
def test_a_known_employers_nit_must_agree(tmp_path, head, employer_ss):
    rows = [list(GOOD_ROWS[0])]
    rows[0][0] = employer_ss.employer_number
    result = run(write_csv(tmp_path, rows), actor=head)
    assert [(e.line, e.column) for e in result.errors] == [(2, "nit")]
    assert employer_ss.nit_display in result.errors[0].reason


@pytest.mark.django_db
def test_a_period_repeated_in_the_file_is_reported_on_its_second_line(tmp_path, head):
    rows = [GOOD_ROWS[0], GOOD_ROWS[2], GOOD_ROWS[0]]
    result = run(write_csv(tmp_path, rows), actor=head)
    assert [(e.line, e.column) for e in result.errors] == [(4, "periodo")]
    assert "primera vez en la línea 2" in result.errors[0].reason


@pytest.mark.django_db
def test_a_repeated_period_of_a_new_employer_rejects_a_confirmed_preview_whole(tmp_path, head):
    """The periods' unique index refuses the repeat inside the merge: rolled back to its
    savepoint, nothing of the merge stays and the log entry says rejected, not applied."""
    record = ArrearsImport.objects.create(
        created_by=head, file_name="mora.csv", status=ArrearsImportStatus.PREVIEWED
    )
    rows = [GOOD_ROWS[0], GOOD_ROWS[2], GOOD_ROWS[1], GOOD_ROWS[0]]
    result = run(write_csv(tmp_path, rows), actor=head, record=record)
    assert [(e.line, e.column) for e in result.errors] == [(5, "periodo")]
    record.refresh_from_db()
    assert record.status == ArrearsImportStatus.REJECTED
    assert record.applied_at is None
    assert record.error_count == 1
    assert not Employer.objects.exists()
    assert not ContributionPeriod.objects.exists()
    assert ArrearsImport.objects.count() == 1


@pytest.mark.django_db
def test_one_employer_with_two_nits_in_the_file_is_reported(tmp_path, head):
    rows = [list(GOOD_ROWS[0]), list(GOOD_ROWS[1])]
    rows[1][1] = "0614-051286-129-4"
    result = run(write_csv(tmp_path, rows), actor=head)
    assert [(e.line, e.column) for e in result.errors] == [(3, "nit")]


@pytest.mark.django_db
def test_every_bad_row_is_listed_with_line_numbers(tmp_path, head):
    rows = [list(row) for row in GOOD_ROWS] * 1
    rows[0][3] = "ZZ"
    rows[1][6] = "x"
    rows[2][4] = "13/2026"
    result = run(write_csv(tmp_path, rows), actor=head)
    assert [(e.line, e.column) for e in result.errors] == [
        (2, "sucursal"),
        (3, "cuota_patronal"),
        (4, "periodo"),
    ]


@pytest.mark.django_db
def test_rows_with_the_wrong_number_of_fields_are_all_listed(tmp_path, head):
    path = tmp_path / "torn.csv"
    good = ",".join(f'"{cell}"' for cell in GOOD_ROWS[0])
    path.write_text(
        ",".join(HEADER) + "\n" + good + "\n" + "100,2,3\n" + good + ",extra\n", encoding="utf-8"
    )
    result = run(path, actor=head)
    assert [e.line for e in result.errors] == [3, 4]
    assert "campos" in result.errors[0].reason
    assert Employer.objects.count() == 0


@pytest.mark.django_db
def test_a_header_without_the_required_columns_is_refused(tmp_path, head):
    path = write_csv(tmp_path, GOOD_ROWS, header=[*HEADER[:-1], "pago"])
    with pytest.raises(ImportFileError, match="pagado"):
        run(path, actor=head)


@pytest.mark.django_db
def test_columns_may_come_in_any_order_with_extra_ones(tmp_path, head):
    order = [*reversed(HEADER), "observaciones"]
    rows = [[*reversed(row), "nota"] for row in GOOD_ROWS]
    result = run(write_csv(tmp_path, rows, header=order), actor=head)
    assert result.ok, result.errors
    assert_good_rows_imported()


@pytest.mark.django_db
def test_trailing_blank_and_empty_rows_are_ignored(tmp_path, head):
    path = tmp_path / "excel.csv"
    body = ";".join(HEADER) + "\r\n" + ";".join(GOOD_ROWS[0]) + "\r\n;;;;;;;;;;\r\n\r\n\r\n"
    path.write_bytes(body.encode("cp1252"))
    result = run(path, actor=head)
    assert result.ok, result.errors
    assert result.rows_total == 1


@pytest.mark.django_db
def test_dry_run_checks_but_writes_nothing(tmp_path, head):
    result = run(write_csv(tmp_path, GOOD_ROWS), actor=head, dry_run=True)
    assert result.ok and result.periods_created == 3
    assert ContributionPeriod.objects.count() == 0
    assert ArrearsImport.objects.count() == 0


@pytest.mark.django_db
def test_command_lists_every_bad_row_and_exits_1(tmp_path, head):
    rows = [list(row) for row in GOOD_ROWS]
    rows[1][5] = "99/99/2026"
    path = write_csv(tmp_path, rows)
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_arrears", str(path), stderr=err, stdout=io.StringIO())
    assert exit_info.value.code == 1
    assert "fecha_vencimiento" in err.getvalue() and "99/99/2026" in err.getvalue()
    assert Employer.objects.count() == 0


@pytest.mark.django_db
def test_command_imports_and_says_when_nothing_changed(tmp_path, head):
    path = write_csv(tmp_path, GOOD_ROWS)
    out = io.StringIO()
    call_command("import_arrears", str(path), "--user", head.username, stdout=out)
    assert ContributionPeriod.objects.count() == 3
    out = io.StringIO()
    call_command("import_arrears", str(path), stdout=out)
    assert "0 actualizados" in out.getvalue()
    assert "Sin cambios" in out.getvalue()


@pytest.mark.django_db
def test_command_dry_run_writes_nothing(tmp_path, head):
    call_command(
        "import_arrears", str(write_csv(tmp_path, GOOD_ROWS)), "--dry-run", stdout=io.StringIO()
    )
    assert ContributionPeriod.objects.count() == 0
