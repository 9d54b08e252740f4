"""Records where a request comes from, so audit events written during it can say so."""

import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.messages import warning
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .context import Origin, origin
from .http import client_ip


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        request_id = request.headers.get("X-Request-ID", "")[:36] or str(uuid.uuid4())
        value = Origin(
            channel=channel,
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:300],
            request_id=request_id,
        )
        with origin(value):
            response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", request_id)
        return response


class UserLanguageMiddleware:
    """Speak the signed-in user's chosen language, whatever the browser asks for, and read and show
    dates in the user's calendar (``core.context.current_calendar``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        from .context import calendar

        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        language = getattr(user, "preferred_language", "") if signed_in else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        with calendar(getattr(user, "calendar", "gregorian") if signed_in else "gregorian"):
            return self.get_response(request)


SESSION_AUTH_AT = "abr_auth_at"
SESSION_SEEN_AT = "abr_seen_at"


def stamp_sign_in(sender, request, user, **kwargs) -> None:
    """Connected to ``user_logged_in``: the absolute session limit counts from here."""
    if hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_AUTH_AT] = now
        request.session[SESSION_SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Ends a signed-in session after ``ABR_SESSION_IDLE_SECONDS`` without a request, and in any case
    ``ABR_SESSION_ABSOLUTE_SECONDS`` after sign-in. The last-seen time is written at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            auth_at = session.setdefault(SESSION_AUTH_AT, now)
            seen_at = session.get(SESSION_SEEN_AT, now)
            idle = now - seen_at > settings.ABR_SESSION_IDLE_SECONDS
            expired = now - auth_at > settings.ABR_SESSION_ABSOLUTE_SECONDS
            if idle or expired:
                logout(request)
                warning(request, _("Your session ended. Sign in again to continue."))
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('core:login')}?next={request.path}")
            if now - seen_at >= 60 or SESSION_SEEN_AT not in session:
                session[SESSION_SEEN_AT] = now
        return self.get_response(request)


class MfaRequiredMiddleware:
    """Users whose role is in ``ABR_MFA_REQUIRED_ROLES`` reach nothing but sign-in, sign-out and the MFA
    pages until they have confirmed a one-time code in this session."""

    ALLOWED_PREFIXES = ("/login/", "/logout/", "/mfa/", "/static/", "/jsi18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.ABR_MFA_REQUIRED_ROLES
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not user.is_verified()
        ):
            from .scoping import scope_for

            scope = scope_for(user)
            if scope is not None and scope.role in settings.ABR_MFA_REQUIRED_ROLES:
                from django_otp import user_has_device

                target = "core:mfa_verify" if user_has_device(user) else "core:mfa_setup"
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse(
                        {"error": {"status": 403, "code": "mfa_required", "message": "Confirm a one-time code first."}},
                        status=403,
                    )
                return redirect(f"{reverse(target)}?next={request.path}")
        return self.get_response(request)


PRIVATE_SEARCH_PARAMS = ("q",)
SEARCH_SESSION_KEY = "abr_searches"
SEARCHES_KEPT = 20


class PrivateSearchMiddleware:
    """Keeps what people search for (names, phone numbers) out of URLs, browser history and access logs.

    A filter form posts (``method="post"`` with a hidden ``_filter=1``); the search text is kept in the
    session under a random token and the browser is redirected to the list with ``?qs=<token>`` and the
    other, non-personal filters. On that GET the text is put back into ``request.GET`` so list views and
    filter sets work as if it had been in the URL. Runs after CSRF checking (``process_view``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/") or not hasattr(request, "session"):
            return None
        if request.method == "POST" and request.POST.get("_filter") == "1":
            return self._stash(request)
        if request.method == "GET" and "qs" in request.GET:
            private = request.session.get(SEARCH_SESSION_KEY, {}).get(request.GET["qs"])
            if private:
                params = request.GET.copy()
                for key, values in private.items():
                    params.setlist(key, values)
                request.GET = params
        return None

    def _stash(self, request):
        import secrets

        from django.http import HttpResponseRedirect, QueryDict

        params = QueryDict(mutable=True)
        private = {}
        for key, values in request.POST.lists():
            if key in ("csrfmiddlewaretoken", "_filter", "qs"):
                continue
            kept = [v for v in values if v.strip()]
            if not kept:
                continue
            if key in PRIVATE_SEARCH_PARAMS:
                private[key] = kept
            else:
                params.setlist(key, kept)
        if private:
            token = secrets.token_urlsafe(9)
            searches = dict(request.session.get(SEARCH_SESSION_KEY, {}))
            searches[token] = private
            request.session[SEARCH_SESSION_KEY] = dict(list(searches.items())[-SEARCHES_KEPT:])
            params["qs"] = token
        query = params.urlencode()
        response = HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)
        response.status_code = 303
        return response
