"""Prescription pages: the list (scoped, filtered, exported), the panels on the case,
the queue, the employer and the dashboard, recording a notice, the rules page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from people.roles import Role
from prescription import services
from prescription.models import NoticeService, PrescriptionRule
from tests.factories import CaseFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db


def owed(employer, days_ago, amount="100.00"):
    due = timezone.localdate() - datetime.timedelta(days=days_ago)
    return PeriodFactory(
        employer=employer,
        period=(due - datetime.timedelta(days=40)).replace(day=1),
        due_date=due,
        employer_share=Decimal(amount),
        worker_share=Decimal("0"),
    )


@pytest.fixture
def accounts(employer_ss, employer_sm, agent_ss, agent_sm):
    case = CaseFactory(employer=employer_ss, agent=agent_ss, status="in_contact")
    CaseFactory(employer=employer_sm, agent=agent_sm, status="in_contact")
    owed(employer_ss, 3600)  # about to prescribe
    owed(employer_ss, 3680, amount="40.00")  # prescribed
    owed(employer_ss, 200)  # years to go
    owed(employer_sm, 3590)
    services.clocks_nightly(run_date=timezone.localdate())
    return case


def test_the_list_shows_what_is_about_to_prescribe_in_the_users_branch_only(
    client, agent_ss, accounts, employer_sm
):
    client.force_login(agent_ss)
    page = client.get(reverse("prescription:clock_list"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Panadería El Trigal" in text and employer_sm.legal_name not in text
    assert "Notificar un requerimiento de pago con acuse de recibo" in text
    assert "Sin confirmar" in text
    prescribed = client.get(reverse("prescription:clock_list"), {"state": "prescribed"})
    assert "Prescrito" in prescribed.content.decode()
    assert "$40.00" in prescribed.content.decode()
    export = client.get(reverse("prescription:clock_list"), {"export": "csv"})
    body = b"".join(export.streaming_content).decode()
    assert "Prescribe el" in body and employer_sm.legal_name not in body
    assert body.count("\n") == 2  # header and the one period about to prescribe


def test_the_head_sees_every_branch_and_the_list_has_bounded_queries(
    client, head, accounts, employer_sm, django_assert_max_num_queries
):
    client.force_login(head)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("prescription:clock_list"))
    assert employer_sm.legal_name in page.content.decode()
    dashboard = client.get(reverse("reporting:dashboard"))
    assert "prescriben en los próximos 180 días" in dashboard.content.decode()


def test_the_case_and_queue_show_por_prescribir_with_the_action(client, agent_ss, accounts):
    client.force_login(agent_ss)
    case_page = client.get(reverse("recovery:case_detail", args=[accounts.pk])).content.decode()
    assert "1 período por prescribir" in case_page
    assert "Registrar un requerimiento notificado con acuse de recibo" in case_page
    assert "Prescritos (quedan registrados" in case_page
    queue = client.get(reverse("recovery:queue")).content.decode()
    assert "Por prescribir" in queue and "Panadería El Trigal" in queue
    employer = client.get(
        reverse("employers:employer_detail", args=[accounts.employer_id])
    ).content.decode()
    assert "Prescripción de cada período adeudado" in employer


def test_recording_a_notice_restarts_the_clocks_and_bad_input_is_refused(
    client, agent_ss, agent_sm, accounts
):
    url = reverse("prescription:notice_record", args=[accounts.pk])
    client.force_login(agent_ss)
    future = timezone.localdate() + datetime.timedelta(days=3)
    page = client.post(
        url,
        {"letter": "first_demand", "served_on": future, "received_by": "A", "acknowledgement": "1"},
        follow=True,
    )
    assert "no puede haberse notificado en el futuro" in page.content.decode()
    assert not NoticeService.objects.exists()
    page = client.post(
        url,
        {
            "letter": "first_demand",
            "served_on": timezone.localdate(),
            "received_by": "Marta López",
            "acknowledgement": "AR-1",
        },
        follow=True,
    )
    assert "Requerimiento notificado el" in page.content.decode()
    assert "1 período por prescribir" not in page.content.decode()
    # Another branch's case is a 404.
    client.force_login(agent_sm)
    assert client.post(url, {}).status_code == 404


def test_only_the_head_records_a_rule_and_the_clocks_are_worked_out_again(
    client, head, agent_ss, accounts
):
    url = reverse("prescription:rule_list")
    client.force_login(agent_ss)
    page = client.get(url).content.decode()
    assert "SIN CONFIRMAR" in page and "Registrar la regla" not in page
    client.force_login(head)
    bad = client.post(url, {"valid_from": "", "years": "0", "legal_basis": ""})
    assert bad.status_code == 200 and "Este campo es obligatorio" in bad.content.decode()
    page = client.post(
        url,
        {
            "valid_from": "2000-01-01",
            "years": "5",
            "legal_basis": "Art. 1 (confirmado)",
            "confirmed": "on",
        },
        follow=True,
    )
    assert PrescriptionRule.objects.count() == 2
    assert "plazo(s) cambiaron" in page.content.decode()
    # Every period now runs 5 years: the one due 3,600 days ago prescribed.
    assert not services.with_action(
        services.PeriodClock.objects.filter(services.soon_q(timezone.localdate()))
    ).exists()
    assert UserFactory(role=Role.AUDITOR).has_perm("prescription.view_periodclock")


def test_the_queue_panel_lists_the_agents_own_active_cases_once_each(
    client, agent_ss, accounts, employer_ss, branch_ss, django_assert_max_num_queries
):
    """One row per active case of the agent's (an older closed case of the same employer
    adds nothing), with its periods about to prescribe; another agent's case is not
    listed."""
    from recovery.models import RecoveryCase
    from tests.factories import EmployerFactory

    RecoveryCase.objects.create(
        employer=employer_ss,
        branch=branch_ss,
        agent=agent_ss,
        status="closed",
        opening_debt=Decimal("10.00"),
        opened_on=datetime.date(2020, 1, 1),
        closed_on=datetime.date(2020, 6, 1),
        close_reason="paid",
    )
    other = EmployerFactory(branch=branch_ss, legal_name="Ferretería de Otro Gestor")
    CaseFactory(employer=other, agent=UserFactory(branch=branch_ss, role=Role.AGENT))
    owed(other, 3600)
    services.clocks_nightly(run_date=timezone.localdate())
    client.force_login(agent_ss)
    with django_assert_max_num_queries(14):
        queue = client.get(reverse("recovery:queue")).content.decode()
    panel = queue.split('id="queue-prescription"', 1)[1].split("</section>", 1)[0]
    assert panel.count("<tr>") == 2  # the header and the one case
    case_url = reverse("recovery:case_detail", args=[accounts.pk])
    assert f'<a href="{case_url}">{employer_ss.employer_number} · ' in panel
    assert '<td class="num">1</td><td class="num">$100.00</td>' in panel
    assert "Otro Gestor" not in panel
