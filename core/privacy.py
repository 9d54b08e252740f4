"""De-identification for partners: stable pseudonymous ids instead of database ids.

A pseudonym is an HMAC of the record's kind and id, keyed per receiving organisation: the same household
always has the same pseudonym for NRC (incremental syncs line up), a different one for BRAC (two
partners cannot join their extracts), and neither can be turned back into the id without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings


def _key() -> bytes:
    configured = getattr(settings, "ABR_PSEUDONYM_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(f"abr-pseudonym:{configured}".encode()).digest()


def pseudonym(kind: str, pk: int | str, organisation_id: int) -> str:
    digest = hmac.new(_key(), f"{organisation_id}:{kind}:{pk}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().lower()
