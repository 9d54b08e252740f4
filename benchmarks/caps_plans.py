#!/usr/bin/env python
"""Community action plans under load: writes through the services, the plan document, its XLSX,
the plan list and the plans endpoint. Prints timings and query counts; asserts nothing.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/caps_plans.py --priorities 20 --actions 5 --plans 300

Runs in a throwaway database (``<name>_caps_bench``), created and dropped by the script.
"""

from __future__ import annotations

import argparse
import datetime
import os
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
    parser.add_argument("--priorities", type=int, default=20)
    parser.add_argument("--actions", type=int, default=5, help="actions per priority")
    parser.add_argument("--plans", type=int, default=300, help="plans in the list (other periods)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"{settings.DATABASES['default']['NAME']}_caps_bench"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _run(args, CaptureQueriesContext, connection)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _run(args, CaptureQueriesContext, connection) -> None:
    from decimal import Decimal

    from django.core.signals import request_started
    from django.db import close_old_connections
    from django.test import Client

    from caps import services
    from caps.models import ParticipantGroup, Plan, PlanStatus, Sector
    from core.models import AdminArea, AdminLevel, Membership, Organisation, Role
    from core.tests.factories import UserFactory
    from targeting.models import RoundStatus, ScoringModel, TargetArea, TargetingRound

    afg = AdminArea.objects.create(pcode="AFG", name="Afghanistan", level=AdminLevel.COUNTRY, country_code="AFG")
    nangarhar = AdminArea.objects.create(pcode="AF06", name="Nangarhar", level=1, parent=afg, country_code="AFG")
    khogyani = AdminArea.objects.create(pcode="AF0608", name="Khogyani", level=2, parent=nangarhar, country_code="AFG")
    iom = Organisation.objects.create(name="International Organization for Migration", acronym="IOM", kind="un_agency")
    field = UserFactory(username="bench.field", role=Role.FIELD_STAFF, organisation=iom, areas=[khogyani])
    manager = UserFactory(username="bench.manager", role=Role.MANAGER, organisation=iom, areas=[nangarhar])
    assert Membership.objects.count() == 2
    model = ScoringModel.objects.create(organisation=iom, name="Bench", weights={})
    round_ = TargetingRound.objects.create(
        organisation=iom, name="Bench", area=afg, admin_level=2, scoring_model=model, status=RoundStatus.APPROVED
    )
    target = TargetArea.objects.create(round=round_, area=khogyani, rationale="Benchmark")
    workshop = services.workshop_create(
        actor=field,
        target_area=target,
        held_on=datetime.date(2026, 3, 1),
        place="Kaga hall",
        facilitators="Bench (IOM)",
        participation={ParticipantGroup.IDP: (10, 20), ParticipantGroup.HOST: (3, 12)},
    )
    council = services.council_create(actor=field, target_area=target, name="Kaga CDC")
    for index in range(12):
        services.council_member_add(
            actor=field, council=council, name=f"Member {index}", sex="f" if index % 2 else "m", role="member"
        )

    plan = services.plan_create(
        actor=field,
        target_area=target,
        title="Benchmark plan",
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2027, 3, 31),
        council=council,
        workshops=[workshop],
    )
    sectors = list(Sector.values)
    writes = args.priorities * (1 + args.actions)
    start = time.perf_counter()
    for p in range(args.priorities):
        priority = services.priority_add(
            actor=field, plan=plan, sector=sectors[p % len(sectors)], title=f"Priority {p}", votes=(p * 7) % 23
        )
        for a in range(args.actions):
            services.action_add(
                actor=field,
                priority=priority,
                description=f"Action {p}.{a}",
                responsible_other="CDC",
                budget=Decimal(1000 + a),
                currency="AFN" if a % 2 else "USD",
            )
    write_seconds = time.perf_counter() - start
    plan.refresh_from_db()
    services.plan_transition(actor=field, plan=plan, verb="submit")
    start = time.perf_counter()
    services.plan_transition(actor=manager, plan=plan, verb="approve", expected_version=plan.version)
    approve_ms = (time.perf_counter() - start) * 1000

    Plan.objects.bulk_create(
        Plan(
            target_area=target,
            title=f"Other plan {n}",
            period_start=datetime.date(1900 + n, 1, 1),
            period_end=datetime.date(1900 + n, 12, 31),
            created_by=field,
            status=PlanStatus.DRAFT,
        )
        for n in range(args.plans)
    )

    # As Django's test runner does: keep one connection across requests, so every query is counted.
    request_started.disconnect(close_old_connections)
    client = Client()
    client.force_login(manager)
    print(f"caps benchmark: {args.priorities} priorities x {args.actions} actions; {args.plans + 1} plans in the list")
    print(
        f"  service writes (priority_add/action_add, audited): {writes} in {write_seconds:.2f} s "
        f"= {writes / write_seconds:.0f} writes/s"
    )
    print(f"  approve (signed document of the whole plan):        {approve_ms:.1f} ms")
    for label, url, params in (
        ("document page", f"/caps/{plan.pk}/", {}),
        ("signed document page", f"/caps/{plan.pk}/", {"version": "signed"}),
        ("XLSX download", f"/caps/{plan.pk}/plan.xlsx", {}),
        ("plan list (page of 50)", "/caps/", {}),
        ("API /caps/ (page of 100, nested)", "/api/v1/caps/", {"page_size": 100}),
        ("API /cap-actions/ (page of 100)", "/api/v1/cap-actions/", {"page_size": 100}),
    ):
        connection.queries_log.clear()  # a full log (it keeps 9000) would hide the new queries
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
        query_count = len(queries.captured_queries)  # read now: the next request clears the log
        median_ms, response = _timed(lambda url=url, params=params: client.get(url, params), args.repeat)
        print(
            f"  {label:<36} median {median_ms:7.1f} ms  {query_count:3d} queries  "
            f"{len(response.content) / 1024:7.1f} KiB"
        )


if __name__ == "__main__":
    main()
