"""A pg_dump / pg_restore round trip through the project's scripts keeps every row of every table."""

import io
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are PostgreSQL dumps"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]
SCRIPTS = Path(settings.BASE_DIR) / "scripts"


def _url(database: str) -> str:
    conf = connection.settings_dict
    user = conf.get("USER") or "postgres"
    auth = f"{user}:{conf['PASSWORD']}@" if conf.get("PASSWORD") else f"{user}@"
    return f"postgresql://{auth}{conf.get('HOST') or '127.0.0.1'}:{conf.get('PORT') or 5432}/{database}"


def _row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ]
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_keep_every_row(tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    source = _url(connection.settings_dict["NAME"])
    scratch = f"abr_restore_{uuid.uuid4().hex[:8]}"
    admin = _url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{scratch}"')
    try:
        env = {**os.environ, "DATABASE_URL": source}
        dump = subprocess.run(
            [str(SCRIPTS / "backup.sh"), str(tmp_path)], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        assert Path(dump).stat().st_size > 0
        subprocess.run(
            [str(SCRIPTS / "restore.sh"), dump],
            env={**os.environ, "DATABASE_URL": _url(scratch)},
            capture_output=True,
            text=True,
            check=True,
        )
        before = _row_counts(source)
        after = _row_counts(_url(scratch))
        assert after == before
        assert before["core_adminarea"] > 500
        assert before["core_auditevent"] > 0
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
