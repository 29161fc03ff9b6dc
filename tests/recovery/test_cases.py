import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from people.roles import Role
from recovery.models import (
    Attachment,
    CaseDocument,
    CaseStatus,
    DocumentRequirement,
    FollowUp,
    PaymentPromise,
    StrategyLevel,
)
from recovery.services import case_hold, follow_up_record
from tests.factories import CaseFactory, EmployerFactory, PeriodFactory, UserFactory


@pytest.fixture
def case(agent_ss, employer_ss):
    today = timezone.localdate()
    due = today - datetime.timedelta(days=45)
    PeriodFactory(
        employer=employer_ss,
        period=(due - datetime.timedelta(days=40)).replace(day=1),
        due_date=due,
        paid=Decimal("5.00"),
    )
    return CaseFactory(employer=employer_ss, agent=agent_ss)


@pytest.fixture
def branch_head_ss(branch_ss):
    return UserFactory(role=Role.BRANCH_HEAD, branch=branch_ss)


def post_follow_up(client, case, htmx=False, **data):
    payload = {"kind": "call", "outcome": "reached", "contact_person": "Sra. López"}
    payload.update(data)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        reverse("recovery:follow_up_create", args=[case.pk]), payload, headers=headers
    )


@pytest.mark.django_db
def test_a_call_that_reaches_the_employer_puts_the_case_in_contact(client, agent_ss, case):
    client.force_login(agent_ss)
    response = post_follow_up(client, case, notes="Dice que pagará la próxima semana")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_CONTACT
    assert case.last_action_on == timezone.localdate()
    assert FollowUp.objects.get().created_by == agent_ss


@pytest.mark.django_db
def test_a_promise_is_recorded_with_what_the_account_showed_as_paid(client, agent_ss, case):
    client.force_login(agent_ss)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post_follow_up(
        client,
        case,
        outcome="promised",
        promise_amount="100.00",
        promise_date=tomorrow.isoformat(),
        htmx=True,
    )
    assert response.status_code == 200
    assert "Promesa de $100.00" in response.content.decode()
    promise = PaymentPromise.objects.get()
    assert promise.baseline_paid == Decimal("5.00") and promise.promised_on == tomorrow
    case.refresh_from_db()
    assert case.status == CaseStatus.PROMISE


@pytest.mark.django_db
def test_a_promise_without_amount_re_renders_the_form_with_errors(client, agent_ss, case):
    client.force_login(agent_ss)
    response = post_follow_up(client, case, outcome="promised", htmx=True)
    assert response.status_code == 400
    assert "Obligatorio cuando el patrono promete" in response.content.decode()
    assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_attachments_are_checked_by_type_size_and_content(agent_ss, case, settings, tmp_path):
    from django.core.exceptions import ValidationError

    settings.MEDIA_ROOT = tmp_path
    good = SimpleUploadedFile("acta.pdf", b"%PDF-1.4 contenido", content_type="application/pdf")
    follow_up_record(case=case, actor=agent_ss, kind="visit", outcome="reached", attachments=[good])
    assert Attachment.objects.get().original_name == "acta.pdf"
    for name, content in [("virus.exe", b"MZ..."), ("falso.pdf", b"<html>no</html>")]:
        with pytest.raises(ValidationError):
            follow_up_record(
                case=case,
                actor=agent_ss,
                kind="visit",
                outcome="reached",
                attachments=[SimpleUploadedFile(name, content)],
            )
    assert FollowUp.objects.count() == 1


