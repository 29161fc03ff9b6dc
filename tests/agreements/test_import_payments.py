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
def test_a_bank_file_posts_every_valid_row_and_lists_the_others(tmp_path, active):
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
    assert result.created == 1
    posted = Payment.objects.filter(receipt_number__startswith="B-")
    assert list(posted.values_list("receipt_number", flat=True)) == ["B-1"]
    again = import_payments(path=path)
    assert (again.created, again.unchanged, len(again.errors)) == (0, 1, 3)
    assert posted.count() == 1


@pytest.mark.django_db
def test_a_dry_run_checks_every_row_and_posts_nothing(tmp_path, active):
    day = active.signed_on.strftime("%d/%m/%Y")
    result = import_payments(
        path=write(tmp_path, [f"E-1;{active.pk};{day};10.00", f"E-2;x;{day};1.00"]), dry_run=True
    )
    assert (result.created, len(result.errors)) == (1, 1)
    assert not Payment.objects.filter(receipt_number__startswith="E-").exists()


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


@pytest.mark.django_db
def test_a_payment_after_the_breach_is_recorded_and_the_legal_unit_told(tmp_path, active):
    import datetime

    from agreements.jobs import agreements_breach, installments_mark_overdue
    from legal.models import LegalReferral, ReferralEvent
    from legal.services import referral_outstanding, referrals_from_breaches
    from people.models import Notification
    from people.roles import Role
    from tests.factories import UserFactory

    legal = UserFactory(role=Role.LEGAL)
    second = Installment.objects.get(agreement=active, number=2)
    day = second.due_date + datetime.timedelta(days=30)
    installments_mark_overdue(run_date=day)
    assert agreements_breach(run_date=day) == 1
    referrals_from_breaches(run_date=day)
    active.refresh_from_db()
    assert active.status == "referred"
    referral = LegalReferral.objects.get()
    before = referral_outstanding(referral)

    # Paid at the bank before the breach night, in the bank's file after it; with
    # another employer's bad row in the same file.
    paid_on = active.signed_on.strftime("%d/%m/%Y")
    result = import_payments(
        path=write(tmp_path, [f"F-1;{active.pk};{paid_on};100.00", f"F-2;999999;{paid_on};5.00"])
    )
    assert result.created == 1 and [e.line for e in result.errors] == [3]
    assert referral_outstanding(referral) == before - Decimal("100.00")
    assert ReferralEvent.objects.filter(referral=referral, kind="payment").exists()
    assert Notification.objects.filter(user=legal, title__contains="Pago recibido").exists()
    from django.test import Client
    from django.urls import reverse

    from core.money import format_money

    client = Client()
    client.force_login(legal)
    page = client.get(reverse("legal:referral_detail", args=[referral.pk])).content.decode()
    assert format_money(before - Decimal("100.00")) in page
    # (Counted from the referral's timestamp: inside this test's one transaction the
    # down payment recorded earlier falls after it too.)
    assert "registrados desde la remisión" in page
