"""Demo of the Board path, on top of the demo activity and stories: requests in every
state, two sessions with their resolutions, waivers pending, applied and revoked, a
dispatch to the archive and a discharge. Made through the same services as the pages
and the nightly job. Never used in production."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from agreements import demo as demo_agreements
from agreements import services as agreement_services
from agreements.models import AgreementStatus, PaymentAgreement
from core.nightly import nightly_jobs
from council import services
from council.models import (
    BoardSession,
    DocumentType,
    PaymentTerms,
    RequestStatus,
    SettlementRequest,
)
from employers.models import ContributionPeriod, Employer
from people.demo import demo_user
from people.models import User
from people.roles import Role
from recovery.models import CaseStatus, RecoveryCase
from recovery.services import case_transition

# The night's jobs that turn an overdue agreement into a breach, a referral and a
# revoked waiver (the Legal Unit's job is on council's own floor: run by name).
BREACH_NIGHT = {
    "installments_mark_overdue",
    "agreements_breach",
    "referrals_from_breaches",
    "waivers_revoke_on_breach",
}

PDF = b"%PDF-1.4\n% Documento de demostracion\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _documents(request, actor) -> None:
    for kind in DocumentType.objects.filter(kind=request.kind, is_active=True):
        services.request_document_upload(
            request=request,
            document_type=kind,
            upload=SimpleUploadedFile(f"{kind.pk}.pdf", PDF, content_type="application/pdf"),
            actor=actor,
        )


def _review(request, reviewer, preparer, *, ready=True):
    _documents(request, preparer)
    services.request_transition(request=request, to_status=RequestStatus.REVIEW, actor=reviewer)
    services.request_check(request=request, part="contents", actor=reviewer)
    services.request_check(request=request, part="documents", actor=reviewer)
    if ready:
        services.request_transition(request=request, to_status=RequestStatus.READY, actor=reviewer)
    request.refresh_from_db()
    return request


def seed_board() -> dict[str, int]:
    """Once: skipped when any request exists."""
    if SettlementRequest.objects.exists():
        return {"skipped": 1}
    head = demo_user(Role.DEPARTMENT_HEAD)
    staff = demo_user(Role.ADMIN_STAFF)
    agent = demo_user(Role.AGENT, "SS")
    if not (head and staff and agent):
        return {"skipped": 1}
    today = timezone.localdate()
    owing = ContributionPeriod.objects.filter(employer=OuterRef("pk"), due_date__lt=today).filter(
        Q(fines__gt=0) | Q(surcharges__gt=0)
    )
    employers = list(
        Employer.objects.filter(branch=agent.branch)
        .filter(Exists(owing))
        .filter(Exists(RecoveryCase.objects.filter(employer=OuterRef("pk"))))
        .order_by("pk")[:12]
    )
    if len(employers) < 12:
        return {"skipped": 1}

    def receive(employer, days_ago, **kwargs):
        return services.request_create(
            employer=employer,
            actor=agent,
            received_on=today - datetime.timedelta(days=days_ago),
            **kwargs,
        )

    # The session two weeks ago, with its resolutions; the next one, in five days.
    past = services.session_create(
        number=f"{today.year}-{today.isocalendar().week - 2:02d}",
        date=today - datetime.timedelta(days=14),
        kind="ordinary",
        actor=staff,
    )
    upcoming = services.session_create(
        number=f"{today.year}-{today.isocalendar().week + 1:02d}",
        date=today + datetime.timedelta(days=5),
        kind="ordinary",
        actor=staff,
    )
    decided = [
        _review(receive(employer, 40 - n), head, agent) for n, employer in enumerate(employers[:5])
    ]
    # Submitted before the past session (the service dates it when it is sent).
    services.submission_create(
        session=upcoming, requests=decided, actor=staff, sent_on=today, memo=""
    )
    from council.models import Submission

    Submission.objects.filter(requests__in=decided).update(
        session=past, sent_on=past.date - datetime.timedelta(days=3)
    )
    number = 1200
    outcomes = {}
    for request, kind in zip(
        decided, ["approved", "changes", "rejected", "applied", "archived"], strict=True
    ):
        number += 1
        request.refresh_from_db()
        lines = list(request.periods.all())
        amounts = None
        if kind == "changes" and lines:
            first = lines[0]
            amounts = {first.pk: ((first.fines / 2).quantize(Decimal("0.01")), first.surcharges)}
        services.request_record_outcome(
            request=request,
            approved=kind != "rejected",
            resolution_number=f"ACUERDO #{today.year}-{number}.{_month(past.date)}.",
            resolution_date=past.date,
            actor=staff,
            amounts=amounts,
            note="Denegada: el patrono tiene otra solicitud vigente." if kind == "rejected" else "",
        )
        outcomes[kind] = request
    # The account system applied one request's waivers: its next export shows the fines
    # and surcharges gone, and the import marks them applied. The other's were confirmed
    # by hand.
    waived = {w.period_id: w for w in outcomes["applied"].waivers.all()}
    _import_employer(
        outcomes["applied"].employer,
        head,
        lambda p: (
            {
                "fines": p.fines - waived[p.pk].fines,
                "surcharges": p.surcharges - waived[p.pk].surcharges,
            }
            if p.pk in waived
            else {}
        ),
    )
    for waiver in outcomes["archived"].waivers.all():
        services.waiver_confirm_applied(
            waiver=waiver, actor=staff, note="Aplicada en el sistema de cuentas, ref. 2026-88"
        )
    services.dispatch_create(
        requests=[SettlementRequest.objects.get(pk=outcomes["archived"].pk)],
        actor=staff,
        sent_on=today - datetime.timedelta(days=2),
        notes="Acuerdos de la sesión anterior.",
    )
    # Waiting at the upcoming session, ready, under review, incomplete and just received.
    submitted = _review(receive(employers[5], 12), head, agent)
    services.submission_create(session=upcoming, requests=[submitted], actor=staff, sent_on=today)
    _review(receive(employers[6], 9), head, agent)
    _review(receive(employers[7], 6), head, agent, ready=False)
    incomplete = receive(employers[8], 8)
    services.request_document_mark_missing(
        request=incomplete,
        document_type=DocumentType.objects.filter(kind="settlement").order_by("order")[1],
        note="No presentó el poder del representante legal.",
        actor=agent,
    )
    services.request_transition(request=incomplete, to_status=RequestStatus.REVIEW, actor=head)
    services.request_transition(
        request=incomplete,
        to_status=RequestStatus.INCOMPLETE,
        actor=head,
        reason="Falta la credencial del representante legal.",
    )
    receive(employers[9], 1)
    revoked = 0
    # Granted on condition of a payment agreement: revoked if it breaches (the nightly
    # job), pending while it is kept.
    agreement_owing = ContributionPeriod.objects.filter(
        employer=OuterRef("employer"), due_date__lt=today
    ).filter(Q(fines__gt=0) | Q(surcharges__gt=0))
    agreements = (
        PaymentAgreement.objects.filter(Exists(agreement_owing))
        .exclude(employer__in=employers)
        .order_by("pk")
    )
    fallen = agreements.filter(status=AgreementStatus.ACTIVE).first() or _new_agreement(
        exclude=employers, today=today
    )
    if fallen is not None:
        conditional = _review(
            services.request_create(
                employer=fallen.employer,
                actor=agent,
                received_on=today - datetime.timedelta(days=30),
                payment_terms=PaymentTerms.AGREEMENT,
                agreement=fallen,
            ),
            head,
            staff if fallen.branch_id != agent.branch_id else agent,
        )
        services.submission_create(
            session=upcoming, requests=[conditional], actor=staff, sent_on=today
        )
        Submission.objects.filter(requests=conditional).update(session=past, sent_on=past.date)
        conditional.refresh_from_db()
        services.request_record_outcome(
            request=conditional,
            approved=True,
            resolution_number=f"ACUERDO #{today.year}-{number + 1}.{_month(past.date)}.",
            resolution_date=past.date,
            actor=staff,
        )
        # Then the employer stopped paying: the agreement's first installments are long
        # overdue, the night's jobs breach it, refer its case and revoke the waiver.
        demo_agreements.backdate(fallen, days=130)
        revoked = 0
        for job in nightly_jobs():
            if job.name in BREACH_NIGHT:
                done = job.run(run_date=today)
                revoked = done if job.name == "waivers_revoke_on_breach" else revoked
    discharged = 0
    # An employer that paid everything (the account system's export says so): its case
    # is settled and its discharge is proposed to the Board; another one's waits on the
    # head's page to be proposed.
    for employer in employers[10:12]:
        _import_employer(employer, head, lambda p: {"paid": p.total_due})
        case = (
            RecoveryCase.objects.filter(employer=employer).exclude(status=CaseStatus.CLOSED).first()
        )
        if case is not None and case.status != CaseStatus.SETTLED:
            case_transition(
                case=case,
                to_status=CaseStatus.SETTLED,
                actor=case.agent or head,
                reason="Pagó la totalidad de la mora.",
            )
    settled = services.discharge_candidates().first()
    if settled is not None:
        services.discharge_propose(case=settled, actor=head)
        discharged = 1
    return {
        "requests": SettlementRequest.objects.count(),
        "sessions": BoardSession.objects.count(),
        "revoked_waivers": revoked,
        "discharges": discharged,
    }


def _new_agreement(*, exclude, today) -> PaymentAgreement | None:
    """An agreement in force on a case with fines or surcharges to waive, for a demo too
    small to have one already."""
    owing = ContributionPeriod.objects.filter(
        employer=OuterRef("employer"), due_date__lt=today
    ).filter(Q(fines__gt=0) | Q(surcharges__gt=0))
    cases = (
        RecoveryCase.objects.with_debt()
        .filter(status=CaseStatus.OPEN, agent__isnull=False, debt__gte=Decimal("200.00"))
        .filter(Exists(owing))
        .exclude(employer__in=exclude)
        .exclude(Exists(PaymentAgreement.objects.filter(case=OuterRef("pk"))))
        .select_related("agent")
        .order_by("pk")
    )
    for case in cases[:10]:
        agreement = agreement_services.agreement_create(
            case=case,
            actor=case.agent,
            down_payment=(case.debt * Decimal("0.2")).quantize(Decimal("0.01")),
            installments=3,
            first_due_date=today + datetime.timedelta(days=30),
        )
        if not agreement.needs_approval:
            demo_agreements.put_in_force(agreement, actor=case.agent)
            return agreement
    return None


def _import_employer(employer: Employer, actor: User, change) -> None:
    """An export of the account system for one employer, its periods as stored with
    `change(period)` applied, imported like any file."""
    import csv
    import tempfile
    from pathlib import Path

    from employers.imports import COLUMNS, run_arrears_import

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"cuenta-{employer.employer_number}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for period in ContributionPeriod.objects.filter(employer=employer).order_by("period"):
                values = {
                    "employer_share": period.employer_share,
                    "worker_share": period.worker_share,
                    "fines": period.fines,
                    "surcharges": period.surcharges,
                    "paid": period.paid,
                    **change(period),
                }
                writer.writerow(
                    [
                        employer.employer_number,
                        employer.nit,
                        employer.legal_name,
                        employer.branch.code,
                        f"{period.period:%Y-%m}",
                        f"{period.due_date:%d/%m/%Y}",
                        values["employer_share"],
                        values["worker_share"],
                        values["fines"],
                        values["surcharges"],
                        values["paid"],
                    ]
                )
        run_arrears_import(path=path, file_name=path.name, actor=actor)


MONTHS = ["ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SEP", "OCT", "NOV", "DIC"]


def _month(day: datetime.date) -> str:
    return MONTHS[day.month - 1]