@pytest.mark.django_db
def test_attachments_are_served_only_to_whom_sees_the_case(
    client, agent_ss, agent_sm, case, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n....")
    follow_up_record(
        case=case, actor=agent_ss, kind="visit", outcome="reached", attachments=[upload]
    )
    url = reverse("recovery:attachment_download", args=[Attachment.objects.get().pk])
    client.force_login(agent_sm)
    assert client.get(url).status_code == 404
    client.force_login(agent_ss)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_printing_the_letter_of_the_level_marks_its_action_done(client, agent_ss, case):
    level = StrategyLevel.objects.get(order=2)
    case.level, case.level_done = level, False
    case.save()
    client.force_login(agent_ss)
    response = client.post(
        reverse("recovery:demand_notice", args=[case.pk]),
        {"letter": "first_demand", "deadline_days": 8},
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    case.refresh_from_db()
    assert case.level_done
    letter = FollowUp.objects.get()
    assert (letter.kind, letter.letter) == ("letter", "first_demand")


@pytest.mark.django_db
def test_demand_letters_in_a_batch_cover_each_selected_employer(client, agent_ss, case, branch_ss):
    other = CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=agent_ss)
    PeriodFactory(employer=other.employer)
    client.force_login(agent_ss)
    response = client.post(
        reverse("recovery:demand_notices"),
        {
            "select": [case.pk, other.pk],
            "letter": "final_notice",
            "deadline_days": 5,
        },
    )
    assert response.content.startswith(b"%PDF")
    assert FollowUp.objects.filter(letter="final_notice").count() == 2


@pytest.mark.django_db
def test_demand_letter_text_has_totals_in_words(agent_ss, case):
    from recovery.pdf import demand_letters

    letters = demand_letters([case], timezone.localdate())
    assert letters[0].total == Decimal("100.00")
    assert letters[0].total_in_words == "CIEN 00/100 DÓLARES"


@pytest.mark.django_db
def test_branch_head_reassigns_many_cases_at_once(
    client, branch_head_ss, agent_ss, case, branch_ss
):
    other_agent = UserFactory(role=Role.AGENT, branch=branch_ss)
    second = CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=agent_ss)
    client.force_login(branch_head_ss)
    client.post(
        reverse("recovery:cases_reassign"),
        {
            "select": [case.pk, second.pk],
            "agent": other_agent.pk,
            "reason": "Vacaciones",
        },
    )
    case.refresh_from_db()
    second.refresh_from_db()
    assert case.agent == other_agent and second.agent == other_agent
    assert case.timeline.filter(kind="assignment", reason="Vacaciones").exists()


@pytest.mark.django_db
def test_an_agent_of_another_branch_cannot_receive_cases(branch_head_ss, agent_sm, case):
    from django.core.exceptions import ValidationError

    from recovery.services import case_assign

    with pytest.raises(ValidationError):
        case_assign(case=case, agent=agent_sm, actor=branch_head_ss)


@pytest.mark.django_db
def test_agents_cannot_reassign(client, agent_ss, case):
    client.force_login(agent_ss)
    response = client.post(reverse("recovery:case_assign", args=[case.pk]), {"agent": agent_ss.pk})
    assert response.status_code == 403


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


