"""Holds and the base documentation checklist."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from recovery.models import (
    CaseDocument,
    DocumentRequirement,
)
from recovery.services import case_hold


@pytest.mark.django_db
def test_hold_needs_a_reason_an_end_and_an_explanation(agent_ss, case):
    from django.core.exceptions import ValidationError

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        case_hold(
            case=case, hold_reason="dispute", until=timezone.localdate(), note="x", actor=agent_ss
        )
    with pytest.raises(ValidationError):
        case_hold(case=case, hold_reason="dispute", until=tomorrow, note="", actor=agent_ss)
    case = case_hold(
        case=case, hold_reason="dispute", until=tomorrow, note="Reclama planilla", actor=agent_ss
    )
    assert case.is_on_hold(timezone.localdate())


@pytest.mark.django_db
def test_documents_are_uploaded_or_marked_missing(client, agent_ss, case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first, second = DocumentRequirement.objects.all()[:2]
    client.force_login(agent_ss)
    url = reverse("recovery:case_document", args=[case.pk, first.pk])
    client.post(url, {"file": SimpleUploadedFile("estado.pdf", b"%PDF-1.4")})
    client.post(
        reverse("recovery:case_document", args=[case.pk, second.pk]),
        {"missing": "1", "note": "El patrono no lo entregó"},
    )
    documents = {d.requirement_id: d for d in CaseDocument.objects.all()}
    assert documents[first.pk].file and not documents[first.pk].is_missing
    assert documents[second.pk].is_missing
    page = client.get(reverse("recovery:case_detail", args=[case.pk])).content.decode()
    assert "estado.pdf" in page and "El patrono no lo entregó" in page
