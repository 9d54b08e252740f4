"""Partner tokens: scopes, expiry, revocation, throttling, and the account's areas."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import services
from core.models import ApiToken, AuditEvent


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def _token(admin_user, nrc, *, scopes=("reference:read",), days=30, areas=(), rate=120):
    return services.api_token_create(
        actor=admin_user,
        organisation=nrc,
        name="NRC case system",
        scopes=list(scopes),
        areas=list(areas),
        expires_at=timezone.now() + datetime.timedelta(days=days),
        rate_per_minute=rate,
    )


def _get(client, secret, path="/api/v1/areas/"):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_token_reads_what_its_scope_allows_and_the_secret_is_not_stored(client, admin_user, nrc, places):
    token, secret = _token(admin_user, nrc)
    assert secret not in str(ApiToken.objects.values_list().get(pk=token.pk))
    response = _get(client, secret)
    assert response.status_code == 200
    assert token.user.membership.role == "partner"
    assert AuditEvent.objects.filter(action="api_token.create", target_id=str(token.pk)).exists()
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_without_the_scope_is_refused(client, admin_user, nrc, places):
    _token_obj, secret = _token(admin_user, nrc, scopes=("households:read",))
    response = _get(client, secret)
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "This token does not have the scope this endpoint needs."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("expire", "This token has expired."),
        ("revoke", "This token has been revoked."),
        ("deactivate", "This token has been revoked."),
    ],
)
def test_expired_revoked_and_deactivated_tokens_stop_working(client, admin_user, nrc, places, change, message):
    token, secret = _token(admin_user, nrc)
    assert _get(client, secret).status_code == 200
    if change == "expire":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif change == "revoke":
        services.api_token_revoke(actor=admin_user, token=token, reason="partner system retired")
    else:
        services.user_deactivate(actor=admin_user, user=token.user, reason="integration ended")
    response = _get(client, secret)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == message


def test_wrong_or_malformed_secrets_are_refused(client, admin_user, nrc, places):
    _token_obj, secret = _token(admin_user, nrc)
    assert _get(client, secret[:-2] + "xx").json()["error"]["message"] == "Unknown token."
    assert _get(client, "not-a-token").json()["error"]["message"] == "Malformed token."


def test_each_token_is_throttled_at_its_own_rate(client, admin_user, nrc, places):
    _slow, slow_secret = _token(admin_user, nrc, rate=3)
    _fast, fast_secret = _token(admin_user, nrc, rate=100)
    codes = [_get(client, slow_secret).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    throttled = _get(client, slow_secret)
    assert throttled.json()["error"]["code"] == "throttled"
    assert "Retry-After" in throttled.headers
    assert _get(client, fast_secret).status_code == 200


def test_token_creation_names_bad_fields(admin_user, nrc):
    with pytest.raises(ValidationError) as error:
        services.api_token_create(
            actor=admin_user,
            organisation=nrc,
            name="x",
            scopes=["households:write"],
            expires_at=timezone.now() + datetime.timedelta(days=800),
        )
    assert set(error.value.message_dict) == {"scopes", "expires_at"}
