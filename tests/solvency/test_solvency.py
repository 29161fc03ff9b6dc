"""Solvency: the assessment's rules against hand-made accounts, the command's exit
codes, the certificate (yearly number, validity, code), its verification and flag."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agreements.models import Installment, PaymentAgreement
from legal.models import LegalReferral
from solvency import services
from solvency.models import SolvencyCertificate
from tests.agreements.conftest import active, agreement, case, owed_periods, terms  # noqa: F401
from tests.factories import EmployerFactory, PeriodFactory, UserFactory
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)


def period(employer, *, due, owed="100.00", paid="0.00"):
    return PeriodFactory(
        employer=employer,
        period=(due - datetime.timedelta(days=40)).replace(day=1),
        due_date=due,
        employer_share=Decimal(owed),
        worker_share=Decimal("0"),
        paid=Decimal(paid),
    )


def test_an_employer_with_nothing_overdue_is_solvent(employer_ss):
    period(employer_ss, due=TODAY - datetime.timedelta(days=40), paid="100.00")
    period(employer_ss, due=TODAY + datetime.timedelta(days=5))  # not due yet
    assessment = services.assess(employer_ss, TODAY)
    assert assessment.solvent and assessment.standing == "solvent" and assessment.reasons == []


def test_arrears_beyond_the_tolerance_and_the_grace_days(employer_ss, settings):
    period(employer_ss, due=TODAY - datetime.timedelta(days=70))
    period(employer_ss, due=TODAY - datetime.timedelta(days=3), owed="50.00")
    [reason] = services.assess(employer_ss, TODAY).reasons
    assert "2 período(s)" in reason and "$150.00" in reason
    settings.SOLVENCY_GRACE_DAYS = 5
    [reason] = services.assess(employer_ss, TODAY).reasons
    assert "1 período(s)" in reason and "$100.00" in reason
    settings.SOLVENCY_TOLERANCE = Decimal("100.00")
    assert services.assess(employer_ss, TODAY).solvent


def test_an_agreement_in_force_and_up_to_date_counts_as_solvent(active, settings):  # noqa: F811
    employer = active.employer
    assessment = services.assess(employer)
    assert assessment.solvent and assessment.standing == "with_agreement"
    assert assessment.agreement == active
    settings.SOLVENCY_AGREEMENT_COUNTS = False
    assert not services.assess(employer).solvent
    settings.SOLVENCY_AGREEMENT_COUNTS = True
    # An installment overdue: no longer up to date.
    Installment.objects.filter(agreement=active, number=1).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2)
    )
    reasons = services.assess(employer).reasons
    assert any("cuota vencida" in r for r in reasons) and any("mora" in r for r in reasons)


def test_a_breached_agreement_and_a_pending_referral_are_reasons(active):  # noqa: F811
    PaymentAgreement.objects.filter(pk=active.pk).update(status="breached")
    LegalReferral.objects.create(
        case=active.case,
        agreement=active,
        referred_on=timezone.localdate(),
        debt=Decimal("300.00"),
    )
    reasons = services.assess(active.employer).reasons
    assert any("incumplido" in r for r in reasons)
    assert any("Unidad Jurídica" in r for r in reasons)


def test_the_command_says_why_and_exits_1_when_not_solvent(employer_ss):
    out = io.StringIO()
    call_command("solvency", employer_ss.employer_number, stdout=out)
    assert "Solvente" in out.getvalue()
    period(employer_ss, due=timezone.localdate() - datetime.timedelta(days=40))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("solvency", employer_ss.employer_number, stdout=out)
    assert exit_.value.code == 1
    assert "No solvente" in out.getvalue() and "mora" in out.getvalue()


def test_certificates_are_numbered_per_year_registered_and_refused_when_not_solvent(
    employer_ss, agent_ss, settings
):
    first = services.certificate_issue(employer=employer_ss, actor=agent_ss)
    second = services.certificate_issue(employer=employer_ss, actor=agent_ss)
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"CS-{year}-0001", f"CS-{year}-0002")
    assert first.valid_until == timezone.localdate() + datetime.timedelta(days=30)
    assert first.code != second.code and len(first.code) == 14
    owing = EmployerFactory(branch=employer_ss.branch)
    period(owing, due=timezone.localdate() - datetime.timedelta(days=40))
    with pytest.raises(ValidationError, match="no es solvente"):
        services.certificate_issue(employer=owing, actor=agent_ss)
    assert SolvencyCertificate.objects.count() == 2


def test_another_branch_and_the_auditor_cannot_issue(employer_ss, agent_sm):
    with pytest.raises(PermissionDenied):
        services.certificate_issue(employer=employer_ss, actor=agent_sm)
    auditor = UserFactory(role="Auditor")
    with pytest.raises(PermissionDenied):
        services.certificate_issue(employer=employer_ss, actor=auditor)


def test_verification_without_the_account_and_the_flag_after_arrears(client, employer_ss, agent_ss):
    certificate = services.certificate_issue(employer=employer_ss, actor=agent_ss)
    secretary = UserFactory(role="Secretaria")  # anyone in the institute
    client.force_login(secretary)
    # Every page leads there (the secretary's own landing page, say).
    landing = client.get(reverse("correspondence:item_list")).content.decode()
    assert reverse("solvency:verify") in landing
    page = client.get(reverse("solvency:verify"), {"codigo": certificate.code.lower()})
    text = page.content.decode()
    assert page.status_code == 200 and certificate.number in text and "Vigente" in text
    assert "Estado de cuenta" not in text
    period(employer_ss, due=timezone.localdate() - datetime.timedelta(days=40))
    text = client.get(reverse("solvency:verify"), {"codigo": certificate.code}).content.decode()
    assert "ya no es solvente" in text
    SolvencyCertificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert services.verify(certificate.code).valid is False
    missing = client.get(reverse("solvency:verify"), {"codigo": "XXXX-XXXX-XXXX"})
    assert "Ninguna constancia" in missing.content.decode()


def test_the_employer_page_issues_it_and_the_pdf_reads_right(client, employer_ss, agent_ss):
    client.force_login(agent_ss)
    page = client.get(reverse("employers:employer_detail", args=[employer_ss.pk]))
    assert "Emitir una constancia de solvencia" in page.content.decode()
    client.post(reverse("solvency:certificate_issue", args=[employer_ss.pk]))
    certificate = SolvencyCertificate.objects.get()
    pdf = client.get(reverse("solvency:certificate_pdf", args=[certificate.pk]))
    text = pdf_text(pdf.content)
    assert certificate.number in text and certificate.code in text
    assert employer_ss.legal_name.split(",")[0] in text
    listing = client.get(reverse("solvency:certificate_list"))
    assert certificate.number in listing.content.decode()


def test_another_branchs_employer_and_certificate_are_404(client, employer_ss, agent_ss, agent_sm):
    certificate = services.certificate_issue(employer=employer_ss, actor=agent_ss)
    client.force_login(agent_sm)
    assert (
        client.post(reverse("solvency:certificate_issue", args=[employer_ss.pk])).status_code == 404
    )
    assert client.get(reverse("solvency:certificate_pdf", args=[certificate.pk])).status_code == 404
    assert (
        certificate.number not in client.get(reverse("solvency:certificate_list")).content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_two_certificates_at_once_never_share_a_number(reference_data):
    import threading

    from django.db import close_old_connections, connection

    from people.models import Branch

    ss = Branch.objects.get(code="SS")
    agent = UserFactory(role="Gestor de Cobros", branch=ss)
    employers = [EmployerFactory(branch=ss) for _ in range(2)]
    barrier = threading.Barrier(2)
    numbers, errors = [], []

    def issue(employer):
        try:
            barrier.wait(5)
            numbers.append(services.certificate_issue(employer=employer, actor=agent).number)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=issue, args=(e,)) for e in employers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(set(numbers)) == 2


@pytest.mark.parametrize(
    "make_insolvent",
    ["arrears", "breached", "referral"],
)
def test_the_register_flags_a_valid_certificate_whose_employer_is_no_longer_solvent(
    client,
    active,  # noqa: F811
    agent_ss,
    make_insolvent,
    django_assert_max_num_queries,
):
    employer = active.employer
    certificate = services.certificate_issue(employer=employer, actor=agent_ss)
    clean = EmployerFactory(branch=employer.branch)
    services.certificate_issue(employer=clean, actor=agent_ss)
    client.force_login(agent_ss)
    url = reverse("solvency:certificate_list")
    assert "ya no es solvente" not in client.get(url).content.decode().lower()
    if make_insolvent == "arrears":
        period(employer, due=timezone.localdate() - datetime.timedelta(days=400))
    elif make_insolvent == "breached":
        PaymentAgreement.objects.filter(pk=active.pk).update(status="breached")
    else:
        LegalReferral.objects.create(
            case=active.case, referred_on=timezone.localdate(), debt=Decimal("300.00")
        )
    assert not services.assess(employer).solvent
    assert services.not_solvent([employer.pk, clean.pk], timezone.localdate()) == {employer.pk}
    with django_assert_max_num_queries(16):
        page = client.get(url).content.decode()
    row = page[page.index(certificate.number) :].split("</tr>")[0]
    assert "El patrono ya no es solvente" in row


def _late(employer, days=70, owed="100.00"):
    period(employer, due=timezone.localdate() - datetime.timedelta(days=days), owed=owed)


def _not_due(employer):
    period(employer, due=timezone.localdate() + datetime.timedelta(days=10))


def _paid(employer):
    period(employer, due=timezone.localdate() - datetime.timedelta(days=70), paid="100.00")


def _late_3_days(employer):
    _late(employer, days=3)


def _late_30_days(employer):
    _late(employer, days=30)


def _older_late(employer):
    _late(employer, days=400, owed="50.00")


# What the account holds, the rule's settings, the standing, a fragment of the reason.
RULES = [
    ("nothing at all", [], {}, "solvent", None),
    ("a period paid", [_paid], {}, "solvent", None),
    ("a period not due yet", [_not_due], {}, "solvent", None),
    ("a period in arrears", [_late], {}, "insolvent", "1 período(s)"),
    ("within the tolerance", [_late], {"SOLVENCY_TOLERANCE": Decimal("100.00")}, "solvent", None),
    ("over the tolerance", [_late], {"SOLVENCY_TOLERANCE": Decimal("99.99")}, "insolvent", "$100"),
    ("within the grace days", [_late_3_days], {"SOLVENCY_GRACE_DAYS": 5}, "solvent", None),
    ("beyond the grace days", [_late_30_days], {"SOLVENCY_GRACE_DAYS": 5}, "insolvent", "mora"),
    ("two periods late", [_late, _older_late], {}, "insolvent", "$150.00"),
]


@pytest.mark.parametrize(
    "account, rule, standing, reason", [r[1:] for r in RULES], ids=[r[0] for r in RULES]
)
def test_the_solvency_rules_table(employer_ss, settings, account, rule, standing, reason):
    for name, value in rule.items():
        setattr(settings, name, value)
    for make in account:
        make(employer_ss)
    assessment = services.assess(employer_ss, timezone.localdate())
    assert assessment.standing == standing
    if reason:
        assert any(reason in r for r in assessment.reasons), assessment.reasons
    # The register's set-based rule agrees with the assessment.
    found = services.not_solvent([employer_ss.pk], timezone.localdate())
    assert (employer_ss.pk in found) == (standing == "insolvent")
