"""Strategies the head can test: the random split of the new cases and its record, the
challenger's own ladder, the versioned edits (who, when, why), the comparison with its
confidence intervals, and the pages (only the head changes; the auditor reads)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import AgreementPolicy
from people.roles import Role
from recovery import strategies as services
from recovery.jobs import cases_open, strategy_advance
from recovery.models import CaseEvent, FollowUp, RecoveryCase, Strategy, StrategyLevel
from reporting import strategies as comparison
from tests.factories import CaseFactory, EmployerFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def owing_employers(branch, n):
    due = today() - datetime.timedelta(days=60)
    for _ in range(n):
        PeriodFactory(
            employer=EmployerFactory(branch=branch),
            period=(due - datetime.timedelta(days=40)).replace(day=1),
            due_date=due,
            employer_share=Decimal("500.00"),
        )


def start(head, share=30, name="Visita temprana"):
    return services.challenger_start(
        actor=head, name=name, share=share, notes="Visita a los 20 días", reason="Probar"
    )


def test_the_new_cases_split_by_the_share_and_each_records_its_draw(head, branch_ss):
    challenger = start(head, share=30)
    owing_employers(branch_ss, 600)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
    assert cases_open(run_date=today()) == 600
    cases = RecoveryCase.objects.all()
    taken = cases.filter(strategy=challenger)
    # 30 % of 600 is 180, with a standard deviation of 11: 3.5 of them either side.
    assert 140 <= taken.count() <= 220
    assert not cases.filter(strategy__isnull=True).exists()
    assert not cases.filter(strategy_draw__isnull=True).exists()
    assert not taken.filter(strategy_draw__gte=Decimal("0.30")).exists()
    assert not cases.exclude(strategy=challenger).filter(strategy_draw__lt=Decimal("0.30")).exists()
    one = taken.first()
    event = CaseEvent.objects.get(case=one, kind="opened")
    assert "Visita temprana" in event.reason and str(one.strategy_draw) in event.reason


def test_without_a_challenger_every_new_case_is_the_champions(branch_ss):
    owing_employers(branch_ss, 5)
    cases_open(run_date=today())
    champion = services.champion()
    assert set(RecoveryCase.objects.values_list("strategy", "strategy_draw")) == {
        (champion.pk, None)
    }


def test_a_challengers_case_climbs_the_challengers_ladder(head, branch_ss):
    challenger = start(head)
    first = challenger.levels.order_by("order").first()
    services.level_save(
        actor=head,
        strategy=challenger,
        level=first,
        data={"name": "Visita del gestor", "action": "visit", "letter": ""},
        reason="Visitar antes de llamar",
    )
    owing_employers(branch_ss, 2)
    mine = CaseFactory(employer=EmployerFactory(branch=branch_ss), strategy=challenger)
    theirs = CaseFactory(employer=EmployerFactory(branch=branch_ss), strategy=services.champion())
    for case in (mine, theirs):
        PeriodFactory(
            employer=case.employer,
            period=datetime.date(2026, 1, 1),
            due_date=today() - datetime.timedelta(days=90),
        )
    strategy_advance(run_date=today())
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.level.strategy == challenger and mine.level.name == "Visita del gestor"
    assert theirs.level.strategy == services.champion()
    # Ended, the challenger's cases go on with the champion's ladder.
    services.challenger_end(actor=head, strategy=challenger, promote=False, reason="Fin")
    assert Strategy.objects.get(pk=challenger.pk).ended_on == today()


def test_every_change_needs_the_head_and_a_reason_and_is_in_the_history(head, agent_ss):
    with pytest.raises(PermissionDenied):
        start(agent_ss)
    with pytest.raises(ValidationError, match="por qué"):
        services.challenger_start(actor=head, name="X", share=10, notes="", reason=" ")
    with pytest.raises(ValidationError, match="entre 1 y 50"):
        services.challenger_start(actor=head, name="X", share=60, notes="", reason="r")
    challenger = start(head)
    with pytest.raises(ValidationError, match="en prueba"):
        start(head)
    services.opening_rule_create(
        actor=head,
        valid_from=today(),
        min_arrears=Decimal("250.00"),
        min_days_late=20,
        reason="Menos casos pequeños",
    )
    policy = agreement_services.policy_revise(
        actor=head, data={"grace_days": 8}, reason="Más gracia"
    )
    assert policy.valid_from == today() and policy.grace_days == 8
    assert AgreementPolicy.objects.filter(valid_to=today() - datetime.timedelta(days=1)).exists()
    assert policy.tiers.exists()
    changes = comparison.history()
    reasons = {c.reason for c in changes}
    assert {"Probar", "Menos casos pequeños", "Más gracia"} <= reasons
    assert all(c.user_id == head.pk for c in changes if c.reason)
    # Promoted: it becomes the champion, the old one retires.
    old = services.champion()
    services.challenger_end(actor=head, strategy=challenger, promote=True, reason="Mejor")
    assert services.champion() == challenger
    assert Strategy.objects.get(pk=old.pk).role == "retired"
    with pytest.raises(ValidationError):
        services.level_save(
            actor=head, strategy=Strategy.objects.get(pk=old.pk), data={}, reason="x"
        )


def test_the_comparison_tells_a_clear_difference_from_noise(head, branch_ss):
    challenger = start(head)
    champion = services.champion()
    agent = UserFactory(role=Role.AGENT, branch=branch_ss)

    def cases(strategy, n, contacted):
        for i in range(n):
            case = CaseFactory(
                employer=EmployerFactory(branch=branch_ss),
                strategy=strategy,
                opened_on=today(),
                opening_debt=Decimal("100.00"),
            )
            if i < contacted:
                FollowUp.objects.create(case=case, kind="call", outcome="reached", created_by=agent)

    cases(champion, 40, 10)
    cases(challenger, 40, 30)
    result = comparison.compare(challenger)
    rows = {row["key"]: row for row in result.rows()}
    contact = rows["contact"]
    assert (contact["champion"].n, contact["champion"].successes) == (40, 10)
    assert contact["challenger"].value == pytest.approx(0.75)
    assert contact["champion"].low < 0.25 < contact["champion"].high
    assert contact["difference"].value == pytest.approx(0.5)
    assert contact["difference"].clear
    # Same agreements (none): no clear difference.
    assert not rows["agreements"]["difference"].clear
    # No period owed any more: the whole opening debt counts as recovered.
    assert rows["recovered"]["challenger"].value == pytest.approx(100.0)


def test_the_wilson_interval_and_the_difference(settings):
    e = comparison.wilson(10, 40)
    assert (round(e.low, 3), round(e.high, 3)) == (0.142, 0.402)
    assert comparison.wilson(0, 0).value is None
    a, b = comparison.wilson(20, 40), comparison.wilson(22, 40)
    assert not comparison.difference(a, b, rate=True).clear


def test_the_pages_the_head_changes_and_the_auditor_reads(client, head, agent_ss):
    url = reverse("reporting:strategy_home")
    client.force_login(agent_ss)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(role=Role.AUDITOR))
    page = client.get(url).content.decode()
    assert "Campeona" in page and "Iniciar una retadora" not in page
    assert client.post(reverse("reporting:challenger_start"), {}).status_code == 403
    client.force_login(head)
    assert "Iniciar una retadora" in client.get(url).content.decode()
    bad = client.post(reverse("reporting:challenger_start"), {"name": "A", "share": "80"})
    assert bad.status_code == 302 and not Strategy.objects.filter(role="challenger").exists()
    client.post(
        reverse("reporting:challenger_start"),
        {"name": "Visita temprana", "share": "25", "reason": "Probar visitas"},
    )
    challenger = Strategy.objects.get(role="challenger")
    level = challenger.levels.first()
    edit = reverse("reporting:level_edit", args=[challenger.pk, level.pk])
    page = client.post(edit, {"order": level.order, "name": "", "reason": ""})
    assert page.status_code == 200 and "Este campo es obligatorio" in page.content.decode()
    compare = client.get(reverse("reporting:strategy_compare")).content.decode()
    assert "Visita temprana" in compare and "intervalo" in compare
    history = client.get(reverse("reporting:strategy_history")).content.decode()
    assert "Probar visitas" in history
    assert StrategyLevel.objects.filter(strategy=challenger).count() == 5


def test_the_strategy_pages_have_bounded_queries(
    client, head, branch_ss, django_assert_max_num_queries
):
    challenger = start(head)
    for strategy in (challenger, services.champion()):
        for _ in range(15):
            CaseFactory(employer=EmployerFactory(branch=branch_ss), strategy=strategy)
    client.force_login(head)
    for name, most in [
        ("reporting:strategy_home", 20),
        ("reporting:strategy_compare", 20),
        ("reporting:strategy_history", 20),
    ]:
        with django_assert_max_num_queries(most):
            assert client.get(reverse(name)).status_code == 200
