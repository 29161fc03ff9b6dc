import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from employers.models import ArrearsImport
from people.roles import Role
from tests.factories import EmployerFactory, PeriodFactory, UserFactory

EMPLOYER_PAGES = ["employer_detail", "statement_pdf", "employer_history"]


def employer_urls(employer):
    return [reverse(f"employers:{name}", args=[employer.pk]) for name in EMPLOYER_PAGES]


@pytest.fixture
def branch_head_ss(branch_ss):
    return UserFactory(role=Role.BRANCH_HEAD, branch=branch_ss)


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login_from_every_page(client, employer_ss):
    urls = [
        reverse("employers:employer_list"),
        reverse("employers:import_list"),
        reverse("employers:import_upload"),
        *employer_urls(employer_ss),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


@pytest.mark.django_db
def test_another_branchs_employer_is_a_404_on_every_page(
    client, branch_head_ss, employer_sm, employer_ss
):
    client.force_login(branch_head_ss)
    for url in employer_urls(employer_sm):
        assert client.get(url).status_code == 404, url
    for url in employer_urls(employer_ss):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_agents_list_only_their_branch(client, agent_ss, employer_ss, employer_sm):
    client.force_login(agent_ss)
    page = client.get(reverse("employers:employer_list")).content.decode()
    assert employer_ss.legal_name.split(",")[0] in page
    assert employer_sm.legal_name not in page


@pytest.mark.django_db
def test_agents_cannot_import_or_see_imports(client, agent_ss):
    client.force_login(agent_ss)
    assert client.get(reverse("employers:import_list")).status_code == 403
    assert client.get(reverse("employers:import_upload")).status_code == 403


@pytest.mark.django_db
def test_department_head_sees_every_branch(client, head, employer_ss, employer_sm):
    client.force_login(head)
    for employer in (employer_ss, employer_sm):
        assert client.get(employer_urls(employer)[0]).status_code == 200


@pytest.mark.django_db
def test_search_ignores_accents_and_case_and_finds_nit_with_hyphens(client, head, employer_ss):
    client.force_login(head)
    url = reverse("employers:employer_list")
    assert "El Trigal" in client.get(url, {"q": "PANADERIA trigal"}).content.decode()
    assert "El Trigal" in client.get(url, {"q": employer_ss.nit_display}).content.decode()
    assert "El Trigal" in client.get(url, {"q": employer_ss.employer_number}).content.decode()
    assert "El Trigal" not in client.get(url, {"q": "ferreteria"}).content.decode()


@pytest.mark.django_db
def test_filters_by_minimum_arrears_and_oldest_period(client, head, employer_ss, employer_sm):
    PeriodFactory(
        employer=employer_ss, period=datetime.date(2024, 1, 1), due_date=datetime.date(2024, 2, 14)
    )
    PeriodFactory(employer=employer_sm, employer_share=Decimal("5.00"), worker_share=Decimal("0"))
    client.force_login(head)
    url = reverse("employers:employer_list")
    page = client.get(url, {"min_arrears": "100"}).content.decode()
    assert employer_ss.employer_number in page and employer_sm.employer_number not in page
    page = client.get(url, {"oldest_before": "2025-01"}).content.decode()
    assert employer_ss.employer_number in page and employer_sm.employer_number not in page


@pytest.mark.django_db
def test_an_invalid_filter_shows_its_error_instead_of_failing(client, head):
    client.force_login(head)
    response = client.get(reverse("employers:employer_list"), {"oldest_before": "enero"})
    assert response.status_code == 200
    assert "AAAA-MM" in response.content.decode()


@pytest.mark.django_db
def test_export_has_exactly_the_filtered_rows(client, head, employer_ss, employer_sm):
    client.force_login(head)
    url = reverse("employers:employer_list")
    response = client.get(url, {"branch": employer_ss.branch_id, "export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 2
    assert employer_ss.employer_number in lines[1]
    response = client.get(url, {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.max_row == 3


@pytest.mark.django_db
def test_statement_shows_periods_totals_and_aging(client, head, employer_ss):
    today = timezone.localdate()
    old_due = today - datetime.timedelta(days=400)
    PeriodFactory(employer=employer_ss, period=old_due.replace(day=1), due_date=old_due)
    recent_due = today - datetime.timedelta(days=10)
    PeriodFactory(
        employer=employer_ss,
        period=(recent_due - datetime.timedelta(days=40)).replace(day=1),
        due_date=recent_due,
        paid=Decimal("5.00"),
    )
    client.force_login(head)
    response = client.get(reverse("employers:employer_detail", args=[employer_ss.pk]))
    statement = response.context["statement"]
    assert statement.arrears == Decimal("205.00")
    buckets = {bucket.key: bucket.amount for bucket in statement.aging}
    assert buckets["d0_30"] == Decimal("100.00")
    assert buckets["d365_plus"] == Decimal("105.00")
    assert "$205.00" in response.content.decode()


@pytest.mark.django_db
def test_statement_pdf_is_a_pdf(client, head, employer_ss):
    PeriodFactory(employer=employer_ss)
    client.force_login(head)
    response = client.get(reverse("employers:statement_pdf", args=[employer_ss.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def _list_queries(client, django_assert_max_num_queries, url):
    # The statement (periods, totals, aging, last export, payments netted), the page's
    # links to the case and the agreements, session and user.
    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("employers", [3, 40])
def test_employer_list_queries_do_not_grow_with_rows(
    client, head, employers, django_assert_max_num_queries
):
    for employer in EmployerFactory.create_batch(employers):
        PeriodFactory(employer=employer)
    client.force_login(head)
    _list_queries(client, django_assert_max_num_queries, reverse("employers:employer_list"))


@pytest.mark.django_db
@pytest.mark.parametrize("periods", [1, 36])
def test_statement_queries_do_not_grow_with_periods(
    client, head, employer_ss, periods, django_assert_max_num_queries
):
    for month in range(periods):
        PeriodFactory(
            employer=employer_ss, period=datetime.date(2020 + month // 12, month % 12 + 1, 1)
        )
    client.force_login(head)
    url = reverse("employers:employer_detail", args=[employer_ss.pk])
    # The statement (periods, totals, aging, last export, payments netted), the page's
    # links to the case and the agreements, session and user; solvency's panel (its
    # agreements, late periods, referrals, certificates); prescription's panel (the
    # periods' clocks with the action each needs); the related employers (one query, a
    # second when there are some).
    with django_assert_max_num_queries(23):
        assert client.get(url).status_code == 200


GOOD = (
    "numero_patronal;nit;razon_social;sucursal;periodo;fecha_vencimiento;cuota_patronal;"
    "cuota_laboral;multa;recargo;pagado\r\n"
    "300400500;0614-050707-104-8;Café Volcán;SA;2026-03;14/04/2026;150.00;60.00;0;0;0\r\n"
)


def _upload(client, text, name="mora.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, text.encode("cp1252"), content_type="text/csv")
    response = client.post(reverse("employers:import_upload"), {"file": upload})
    if response.status_code == 302 and response.url.startswith("/tareas/"):
        # The check ran in the background (in-process here): its page, once done,
        # sends the user to the preview.
        response = client.get(response.url)
    return response


@pytest.mark.django_db
def test_upload_previews_then_confirm_applies(client, head, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(head)
    response = _upload(client, GOOD)
    record = ArrearsImport.objects.get()
    assert response.url == reverse("employers:import_detail", args=[record.pk])
    page = client.get(response.url).content.decode()
    assert "Confirmar e importar" in page
    from employers.models import Employer

    assert not Employer.objects.exists()
    client.post(reverse("employers:import_apply", args=[record.pk]), {"action": "apply"})
    record.refresh_from_db()
    assert record.status == "applied" and record.periods_created == 1
    assert Employer.objects.get().legal_name == "Café Volcán"
    # A second click finds it applied and writes nothing more.
    response = client.post(
        reverse("employers:import_apply", args=[record.pk]), {"action": "apply"}, follow=True
    )
    assert "ya fue aplicada" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("employers:import_detail", args=[record.pk])


@pytest.mark.django_db
def test_confirming_an_import_keeps_who_uploaded_it_and_records_who_confirmed(
    client, head, settings, tmp_path
):
    from django.contrib.auth.models import Permission

    from people.roles import Role
    from tests.factories import UserFactory

    settings.MEDIA_ROOT = tmp_path
    uploader = UserFactory(role=Role.ADMIN_STAFF, first_name="Ana", last_name="Uno")
    uploader.user_permissions.add(*Permission.objects.filter(codename__contains="arrearsimport"))
    client.force_login(head)
    _upload(client, GOOD)
    record = ArrearsImport.objects.get()
    ArrearsImport.objects.filter(pk=record.pk).update(created_by=uploader)
    client.post(reverse("employers:import_apply", args=[record.pk]), {"action": "apply"})
    record.refresh_from_db()
    assert record.created_by == uploader and record.applied_by == head
    page = client.get(reverse("employers:import_detail", args=[record.pk])).content.decode()
    assert "Confirmado por" in page
    # The import record's own history: its changes are kept.
    assert record.events.filter(pgh_label="update", status="applied").exists()


@pytest.mark.django_db
def test_upload_with_bad_rows_shows_them_in_spanish(client, head, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(head)
    response = _upload(
        client,
        GOOD.replace(";SA;", ";ZZ;"),
    )
    page = client.get(response.url).content.decode()
    assert "Código de sucursal desconocido" in page
    assert "ZZ" in page


@pytest.mark.django_db
def test_upload_of_a_wrong_file_type_is_refused_with_a_reason(client, head, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(head)
    response = _upload(client, "hola", name="mora.pdf")
    assert response.status_code == 200
    assert ".csv" in response.content.decode()
    assert not ArrearsImport.objects.exists()


@pytest.mark.django_db
def test_discarding_a_preview_writes_nothing(client, head, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(head)
    _upload(client, GOOD)
    record = ArrearsImport.objects.get()
    client.post(reverse("employers:import_apply", args=[record.pk]), {"action": "discard"})
    record.refresh_from_db()
    assert record.status == "discarded"
    assert not list(tmp_path.glob("imports/*"))


@pytest.mark.django_db
def test_staff_edit_contact_data_and_the_history_says_who(client, head, employer_ss):
    from employers.models import Department

    san_salvador = Department.objects.get(code="06")
    client.force_login(head)
    url = reverse("employers:employer_edit", args=[employer_ss.pk])
    response = client.post(
        url,
        {
            "phone": "2222-3333",
            "email": "pagos@trigal.com.sv",
            "sector": "private",
            "status": "active",
            "department": san_salvador.pk,
            "municipality": san_salvador.municipalities.first().pk,
        },
    )
    assert response.status_code == 302
    employer_ss.refresh_from_db()
    assert employer_ss.phone == "2222-3333"
    history = client.get(reverse("employers:employer_history", args=[employer_ss.pk]))
    assert "2222-3333" in history.content.decode()
    assert head.get_full_name() in history.content.decode()


@pytest.mark.django_db
def test_a_municipality_of_another_department_is_refused(client, head, employer_ss):
    from employers.models import Department

    client.force_login(head)
    response = client.post(
        reverse("employers:employer_edit", args=[employer_ss.pk]),
        {
            "sector": "private",
            "status": "active",
            "department": Department.objects.get(code="06").pk,
            "municipality": Department.objects.get(code="02").municipalities.first().pk,
            "email": "no-es-correo",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "no pertenece" in page or "no está en el departamento" in page
    employer_ss.refresh_from_db()
    assert employer_ss.email == ""


@pytest.mark.django_db
def test_agents_cannot_edit_employers(client, agent_ss, employer_ss):
    client.force_login(agent_ss)
    assert client.get(reverse("employers:employer_edit", args=[employer_ss.pk])).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
def test_import_list_queries_are_bounded(client, head, count, django_assert_max_num_queries):
    for index in range(count):
        ArrearsImport.objects.create(
            created_by=head, file_name=f"mora-{index}.csv", sha256="0" * 64, status="applied"
        )
    client.force_login(head)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("employers:import_list")).status_code == 200


@pytest.mark.django_db
def test_statement_exports_every_period(client, head, employer_ss):
    PeriodFactory(employer=employer_ss)
    client.force_login(head)
    url = reverse("employers:statement_export", args=[employer_ss.pk, "csv"])
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    assert body.strip().splitlines()[1].startswith("2026-01,13/02/2026,75.00,30.00")
    assert (
        client.get(reverse("employers:statement_export", args=[employer_ss.pk, "doc"])).status_code
        == 404
    )
