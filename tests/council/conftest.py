import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from council import services
from council.models import BoardSession, DocumentType, RequestStatus
from people.roles import Role
from tests.factories import CaseFactory, PeriodFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def owed(employer, months=3, fines="10.00", surcharges="5.00"):
    today = timezone.localdate()
    periods = []
    for index in range(months):
        due = today - datetime.timedelta(days=30 * (months - index) + 10)
        periods.append(
            PeriodFactory(
                employer=employer,
                period=(due - datetime.timedelta(days=40)).replace(day=1),
                due_date=due,
                employer_share=Decimal("100.00"),
                worker_share=Decimal("0"),
                fines=Decimal(fines),
                surcharges=Decimal(surcharges),
            )
        )
    return periods


def upload_all(request, actor):
    for kind in DocumentType.objects.filter(kind=request.kind, is_active=True):
        services.request_document_upload(
            request=request,
            document_type=kind,
            upload=SimpleUploadedFile("doc.pdf", PDF, content_type="application/pdf"),
            actor=actor,
        )


@pytest.fixture
def staff(db):
    return UserFactory(role=Role.ADMIN_STAFF, username="colaboradora")


@pytest.fixture
def periods(employer_ss):
    return owed(employer_ss)


@pytest.fixture
def case(employer_ss, agent_ss, periods):
    return CaseFactory(employer=employer_ss, agent=agent_ss, status="in_contact")


@pytest.fixture
def settlement(case, employer_ss, agent_ss):
    """Received at the branch, prepared by its agent."""
    return services.request_create(
        employer=employer_ss, actor=agent_ss, received_on=timezone.localdate()
    )


def make_ready(request, reviewer, preparer):
    upload_all(request, preparer)
    services.request_transition(request=request, to_status=RequestStatus.REVIEW, actor=reviewer)
    services.request_check(request=request, part="contents", actor=reviewer)
    services.request_check(request=request, part="documents", actor=reviewer)
    services.request_transition(request=request, to_status=RequestStatus.READY, actor=reviewer)
    request.refresh_from_db()
    return request


@pytest.fixture
def ready(settlement, head, agent_ss):
    return make_ready(settlement, head, agent_ss)


@pytest.fixture
def session(db):
    return BoardSession.objects.create(
        number="2026-45", date=timezone.localdate() + datetime.timedelta(days=3), kind="ordinary"
    )


def submit(requests, session, actor):
    return services.submission_create(
        session=session, requests=requests, actor=actor, sent_on=timezone.localdate()
    )


def resolve(request, actor, session=None, **kwargs):
    """Record the Board's approval (the session as of today, its date passed)."""
    if session is not None:
        BoardSession.objects.filter(pk=session.pk).update(date=timezone.localdate())
    request.refresh_from_db()
    return services.request_record_outcome(
        request=request,
        approved=kwargs.pop("approved", True),
        resolution_number=kwargs.pop("number", "ACUERDO #2026-1234.NOV."),
        resolution_date=timezone.localdate(),
        actor=actor,
        **kwargs,
    )


@pytest.fixture
def approved(ready, session, staff, head):
    submit([ready], session, staff)
    return resolve(ready, staff, session)
