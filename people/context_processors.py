from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from people.registry import menu_entries


def navigation(request) -> dict:
    """The menu entries the user's role may use, as the installed apps declare them.

    Worked out once per request: a page that renders a nested template with the
    request (django-tables2's render_table does) runs the context processors again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    cached = getattr(request, "_recupera_navigation", None)
    if cached is None:
        cached = request._recupera_navigation = _navigation(user)
    return cached


def _navigation(user) -> dict:
    items = [
        (entry.label, reverse(entry.url_name))
        for entry in menu_entries()
        if user.has_perm(entry.permission)
    ]
    if user.is_superuser:
        items.append((_("Administration"), reverse("admin:index")))
    return {"nav_items": items, "unread_notifications": _unread(user)}


def _unread(user) -> int:
    from people.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()
