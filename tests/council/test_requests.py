"""Settlement requests: receipt, amounts, documents, review, the state table and the
segregation of duties."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from council import services
from council.models import (
    ALLOWED_TRANSITIONS,
    RequestKind,
    RequestPeriod,
    RequestStatus,
    SettlementRequest,
)
from employers.models import ContributionPeriod
from tests.council.conftest import make_ready, upload_all


@pytest.mark.django_db
def test_a_request_proposes_the_periods_owed_from_the_statement(settlement, periods, case):
    lines = list(settlement.periods.order_by("period__period"))
    assert [line.period for line in lines] == periods
    assert all(
        line.fines == Decimal("10.00") and line.surcharges == Decimal("5.00") for line in lines
    )
    assert all(line.contributions == Decimal("100.00") for line in lines)
    assert settlement.case == case
    assert settlement.number == f"ST-{timezone.localdate().year}-0001"
    assert settlement.status == RequestStatus.RECEIVED
    # The draft is generated from the department's template, amounts in words.
    assert "Panadería El Trigal" in settlement.draft_text
    assert "$45.00" in settlement.draft_text
    assert "CUARENTA Y CINCO 00/100 DÓLARES" in settlement.draft_text
    assert settlement.timeline.filter(kind="created").exists()


@pytest.mark.django_db
def test_the_database_refuses_a_waiver_asked_above_what_the_period_owes(settlement):
    line = settlement.periods.first()
    # The check constraint (against what it owed) and the trigger (against the period).
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestPeriod.objects.filter(pk=line.pk).update(fines=Decimal("10.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestPeriod.objects.filter(pk=line.pk).update(
            fines=Decimal("10.01"), fines_owed=Decimal("99.00")
        )
    with pytest.raises(ValidationError, match="no puede exonerarse más"):
        services.request_period_set_amounts(
            line=line, fines=Decimal("10.01"), surcharges=Decimal("0"), actor=settlement.prepared_by
        )
    services.request_period_set_amounts(
        line=line, fines=Decimal("4.00"), surcharges=Decimal("0"), actor=settlement.prepared_by
    )
    line.refresh_from_db()
    assert (line.fines, line.surcharges) == (Decimal("4.00"), Decimal("0.00"))


# Every (from, to) pair the review's service may be asked for: allowed or refused.
REVIEW_MOVES = [RequestStatus.REVIEW, RequestStatus.INCOMPLETE, RequestStatus.READY]


@pytest.mark.django_db
@pytest.mark.parametrize("start", list(RequestStatus))
@pytest.mark.parametrize("target", list(RequestStatus))
def test_every_transition_is_allowed_or_refused_by_the_table(
    start, target, settlement, head, agent_ss
):
    upload_all(settlement, agent_ss)
    SettlementRequest.objects.filter(pk=settlement.pk).update(
        status=start,
        contents_checked_by=head,
        documents_checked_by=head,
        contents_checked_at=timezone.now(),
        documents_checked_at=timezone.now(),
    )
    settlement.refresh_from_db()
    allowed = target in ALLOWED_TRANSITIONS[start] and target in REVIEW_MOVES
    if allowed:
        services.request_transition(
            request=settlement, to_status=target, actor=head, reason="falta el poder"
        )
        settlement.refresh_from_db()
        assert settlement.status == target
        assert settlement.timeline.filter(kind="status", after=RequestStatus(target).label).exists()
    else:
        with pytest.raises(ValidationError):
            services.request_transition(
                request=settlement, to_status=target, actor=head, reason="falta el poder"
            )
        settlement.refresh_from_db()
        assert settlement.status == start


@pytest.mark.django_db
def test_a_request_with_a_document_missing_cannot_become_ready(settlement, head, agent_ss):
    services.request_transition(request=settlement, to_status="review", actor=head)
    services.request_check(request=settlement, part="contents", actor=head)
    with pytest.raises(ValidationError, match="Faltan documentos"):
        services.request_check(request=settlement, part="documents", actor=head)
    with pytest.raises(ValidationError, match="Faltan documentos"):
        services.request_transition(request=settlement, to_status="ready", actor=head)
    settlement.refresh_from_db()
    assert settlement.status == RequestStatus.REVIEW


@pytest.mark.django_db
def test_incomplete_says_what_is_missing_and_the_request_comes_back(settlement, head):
    services.request_transition(request=settlement, to_status="review", actor=head)
    with pytest.raises(ValidationError, match="Indique qué falta"):
        services.request_transition(request=settlement, to_status="incomplete", actor=head)
    services.request_transition(
        request=settlement, to_status="incomplete", actor=head, reason="Falta el poder notarial"
    )
    services.request_transition(request=settlement, to_status="review", actor=head)
    settlement.refresh_from_db()
    assert settlement.status == RequestStatus.REVIEW
    assert settlement.timeline.filter(reason="Falta el poder notarial").exists()


@pytest.mark.django_db
def test_stale_amounts_keep_a_request_from_the_board_and_say_which_period(
    settlement, head, agent_ss, staff, session
):
    upload_all(settlement, agent_ss)
    services.request_transition(request=settlement, to_status="review", actor=head)
    services.request_check(request=settlement, part="contents", actor=head)
    services.request_check(request=settlement, part="documents", actor=head)
    line = settlement.periods.order_by("period__period").first()
    # A newer import lowered the period's fines.
    ContributionPeriod.objects.filter(pk=line.period_id).update(fines=Decimal("6.00"))
    with pytest.raises(ValidationError) as refused:
        services.request_transition(request=settlement, to_status="ready", actor=head)
    assert f"{line.period.period:%m/%Y}" in " ".join(refused.value.messages)
    assert "$10.00 → $6.00" in " ".join(refused.value.messages)
    # Proposed again from the statement, it can go.
    assert services.request_refresh_amounts(request=settlement, actor=agent_ss) == 1
    services.request_transition(request=settlement, to_status="ready", actor=head)
    # And a change after it was ready stops the submission.
    ContributionPeriod.objects.filter(pk=line.period_id).update(surcharges=Decimal("1.00"))
    with pytest.raises(ValidationError, match="cambió en la cuenta"):
        services.submission_create(
            session=session, requests=[settlement], actor=staff, sent_on=timezone.localdate()
        )
    settlement.refresh_from_db()
    assert settlement.status == RequestStatus.READY and settlement.submission is None


@pytest.mark.django_db
def test_whoever_prepared_a_request_cannot_review_it(settlement, agent_ss, head):
    SettlementRequest.objects.filter(pk=settlement.pk).update(status="review")
    settlement.refresh_from_db()
    for part in ("contents", "documents"):
        with pytest.raises(ValidationError, match="no puede revisarla"):
            services.request_check(request=settlement, part=part, actor=agent_ss)
    with pytest.raises(ValidationError, match="no puede revisarla"):
        services.request_transition(request=settlement, to_status="ready", actor=agent_ss)
    # The head prepared this one: the head may not review it either.
    own = services.request_create(
        employer=settlement.employer, actor=head, received_on=timezone.localdate()
    )
    services.request_transition(request=own, to_status="review", actor=agent_ss)
    with pytest.raises(ValidationError, match="no puede revisarla"):
        services.request_check(request=own, part="contents", actor=head)


@pytest.mark.django_db
def test_a_ready_request_goes_to_a_session_and_the_draft_no_longer_changes(
    ready, session, staff, agent_ss
):
    submission = services.submission_create(
        session=session, requests=[ready], actor=staff, sent_on=timezone.localdate()
    )
    ready.refresh_from_db()
    assert ready.status == RequestStatus.SUBMITTED and ready.submission == submission
    with pytest.raises(ValidationError, match="ya no puede modificarse"):
        services.request_draft_update(request=ready, text="otro texto", actor=agent_ss)


@pytest.mark.django_db
def test_the_resolution_number_has_the_boards_format(ready, session, staff):
    from tests.council.conftest import resolve, submit

    submit([ready], session, staff)
    with pytest.raises(ValidationError, match=re.escape("ACUERDO #2026-1234.NOV.")):
        resolve(ready, staff, session, number="acuerdo 12")
    ready.refresh_from_db()
    assert ready.status == RequestStatus.SUBMITTED


@pytest.mark.django_db
def test_a_discharge_is_proposed_for_a_settled_case_and_closes_it_as_paid(
    employer_ss, agent_ss, head, staff, session
):
    from recovery.models import CaseStatus
    from tests.council.conftest import resolve, submit
    from tests.factories import CaseFactory

    case = CaseFactory(employer=employer_ss, agent=agent_ss, status=CaseStatus.SETTLED)
    assert case in services.discharge_candidates()
    discharge = services.discharge_propose(case=case, actor=staff)
    assert discharge.kind == RequestKind.DISCHARGE and discharge.number.startswith("DE-")
    assert case not in services.discharge_candidates()
    make_ready(discharge, head, staff)
    submit([discharge], session, staff)
    resolve(discharge, head, session, number="ACUERDO #2026-1300.NOV.")
    with pytest.raises(ValidationError, match="no puede registrar la aplicación"):
        services.discharge_apply(request=discharge, actor=staff)
    services.discharge_apply(request=discharge, actor=head)
    case.refresh_from_db()
    discharge.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.close_reason == "paid"
    assert discharge.status == RequestStatus.APPLIED
