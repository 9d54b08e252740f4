"""Latency at national scale: household list page and API page against a bare indexed SQL query of the same
rows, and a streamed export of every household, on a scratch database seeded with ``seed_scale``.

    python benchmarks/scale_latency.py --households 1000000            # seeds abr_bench_1000000 once
    python benchmarks/scale_latency.py --households 1000000 --reuse    # measures again on the same data

The pages are served by gunicorn on 127.0.0.1 (loopback HTTP, as a user's browser would hit them) and
timed from this process; the baseline is the same page of rows fetched by one SQL query over the same
indexes. Figures are printed as milliseconds and as ratios to the baseline.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, machine, report, seeded_database, setup_django, summary

PAGE_SIZE = 50


def _prepare(households: int, reuse: bool) -> str:
    return seeded_database(f"abr_bench_{households}", households, reuse=reuse, settings="abr.settings.local")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_for(username: str) -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from core.models import AdminArea, Membership, Organisation, Role

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        Membership.objects.create(user=user, organisation=Organisation.objects.get(acronym="IOM"), role=Role.MANAGER)
        user.membership.areas.set([AdminArea.objects.get(pcode="AFG")])
    client = Client()
    client.force_login(user)
    # Managers confirm a one-time code after their password; the benchmark session has done so.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client.cookies["sessionid"].value


def _time_get(port: int, path: str, session: str, repeat: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"sessionid={session}", "Host": "127.0.0.1"}
    timings = []
    for _ in range(repeat + 2):
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {body[:300]!r}")
        timings.append(elapsed)
    return timings[2:]  # the first requests warm the worker


def _baseline(repeat: int) -> list[float]:
    """The same first page of a national manager's household list, by one indexed SQL query."""
    from django.db import connection

    sql = (
        "SELECT h.id, h.reference, h.head_name, h.displacement_status, h.vulnerability_band, h.size, "
        "h.registered_at, a.name FROM profiling_household h JOIN core_adminarea a ON a.id = h.settlement_id "
        "WHERE h.organisation_id = %s ORDER BY h.registered_at DESC, h.id DESC LIMIT %s"
    )
    from core.models import Organisation

    organisation = Organisation.objects.get(acronym="IOM").pk
    timings = []
    with connection.cursor() as cursor:
        for _ in range(repeat + 2):
            start = time.perf_counter()
            cursor.execute(sql, [organisation, PAGE_SIZE])
            cursor.fetchall()
            timings.append(time.perf_counter() - start)
    return timings[2:]


def _export(session_user) -> dict[str, float]:
    """Stream every household the national manager sees through the CSV writer, reading plain rows (not
    model instances) in chunks from a server-side cursor; memory stays flat whatever the count."""
    import resource

    from core.exports import Column, stream_csv
    from profiling.selectors import households_for_user

    fields = ["reference", "settlement__pcode", "displacement_status", "size", "vulnerability_band"]
    columns = [
        Column("Reference", "#household+id", lambda row: row[0]),
        Column("Settlement", "#adm3+code", lambda row: row[1]),
        Column("Status", "#population+type", lambda row: row[2]),
        Column("Members", "#affected+ind", lambda row: row[3], is_count=True),
        Column("Band", "#severity+band", lambda row: row[4]),
    ]
    rows = households_for_user(session_user).order_by("id").values_list(*fields).iterator(chunk_size=5000)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    written = size = 0
    for line in stream_csv(rows, columns):
        written += 1
        size += len(line)
    elapsed = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "export rows": written - 3,
        "export seconds": elapsed,
        "export rows/s": (written - 3) / elapsed,
        "export MB written": size / 1e6,
        "peak RSS before export MB": rss_before,
        "peak RSS after export MB": rss_after,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="measure on an already seeded database")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()

    url = _prepare(args.households, args.reuse)
    os.environ["DATABASE_URL"] = url
    setup_django()
    session = _session_for("bench.manager")
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "abr.settings.local", "DATABASE_URL": url, "DJANGO_DEBUG": "false"}
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "abr.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "abr.settings.local"},
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        base = summary(_baseline(args.repeat))
        page = summary(_time_get(port, "/profiling/households/", session, args.repeat))
        api = summary(_time_get(port, "/api/v1/households/?page_size=50", session, args.repeat))
    finally:
        server.terminate()
        server.wait()
    from django.contrib.auth import get_user_model

    figures = {
        "machine": machine(),
        "households": args.households,
        "baseline SQL p50 ms": base["p50_ms"],
        "baseline SQL p95 ms": base["p95_ms"],
        "list page p50 ms": page["p50_ms"],
        "list page p95 ms": page["p95_ms"],
        "list page p95 / baseline p95": page["p95_ms"] / max(base["p95_ms"], 0.001),
        "API page p50 ms": api["p50_ms"],
        "API page p95 ms": api["p95_ms"],
        "API page p95 / baseline p95": api["p95_ms"] / max(base["p95_ms"], 0.001),
    }
    figures.update(_export(get_user_model().objects.get(username="bench.manager")))
    report("Household list, API page and export at scale", figures)


if __name__ == "__main__":
    main()
