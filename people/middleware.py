import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "recupera_session_started"


class AbsoluteSessionLimitMiddleware:
    """End every session a fixed time after login, however active it is.

    The idle limit is Django's SESSION_COOKIE_AGE, renewed on each request; this adds
    the absolute one (12 hours by default) that a sliding expiry cannot give.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(SESSION_STARTED_KEY, now)
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Your session expired. Please log in again."))
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)
