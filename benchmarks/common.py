"""Shared set-up for benchmark scripts: Django start-up, timers, percentiles and memory readings.

Each script runs as ``python benchmarks/<name>.py`` and prints its figures; ``make bench`` runs them all.
Figures are reported as ratios against a baseline measured in the same run, so they compare across machines.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def setup_django(settings: str = "abr.settings.local") -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def database_url(name: str) -> str:
    """``DATABASE_URL`` (the server) pointed at database ``name``."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return urlparse(base)._replace(path=f"/{name}").geturl()


def seeded_database(name: str, households: int, *, reuse: bool, settings: str) -> str:
    """The URL of database ``name`` holding ``seed_scale --households N``: created, migrated and seeded
    (then vacuumed and analysed), or, with ``reuse`` and the database there, only migrated."""
    import psycopg

    admin = database_url("postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not reuse:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            reuse = False
    url = database_url(name)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": settings}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)  # noqa: S603
    if not reuse:
        started = time.perf_counter()
        subprocess.run([*manage, "seed_scale", "--households", str(households)], env=env, check=True)  # noqa: S603
        print(f"seeded in {time.perf_counter() - started:.0f} s")
        vacuum = [*manage, "dbshell", "--", "-c", "VACUUM ANALYZE"]
        subprocess.run(vacuum, env=env, check=True, capture_output=True)  # noqa: S603
    return url


@contextmanager
def timed(label: str, results: dict[str, float]):
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(values, 50) * 1000,
        "p95_ms": percentile(values, 95) * 1000,
        "mean_ms": statistics.fmean(values) * 1000 if values else 0.0,
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cores = os.cpu_count()
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{platform.machine()}, {cores} cores, {memory_gb:.0f} GiB, Python {platform.python_version()}"


def report(title: str, figures: dict[str, object]) -> None:
    print(f"\n== {title}")
    for key, value in figures.items():
        shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}" if isinstance(value, int) else value
        print(f"  {key:<40} {shown}")
