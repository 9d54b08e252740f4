#!/usr/bin/env python
"""Referrals under load: sending referrals through the service (consent gate, audit, follow-up), the desk's
referral list and home page, a partner's inbox and the referrals endpoint, with a share of sensitive cases
hidden from the desk. Prints timings and query counts; asserts nothing.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/referrals_lists.py --referrals 20000 --sends 50

Runs in a throwaway database (``<name>_referrals_bench``), created and dropped by the script.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abr.settings.test")


def _timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=20000, help="referral rows in the district")
    parser.add_argument("--sensitive", type=float, default=0.05, help="share of sensitive referrals")
    parser.add_argument("--sends", type=int, default=50, help="referrals sent through the service and timed")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slowest", type=int, default=0, help="also print the N slowest queries of each page")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"{settings.DATABASES['default']['NAME']}_referrals_bench"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _run(args, CaptureQueriesContext, connection)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _run(args, CaptureQueriesContext, connection) -> None:
    import logging

    from django.contrib.auth.models import Permission
    from django.core.signals import request_started
    from django.db import close_old_connections
    from django.test import Client
    from django.utils import timezone

    from core.models import AdminArea, AdminLevel, Organisation, OrganisationKind, Role
    from core.tests.factories import UserFactory
    from profiling.models import Consent, Household
    from profiling.tests.factories import HouseholdFactory
    from referrals import selectors, services
    from referrals.models import FollowUp, Referral, ReferralEvent, Service

    logging.getLogger("celery").setLevel(logging.WARNING)
    rng = random.Random(7)  # noqa: S311 - reproducible test data, not secrets
    afg = AdminArea.objects.create(pcode="AFG", name="Afghanistan", level=AdminLevel.COUNTRY, country_code="AFG")
    nangarhar = AdminArea.objects.create(pcode="AF06", name="Nangarhar", level=1, parent=afg, country_code="AFG")
    khogyani = AdminArea.objects.create(pcode="AF0608", name="Khogyani", level=2, parent=nangarhar, country_code="AFG")
    settlements = [
        AdminArea.objects.create(
            pcode=f"AF0608S{i:03d}", name=f"Village {i}", level=3, parent=khogyani, country_code="AFG"
        )
        for i in range(1, 21)
    ]
    iom = Organisation.objects.create(name="International Organization for Migration", acronym="IOM", kind="un_agency")
    unit = Organisation.objects.create(
        name="IOM Protection Unit", acronym="IOM-PRO", kind=OrganisationKind.INTERNAL_UNIT, parent=iom
    )
    nrc = Organisation.objects.create(name="Norwegian Refugee Council", acronym="NRC", kind="ingo")
    unicef = Organisation.objects.create(name="UNICEF", acronym="UNICEF", kind="un_agency")
    desk = UserFactory(username="bench.desk", role=Role.DESK_OFFICER, organisation=iom, areas=[khogyani])
    lead = UserFactory(username="bench.lead", role=Role.MANAGER, organisation=iom, areas=[khogyani])
    lead.user_permissions.add(Permission.objects.get(codename="view_sensitive"))
    partner = UserFactory(username="bench.nrc", role=Role.PARTNER, organisation=nrc, areas=[])

    directory = []
    for provider, name, sector in (
        (nrc, "Legal counselling", "PRO-HLP"),
        (unit, "Case management", "PRO"),
        (unicef, "Child protection", "PRO-CPN"),
    ):
        entry = Service.objects.create(provider=provider, maintained_by=iom, name=name, sector=sector)
        entry.areas.set([nangarhar])
        directory.append(entry)

    start = time.perf_counter()
    households = Household.objects.bulk_create(
        [
            HouseholdFactory.build(organisation=iom, settlement=rng.choice(settlements), registered_by=desk)
            for _ in range(max(args.sends, args.referrals // 4))
        ]
    )
    Consent.objects.bulk_create(
        [
            Consent(household=h, purpose=p, given=True, legal_basis="consent", recorded_by=desk)
            for h in households[: args.sends]
            for p in ("registration", "referral", "partner_sharing")
        ]
    )
    today = timezone.localdate()
    statuses = ["sent", "accepted", "in_progress", "service_provided", "declined", "closed", "closed"]
    rows = []
    for n in range(args.referrals):
        household = rng.choice(households)
        service = directory[2] if rng.random() < args.sensitive else rng.choice(directory[:2])
        sent = timezone.now() - datetime.timedelta(days=rng.randint(0, 120))
        rows.append(
            Referral(
                reference=f"RF-BENCH-{n:07d}",
                organisation=iom,
                referred_from=iom,
                area=household.settlement,
                household=household,
                client_name=household.head_name,
                client_phone=household.phone,
                service=service,
                receiving_organisation=service.provider,
                sector=service.sector,
                reason="Benchmark referral",
                urgency="normal",
                deadline=sent.date() + datetime.timedelta(days=10),
                sensitive=service.sector == "PRO-CPN",
                status=rng.choice(statuses),
                consent_recorded=True,
                referred_by=desk,
                sent_at=sent,
            )
        )
    Referral.objects.bulk_create(rows, batch_size=2000)
    ReferralEvent.objects.bulk_create(
        [ReferralEvent(referral=r, kind="sent", to_status="sent", actor=desk, actor_organisation=iom) for r in rows],
        batch_size=2000,
    )
    FollowUp.objects.bulk_create(
        [FollowUp(referral=r, due_on=r.deadline + datetime.timedelta(days=1), scheduled_by=desk) for r in rows],
        batch_size=2000,
    )
    load_seconds = time.perf_counter() - start
    connection.cursor().execute("ANALYZE")

    send_times, send_queries = [], []
    for household in households[: args.sends]:
        with CaptureQueriesContext(connection) as queries:
            begin = time.perf_counter()
            services.referral_create(
                actor=desk, household=household, service=directory[0], reason="Timed", urgency="high"
            )
            send_times.append(time.perf_counter() - begin)
        send_queries.append(len(queries.captured_queries))

    slowest: dict[str, list] = {}

    def page(client, url):
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        connection.queries_log.clear()  # each request clears the log: start from empty to count it
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries.captured_queries)
        slowest[url] = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[: args.slowest]
        median, _ = _timed(fetch, args.repeat)
        return median, count

    request_started.disconnect(close_old_connections)  # keep one connection so queries can be counted
    desk_client, lead_client, partner_client = Client(), Client(), Client()
    desk_client.force_login(desk)
    lead_client.force_login(lead)
    partner_client.force_login(partner)
    figures = {
        "desk referral list": page(desk_client, "/referrals/"),
        "desk referral list, overdue only": page(desk_client, "/referrals/?overdue=on"),
        "sensitive lead referral list": page(lead_client, "/referrals/"),
        "desk home page (panels)": page(desk_client, "/"),
        "partner inbox": page(partner_client, "/referrals/inbox/"),
        "partner API page (100 rows)": page(partner_client, "/api/v1/referrals/"),
        "desk API page (100 rows)": page(desk_client, "/api/v1/referrals/"),
    }
    counts_ms, counts = _timed(lambda: selectors.referral_counts(desk, today=today), args.repeat)
    for url, queries in slowest.items():
        for query in queries:
            print(f"  slow on {url}: {float(query['time']) * 1000:.1f} ms  {query['sql'][:400]}")

    print(f"\nReferrals benchmark: {args.referrals:,} referrals ({args.sensitive:.0%} sensitive) in one district")
    print(f"  set-up (bulk rows)                        {load_seconds:8.1f} s")
    print(
        f"  referral_create (consent gate, audit)     p50 {statistics.median(send_times) * 1000:6.1f} ms, "
        f"max {max(send_times) * 1000:6.1f} ms, {statistics.median(send_queries):.0f} queries"
    )
    for label, (median, queries) in figures.items():
        print(f"  {label:<40}  {median:6.1f} ms  {queries:3d} queries")
    print(
        f"  referral_counts (desk)                    {counts_ms:6.1f} ms  "
        f"active {counts.active:,}, overdue {counts.overdue:,}, restricted {counts.restricted}"
    )


if __name__ == "__main__":
    main()
