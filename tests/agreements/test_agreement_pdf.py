"""The agreement PDF carries what a notary needs."""

from decimal import Decimal

import pytest

from agreements import services
from agreements.models import AgreementPolicy
from agreements.pdf import render_agreement_pdf
from tests.pdf import pdf_pages, pdf_text


@pytest.mark.django_db
def test_a_legal_persons_agreement_names_each_signatory_with_id_and_capacity(active, settings):
    settings.INSTITUTE_SIGNATORY_NAME = "Lic. Marta Cruz"
    employer = active.employer
    employer.legal_representative, employer.legal_representative_dui = "Juan Pérez", "012345678"
    employer.save()
    text = pdf_text(render_agreement_pdf(active))
    assert "representado por Lic. Marta Cruz, Jefe del Departamento de Recuperación" in text
    assert (
        "representada por Juan Pérez, con DUI 01234567-8, en su calidad de representante legal"
        in text
    )
    assert f"Firmado en San Salvador, el {active.signed_on.day} de" in text
    assert "Totales" in text
    assert "Representante legal de" in text
    assert "BORRADOR" not in text


@pytest.mark.django_db
def test_a_natural_persons_agreement_has_its_own_clause(active):
    employer = active.employer
    employer.person_type, employer.dui, employer.legal_representative = "natural", "012345678", ""
    employer.save()
    text = pdf_text(render_agreement_pdf(active))
    assert "actuando en nombre propio" in text and "DUI 01234567-8" in text
    assert "representada por" not in text and "—" not in text.split("PRIMERA")[0]


@pytest.mark.django_db
def test_an_agreement_awaiting_its_approval_prints_as_a_draft(case, agent_ss, terms):
    AgreementPolicy.objects.update(approval_threshold=Decimal("100.00"))
    agreement = services.agreement_create(case=case, actor=agent_ss, **terms)
    pages = pdf_pages(render_agreement_pdf(agreement))
    text = " ".join(pages)
    assert all("BORRADOR" in page for page in pages)  # across every page
    assert "Firmado en San Salvador, a los ______ días" in text
