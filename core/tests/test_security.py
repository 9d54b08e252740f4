"""Sign-in hardening: MFA for managers and admins, lockout per (username, address), session timeouts, CSP."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.http import client_ip
from core.models import AuditEvent

PASSWORD = "correct horse battery"


def _login(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(reverse("core:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


@pytest.fixture
def mfa_enforced(settings):
    settings.ABR_MFA_REQUIRED_ROLES = ["manager", "admin"]


def test_manager_must_set_up_mfa_before_reaching_anything(client, manager, mfa_enforced):
    _login(client, "manager")
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:mfa_setup"))
    page = client.get(response.url).content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    wrong = client.post(reverse("core:mfa_setup"), {"token": "000000"})
    assert "That code is not right" in wrong.content.decode()
    done = client.post(reverse("core:mfa_setup"), {"token": _current_code(device)})
    codes = re.findall(r"<code>(\w+)</code>", done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(action="mfa.totp_confirm", actor=manager).exists()


def test_second_sign_in_asks_for_a_code_and_recovery_codes_work_once(client, manager, mfa_enforced):
    from core import services

    services.mfa_totp_begin(actor=manager)
    device = TOTPDevice.objects.get(user=manager)
    codes = services.mfa_totp_confirm(actor=manager, token=_current_code(device))

    with time_machine.travel(datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        _login(client, "manager")
        response = client.get(reverse("core:home"))
        assert response.url.startswith(reverse("core:mfa_verify"))
        bad = client.post(reverse("core:mfa_verify"), {"token": "123456", "next": "/"})
        assert bad.status_code == 200
        assert AuditEvent.objects.filter(action="mfa.verify_failed", actor=manager).count() == 1
        traveller.shift(10)  # devices slow down guessing after a failure
        ok = client.post(reverse("core:mfa_verify"), {"token": codes[0], "next": "/"})
        assert ok.status_code == 302
        assert client.get(reverse("core:home")).status_code == 200

        client.logout()
        _login(client, "manager")
        again = client.post(reverse("core:mfa_verify"), {"token": codes[0], "next": "/"})
        assert again.status_code == 200  # the same recovery code does not work twice
        assert client.get(reverse("core:home")).status_code == 302


def test_mfa_is_not_demanded_of_field_staff(client, field_officer, mfa_enforced):
    _login(client, "field.khogyani")
    assert client.get(reverse("core:home")).status_code == 200


def test_api_answers_mfa_required_in_the_api_error_body(client, manager, mfa_enforced):
    _login(client, "manager")
    response = client.get("/api/v1/areas/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "mfa_required"


def test_lockout_is_per_username_and_address(client, field_officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "field.khogyani", password="wrong", ip="203.0.113.9")
    locked = _login(client, "field.khogyani", ip="203.0.113.9")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # The real user, elsewhere, still signs in: the attacker cannot lock them out.
    elsewhere = _login(client, "field.khogyani", ip="198.51.100.7")
    assert elsewhere.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_idle_session_ends(client, field_officer):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        _login(client, "field.khogyani")
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(settings.ABR_SESSION_IDLE_SECONDS - 60)
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(settings.ABR_SESSION_IDLE_SECONDS + 1)
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("core:login"))


def test_session_ends_at_the_absolute_limit_even_when_active(client, field_officer):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        _login(client, "field.khogyani")
        step = settings.ABR_SESSION_IDLE_SECONDS // 2
        for _ in range(settings.ABR_SESSION_ABSOLUTE_SECONDS // step):
            traveller.shift(step)
            client.get(reverse("core:home"))
        traveller.shift(step)
        assert client.get(reverse("core:home")).status_code == 302


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get(reverse("core:login")).headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_inline_script_style_or_handlers():
    root = Path(settings.BASE_DIR)
    offenders = []
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    inline_style = re.compile(r"<style\b|\sstyle=\"", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+=\"", re.IGNORECASE)
    for path in root.glob("**/templates/**/*.html"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (inline_script, inline_style, handler):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(root)}: {pattern.pattern}")
    assert offenders == []


def test_client_ip_trusts_only_the_configured_proxies(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20")
    settings.ABR_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.ABR_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.20"
