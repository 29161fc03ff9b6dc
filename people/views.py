from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from people.registry import menu_entries, page_panels_for


def _landing(user) -> str | None:
    landings = sorted(
        (entry for entry in menu_entries() if entry.landing is not None),
        key=lambda entry: entry.landing,
    )
    for entry in landings:
        if entry.landing_roles and user.role not in entry.landing_roles:
            continue
        if user.has_perm(entry.permission):
            return entry.url_name
    return None


@login_required
def home(request):
    """What waits on the user (the apps' "home" panels: guidelines to read, action
    items), or else straight to the landing page of their role, as the apps' menu
    entries declare it."""
    landing = _landing(request.user)
    panels = page_panels_for("home", request)
    if landing and not panels:
        return redirect(landing)
    return render(request, "people/home.html", {"panels": panels, "landing": landing})


@login_required
def profile(request):
    return render(request, "people/profile.html")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


@login_required
def notifications(request):
    """The user's in-app notifications, newest first; opening the page marks them read."""
    from django.core.paginator import Paginator
    from django.utils import timezone

    from people.models import Notification

    mine = Notification.objects.filter(user=request.user)
    page = Paginator(mine, 25).get_page(request.GET.get("page"))
    unread = [n.pk for n in page.object_list if n.read_at is None]
    response = render(request, "people/notifications.html", {"page": page, "unread": unread})
    Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return response
