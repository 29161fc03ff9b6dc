import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "recupera_session_started"
SESSION_RENEWED_KEY = "recupera_session_renewed"


class AbsoluteSessionLimitMiddleware:
    """End every session a fixed time after login, however active it is.

    The idle limit is Django's SESSION_COOKIE_AGE, renewed by activity; this adds the
    absolute one (12 hours by default) that a sliding expiry cannot give.

    Activity renews the idle limit at most once every SESSION_RENEW_SECONDS (a minute):
    saving the session on every request was a write and a commit on every page, a
    millisecond or more of each. An idle session so ends between 29 and 30 minutes
    after the last request.
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
            renewed = request.session.get(SESSION_RENEWED_KEY, 0)
            if now - renewed >= settings.SESSION_RENEW_SECONDS:
                request.session[SESSION_RENEWED_KEY] = now  # saved, with a new expiry
        return self.get_response(request)