@pytest.mark.django_db
def test_case_pages_of_another_branch_are_404(client, agent_sm, case):
    client.force_login(agent_sm)
    for name in ["case_detail"]:
        assert client.get(reverse(f"recovery:{name}", args=[case.pk])).status_code == 404
    for name in [
        "follow_up_create",
        "case_transition",
        "case_hold",
        "case_level_skip",
        "demand_notice",
    ]:
        assert client.post(reverse(f"recovery:{name}", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_anonymous_users_go_to_login(client, case):
    for url in [
        reverse("recovery:queue"),
        reverse("recovery:case_list"),
        reverse("recovery:case_detail", args=[case.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "ingresar" in response.url


@pytest.mark.django_db
def test_the_legal_unit_sees_only_referred_cases(client, case, branch_ss):
    legal = UserFactory(role=Role.LEGAL)
    referred = CaseFactory(employer=EmployerFactory(branch=branch_ss), status="referred")
    client.force_login(legal)
    assert client.get(reverse("recovery:case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("recovery:case_detail", args=[referred.pk])).status_code == 200


@pytest.mark.django_db
def test_the_queue_shows_due_work_broken_promises_first(client, agent_ss, branch_ss):
    today = timezone.localdate()

    def make(amount, **fields):
        employer = EmployerFactory(branch=branch_ss)
        due = today - datetime.timedelta(days=60)
        PeriodFactory(
            employer=employer,
            period=(due - datetime.timedelta(days=40)).replace(day=1),
            due_date=due,
            employer_share=Decimal(amount),
        )
        return CaseFactory(employer=employer, agent=agent_ss, **fields)

    big = make(
        "900.00",
        last_action_on=today - datetime.timedelta(days=3),
        next_action_on=today,
        next_action="Llamar de nuevo",
    )
    broken = make(
        "50.00",
        status="in_contact",
        broken_promises=1,
        last_action_on=today - datetime.timedelta(days=1),
    )
    quiet = make("5000.00", last_action_on=today, next_action_on=today + datetime.timedelta(days=9))
    on_hold = make("800.00", hold_until=today + datetime.timedelta(days=5), hold_reason="dispute")
    client.force_login(agent_ss)
    page = client.get(reverse("recovery:queue"))
    cases = list(page.context["page"].object_list)
    assert cases == [broken, big]
    assert quiet not in cases and on_hold not in cases
    assert "promesas incumplidas" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 30])
def test_queue_and_case_list_queries_do_not_grow(
    client, agent_ss, branch_ss, count, django_assert_max_num_queries
):
    for _ in range(count):
        employer = EmployerFactory(branch=branch_ss)
        PeriodFactory(employer=employer)
        CaseFactory(employer=employer, agent=agent_ss, level=StrategyLevel.objects.first())
    client.force_login(agent_ss)
    for url in [reverse("recovery:queue"), reverse("recovery:case_list")]:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_case_page_queries_are_bounded(client, agent_ss, case, django_assert_max_num_queries):
    for _ in range(10):
        follow_up_record(case=case, actor=agent_ss, kind="call", outcome="not_reached")
    client.force_login(agent_ss)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("recovery:case_detail", args=[case.pk])).status_code == 200


@pytest.mark.django_db
def test_case_list_exports_the_filtered_cases(client, agent_ss, case, branch_ss):
    CaseFactory(employer=EmployerFactory(branch=branch_ss), status="closed", close_reason="paid")
    client.force_login(agent_ss)
    response = client.get(reverse("recovery:case_list"), {"status": "open", "export": "csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and str(case.pk) in lines[1]


@pytest.mark.django_db
def test_letters_for_every_case_the_filters_give(client, agent_ss, case, branch_ss):
    from tests.factories import CaseFactory, EmployerFactory, PeriodFactory

    other = CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=agent_ss)
    PeriodFactory(employer=other.employer)
    closed = CaseFactory(
        employer=EmployerFactory(branch=branch_ss), status="closed", close_reason="paid"
    )
    client.force_login(agent_ss)
    response = client.post(
        reverse("recovery:demand_notices"),
        {
            "scope": "filtered",
            "filter_query": "status=open",
            "letter": "first_demand",
            "deadline_days": 8,
        },
    )
    assert response.content.startswith(b"%PDF")
    lettered = set(FollowUp.objects.filter(kind="letter").values_list("case_id", flat=True))
    assert lettered == {case.pk, other.pk} and closed.pk not in lettered


@pytest.mark.django_db
def test_priority_is_derived_from_debt_age_and_broken_promises(agent_ss, branch_ss):
    from recovery.models import RecoveryCase

    today = timezone.localdate()

    def make(amount, days_late, broken=0):
        employer = EmployerFactory(branch=branch_ss)
        due = today - datetime.timedelta(days=days_late)
        PeriodFactory(
            employer=employer,
            period=(due - datetime.timedelta(days=40)).replace(day=1),
            due_date=due,
            employer_share=Decimal(amount),
            worker_share=Decimal("0"),
        )
        return CaseFactory(employer=employer, agent=agent_ss, broken_promises=broken)

    cases = {
        "big": make("5000.00", 10),
        "old": make("50.00", 181),
        "broken": make("50.00", 10, broken=1),
        "medium": make("1000.00", 10),
        "low": make("999.99", 90),
    }
    priority = dict(RecoveryCase.objects.with_debt().with_priority().values_list("pk", "priority"))
    assert {name: priority[case.pk] for name, case in cases.items()} == {
        "big": "high",
        "old": "high",
        "broken": "high",
        "medium": "medium",
        "low": "low",
    }


@pytest.mark.django_db
def test_branch_head_reassigns_every_filtered_case(
    client, branch_head_ss, agent_ss, case, branch_ss
):
    other_agent = UserFactory(role=Role.AGENT, branch=branch_ss)
    second = CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=agent_ss)
    closed = CaseFactory(
        employer=EmployerFactory(branch=branch_ss),
        agent=agent_ss,
        status="closed",
        close_reason="paid",
    )
    client.force_login(branch_head_ss)
    client.post(
        reverse("recovery:cases_reassign"),
        {"scope": "filtered", "agent": other_agent.pk, "filter_query": "status=open"},
    )
    for item in (case, second, closed):
        item.refresh_from_db()
    assert case.agent == other_agent and second.agent == other_agent
    assert closed.agent == agent_ss


@pytest.mark.django_db
def test_reassigning_every_filtered_case_covers_all_250_not_the_print_limit(
    client, branch_head_ss, agent_ss, branch_ss
):
    other_agent = UserFactory(role=Role.AGENT, branch=branch_ss)
    cases = [
        CaseFactory(employer=EmployerFactory(branch=branch_ss), agent=agent_ss) for _ in range(250)
    ]
    client.force_login(branch_head_ss)
    response = client.post(
        reverse("recovery:cases_reassign"),
        {"scope": "filtered", "agent": other_agent.pk, "filter_query": "status=open"},
    )
    assert response.status_code == 302
    from recovery.models import RecoveryCase

    moved = RecoveryCase.objects.filter(pk__in=[c.pk for c in cases], agent=other_agent).count()
    assert moved == 250
