"""The employer page's links to the employer's cases (registered from RecoveryConfig)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from employers.queries import EmployerLink, register_employer_links


def case_links(employer, user) -> list[EmployerLink]:
    from recovery.models import RecoveryCase

    if not user.has_perm("recovery.view_recoverycase"):
        return []
    cases = RecoveryCase.objects.visible_to(user).filter(employer=employer).order_by("-opened_on")
    return [
        EmployerLink(
            _("Case %(number)s") % {"number": case.pk},
            reverse("recovery:case_detail", args=[case.pk]),
            case.get_status_display(),
        )
        for case in cases[:5]
    ]


def register() -> None:
    register_employer_links(case_links)
