from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from people.registry import menu_entries


@login_required
def home(request):
    """The landing page of the user's role, as the apps' menu entries declare it."""
    landings = sorted(
        (entry for entry in menu_entries() if entry.landing is not None),
        key=lambda entry: entry.landing,
    )
    for entry in landings:
        if entry.landing_roles and request.user.role not in entry.landing_roles:
            continue
        if request.user.has_perm(entry.permission):
            return redirect(entry.url_name)
    return render(request, "people/home.html")


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
