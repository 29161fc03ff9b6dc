"""Whether an employer is solvent today, with every reason when not; the certificate
issued when it is, and its verification."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import AgreementPeriod, AgreementStatus, Installment, PaymentAgreement
from core.money import ZERO, format_money
from core.sequences import next_in_year
from employers.models import ContributionPeriod, Employer
from legal.models import LegalReferral, ReferralStatus
from people.models import User
from solvency.apps import ISSUE
from solvency.models import CertificateSequence, SolvencyCertificate

# Without 0/O and 1/I/L, so that a code read aloud or typed from paper is not mistaken.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass
class Assessment:
    employer: Employer
    on: datetime.date
    reasons: list[str] = field(default_factory=list)
    agreement: PaymentAgreement | None = None

    @property
    def solvent(self) -> bool:
        return not self.reasons

    @property
    def standing(self) -> str:
        if not self.solvent:
            return "insolvent"
        return "with_agreement" if self.agreement is not None else "solvent"

    @property
    def label(self) -> str:
        if not self.solvent:
            return _("Not solvent")
        if self.agreement is not None:
            return _("Solvent, with an agreement in force")
        return _("Solvent")


def assess(employer: Employer, on: datetime.date | None = None) -> Assessment:
    """Solvent, solvent with an agreement in force, or not with every reason:
    periods in arrears beyond the tolerance, a breached or referred agreement (or one in
    force with an installment overdue), a referral the Legal Unit has pending. Three
    queries, whatever the account's size."""
    on = on or timezone.localdate()
    result = Assessment(employer=employer, on=on)
    overdue = Installment.objects.filter(agreement=OuterRef("pk"), due_date__lt=on).exclude(
        status="paid"
    )
    agreements = list(
        PaymentAgreement.objects.filter(
            employer=employer,
            status__in=[
                AgreementStatus.ACTIVE,
                AgreementStatus.BREACHED,
                AgreementStatus.REFERRED,
            ],
        )
        .annotate(behind=Exists(overdue))
        .order_by("pk")
    )
    in_force = next(
        (a for a in agreements if a.status == AgreementStatus.ACTIVE and not a.behind), None
    )
    grace = datetime.timedelta(days=settings.SOLVENCY_GRACE_DAYS)
    late = ContributionPeriod.objects.filter(
        employer=employer, balance__gt=0, due_date__lt=on - grace
    )
    # The periods an agreement in force and up to date covers do not count (when the
    # rule says so); `counted` is then every other late period.
    if in_force is not None and settings.SOLVENCY_AGREEMENT_COUNTS:
        covered = Q(pk__in=AgreementPeriod.objects.filter(agreement=in_force).values("period"))
        counted = ~covered
    else:
        covered, counted = Q(pk__isnull=True), Q(pk__isnull=False)
    figures = late.aggregate(
        owed=Sum("balance", filter=counted),
        n=Count("pk", filter=counted),
        first=Min("period", filter=counted),
        last=Max("period", filter=counted),
        covered=Count("pk", filter=covered),
    )
    if figures["covered"]:
        result.agreement = in_force
    owed = figures["owed"] or Decimal("0")
    if owed > settings.SOLVENCY_TOLERANCE:
        result.reasons.append(
            _("%(n)s period(s) in arrears (%(first)s to %(last)s): %(amount)s owed.")
            % {
                "n": figures["n"],
                "first": figures["first"].strftime("%m/%Y"),
                "last": figures["last"].strftime("%m/%Y"),
                "amount": format_money(owed),
            }
        )
    for agreement in agreements:
        if agreement.status != AgreementStatus.ACTIVE:
            result.reasons.append(
                _("Agreement %(number)s is %(status)s.")
                % {"number": agreement.pk, "status": agreement.get_status_display().lower()}
            )
        elif agreement.behind:
            result.reasons.append(
                _("Agreement %(number)s has an installment overdue.") % {"number": agreement.pk}
            )
    pending = LegalReferral.objects.filter(
        case__employer=employer, status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED]
    )
    for referral in pending.order_by("pk"):
        result.reasons.append(
            _("Referred to the Legal Unit on %(date)s (%(status)s).")
            % {
                "date": referral.referred_on.strftime("%d/%m/%Y"),
                "status": referral.get_status_display().lower(),
            }
        )
    return result


