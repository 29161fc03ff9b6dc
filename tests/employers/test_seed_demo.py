import io

import pytest
from django.core.management import call_command
from stdnum.sv import nit

from employers.models import ContributionPeriod, Employer
from employers.validators import normalize_nit


@pytest.mark.django_db
def test_seed_demo_loads_valid_deterministic_employers_with_periods():
    call_command("seed_demo", "--employers", "300", "--seed", "7", stdout=io.StringIO())
    employers = list(Employer.objects.order_by("employer_number"))
    assert len(employers) == 300
    for employer in employers:
        assert normalize_nit(employer.nit) == employer.nit  # valid check digit
        assert employer.branch_id and employer.municipality_id
    assert ContributionPeriod.objects.count() >= 300 * 24
    # A multi-centre employer: its second work centre, with months unpaid.
    assert ContributionPeriod.objects.filter(work_centre="002", balance__gt=0).exists()
    assert ContributionPeriod.objects.filter(balance__gt=0).exists()
    assert any(nit.is_valid(e.nit) for e in employers if len(e.nit) == 14)
    first = [(e.legal_name, e.nit) for e in employers]
    ContributionPeriod.objects.all().delete()
    Employer.objects.all().delete()
    call_command("seed_demo", "--employers", "300", "--seed", "7", stdout=io.StringIO())
    again = [(e.legal_name, e.nit) for e in Employer.objects.order_by("employer_number")]
    assert again == first  # the same seed gives the same employers


