from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request) -> dict:
    """The menu entries the user's role may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    if user.has_perm("recovery.view_recoverycase"):
        items.append((_("Work queue"), reverse("recovery:queue")))
        items.append((_("Cases"), reverse("recovery:case_list")))
    if user.has_perm("agreements.view_paymentagreement"):
        items.append((_("Agreements"), reverse("agreements:agreement_list")))
    if user.has_perm("recovery.view_legalreferral"):
        items.append((_("Legal Unit"), reverse("legal:referral_list")))
    if user.has_perm("employers.view_employer"):
        items.append((_("Employers"), reverse("employers:employer_list")))
    if user.has_perm("employers.view_arrearsimport"):
        items.append((_("Arrears imports"), reverse("employers:import_list")))
    if user.is_superuser:
        items.append((_("Administration"), reverse("admin:index")))
    return {"nav_items": items, "unread_notifications": _unread(user)}


def _unread(user) -> int:
    from people.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()
