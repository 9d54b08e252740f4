"""Bearer tokens for partner systems: ``Authorization: Bearer abr_<prefix>_<secret>``."""

from __future__ import annotations

import datetime
import hashlib
import hmac

from django.utils import timezone
from rest_framework import authentication, exceptions

from core.models import ApiToken

CREDENTIAL_MARK = "abr_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header.startswith(f"{self.keyword} "):
            return None
        raw = header[len(self.keyword) + 1 :].strip()
        parts = raw.split("_")
        if len(parts) != 3 or f"{parts[0]}_" != CREDENTIAL_MARK:
            raise exceptions.AuthenticationFailed("Malformed token.")
        token = ApiToken.objects.select_related("user", "organisation").filter(prefix=parts[1]).first()
        if token is None or not hmac.compare_digest(token.key_hash, hash_secret(raw)):
            raise exceptions.AuthenticationFailed("Unknown token.")
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed("This token has expired.")
        if not token.user.is_active or not token.organisation.is_active:
            raise exceptions.AuthenticationFailed("This token's account is disabled.")
        if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
            # Usage bookkeeping, at most once a minute; not a change to programme data.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
