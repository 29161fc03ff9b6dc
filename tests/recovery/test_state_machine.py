import pytest
from django.core.exceptions import ValidationError

from recovery.models import ALLOWED_TRANSITIONS, CaseEvent, CaseStatus, CloseReason
from recovery.services import case_transition
from tests.factories import CaseFactory

ALL_PAIRS = [(a, b) for a in CaseStatus.values for b in CaseStatus.values if a != b]


@pytest.mark.django_db
@pytest.mark.parametrize("current, target", ALL_PAIRS)
def test_every_transition_is_allowed_or_refused_by_the_table(head, current, target):
    case = CaseFactory(status=current, close_reason="paid" if current == "closed" else "")
    allowed = target in ALLOWED_TRANSITIONS[current]
    kwargs = {"close_reason": CloseReason.PAID} if target == CaseStatus.CLOSED else {}
    # "referred" is entered and left only through the Legal Unit's services, which
    # follow the same table (tests/legal/test_manual_referral.py: refused otherwise).
    kwargs["by_legal_unit"] = CaseStatus.REFERRED in (current, target)
    if allowed:
        case = case_transition(
            case=case, to_status=target, actor=head, reason="porque sí", **kwargs
        )
        assert case.status == target
        event = CaseEvent.objects.get(case=case)
        assert event.actor == head and event.reason == "porque sí"
        assert event.before == CaseStatus(current).label and event.after == CaseStatus(target).label
    else:
        with pytest.raises(ValidationError) as info:
            case_transition(case=case, to_status=target, actor=head, **kwargs)
        assert "cannot become" in info.value.messages[0] or "no puede" in info.value.messages[0]
        case.refresh_from_db()
        assert case.status == current
        assert not CaseEvent.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_closing_needs_a_reason_and_uncollectable_needs_an_explanation(head):
    case = CaseFactory()
    with pytest.raises(ValidationError):
        case_transition(case=case, to_status="closed", actor=head)
    with pytest.raises(ValidationError):
        case_transition(case=case, to_status="closed", actor=head, close_reason="uncollectable")
    case = case_transition(
        case=case,
        to_status="closed",
        actor=head,
        close_reason="uncollectable",
        reason="Empresa liquidada sin bienes",
    )
    assert case.close_reason == "uncollectable" and case.closed_on is not None


@pytest.mark.django_db
def test_only_one_active_case_per_employer(employer_ss):
    from django.db import IntegrityError, transaction

    CaseFactory(employer=employer_ss)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(employer=employer_ss)
    CaseFactory(employer=employer_ss, status="closed", close_reason="paid")


@pytest.mark.django_db
def test_a_case_is_closed_as_paid_only_when_the_employer_owes_nothing(head, employer_ss):
    import datetime

    from tests.factories import PeriodFactory

    PeriodFactory(employer=employer_ss, due_date=datetime.date(2026, 2, 13))
    case = CaseFactory(employer=employer_ss, status="in_contact")
    with pytest.raises(ValidationError, match=r"todavía debe \$105\.00|\$105\.00"):
        case_transition(case=case, to_status="closed", actor=head, close_reason=CloseReason.PAID)
    with pytest.raises(ValidationError):
        case_transition(case=case, to_status="settled", actor=head)
    case.refresh_from_db()
    assert case.status == "in_contact"
    # Closing for another reason (uncollectable, with its explanation) stays possible.
    case_transition(
        case=case,
        to_status="closed",
        actor=head,
        close_reason="uncollectable",
        reason="Empresa liquidada sin bienes",
    )
