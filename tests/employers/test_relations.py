"""Related employers, on hand-made data: each reason found by the nightly job, values
shared too widely ignored, a pair removed when it no longer shares anything, the alert
of a company closed with arrears and reopened, and the employer's page (scoped)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from employers.models import EmployerRelation
from employers.relations import MAX_SHARING, relations_find
from people.models import Notification
from people.roles import Role
from tests.factories import EmployerFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db


def night():
    return relations_find(run_date=timezone.localdate())


def pairs():
    return set(EmployerRelation.objects.values_list("employer_id", "related_id", "reason"))


def test_each_shared_datum_relates_two_employers_with_its_reason(branch_ss):
    base = {"branch": branch_ss}
    a = EmployerFactory(
        **base,
        nit="06140101901015",
        phone="(503) 2222-1111",
        email="Pagos@Trigal.com.sv",
        address="Calle Arce #123, San Salvador, frente al parque",
    )
    b = EmployerFactory(**base, nit="06140101901015")  # the same NIT, another number
    c = EmployerFactory(**base, phone="2222 1111")
    d = EmployerFactory(**base, email="pagos@trigal.com.sv ")
    e = EmployerFactory(**base, address="calle ARCE 123 san salvador, Frente al Parque.")
    f = EmployerFactory(**base, legal_representative_dui="024950463")
    g = EmployerFactory(**base, person_type="natural", nit="024950463", dui="024950463")
    EmployerFactory(**base, phone="123")  # too short to mean anything
    counts = night()
    assert counts["found"] == 5
    assert pairs() == {
        (a.pk, b.pk, "nit"),
        (a.pk, c.pk, "phone"),
        (a.pk, d.pk, "email"),
        (a.pk, e.pk, "address"),
        (f.pk, g.pk, "representative"),
    }
    # Run again: nothing new, nothing removed.
    assert night() == {"found": 0, "removed": 0, "alerted": 0}


def test_a_value_shared_too_widely_relates_no_one_and_a_changed_one_is_removed(branch_ss):
    for _ in range(MAX_SHARING + 1):
        EmployerFactory(branch=branch_ss, phone="2200-0000")  # an accountants' office
    a = EmployerFactory(branch=branch_ss, email="conta@despacho.com")
    b = EmployerFactory(branch=branch_ss, email="conta@despacho.com")
    night()
    assert pairs() == {(a.pk, b.pk, "email")}
    b.email = "otro@correo.com"
    b.save()
    assert night()["removed"] == 1 and pairs() == set()


def test_a_company_closed_with_arrears_and_reopened_alerts_the_branch_heads_once(
    branch_ss, branch_sm, agent_ss
):
    head_ss = UserFactory(role=Role.BRANCH_HEAD, branch=branch_ss)
    head_sm = UserFactory(role=Role.BRANCH_HEAD, branch=branch_sm)
    old = EmployerFactory(
        branch=branch_sm, status="closed", legal_name="Textiles Viejos", phone="7777-8888"
    )
    PeriodFactory(
        employer=old,
        period=datetime.date(2024, 1, 1),
        due_date=datetime.date(2024, 2, 15),
        employer_share=Decimal("300.00"),
    )
    new = EmployerFactory(branch=branch_ss, legal_name="Textiles Nuevos", phone="7777 8888")
    # A closed employer that owes nothing is not an alert.
    paid_up = EmployerFactory(branch=branch_sm, status="closed", email="x@y.com")
    EmployerFactory(branch=branch_ss, email="x@y.com")
    assert paid_up
    counts = night()
    assert counts["alerted"] == 1
    [notice] = Notification.objects.filter(user=head_ss)
    assert "Textiles Nuevos" in notice.body and "Textiles Viejos" in notice.body
    assert notice.url == f"/patronos/{new.pk}/"
    assert not Notification.objects.filter(user=head_sm).exists()
    assert not Notification.objects.filter(user=agent_ss).exists()
    assert night()["alerted"] == 0
    assert Notification.objects.filter(user=head_ss).count() == 1


def test_the_page_shows_the_visible_ones_and_only_counts_the_others(
    client, branch_ss, branch_sm, agent_ss, head
):
    mine = EmployerFactory(branch=branch_ss, legal_name="Panadería Uno", phone="2525-3636")
    other = EmployerFactory(branch=branch_ss, legal_name="Panadería Dos", phone="25253636")
    far = EmployerFactory(branch=branch_sm, legal_name="Panadería Tres", phone="2525 3636")
    night()
    client.force_login(agent_ss)
    page = client.get(reverse("employers:employer_detail", args=[mine.pk])).content.decode()
    assert "Patronos relacionados" in page and "Panadería Dos" in page
    assert "Mismo teléfono: 25253636" in page
    assert "Panadería Tres" not in page and "1 patrono relacionado en una sucursal" in page
    client.force_login(head)
    page = client.get(reverse("employers:employer_detail", args=[mine.pk])).content.decode()
    assert "Panadería Tres" in page and "Panadería Dos" in page
    assert other and far
