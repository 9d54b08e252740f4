"""Facts about a request that several layers need (audit, lockout)."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or with ``ABR_TRUSTED_PROXY_COUNT`` proxies in front, the address
    those proxies saw (counted from the right of X-Forwarded-For, which a client cannot forge past them)."""
    proxies = settings.ABR_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
