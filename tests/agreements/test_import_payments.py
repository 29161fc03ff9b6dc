import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from agreements.imports import import_payments
from agreements.models import Installment, Payment


def write(tmp_path, rows, name="pagos.csv"):
    path = tmp_path / name
    path.write_text(
        "numero_recibo;convenio;fecha_pago;monto\n" + "\n".join(rows) + "\n", encoding="cp1252"
    )
    return path


@pytest.mark.django_db
def test_payments_import_applies_each_receipt_once(tmp_path, active):
    day = active.signed_on.strftime("%d/%m/%Y")
    path = write(tmp_path, [f"A-1;{active.pk};{day};100.00", f"A-2;{active.pk};{day};50.00"])
    first = import_payments(path=path)
    assert (first.created, first.unchanged) == (2, 0)
    again = import_payments(path=path)
    assert (again.created, again.unchanged) == (0, 2)
    paid = sum(i.paid_amount for i in Installment.objects.filter(agreement=active, number__gte=1))
    assert paid == Decimal("150.00")


@pytest.mark.django_db
def test_a_bad_row_rejects_the_whole_file_with_every_reason(tmp_path, active):
    day = active.signed_on.strftime("%d/%m/%Y")
    path = write(
        tmp_path,
        [
            f"B-1;{active.pk};{day};10.00",
            f"B-2;999999;{day};10.00",
            f"B-3;{active.pk};31/02/2026;1",
            f"B-4;{active.pk};{day};1,000.00",
        ],
    )
    result = import_payments(path=path)
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "convenio"),
        (4, "fecha_pago"),
        (5, "monto"),
    ]
    assert not Payment.objects.filter(receipt_number__startswith="B-").exists()


@pytest.mark.django_db
def test_a_known_receipt_with_other_data_is_an_error(tmp_path, active):
    day = active.signed_on.strftime("%d/%m/%Y")
    import_payments(path=write(tmp_path, [f"C-1;{active.pk};{day};10.00"]))
    result = import_payments(path=write(tmp_path, [f"C-1;{active.pk};{day};12.00"], name="b.csv"))
    assert [e.column for e in result.errors] == ["numero_recibo"]


@pytest.mark.django_db
def test_import_payments_command_exits_1_on_bad_rows(tmp_path, active):
    path = write(tmp_path, ["D-1;abc;01/01/2026;1.00"])
    err = io.StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("import_payments", str(path), stderr=err, stdout=io.StringIO())
    assert info.value.code == 1 and "convenio" in err.getvalue()
