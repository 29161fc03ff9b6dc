"""The Board's pages: scoped to the user's branch (another branch's request is a 404),
only the actions the state and role allow, the PDFs' text, bounded queries."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from council import services
from council.models import DocumentType, RequestStatus, Submission
from council.pdf import render_submission_pdf
from people.roles import Role
from tests.council.conftest import PDF, owed, submit
from tests.factories import EmployerFactory, UserFactory
from tests.pdf import pdf_pages, pdf_text


@pytest.fixture
def other_branch_request(employer_sm, agent_sm):
    owed(employer_sm)
    return services.request_create(
        employer=employer_sm, actor=agent_sm, received_on=timezone.localdate()
    )


@pytest.mark.django_db
def test_another_branchs_request_is_a_404(client, agent_ss, other_branch_request, settlement):
    client.force_login(agent_ss)
    pk = other_branch_request.pk
    for url in [
        reverse("council:request_detail", args=[pk]),
        reverse("council:request_draft_pdf", args=[pk]),
    ]:
        assert client.get(url).status_code == 404
    for name in ["request_transition", "request_refresh", "request_draft"]:
        assert (
            client.post(reverse(f"council:{name}", args=[pk]), {"to": "review"}).status_code == 404
        )
    # Without the permission, the same answer whether the request exists or not.
    assert (
        client.post(reverse("council:request_check", args=[pk])).status_code
        == client.post(reverse("council:request_check", args=[pk + 999])).status_code
        == 403
    )
    listing = client.get(reverse("council:request_list")).content.decode()
    assert settlement.number in listing and other_branch_request.number not in listing


@pytest.mark.django_db
def test_a_document_is_served_only_to_who_may_see_its_request(
    client, agent_ss, agent_sm, settlement
):
    kind = DocumentType.objects.filter(kind="settlement").first()
    client.force_login(agent_ss)
    response = client.post(
        reverse("council:request_document", args=[settlement.pk, kind.pk]),
        {"file": SimpleUploadedFile("carta.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    document = settlement.documents.get()
    assert client.get(reverse("council:document_download", args=[document.pk])).status_code == 200
    client.force_login(agent_sm)
    assert client.get(reverse("council:document_download", args=[document.pk])).status_code == 404


@pytest.mark.django_db
def test_a_fake_pdf_is_refused_with_the_reason(client, agent_ss, settlement):
    kind = DocumentType.objects.filter(kind="settlement").first()
    client.force_login(agent_ss)
    response = client.post(
        reverse("council:request_document", args=[settlement.pk, kind.pk]),
        {"file": SimpleUploadedFile("carta.pdf", b"MZ\x90\x00", content_type="application/pdf")},
        follow=True,
    )
    assert "carta.pdf" in response.content.decode()
    assert not settlement.documents.exists()


@pytest.mark.django_db
def test_the_preparer_is_not_offered_the_review(client, agent_ss, head, settlement):
    services.request_transition(request=settlement, to_status="review", actor=head)
    client.force_login(agent_ss)
    page = client.get(reverse("council:request_detail", args=[settlement.pk])).content.decode()
    assert reverse("council:request_check", args=[settlement.pk]) not in page
    client.force_login(head)
    page = client.get(reverse("council:request_detail", args=[settlement.pk])).content.decode()
    assert reverse("council:request_check", args=[settlement.pk]) in page


@pytest.mark.django_db
def test_the_auditor_reads_everything_and_writes_nothing(client, settlement, other_branch_request):
    auditor = UserFactory(role=Role.AUDITOR)
    client.force_login(auditor)
    for pk in (settlement.pk, other_branch_request.pk):
        page = client.get(reverse("council:request_detail", args=[pk]))
        assert page.status_code == 200
        assert (
            b'<form method="post"'
            not in page.content.split(b"<main>")[1].replace(b'action="/cuenta/salir/"', b"")
            or b"csrfmiddlewaretoken" not in page.content.split(b"<main>")[1]
        )
    assert (
        client.post(
            reverse("council:request_check", args=[settlement.pk]), {"part": "contents"}
        ).status_code
        == 403
    )
    assert client.get(reverse("council:request_create")).status_code == 403
    assert client.get(reverse("council:waiver_export")).status_code == 403


@pytest.mark.django_db
def test_a_request_is_registered_from_its_page(client, agent_ss, employer_ss, periods, branch_sm):
    client.force_login(agent_ss)
    response = client.post(
        reverse("council:request_create"),
        {
            "employer_number": employer_ss.employer_number,
            "received_on": timezone.localdate().isoformat(),
            "payment_terms": "at_once",
        },
    )
    assert response.status_code == 302
    request = services.SettlementRequest.objects.get()
    assert request.periods.count() == 3 and request.prepared_by == agent_ss
    # An unknown employer, or one of another branch, is an error on the form.
    for number in ("999", EmployerFactory(branch=branch_sm).employer_number):
        page = client.post(
            reverse("council:request_create"),
            {"employer_number": number, "received_on": "2026-01-01", "payment_terms": "at_once"},
        )
        assert page.status_code == 200
        assert "Ningún patrono a su cargo tiene ese número" in page.content.decode()


@pytest.mark.django_db
def test_the_draft_pdf_has_the_amounts_and_the_amount_in_words(client, agent_ss, settlement):
    client.force_login(agent_ss)
    response = client.get(reverse("council:request_draft_pdf", args=[settlement.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "ANTEPROYECTO DE ACUERDO" in text
    assert "$45.00" in text and "CUARENTA Y CINCO 00/100 DÓLARES" in text
    assert settlement.number in text


@pytest.mark.django_db
def test_a_200_request_index_renders_as_one_pdf(branch_ss, agent_ss, head, staff, session):
    requests = []
    for _n in range(200):
        employer = EmployerFactory(branch=branch_ss)
        owed(employer, months=1, fines="1.00", surcharges="0.50")
        requests.append(
            services.request_create(
                employer=employer, actor=agent_ss, received_on=timezone.localdate()
            )
        )
    services.SettlementRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
        status=RequestStatus.READY
    )
    submission = submit(requests, session, staff)
    pages = pdf_pages(render_submission_pdf(submission))
    text = " ".join(pages)
    assert 3 <= len(pages) <= 16
    assert "$300.00" in text  # 200 times $1.50
    assert "TRESCIENTOS 00/100 DÓLARES" in text
    assert Submission.objects.get().requests.count() == 200


@pytest.mark.django_db
def test_the_lists_and_the_desk_have_bounded_queries(
    client, head, branch_ss, agent_ss, staff, session, django_assert_max_num_queries
):
    for count in (2, 12):
        while services.SettlementRequest.objects.count() < count:
            employer = EmployerFactory(branch=branch_ss)
            owed(employer, months=2)
            services.request_create(
                employer=employer, actor=agent_ss, received_on=timezone.localdate()
            )
        client.force_login(head)
        for url in [
            reverse("council:desk"),
            reverse("council:request_list"),
            reverse("council:waiver_list"),
            reverse("council:session_list"),
            reverse("council:session_detail", args=[session.pk]),
            reverse("council:dispatch_list"),
            reverse("council:request_detail", args=[services.SettlementRequest.objects.first().pk]),
        ]:
            with django_assert_max_num_queries(40):
                assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_the_outcome_is_recorded_from_the_page_with_lower_amounts(client, ready, session, staff):
    submit([ready], session, staff)
    services.BoardSession.objects.filter(pk=session.pk).update(date=timezone.localdate())
    line = ready.periods.order_by("period__period").first()
    client.force_login(staff)
    response = client.post(
        reverse("council:request_outcome", args=[ready.pk]),
        {
            "outcome": "approved",
            "resolution_number": "ACUERDO #2026-1500.DIC.",
            "resolution_date": timezone.localdate().isoformat(),
            f"fines_{line.pk}": "2.50",
            f"surcharges_{line.pk}": "abc",
        },
        follow=True,
    )
    ready.refresh_from_db()
    assert ready.status == RequestStatus.SUBMITTED  # a bad amount: nothing recorded
    response = client.post(
        reverse("council:request_outcome", args=[ready.pk]),
        {
            "outcome": "approved",
            "resolution_number": "ACUERDO #2026-1500.DIC.",
            "resolution_date": timezone.localdate().isoformat(),
            f"fines_{line.pk}": "2.50",
            f"surcharges_{line.pk}": "5.00",
        },
    )
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == RequestStatus.APPROVED_CHANGES
    assert ready.waivers.get(period=line.period).fines == Decimal("2.50")


@pytest.mark.django_db
def test_the_dispatch_memo_lists_the_resolutions_and_documents(client, approved, staff):
    for waiver in approved.waivers.all():
        services.waiver_confirm_applied(waiver=waiver, actor=staff, note="ref")
    approved.refresh_from_db()
    dispatch = services.dispatch_create(
        requests=[approved], actor=staff, sent_on=timezone.localdate()
    )
    client.force_login(staff)
    response = client.get(reverse("council:dispatch_pdf", args=[dispatch.pk]))
    text = pdf_text(response.content)
    assert dispatch.number in text and approved.number in text
    assert "ACUERDO #2026-1234.NOV." in text
    assert "Carta de solicitud firmada" in text
    # Another branch's user does not get it.
    client.force_login(
        UserFactory(role=Role.AGENT, branch=approved.branch.__class__.objects.get(code="SM"))
    )
    assert client.get(reverse("council:dispatch_pdf", args=[dispatch.pk])).status_code == 404
