import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from agreements import payments, services
from agreements.models import ConceptAllocation, Installment, Payment
from people.roles import Role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_draft_covers_the_debt_by_concept_and_its_schedule_adds_up(agreement):
    assert agreement.total_amount == Decimal("345.00")
    assert [p.contributions for p in agreement.periods.all()] == [Decimal("100.00")] * 3
    amounts = list(agreement.installments.order_by("number").values_list("amount", flat=True))
    assert amounts == [Decimal("45.00"), Decimal("100.00"), Decimal("100.00"), Decimal("100.00")]


@pytest.mark.django_db
def test_the_policy_is_enforced(case, agent_ss, terms):
    with pytest.raises(ValidationError, match="prima"):
        services.agreement_create(
            case=case, actor=agent_ss, **{**terms, "down_payment": Decimal("1")}
        )
    with pytest.raises(ValidationError, match="cuotas"):
        services.agreement_create(case=case, actor=agent_ss, **{**terms, "installments": 7})


@pytest.mark.django_db
def test_a_draft_can_change_but_a_signed_agreement_cannot(agreement, agent_ss, terms):
    services.agreement_update_draft(
        agreement=agreement, actor=agent_ss, **{**terms, "installments": 2}
    )
    assert agreement.installments.count() == 3
    services.agreement_sign(agreement=agreement, actor=agent_ss, signed_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.agreement_update_draft(agreement=agreement, actor=agent_ss, **terms)


@pytest.mark.django_db
def test_big_agreements_need_approval_and_nobody_approves_their_own(
    case, agent_ss, terms, branch_ss
):
    from agreements.models import AgreementPolicy

    AgreementPolicy.objects.update(approval_threshold=Decimal("100.00"))
    agreement = services.agreement_create(case=case, actor=agent_ss, **terms)
    with pytest.raises(ValidationError, match="aprobación"):
        services.agreement_sign(agreement=agreement, actor=agent_ss, signed_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.agreement_approve(agreement=agreement, actor=agent_ss)
    head = UserFactory(role=Role.BRANCH_HEAD, branch=branch_ss)
    services.agreement_approve(agreement=agreement, actor=head)
    services.agreement_sign(agreement=agreement, actor=agent_ss, signed_on=timezone.localdate())
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    agreement.case.refresh_from_db()
    assert agreement.case.status == "agreement"


@pytest.mark.django_db
def test_it_comes_into_force_only_once_legalized_and_the_down_payment_paid(agreement, agent_ss):
    today = timezone.localdate()
    services.agreement_sign(agreement=agreement, actor=agent_ss, signed_on=today)
    with pytest.raises(ValidationError):
        services.agreement_activate(agreement=agreement, actor=agent_ss)
    services.agreement_legalize(
        agreement=agreement,
        actor=agent_ss,
        legalized_on=today,
        notary="Lic. Mejía",
        protocol="Libro 1",
    )
    with pytest.raises(ValidationError, match="prima"):
        services.agreement_activate(agreement=agreement, actor=agent_ss)


def pay(agreement, actor, receipt, amount):
    return payments.payment_record(
        agreement=agreement,
        actor=actor,
        receipt_number=receipt,
        paid_on=timezone.localdate(),
        amount=Decimal(amount),
    )


def installments(agreement):
    return [
        (i.number, i.paid_amount, i.status)
        for i in Installment.objects.filter(agreement=agreement).order_by("number")
    ]


@pytest.mark.django_db
def test_payments_go_to_the_oldest_unpaid_installment_first(active, agent_ss):
    pay(active, agent_ss, "R-1", "150.00")
    assert installments(active)[1:] == [
        (1, Decimal("100.00"), "paid"),
        (2, Decimal("50.00"), "partly_paid"),
        (3, Decimal("0.00"), "pending"),
    ]


@pytest.mark.django_db
def test_the_debt_is_settled_oldest_period_first_contributions_before_fines(active, agent_ss):
    pay(active, agent_ss, "R-1", "110.00")
    parts = [
        (a.agreement_period.period.period.month, a.concept, a.amount)
        for a in ConceptAllocation.objects.order_by("pk")
    ]
    first_month = active.periods.order_by("period__period").first().period.period.month
    # The down payment (45) took contributions of the first period; then 55 more of it,
    # its fine, its surcharge, and 40 of the second period's contributions.
    assert parts[-4:] == [
        (first_month, "contributions", Decimal("55.00")),
        (first_month, "fines", Decimal("10.00")),
        (first_month, "surcharges", Decimal("5.00")),
        (parts[-1][0], "contributions", Decimal("40.00")),
    ]


@pytest.mark.django_db
def test_an_over_payment_is_kept_apart(active, agent_ss):
    payment = pay(active, agent_ss, "R-1", "400.00")
    assert payment.unallocated == Decimal("100.00")
    assert all(status == "paid" for _n, _p, status in installments(active))


@pytest.mark.django_db
def test_a_receipt_counts_once(active, agent_ss):
    pay(active, agent_ss, "R-1", "10.00")
    with pytest.raises(ValidationError, match="R-1"):
        pay(active, agent_ss, "R-1", "10.00")


@pytest.mark.django_db
def test_a_reversal_undoes_the_allocations_and_keeps_the_others(active, agent_ss):
    first = pay(active, agent_ss, "R-1", "60.00")
    pay(active, agent_ss, "R-2", "60.00")
    payments.payment_reverse(payment=first, actor=agent_ss, reason="Cheque rechazado")
    assert installments(active)[1:] == [
        (1, Decimal("60.00"), "partly_paid"),
        (2, Decimal("0.00"), "pending"),
        (3, Decimal("0.00"), "pending"),
    ]
    total = sum(a.amount for a in ConceptAllocation.objects.all())
    assert total == Decimal("105.00")  # the down payment and the live payment
    with pytest.raises(ValidationError):
        payments.payment_reverse(payment=first, actor=agent_ss, reason="otra vez")


@pytest.mark.django_db(transaction=True)
def test_two_payments_at_the_same_moment_both_count_once(reference_data, branch_ss):
    from tests.agreements.conftest import owed_periods
    from tests.factories import CaseFactory, EmployerFactory

    agent = UserFactory(role=Role.AGENT, branch=branch_ss)
    employer = EmployerFactory(branch=branch_ss)
    owed_periods(employer)
    case = CaseFactory(employer=employer, agent=agent, status="in_contact")
    agreement = services.agreement_create(
        case=case,
        actor=agent,
        down_payment=Decimal("45.00"),
        installments=3,
        first_due_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    today = timezone.localdate()
    services.agreement_sign(agreement=agreement, actor=agent, signed_on=today)
    barrier = threading.Barrier(2)
    errors = []

    def post(receipt):
        try:
            barrier.wait()
            payments.payment_record(
                agreement=agreement,
                actor=agent,
                receipt_number=receipt,
                paid_on=today,
                amount=Decimal("70.00"),
            )
        except Exception as exc:  # pragma: no cover - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(f"R-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Payment.objects.count() == 2
    paid = sum(i.paid_amount for i in Installment.objects.filter(agreement=agreement))
    assert paid == Decimal("140.00")
    assert sum(a.amount for a in ConceptAllocation.objects.all()) == Decimal("140.00")


@pytest.mark.django_db
def test_the_account_statement_shows_agreement_payments_beside_the_paid_figure(
    client, active, agent_ss
):
    from django.urls import reverse

    pay(active, agent_ss, "R-9", "55.00")
    client.force_login(agent_ss)
    response = client.get(reverse("employers:employer_detail", args=[active.employer_id]))
    periods = response.context["statement"].periods
    assert periods[0].agreement_paid == Decimal("100.00")  # 45 down payment + 55
    assert periods[0].paid == Decimal("0.00")  # the account system's figure is untouched


@pytest.mark.django_db
def test_over_the_higher_limit_only_the_department_head_approves(case, agent_ss, terms, branch_ss):
    from agreements.models import AgreementPolicy

    AgreementPolicy.objects.update(
        approval_threshold=Decimal("100.00"), head_approval_threshold=Decimal("300.00")
    )
    agreement = services.agreement_create(case=case, actor=agent_ss, **terms)  # $345
    branch_head = UserFactory(role=Role.BRANCH_HEAD, branch=branch_ss)
    with pytest.raises(ValidationError, match="Jefe de Departamento"):
        services.agreement_approve(agreement=agreement, actor=branch_head)
    head = UserFactory(role=Role.DEPARTMENT_HEAD)
    services.agreement_approve(agreement=agreement, actor=head)
    agreement.refresh_from_db()
    assert agreement.approved_by == head


@pytest.mark.django_db
def test_a_department_heads_own_big_agreement_has_a_way_through_and_every_refusal_says_the_rule(
    case, terms, branch_ss
):
    from django.contrib.auth.models import Permission

    from agreements.models import AgreementPolicy

    AgreementPolicy.objects.update(
        approval_threshold=Decimal("100.00"), head_approval_threshold=Decimal("300.00")
    )
    head = UserFactory(role=Role.DEPARTMENT_HEAD)
    agreement = services.agreement_create(case=case, actor=head, **terms)  # $345
    with pytest.raises(ValidationError) as refused:
        services.agreement_sign(agreement=agreement, actor=head, signed_on=timezone.localdate())
    # The limit quoted is the one that applies: $300.00, not the $100.00 threshold.
    assert "$300.00" in refused.value.messages[0] and "$100.00" not in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        services.agreement_approve(agreement=agreement, actor=head)
    assert "nadie aprueba su propio" in refused.value.messages[0]

    second = UserFactory(role=Role.BRANCH_HEAD, branch=branch_ss)
    second.user_permissions.add(Permission.objects.get(codename="approve_as_second"))
    second = type(second).objects.get(pk=second.pk)  # fresh permission cache
    services.agreement_approve(agreement=agreement, actor=second)
    services.agreement_sign(agreement=agreement, actor=head, signed_on=timezone.localdate())
    agreement.refresh_from_db()
    assert agreement.status == "signed" and agreement.approved_by == second


@pytest.mark.django_db(transaction=True)
def test_the_same_receipt_at_the_same_moment_on_two_agreements_is_refused_with_the_rule(
    reference_data, branch_ss
):
    import threading

    from django.db import connection

    from agreements import payments
    from agreements.models import Payment
    from tests.agreements.conftest import owed_periods
    from tests.factories import CaseFactory, EmployerFactory

    agent = UserFactory(role=Role.AGENT, branch=branch_ss)
    agreements = []
    for _ in range(2):
        employer = EmployerFactory(branch=branch_ss)
        owed_periods(employer)
        case = CaseFactory(employer=employer, agent=agent, status="in_contact")
        agreement = services.agreement_create(
            case=case,
            actor=agent,
            down_payment=Decimal("45.00"),
            installments=3,
            first_due_date=timezone.localdate() + datetime.timedelta(days=30),
        )
        services.agreement_sign(agreement=agreement, actor=agent, signed_on=timezone.localdate())
        agreements.append(agreement)
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def post(agreement):
        try:
            barrier.wait()
            payments.payment_record(
                agreement=agreement,
                actor=agent,
                receipt_number="MISMO-1",
                paid_on=timezone.localdate(),
                amount=Decimal("45.00"),
            )
            outcomes.append("recorded")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        except Exception as exc:  # pragma: no cover - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(a,)) for a in agreements]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == sorted(["recorded", "El recibo MISMO-1 ya está registrado."])
    assert Payment.objects.filter(receipt_number="MISMO-1").count() == 1


@pytest.mark.django_db
def test_a_payment_cannot_predate_the_signing(active, agent_ss):
    from agreements import payments

    with pytest.raises(ValidationError, match="anterior a la firma"):
        payments.payment_record(
            agreement=active,
            actor=agent_ss,
            receipt_number="OLD-1",
            paid_on=datetime.date(1, 1, 1),
            amount=Decimal("10.00"),
        )


@pytest.mark.django_db
def test_reversing_a_payment_of_a_completed_agreement_reopens_it_and_its_case(active, agent_ss):
    from agreements.jobs import agreements_complete

    today = timezone.localdate()
    everything = pay(active, agent_ss, "R-ALL", "300.00")
    agreements_complete(run_date=today)
    active.refresh_from_db()
    case = active.case
    case.refresh_from_db()
    assert (active.status, case.status) == ("completed", "settled")
    payments.payment_reverse(payment=everything, actor=agent_ss, reason="Cheque sin fondos")
    active.refresh_from_db()
    case.refresh_from_db()
    assert (active.status, active.completed_on) == ("active", None)
    assert (case.status, case.closed_on) == ("agreement", None)
    reopened = active.timeline.filter(kind="status").latest("at")
    assert (reopened.before, reopened.after) == ("Cumplido", "Activo")
    assert "R-ALL" in reopened.reason and reopened.actor == agent_ss
    assert "R-ALL" in case.timeline.latest("at").reason
    # Not an action anyone can pick on the page.
    assert "active" not in active.allowed_transitions
    # Completed again once paid again.
    pay(active, agent_ss, "R-ALL-2", "300.00")
    agreements_complete(run_date=today)
    active.refresh_from_db()
    assert active.status == "completed"
