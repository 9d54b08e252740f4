"""Records where a request comes from, so audit events written during it can say so."""

import uuid

from .context import Origin, origin


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        request_id = request.headers.get("X-Request-ID", "")[:36] or str(uuid.uuid4())
        value = Origin(
            channel=channel,
            ip_address=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.headers.get("User-Agent", "")[:300],
            request_id=request_id,
        )
        with origin(value):
            response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", request_id)
        return response


class UserLanguageMiddleware:
    """Speak the signed-in user's chosen language, whatever the browser asks for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
