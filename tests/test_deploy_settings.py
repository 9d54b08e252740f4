"""Production settings pass Django's deployment checks once real secrets and hosts are given."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def _run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "abr.settings.production", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_real_values():
    result = _run_check(
        {
            "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-value",
            "DJANGO_ALLOWED_HOSTS": "abr.example.org",
            "DATABASE_URL": "postgres://abr@db.example.org:5432/abr",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_check({"DJANGO_ALLOWED_HOSTS": "abr.example.org", "DATABASE_URL": "postgres://abr@db/abr"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