@pytest.mark.django_db
def test_seed_demo_if_empty_does_nothing_the_second_time():
    call_command("seed_demo", "--employers", "5", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", "--employers", "5", "--if-empty", stdout=out)
    assert Employer.objects.count() == 5


@pytest.mark.django_db
def test_demo_users_cover_every_role():
    from people.models import User
    from people.roles import Role

    out = io.StringIO()
    call_command("demo_users", stdout=out)
    roles = {user.role for user in User.objects.exclude(username="admin")}
    assert roles == set(Role)
    assert "Recupera.2026" in out.getvalue()


@pytest.mark.django_db
def test_demo_activity_goes_through_the_services_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the letters' PDF and the refused upload
    from django.utils import timezone

    from agreements.models import PaymentAgreement
    from core.nightly import run_nightly_jobs
    from recovery.models import FollowUp

    call_command("seed_demo", "--employers", "300", "--seed", "3", stdout=io.StringIO())
    call_command("demo_users", stdout=io.StringIO())
    call_command("seed_demo_strategies", stdout=io.StringIO())
    run_nightly_jobs(run_date=timezone.localdate())
    # A challenger under test took its share of the night's cases.
    from recovery.models import RecoveryCase, Strategy

    challenger = Strategy.objects.get(role="challenger")
    assert (
        0 < RecoveryCase.objects.filter(strategy=challenger).count() < RecoveryCase.objects.count()
    )
    call_command("seed_demo_strategies", stdout=io.StringIO())
    assert Strategy.objects.count() == 2
    call_command("seed_demo_activity", stdout=io.StringIO())
    assert FollowUp.objects.exists()
    assert PaymentAgreement.objects.exists()
    before = FollowUp.objects.count()
    call_command("seed_demo_activity", stdout=io.StringIO())
    assert FollowUp.objects.count() == before
    # The later states too: referrals pending, accepted, returned, and a lapsed agreement.
    from legal.models import LegalReferral

    call_command("seed_demo_stories", stdout=io.StringIO())
    assert set(LegalReferral.objects.values_list("status", flat=True)) == {
        "pending",
        "accepted",
        "returned",
    }
    assert PaymentAgreement.objects.filter(status="lapsed").exists()
    # Background work in both ends: an agent's letters (done, the PDF kept) and the
    # head's refused file (failed, with the reason; its import logged as rejected).
    from core.models import BackgroundJob
    from employers.models import ArrearsImport

    jobs = dict(BackgroundJob.objects.values_list("kind", "status"))
    assert jobs == {"demand_letters": "done", "arrears_check": "failed"}
    assert BackgroundJob.objects.get(kind="demand_letters").output_file
    assert "0x81" in BackgroundJob.objects.get(kind="arrears_check").message
    assert ArrearsImport.objects.filter(status="rejected").exists()
    call_command("seed_demo_stories", stdout=io.StringIO())
    assert LegalReferral.objects.count() == 3
    assert BackgroundJob.objects.count() == 2
    # The Board's path in every state, once.
    from council.models import RequestStatus, SettlementRequest, Waiver

    call_command("seed_demo_board", stdout=io.StringIO())
    statuses = set(SettlementRequest.objects.values_list("status", flat=True))
    assert statuses == set(RequestStatus.values)
    assert SettlementRequest.objects.filter(kind="discharge").exists()
    assert Waiver.objects.filter(applied_import__isnull=False).exists()
    assert Waiver.objects.filter(status="pending").exists()
    # The conditional waiver whose agreement breached afterwards, revoked that night.
    revoked = Waiver.objects.filter(status="revoked").select_related("condition_agreement")
    assert revoked and {w.condition_agreement.status for w in revoked} <= {"breached", "referred"}
    before = SettlementRequest.objects.count()
    call_command("seed_demo_board", stdout=io.StringIO())
    assert SettlementRequest.objects.count() == before
    # The department's correspondence: due, overdue, answered, a request awaiting.
    from correspondence.models import CorrespondenceItem

    call_command("seed_demo_correspondence", stdout=io.StringIO())
    today = timezone.localdate()
    assert CorrespondenceItem.objects.overdue(today).exists()
    assert CorrespondenceItem.objects.awaiting().filter(deadline__gte=today).exists()
    assert set(CorrespondenceItem.objects.values_list("status", flat=True)) >= {
        "registered",
        "assigned",
        "sent",
        "closed",
    }
    call_command("seed_demo_correspondence", stdout=io.StringIO())
    assert CorrespondenceItem.objects.count() == 5
    # The head's desk: the year's plan approved and revised, next year's drafted, a
    # history the dashboards draw, last month's report.
    from reporting.models import MonthlyReport, MonthlySummary, RecoveryPlan

    call_command("seed_demo_desk", stdout=io.StringIO())
    year = timezone.localdate().year
    assert set(RecoveryPlan.objects.values_list("year", "version", "status")) == {
        (year, 1, "superseded"),
        (year, 2, "approved"),
        (year + 1, 1, "draft"),
    }
    plan = RecoveryPlan.objects.in_force(year)
    assert plan.targets.filter(amount__gt=0).count() >= 12
    assert MonthlySummary.objects.values("month").distinct().count() >= 12
    assert MonthlySummary.objects.filter(recovered_agreements__gt=0).exists()
    assert MonthlyReport.objects.filter(pdf__gt="").exists()
    call_command("seed_demo_desk", stdout=io.StringIO())
    assert RecoveryPlan.objects.count() == 3
    # The office: a guideline half read, a meeting with open items (one overdue), a
    # training on the plan with its attendance, an induction half way.
    from office import services as office
    from office.models import ActionItem, Guideline, Induction, Invitation
    from people.models import User
    from people.roles import Role

    call_command("seed_demo_office", stdout=io.StringIO())
    head = User.objects.filter(groups__name=Role.DEPARTMENT_HEAD.value).first()
    current = Guideline.objects.current().get(title__startswith="Lineamiento de gestión")
    done, pending = office.readers(current, head)
    assert done and pending and abs(len(done) - len(pending)) <= 1
    assert (
        ActionItem.objects.overdue(today).exists()
        and ActionItem.objects.filter(status="done").exists()
    )
    assert Invitation.objects.filter(attended=True, training__plan__year=year).exists()
    assert Invitation.objects.filter(attended=False).exists()
    assert office.untrained(head, year).exists()
    assert Induction.objects.count() == 1
    from office.models import StaffEvaluation

    evaluation = StaffEvaluation.objects.get()
    assert {line["key"] for line in evaluation.figures} >= {"recovered", "follow_ups"}
    call_command("seed_demo_office", stdout=io.StringIO())
    assert Guideline.objects.count() == 3
    # Solvency: a solvent employer's certificate and one with its agreement in force.
    from solvency.models import SolvencyCertificate

    call_command("seed_demo_solvency", stdout=io.StringIO())
    assert set(SolvencyCertificate.objects.values_list("standing", flat=True)) == {
        "solvent",
        "with_agreement",
    }
    call_command("seed_demo_solvency", stdout=io.StringIO())
    assert SolvencyCertificate.objects.count() == 2
    # Prescription: the agent's periods about to prescribe, prescribed ones kept, a
    # notice served that restarted an employer's clocks, a claim filed in court.
    from legal.models import LegalReferral
    from prescription.models import NoticeService, PeriodClock

    call_command("seed_demo_prescription", stdout=io.StringIO())
    today = timezone.localdate()
    agent_cases = RecoveryCase.objects.filter(agent__username="gestor.ss")
    soon = PeriodClock.objects.prescribing_within(today, 180).filter(
        employer__cases__in=agent_cases
    )
    assert soon.count() >= 3
    assert PeriodClock.objects.prescribed().count() >= 2
    assert PeriodClock.objects.filter(start_kind="notice").exists()
    assert NoticeService.objects.count() == 1
    assert LegalReferral.objects.filter(filed_on__isnull=False).exists()
    assert PeriodClock.objects.filter(start_kind="court").exists()
    call_command("seed_demo_prescription", stdout=io.StringIO())
    assert NoticeService.objects.count() == 1
    # Related employers: a company closed with arrears and its reopening, alerted.
    from employers.models import EmployerRelation

    call_command("seed_demo_relations", stdout=io.StringIO())
    relation = EmployerRelation.objects.get(alerted_on__isnull=False, reason="phone")
    assert {relation.employer.status, relation.related.status} == {"closed", "active"}
    assert EmployerRelation.objects.filter(reason="representative").exists()
    call_command("seed_demo_relations", stdout=io.StringIO())
    assert EmployerRelation.objects.filter(alerted_on__isnull=False).count() == 2
