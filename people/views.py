from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from people.roles import BRANCH_ROLES


@login_required
def home(request):
    if request.user.role in BRANCH_ROLES:
        return redirect("recovery:queue")
    if request.user.has_perm("employers.view_employer"):
        return redirect("employers:employer_list")
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