def not_solvent(employer_ids: list[int], on: datetime.date) -> set[int]:
    """Of these employers, those `assess` would find not solvent on `on`, in four
    queries whatever their number (the certificates' register flags them)."""
    if not employer_ids:
        return set()
    overdue = Installment.objects.filter(agreement=OuterRef("pk"), due_date__lt=on).exclude(
        status="paid"
    )
    agreements = (
        PaymentAgreement.objects.filter(
            employer_id__in=employer_ids,
            status__in=[AgreementStatus.ACTIVE, AgreementStatus.BREACHED, AgreementStatus.REFERRED],
        )
        .annotate(behind=Exists(overdue))
        .order_by("pk")
        .values_list("pk", "employer_id", "status", "behind")
    )
    found: set[int] = set()
    in_force: dict[int, int] = {}
    for pk, employer_id, status, behind in agreements:
        if status != AgreementStatus.ACTIVE or behind:
            found.add(employer_id)
        elif employer_id not in in_force:
            in_force[employer_id] = pk
    grace = datetime.timedelta(days=settings.SOLVENCY_GRACE_DAYS)
    late = ContributionPeriod.objects.filter(
        employer_id__in=employer_ids, balance__gt=0, due_date__lt=on - grace
    )
    if settings.SOLVENCY_AGREEMENT_COUNTS and in_force:
        late = late.exclude(
            pk__in=AgreementPeriod.objects.filter(agreement_id__in=in_force.values()).values(
                "period"
            )
        )
    owing = late.values("employer_id").annotate(owed=Sum("balance")).order_by()
    found |= {row["employer_id"] for row in owing if row["owed"] > settings.SOLVENCY_TOLERANCE}
    found |= set(
        LegalReferral.objects.filter(
            case__employer_id__in=employer_ids,
            status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED],
        ).values_list("case__employer_id", flat=True)
    )
    return found


def work_centres(employer: Employer, on: datetime.date) -> list[dict]:
    """The employer's work centres, each with its periods on record, its last period and
    what it owes past due on `on`: the certificate groups them when there are several."""
    return list(
        ContributionPeriod.objects.filter(employer=employer)
        .values("work_centre")
        .annotate(
            periods=Count("pk"),
            last=Max("period"),
            owed=Coalesce(Sum("balance", filter=Q(balance__gt=0, due_date__lt=on)), ZERO),
        )
        .order_by("work_centre")
    )


def _next_number(year: int) -> str:
    """The next number of the year's sequence (two certificates at once never share one)."""
    return f"{settings.SOLVENCY_PREFIX}-{year}-{next_in_year(CertificateSequence, year):04d}"


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@transaction.atomic
def certificate_issue(*, employer: Employer, actor: User) -> SolvencyCertificate:
    """The certificate of a solvent employer, registered; refused with every reason
    when the employer is not solvent."""
    if not actor.has_perm(ISSUE):
        raise PermissionDenied
    if not Employer.objects.visible_to(actor).filter(pk=employer.pk).exists():
        raise PermissionDenied
    # One employer at a time: the assessment and the certificate agree.
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    today = timezone.localdate()
    assessment = assess(employer, today)
    if not assessment.solvent:
        raise ValidationError(
            _("The employer is not solvent: %(reasons)s")
            % {"reasons": " ".join(assessment.reasons)}
        )
    return SolvencyCertificate.objects.create(
        number=_next_number(today.year),
        employer=employer,
        issued_by=actor,
        valid_until=today + datetime.timedelta(days=settings.SOLVENCY_VALIDITY_DAYS),
        code=new_code(),
        standing=assessment.standing,
        agreement_number=assessment.agreement.pk if assessment.agreement else "",
    )


@dataclass
class Verification:
    certificate: SolvencyCertificate
    valid: bool
    # Issued while solvent, the employer is not any more: the certificate stays valid
    # until it expires, but whoever checks it is told.
    flagged: bool


def normalize_code(code: str) -> str:
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else code.strip().upper()


def verify(code: str, today: datetime.date | None = None) -> Verification | None:
    today = today or timezone.localdate()
    certificate = (
        SolvencyCertificate.objects.select_related("employer")
        .filter(code=normalize_code(code))
        .first()
    )
    if certificate is None:
        return None
    valid = certificate.is_valid(today)
    flagged = valid and not assess(certificate.employer, today).solvent
    return Verification(certificate=certificate, valid=valid, flagged=flagged)
