"""The Board's outcome, the waivers and their application: exact, once, revoked on
breach, exported for the account system."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements.models import AgreementStatus, PaymentAgreement
from council import services
from council.models import PaymentTerms, RequestStatus, Waiver, WaiverStatus
from employers.models import ArrearsImport, ContributionPeriod
from employers.queries import account_statement
from tests.council.conftest import make_ready, resolve, submit


def _import(head):
    return ArrearsImport.objects.create(
        created_by=head, file_name="mora-dic.csv", status="applied", applied_at=timezone.now()
    )


@pytest.mark.django_db
def test_partial_approval_records_the_waivers_approved(ready, session, staff):
    submit([ready], session, staff)
    first, *rest = list(ready.periods.order_by("period__period"))
    resolve(ready, staff, session, amounts={first.pk: (Decimal("4.00"), Decimal("5.00"))})
    ready.refresh_from_db()
    assert ready.status == RequestStatus.APPROVED_CHANGES
    assert ready.resolution_number == "ACUERDO #2026-1234.NOV."
    waivers = {w.period_id: w for w in ready.waivers.all()}
    assert (waivers[first.period_id].fines, waivers[first.period_id].surcharges) == (
        Decimal("4.00"),
        Decimal("5.00"),
    )
    assert all(waivers[line.period_id].amount == Decimal("15.00") for line in rest)
    assert all(w.status == WaiverStatus.PENDING for w in waivers.values())


@pytest.mark.django_db
def test_the_board_never_approves_more_than_was_asked(ready, session, staff):
    submit([ready], session, staff)
    line = ready.periods.first()
    with pytest.raises(ValidationError, match="como máximo lo solicitado"):
        resolve(ready, staff, session, amounts={line.pk: (Decimal("10.01"), Decimal("0"))})
    assert not Waiver.objects.exists()


@pytest.mark.django_db
def test_a_waiver_can_never_exceed_what_the_period_owes(approved):
    waiver = approved.waivers.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Waiver.objects.filter(pk=waiver.pk).update(fines=waiver.fines_before + Decimal("0.01"))
    # Against the period itself: the trigger.
    with pytest.raises(IntegrityError), transaction.atomic():
        Waiver.objects.filter(pk=waiver.pk).update(
            fines=Decimal("50.00"), fines_before=Decimal("60.00")
        )


@pytest.mark.django_db
def test_the_statement_nets_the_pending_waivers_until_the_account_applies_them(
    approved, employer_ss, head
):
    today = timezone.localdate()
    statement = account_statement(employer_ss, today)
    assert statement.arrears == Decimal("345.00")
    assert statement.waivers_netted == Decimal("45.00")
    assert statement.net_arrears == Decimal("300.00")
    # The account system applies the waivers: the import shows the fines gone.
    ContributionPeriod.objects.filter(employer=employer_ss).update(
        fines=Decimal("0"), surcharges=Decimal("0")
    )
    arrears_import = _import(head)
    assert services.waivers_apply_from_import(arrears_import) == 3
    approved.refresh_from_db()
    assert approved.status == RequestStatus.APPLIED
    assert set(approved.waivers.values_list("status", flat=True)) == {WaiverStatus.APPLIED}
    assert set(approved.waivers.values_list("applied_import", flat=True)) == {arrears_import.pk}
    # Never subtracted twice, and a second import changes nothing.
    statement = account_statement(employer_ss, today)
    assert statement.waivers_netted == 0 and statement.net_arrears == Decimal("300.00")
    assert services.waivers_apply_from_import(_import(head)) == 0
    assert (
        approved.timeline.filter(kind="waiver", after=str(WaiverStatus.APPLIED.label)).count() == 3
    )


@pytest.mark.django_db
def test_an_import_that_reduces_less_than_the_waiver_does_not_apply_it(approved, employer_ss, head):
    ContributionPeriod.objects.filter(employer=employer_ss).update(fines=Decimal("5.00"))
    assert services.waivers_apply_from_import(_import(head)) == 0
    assert not approved.waivers.exclude(status=WaiverStatus.PENDING).exists()


@pytest.mark.django_db
def test_the_real_import_applies_the_waivers_it_reflects(approved, employer_ss, head, tmp_path):
    from employers.imports import COLUMNS, run_arrears_import

    rows = [COLUMNS]
    for period in ContributionPeriod.objects.filter(employer=employer_ss).order_by("period"):
        rows.append(
            [
                employer_ss.employer_number,
                employer_ss.nit,
                employer_ss.legal_name,
                "SS",
                f"{period.period:%Y-%m}",
                f"{period.due_date:%d/%m/%Y}",
                "100.00",
                "0",
                "0",
                "0",
                "0",
            ]
        )
    path = tmp_path / "mora.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    result = run_arrears_import(path=path, file_name="mora.csv", actor=head, dry_run=True)
    assert result.ok
    assert not approved.waivers.exclude(status=WaiverStatus.PENDING).exists()  # rolled back
    result = run_arrears_import(path=path, file_name="mora.csv", actor=head)
    assert result.ok
    approved.refresh_from_db()
    assert approved.status == RequestStatus.APPLIED


@pytest.mark.django_db
def test_confirming_by_hand_needs_a_note_and_another_person(approved, agent_ss, staff):
    waiver = approved.waivers.first()
    with pytest.raises(ValidationError, match="no puede registrar la aplicación"):
        services.waiver_confirm_applied(waiver=waiver, actor=agent_ss, note="ref 123")
    with pytest.raises(ValidationError, match="Indique cómo"):
        services.waiver_confirm_applied(waiver=waiver, actor=staff, note=" ")
    services.waiver_confirm_applied(waiver=waiver, actor=staff, note="SCP ref 991")
    waiver.refresh_from_db()
    assert waiver.status == WaiverStatus.APPLIED and waiver.applied_by == staff
    with pytest.raises(ValidationError, match="solo se confirma aplicada una pendiente"):
        services.waiver_confirm_applied(waiver=waiver, actor=staff, note="again")


@pytest.mark.django_db
def test_a_conditional_waiver_is_revoked_when_its_agreement_breaches(
    case, employer_ss, agent_ss, head, staff, session
):
    from agreements import services as agreement_services

    agreement = agreement_services.agreement_create(
        case=case,
        actor=agent_ss,
        down_payment=Decimal("45.00"),
        installments=3,
        first_due_date=timezone.localdate() + timezone.timedelta(days=30),
    )
    request = services.request_create(
        employer=employer_ss,
        actor=agent_ss,
        received_on=timezone.localdate(),
        payment_terms=PaymentTerms.AGREEMENT,
        agreement=agreement,
    )
    make_ready(request, head, agent_ss)
    submit([request], session, staff)
    resolve(request, staff, session)
    today = timezone.localdate()
    assert account_statement(employer_ss, today).net_arrears == Decimal("300.00")
    # The account applied one waiver before the breach.
    first = request.waivers.order_by("period__period").first()
    services.waiver_confirm_applied(waiver=first, actor=staff, note="ref")
    ContributionPeriod.objects.filter(pk=first.period_id).update(fines=0, surcharges=0)
    assert services.waivers_revoke_on_breach(run_date=today) == 0  # not breached yet
    PaymentAgreement.objects.filter(pk=agreement.pk).update(
        status=AgreementStatus.BREACHED, breached_on=today
    )
    assert services.waivers_revoke_on_breach(run_date=today) == 3
    assert services.waivers_revoke_on_breach(run_date=today) == 0  # once
    assert set(request.waivers.values_list("status", flat=True)) == {WaiverStatus.REVOKED}
    # The full amount is owed again: the two never applied stop netting, the applied one
    # is added back until the account reinstates it.
    statement = account_statement(employer_ss, today)
    assert statement.net_arrears == Decimal("345.00")
    assert request.timeline.filter(kind="waiver", after=str(WaiverStatus.REVOKED.label)).exists()
    # The export tells the account system to enter the revocation of the applied one.
    out = io.StringIO()
    call_command("export_waivers", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert [row[0] for row in rows[1:]] == ["REVOCACION"]


@pytest.mark.django_db
def test_the_export_lists_what_the_account_system_must_enter(approved, employer_ss, tmp_path):
    out = io.StringIO()
    call_command("export_waivers", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == [
        "movimiento",
        "numero_patronal",
        "nit",
        "periodo",
        "multas",
        "recargos",
        "acuerdo",
        "fecha_acuerdo",
        "solicitud",
    ]
    periods = list(ContributionPeriod.objects.filter(employer=employer_ss).order_by("period"))
    assert [row[3] for row in rows[1:]] == [f"{p.period:%Y-%m}" for p in periods]
    assert {tuple(row[i] for i in (0, 1, 4, 5, 6)) for row in rows[1:]} == {
        ("EXONERACION", employer_ss.employer_number, "10.00", "5.00", "ACUERDO #2026-1234.NOV.")
    }
    xlsx = tmp_path / "exoneraciones.xlsx"
    call_command("export_waivers", format="xlsx", output=xlsx, stderr=io.StringIO())
    import openpyxl

    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet.max_row == 4 and sheet.cell(2, 5).value == 10


@pytest.mark.django_db
def test_applied_and_rejected_requests_go_to_the_archive(approved, staff, ready, head):
    with pytest.raises(ValidationError, match="aún no está resuelta y aplicada"):
        services.dispatch_create(requests=[approved], actor=staff, sent_on=timezone.localdate())
    for waiver in approved.waivers.all():
        services.waiver_confirm_applied(waiver=waiver, actor=staff, note="ref")
    approved.refresh_from_db()
    assert approved.status == RequestStatus.APPLIED
    dispatch = services.dispatch_create(
        requests=[approved], actor=staff, sent_on=timezone.localdate()
    )
    approved.refresh_from_db()
    assert approved.status == RequestStatus.ARCHIVED and approved.dispatch == dispatch
    assert dispatch.number.startswith("RA-")


@pytest.mark.django_db
def test_the_case_and_the_employer_list_show_the_waiver_until_it_is_applied(
    client, approved, case, employer_ss, head
):
    from django.urls import reverse

    client.force_login(head)
    listing = client.get(reverse("employers:employer_list")).content.decode()
    row = listing.split(employer_ss.employer_number, 1)[1].split("</tr>", 1)[0]
    assert "$345.00" in row and "$45.00" in row
    page = client.get(reverse("recovery:case_detail", args=[case.pk])).content.decode()
    assert "$45.00" in page and "$300.00" in page
    ContributionPeriod.objects.filter(employer=employer_ss).update(fines=0, surcharges=0)
    services.waivers_apply_from_import(_import(head))
    listing = client.get(reverse("employers:employer_list")).content.decode()
    row = listing.split(employer_ss.employer_number, 1)[1].split("</tr>", 1)[0]
    assert "$300.00" in row and "$45.00" not in row
