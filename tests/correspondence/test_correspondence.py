"""Correspondence: registering with a checked scan, the flow from assignment to the
letter sent, deadlines and reminders across weekends and holidays, the yearly number
under concurrency, and who sees what."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.calendar import clear_holiday_cache
from core.models import Holiday
from correspondence import services
from correspondence.models import CorrespondenceItem, ItemStatus, Response
from people.models import Branch, Notification
from people.roles import Role
from tests.factories import CaseFactory, EmployerFactory, UserFactory
from tests.pdf import pdf_text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(db):
    ss, sm = Branch.objects.get(code="SS"), Branch.objects.get(code="SM")
    return {
        "secretary": UserFactory(role=Role.SECRETARY),
        "head": UserFactory(role=Role.DEPARTMENT_HEAD),
        "head_ss": UserFactory(role=Role.BRANCH_HEAD, branch=ss),
        "head_sm": UserFactory(role=Role.BRANCH_HEAD, branch=sm),
        "agent_ss": UserFactory(role=Role.AGENT, branch=ss),
        "auditor": UserFactory(role=Role.AUDITOR),
        "ss": ss,
    }


def register(people, **fields):
    values = {
        "counterpart": "Unidad de Afiliación",
        "subject": "Solicitud de estado de cuenta",
        "dated_on": datetime.date(2026, 11, 2),
        "deadline": datetime.date(2026, 11, 16),
        **fields,
    }
    return services.item_register(actor=people["secretary"], **values)


def test_register_with_a_scan_and_refuse_a_bad_one(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    employer = EmployerFactory(branch=people["ss"])
    item = register(
        people,
        employer=employer,
        upload=SimpleUploadedFile("nota.pdf", PDF, content_type="application/pdf"),
    )
    assert item.branch == people["ss"] and item.scan_type == "application/pdf"
    with pytest.raises(ValidationError, match="no es realmente"):
        register(people, upload=SimpleUploadedFile("nota.pdf", b"MZ\x90\x00 not a pdf"))
    with pytest.raises(ValidationError, match="solo se aceptan"):
        register(people, upload=SimpleUploadedFile("nota.exe", PDF))
    big = SimpleUploadedFile("grande.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="10 MB"):
        register(people, upload=big)
    assert CorrespondenceItem.objects.count() == 1


def test_a_deadline_before_the_letter_is_refused_by_the_database_too(people):
    from django.db import IntegrityError, transaction

    with pytest.raises(ValidationError):
        register(people, deadline=datetime.date(2026, 10, 1))
    item = register(people)
    with transaction.atomic(), pytest.raises(IntegrityError):
        CorrespondenceItem.objects.filter(pk=item.pk).update(deadline=datetime.date(2026, 1, 1))


def test_from_assignment_to_the_letter_sent(people, client):
    case = CaseFactory(employer=EmployerFactory(branch=people["ss"]), agent=people["agent_ss"])
    item = register(people, case=case, reference="UA-2026-77")
    assert item.branch == people["ss"] and item.employer == case.employer
    # The secretary registers; she neither assigns nor answers.
    with pytest.raises(Exception):  # noqa: B017
        services.item_assign(item=item, assignee=people["head_ss"], actor=people["secretary"])
    services.item_assign(item=item, assignee=people["head_ss"], actor=people["head"])
    assert Notification.objects.filter(user=people["head_ss"]).exists()
    template = services.ResponseTemplate.objects.get(name="Respuesta a nota recibida")
    text = services.template_text(template, item)
    assert "UA-2026-77" in text and case.employer.employer_number in text
    response = services.response_draft(item=item, actor=people["head_ss"], body=text)
    year = timezone.localdate().year
    assert response.number == f"DRP-{year}-0001"
    # Drafting again before it is sent keeps the number.
    again = services.response_draft(item=item, actor=people["head_ss"], body=text + " Bis.")
    assert again.number == response.number and Response.objects.count() == 1
    client.force_login(people["secretary"])
    pdf = client.get(reverse("correspondence:response_pdf", args=[response.pk])).content
    assert f"DRP-{year}-0001" in pdf_text(pdf) and "UA-2026-77" in pdf_text(pdf)
    with pytest.raises(ValidationError):
        services.item_dispatch(
            item=item,
            actor=people["secretary"],
            sent_on=timezone.localdate() + datetime.timedelta(1),
        )
    services.item_dispatch(item=item, actor=people["secretary"], sent_on=timezone.localdate())
    item.refresh_from_db()
    assert item.status == ItemStatus.SENT
    # Answered: it has left the overdue list although its deadline has passed.
    assert not CorrespondenceItem.objects.overdue(datetime.date(2026, 12, 31)).exists()
    # The case's page lists it.
    client.force_login(people["agent_ss"])
    page = client.get(reverse("recovery:case_detail", args=[case.pk])).content.decode()
    assert "Solicitud de estado de cuenta" in page


def test_a_request_sent_waits_for_its_answer(people):
    item = register(people, direction="outgoing", deadline=datetime.date(2026, 11, 20))
    services.item_assign(item=item, assignee=people["head"], actor=people["head"])
    services.response_draft(item=item, actor=people["head"], body="Solicitamos la escritura.")
    services.item_dispatch(item=item, actor=people["secretary"], sent_on=datetime.date(2026, 11, 3))
    # Sent, the answer is awaited: past its date it is overdue until closed with it.
    assert CorrespondenceItem.objects.overdue(datetime.date(2026, 11, 21)).filter(pk=item.pk)
    with pytest.raises(ValidationError, match="respuesta"):
        services.item_close(item=item, actor=people["secretary"])
    services.item_close(item=item, actor=people["secretary"], note="Recibida la escritura.")
    assert not CorrespondenceItem.objects.overdue(datetime.date(2026, 11, 21)).exists()


@pytest.mark.parametrize(
    "run_date, holiday, reminded",
    [
        # Deadline Monday 16 Nov 2026; two business days before is Thursday 12.
        (datetime.date(2026, 11, 11), None, False),  # Wednesday: Thu, Fri ahead
        (datetime.date(2026, 11, 12), None, True),  # Thursday: Fri, Mon ahead
        (datetime.date(2026, 11, 11), datetime.date(2026, 11, 13), True),  # Fri off
        (datetime.date(2026, 11, 14), None, True),  # a Saturday run reaches Monday
        (datetime.date(2026, 11, 20), None, True),  # overdue and never reminded
    ],
)
def test_reminders_count_business_days(people, run_date, holiday, reminded):
    if holiday:
        Holiday.objects.create(date=holiday, name="Cierre", kind="institutional")
    clear_holiday_cache()
    try:
        item = register(people)
        services.item_assign(item=item, assignee=people["head_ss"], actor=people["head"])
        Notification.objects.all().delete()
        assert services.correspondence_reminders(run_date=run_date) == int(reminded)
        assert Notification.objects.filter(user=people["head_ss"]).exists() == reminded
        # Once per deadline: the next night says nothing more.
        assert services.correspondence_reminders(run_date=run_date) == 0
    finally:
        clear_holiday_cache()


def test_an_unassigned_letter_reminds_the_heads(people):
    register(people)
    assert services.correspondence_reminders(run_date=datetime.date(2026, 11, 13)) == 1
    assert Notification.objects.filter(user=people["head"]).exists()


@pytest.mark.django_db(transaction=True)
def test_two_responses_at_once_never_share_a_number(reference_data):
    from django.db import close_old_connections

    secretary = UserFactory(role=Role.SECRETARY)
    head = UserFactory(role=Role.DEPARTMENT_HEAD)
    items = []
    for n in range(2):
        item = services.item_register(
            actor=secretary,
            counterpart="UACI",
            subject=f"Nota {n}",
            dated_on=datetime.date(2026, 11, 2),
        )
        services.item_assign(item=item, assignee=head, actor=head)
        items.append(item)
    barrier = threading.Barrier(2)
    numbers, errors = [], []

    def answer(item):
        try:
            barrier.wait(5)
            numbers.append(services.response_draft(item=item, actor=head, body="Respuesta.").number)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=answer, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(set(numbers)) == 2


def test_who_sees_what(people, client):
    ss_item = register(people, employer=EmployerFactory(branch=people["ss"]))
    department_item = register(people, subject="Circular de la División")
    url = reverse("correspondence:item_detail", args=[ss_item.pk])
    client.force_login(people["head_sm"])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("correspondence:item_detail", args=[department_item.pk])).status_code
        == 404
    )
    client.force_login(people["agent_ss"])
    assert client.get(url).status_code == 200
    assert client.post(reverse("correspondence:item_assign", args=[ss_item.pk])).status_code == 403
    client.force_login(people["secretary"])
    page = client.get(reverse("correspondence:item_list")).content.decode()
    assert "Circular de la División" in page and "Solicitud de estado de cuenta" in page
    client.force_login(people["auditor"])
    assert client.get(url).status_code == 200
    assert client.get(reverse("correspondence:item_create")).status_code == 403
    assert client.post(reverse("correspondence:item_close", args=[ss_item.pk])).status_code == 403
    ss_item.refresh_from_db()
    assert ss_item.status == ItemStatus.REGISTERED  # the auditor's close was refused


def test_the_list_filters_exports_and_runs_bounded_queries(people, client):
    from django.test.utils import CaptureQueriesContext

    for n in range(30):
        register(people, subject=f"Nota {n}")
    client.force_login(people["secretary"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("correspondence:item_list"), {"pending": "overdue"})
    assert response.status_code == 200 and len(queries) <= 14
    export = client.get(reverse("correspondence:item_list"), {"export": "csv"})
    content = b"".join(export.streaming_content).decode("utf-8-sig")
    assert export.status_code == 200 and "Nota 29" in content
