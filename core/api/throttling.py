from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from core.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Per token, at the rate set on the token (requests per minute)."""

    scope = "token"

    def allow_request(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        self.num_requests, self.duration = token.rate_per_minute, 60
        return super().allow_request(request, view)

    def get_rate(self):
        return "120/min"  # replaced per token in allow_request

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}


class SessionUserRateThrottle(UserRateThrottle):
    """Browser sessions calling the API (tokens have their own throttle)."""

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiToken):
            return True
        return super().allow_request(request, view)
