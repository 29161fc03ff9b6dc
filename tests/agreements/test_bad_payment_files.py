"""A payments file that is not what it claims (issue 10, items 1 and 3)."""

import io

import pytest
from django.core.management import CommandError, call_command

from agreements.imports import import_payments
from core.tabular import ImportFileError


@pytest.mark.django_db
def test_a_csv_field_larger_than_any_value_is_a_message_not_a_traceback(tmp_path, active):
    path = tmp_path / "pagos.csv"
    huge = "x" * 200_000
    path.write_text(f"numero_recibo;convenio;fecha_pago;monto\nA-1;{active.pk};{huge};1\n")
    with pytest.raises(ImportFileError) as error:
        import_payments(path=path)
    assert error.value.line == 2


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["random_bytes", "undefined_byte"])
def test_the_payments_command_refuses_a_file_that_is_not_text(tmp_path, kind, caplog):
    path = tmp_path / "pagos.csv"
    content = {
        "random_bytes": bytes(range(256)) * 64,
        "undefined_byte": b"numero_recibo;convenio;fecha_pago;monto\r\nA-1;1;01/02/2026;1\r\n"
        b"A\x81;1;x;1\r\n",
    }[kind]
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("import_payments", str(path), stdout=io.StringIO())
    assert "no es un" in str(error.value) or "Línea 3, columna numero_recibo" in str(error.value)
    assert "refused" in caplog.text


@pytest.mark.django_db
def test_a_payment_amount_beyond_the_column_is_a_row_error(tmp_path, active):
    day = active.signed_on.strftime("%d/%m/%Y")
    path = tmp_path / "pagos.csv"
    path.write_text(
        "numero_recibo;convenio;fecha_pago;monto\n"
        f"M-1;{active.pk};{day};99999999999999999999.99\n"
        f"M-2;{active.pk};{day};1E+40\n"
        f"M-3;{active.pk};{day};10.00\n"
    )
    result = import_payments(path=path)
    assert [(e.line, e.column) for e in result.errors] == [(2, "monto"), (3, "monto")]
    assert "mayor que cualquier pago" in result.errors[0].reason
    assert result.created == 1
