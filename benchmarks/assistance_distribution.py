#!/usr/bin/env python
"""Assistance under load: building a beneficiary list from profiling filters, approving it, a distribution
page and a bulk delivery, reached figures for a page of targets, the overlaps report, the record list and
the records endpoint. Prints timings and query counts; asserts nothing.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/assistance_distribution.py --households 5000

Runs in a throwaway database (``<name>_assistance_bench``), created and dropped by the script.
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


def _timed(function, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--members", type=int, default=5, help="members per household")
    parser.add_argument("--settlements", type=int, default=10)
    parser.add_argument("--deliver", type=int, default=500, help="records ticked in one bulk delivery")
    parser.add_argument("--targets", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"{settings.DATABASES['default']['NAME']}_assistance_bench"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _run(args, CaptureQueriesContext, connection)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _world(args):
    """Places, users, an approved target area, households with members, and a delivery history."""
    import random

    from django.utils import timezone

    from assistance.models import ActivityType, AssistanceRecord, RecordStatus
    from assistance.rules import blocked_until
    from core.models import AdminArea, AdminLevel, Membership, Organisation, OrganisationKind, Role, User
    from profiling.models import Household, Member
    from targeting.models import RoundStatus, ScoringModel, TargetArea, TargetingRound

    rng = random.Random(7)  # noqa: S311 - synthetic data, not secrets
    today = timezone.localdate()
    iom = Organisation.objects.create(name="IOM", acronym="IOM", kind=OrganisationKind.UN_AGENCY)
    nrc = Organisation.objects.create(name="NRC", acronym="NRC", kind=OrganisationKind.INGO)

    def area(pcode, name, level, parent):
        return AdminArea.objects.create(pcode=pcode, name=name, level=level, parent=parent, country_code="AFG")

    country = area("AFG", "Afghanistan", AdminLevel.COUNTRY, None)
    province = area("AF06", "Nangarhar", AdminLevel.ADMIN1, country)
    district = area("AF0608", "Khogyani", AdminLevel.ADMIN2, province)
    settlements = [
        area(f"AF0608S{i:03d}", f"Settlement {i}", AdminLevel.SETTLEMENT, district)
        for i in range(1, args.settlements + 1)
    ]

    def user(username, role, areas):
        account = User.objects.create_user(username=username, password="x")  # noqa: S106
        membership = Membership.objects.create(user=account, organisation=iom, role=role)
        membership.areas.set(areas)
        return account

    officer = user("field", Role.FIELD_STAFF, [district])
    builder = user("manager.builder", Role.MANAGER, [province])
    approver = user("manager.approver", Role.MANAGER, [province])
    model = ScoringModel.objects.create(organisation=iom, name="Bench", weights={"idps": 1})
    targeting_round = TargetingRound.objects.create(
        organisation=iom,
        name="Bench",
        area=country,
        admin_level=AdminLevel.ADMIN2,
        scoring_model=model,
        status=RoundStatus.APPROVED,
    )
    TargetArea.objects.create(round=targeting_round, area=district, rationale="bench")

    bands = ["low", "medium", "high", "very_high"]
    statuses = ["idp", "returnee_abroad", "returned_idp", "host"]
    households = Household.objects.bulk_create(
        [
            Household(
                organisation=iom,
                reference=f"HH-{i:07d}",
                settlement=settlements[i % len(settlements)],
                displacement_status=statuses[i % 4],
                shelter_type="rented",
                head_name=f"Head {i}",
                size=args.members,
                vulnerability_band=bands[rng.randrange(4)],
                registered_by=officer,
            )
            for i in range(args.households)
        ],
        batch_size=2000,
    )
    members = []
    for household in households:
        for j in range(args.members):
            born = datetime.date(rng.randint(1950, 2024), rng.randint(1, 12), rng.randint(1, 28))
            members.append(
                Member(
                    household=household,
                    name=f"Member {household.pk}-{j}",
                    sex="fm"[rng.randrange(2)],
                    date_of_birth=born,
                    relationship="head" if j == 0 else "child",
                    has_disability=rng.random() < 0.08,
                )
            )
    Member.objects.bulk_create(members, batch_size=5000)

    kit = ActivityType.objects.get(code="shl-winterization-kit")
    cash = ActivityType.objects.get(code="shl-winterization-cash")
    repair = ActivityType.objects.get(code="shl-repair")
    history = []
    for i, household in enumerate(households):
        if i % 5 == 0:  # a fifth already received winterization cash this winter
            on = today - datetime.timedelta(days=rng.randint(10, 120))
            history.append((household, cash, on, iom))
        if i % 3 == 0:
            on = today - datetime.timedelta(days=rng.randint(30, 300))
            history.append((household, repair, on, iom if i % 2 else nrc))
        if i % 17 == 0:  # another organisation's kit inside the window: reported, not refused
            history.append((household, kit, today - datetime.timedelta(days=40), nrc))
    AssistanceRecord.objects.bulk_create(
        [
            AssistanceRecord(
                household=household,
                activity_type=activity_type,
                status=RecordStatus.DELIVERED,
                planned_date=on,
                delivered_on=on,
                blocked_until=blocked_until(on, activity_type.repeat_window_days),
                implementing_organisation=organisation,
                planned_by=officer,
            )
            for household, activity_type, on, organisation in history
        ],
        batch_size=2000,
    )
    from django.db import connection

    with connection.cursor() as cursor:  # fresh bulk-loaded tables: give the planner real statistics
        cursor.execute("ANALYZE")
    return {
        "district": district,
        "settlements": settlements,
        "officer": officer,
        "builder": builder,
        "approver": approver,
        "kit": kit,
        "repair": repair,
        "iom": iom,
        "history": len(history),
    }


def _run(args, CaptureQueriesContext, connection) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from assistance import selectors, services
    from assistance.models import AssistanceRecord, Indicator, IndicatorTarget, RecordStatus
    from benchmarks.common import machine, report

    started = time.perf_counter()
    world = _world(args)
    setup_s = time.perf_counter() - started
    today = timezone.localdate()
    district, kit = world["district"], world["kit"]
    criteria = selectors.ListCriteria(vulnerability_bands=("high", "very_high"))

    def preview():
        return selectors.list_candidates(
            world["builder"],
            activity_type=kit,
            area=district,
            criteria=criteria,
            planned_date=today,
            implementer_owner_id=world["iom"].pk,
        )

    preview_ms, candidates = _timed(preview, args.repeat)
    with CaptureQueriesContext(connection) as queries:
        create_ms, (beneficiary_list, _c) = _timed(
            lambda: services.beneficiary_list_create(
                actor=world["builder"],
                title="Winter kits",
                activity_type=kit,
                area=district,
                criteria=criteria,
                planned_date=today,
            )
        )
    create_queries = len(queries)
    services.beneficiary_list_submit(actor=world["builder"], beneficiary_list=beneficiary_list)
    approve_ms, approved = _timed(
        lambda: services.beneficiary_list_approve(actor=world["approver"], beneficiary_list=beneficiary_list)
    )

    client = Client()
    client.force_login(world["officer"])
    settlement = world["settlements"][1]  # (every tenth household, in settlement 0, got winter cash already)
    page_url = reverse("assistance:distribution", args=[kit.pk, settlement.pcode])
    with CaptureQueriesContext(connection) as queries:
        page_ms, _r = _timed(lambda: client.get(page_url), args.repeat)
    page_queries = len(queries) // args.repeat

    chosen = list(
        selectors.records_for_user(world["officer"]).filter(
            beneficiary_list=beneficiary_list, status=RecordStatus.APPROVED
        )[: args.deliver]
    )
    with CaptureQueriesContext(connection) as queries:
        deliver_ms, delivered = _timed(
            lambda: services.assistance_deliver_bulk(actor=world["officer"], records=chosen, delivered_on=today)
        )
    deliver_queries = len(queries)

    indicators = list(Indicator.objects.filter(count_by__in=["households", "individuals"]).order_by("code"))
    IndicatorTarget.objects.bulk_create(
        [
            IndicatorTarget(
                organisation=world["iom"],
                indicator=indicators[i % len(indicators)],
                area=district if i % 2 else world["settlements"][i % len(world["settlements"])],
                period_start=today - datetime.timedelta(days=365 + i),
                period_end=today + datetime.timedelta(days=30),
                target=1000,
                created_by=world["approver"],
            )
            for i in range(args.targets)
        ]
    )
    targets = list(selectors.targets_for_user(world["approver"]))
    with CaptureQueriesContext(connection) as queries:
        reached_ms, reached = _timed(lambda: selectors.reached_for_targets(targets), args.repeat)
    reached_queries = len(queries) // args.repeat

    manager_client = Client()
    manager_client.force_login(world["approver"])
    overlaps_ms, overlap_count = _timed(
        lambda: selectors.cross_org_overlaps_for_user(world["approver"]).count(), args.repeat
    )
    timings = {}
    for label, url in (
        ("record list page", reverse("assistance:record_list")),
        ("indicators page (50 targets max)", reverse("assistance:indicator_list")),
        ("overlaps report page", reverse("assistance:overlap_list")),
        ("records endpoint (100 rows)", "/api/v1/assistance-records/"),
        ("indicator targets endpoint", "/api/v1/indicator-targets/"),
    ):
        with CaptureQueriesContext(connection) as queries:
            elapsed, _r = _timed(lambda url=url: manager_client.get(url), args.repeat)
        timings[label] = (elapsed, len(queries) // args.repeat)

    figures = {
        "machine": machine(),
        "households / members": f"{args.households:,} / {args.households * args.members:,}",
        "delivered records in history": world["history"],
        "set-up (s)": setup_s,
        "list preview: eligible / left out": f"{len(candidates.eligible):,} / {len(candidates.excluded):,}",
        "list preview (ms, median)": preview_ms,
        "list create (ms)": create_ms,
        "list create (queries)": create_queries,
        "list approve (ms) for records": f"{approve_ms:,.1f} for {approved:,}",
        "distribution page, one settlement (ms)": page_ms,
        "distribution page (queries)": page_queries,
        "bulk delivery: delivered / refused": f"{len(delivered.delivered):,} / {len(delivered.refused):,}",
        "bulk delivery (ms)": deliver_ms,
        "bulk delivery (queries)": deliver_queries,
        "bulk delivery (ms per record)": deliver_ms / max(len(chosen), 1),
        f"reached for {len(targets)} targets (ms)": reached_ms,
        "reached (queries)": reached_queries,
        "largest reached figure": max((r.total for r in reached.values()), default=0),
        "cross-organisation overlaps (count)": overlap_count,
        "overlap count query (ms)": overlaps_ms,
    }
    for label, (elapsed, count) in timings.items():
        figures[f"{label} (ms / queries)"] = f"{elapsed:,.1f} / {count}"
    figures["records stored"] = AssistanceRecord.objects.count()
    report("Assistance: lists, distributions, reached figures", figures)


if __name__ == "__main__":
    main()
