#!/usr/bin/env python
"""The daily check-in reminder scan over millions of check-ins: the scan the task runs (open, assigned,
due by today, without a reminder yet), against a bare indexed SQL reading the same rows; then the whole
task (reminders in the application and by e-mail) run twice, an officer's calls due, and completion per
wave for a manager, a district and an officer, each against the same counted over the check-ins (as before
the tally). Prints timings; asserts nothing.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/monitoring_scan.py --check-ins 3000000

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/monitoring_scan.py --check-ins 3000000 --reuse

Runs in its own database (``<name>_monitoring_bench``), created by the script and dropped after the run;
with ``--reuse`` the database is kept, and a later ``--reuse`` run of the same size only migrates it and
measures again (the reminders the last run created are taken back first, so the task finds the same work).
Rows are written with COPY (``scale.bulk.BulkWriter``) in the shape ``seed_scale`` gives them: three
check-ins per arrived returnee, past windows mostly concluded, open windows already reminded unless they
opened today (the day of the seeding: a reused database keeps its dates).
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

BARE_SQL = (
    "SELECT id, due_on, assigned_to_id FROM monitoring_checkin "
    "WHERE status = 'open' AND reminded_for IS NULL AND assigned_to_id IS NOT NULL AND due_on <= %s ORDER BY due_on, id"
)


def _median(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check-ins", type=int, default=3_000_000, help="check-in rows (three per household)")
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep the database, and measure on it if seeded")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"{settings.DATABASES['default']['NAME']}_monitoring_bench"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.reuse, serialize=False)
    try:
        _run(args, connection)
    finally:
        if not args.reuse:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def _run(args, connection) -> None:
    import logging

    from django.utils import timezone

    from monitoring.models import CheckIn

    logging.getLogger("celery").setLevel(logging.WARNING)
    today = timezone.localdate()
    existing = CheckIn.objects.count()
    if existing and existing == args.check_ins // 3 * 3:
        _forget_reminders(connection)
        print(f"reusing {existing:,} check-ins")
        load_seconds = None
    else:
        if existing:  # a kept database of another size: start again
            connection.close()
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        start = time.perf_counter()
        _seed(args, connection, today)
        load_seconds = time.perf_counter() - start
    _measure(args, connection, today, load_seconds)


def _forget_reminders(connection) -> None:
    """Take back the reminders a last run created, so the task finds the work it found on fresh data."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE monitoring_checkin SET reminded_for = NULL "
            "WHERE id IN (SELECT check_in_id FROM monitoring_notification)"
        )
        cursor.execute("DELETE FROM monitoring_notification")
        cursor.execute("VACUUM ANALYZE monitoring_checkin")
        cursor.execute("VACUUM ANALYZE monitoring_notification")


def _seed(args, connection, today: datetime.date) -> None:
    from core.models import AdminArea, AdminLevel, Organisation, Role
    from core.tests.factories import UserFactory
    from monitoring.models import CheckIn
    from profiling.models import Household
    from scale.bulk import BulkWriter
    from scale.seeding import checkin_rows

    rng = random.Random(7)  # noqa: S311 - reproducible test data, not secrets
    afg = AdminArea.objects.create(pcode="AFG", name="Afghanistan", level=AdminLevel.COUNTRY, country_code="AFG")
    province = AdminArea.objects.create(pcode="AF06", name="Nangarhar", level=1, parent=afg, country_code="AFG")
    districts = [
        AdminArea.objects.create(
            pcode=f"AF06{d:02d}", name=f"District {d}", level=2, parent=province, country_code="AFG"
        )
        for d in range(1, 11)
    ]
    settlements = [
        AdminArea.objects.create(
            pcode=f"{district.pcode}S{s:03d}", name=f"Village {s}", level=3, parent=district, country_code="AFG"
        )
        for district in districts
        for s in range(1, 11)
    ]
    iom = Organisation.objects.create(name="International Organization for Migration", acronym="IOM", kind="un_agency")
    officers = [
        UserFactory(username=f"bench.field{n}", role=Role.FIELD_STAFF, organisation=iom, areas=[districts[n % 10]])
        for n in range(args.officers)
    ]
    UserFactory(username="bench.manager", role=Role.MANAGER, organisation=iom, areas=[province])
    officer_of = {d.pk: [o.pk for o in officers if o.membership.areas.first().pk == d.pk] for d in districts}

    households = args.check_ins // 3
    writer = BulkWriter(Household)
    first = writer.next_id()
    arrivals = []

    def household_rows():
        for offset in range(households):
            settlement = settlements[rng.randrange(len(settlements))]
            arrived_on = today - datetime.timedelta(days=rng.randrange(1, 900))
            arrivals.append((first + offset, arrived_on, None, rng.choice(officer_of[settlement.parent_id])))
            yield {
                "id": first + offset,
                "organisation_id": iom.pk,
                "reference": f"BENCH-{offset:08d}",
                "settlement_id": settlement.pk,
                "displacement_status": "returnee_abroad",
                "arrival_date": arrived_on,
                "shelter_type": "rented",
                "head_name": f"Head {offset}",
                "phone": "",
                "phone_key": "",
                "notes": "",
                "vulnerability_band": "medium",
                "intention": "stay",
                "size": 5,
                "registered_by_id": officers[0].pk,
                "version": 1,
            }

    writer.write(household_rows())
    writer.reset_sequence()
    checkins = BulkWriter(CheckIn)
    checkins.write(
        checkin_rows(rng=rng, today=today, arrivals=arrivals, organisation_id=iom.pk, start_id=checkins.next_id())
    )
    checkins.reset_sequence()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE monitoring_checkin")
        cursor.execute("ANALYZE")


def _measure(args, connection, today: datetime.date, load_seconds: float | None) -> None:
    from django.contrib.auth import get_user_model
    from django.core import mail

    from core.models import AdminArea
    from monitoring import selectors, services
    from monitoring.models import CheckIn

    users = get_user_model().objects
    officers = list(users.filter(username__startswith="bench.field").order_by("pk"))
    manager = users.get(username="bench.manager")
    written = CheckIn.objects.count()
    households = written // 3

    def scan():
        rows, last = 0, None
        while True:
            batch = selectors.checkins_needing_reminder(today=today, after=last)
            if not batch:
                return rows
            rows += len(batch)
            last = (batch[-1][1], batch[-1][0])

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, [today])
            return len(cursor.fetchall())

    scan_seconds, scan_rows = _median(scan, args.repeat)
    bare_seconds, bare_rows = _median(bare, args.repeat)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + BARE_SQL, [today])
        plan = " / ".join(line for (line,) in cursor.fetchall()[:3])
    open_total = CheckIn.objects.filter(status="open").count()
    due_total = CheckIn.objects.filter(status="open", due_on__lte=today).count()

    begin = time.perf_counter()
    first_run = services.checkin_reminders_send(today=today)
    first_seconds = time.perf_counter() - begin
    begin = time.perf_counter()
    second_run = services.checkin_reminders_send(today=today)
    second_seconds = time.perf_counter() - begin

    officer = max(
        officers, key=lambda o: CheckIn.objects.filter(assigned_to=o, status="open", due_on__lte=today).count()
    )
    mine_seconds, mine = _median(
        lambda: (
            list(selectors.checkins_due(officer, today=today)[:50]),
            selectors.checkins_due(officer, today=today).count(),
        ),
        args.repeat,
    )
    completion_seconds, rows = _median(lambda: selectors.checkin_completion_by_wave(manager, today=today), args.repeat)
    counted_seconds, counted = _median(lambda: _counted_over_checkins(manager, today=today), args.repeat)
    district = AdminArea.objects.get(pcode="AF0603")
    district_seconds, district_rows = _median(
        lambda: selectors.checkin_completion_by_wave(manager, area=district, today=today), args.repeat
    )
    district_counted_seconds, district_counted = _median(
        lambda: _counted_over_checkins(manager, area=district, today=today), args.repeat
    )
    officer_seconds, officer_rows = _median(lambda: selectors.checkin_completion_by_wave(officer, today=today), 3)
    officer_counted_seconds, officer_counted = _median(lambda: _counted_over_checkins(officer, today=today), 3)
    same = (
        _figures(rows) == _figures(counted)
        and _figures(district_rows) == _figures(district_counted)
        and _figures(officer_rows) == _figures(officer_counted)
    )

    print(f"\nMonitoring scan benchmark: {written:,} check-ins of {households:,} households, {len(officers)} officers")
    if load_seconds is not None:
        print(f"  set-up (COPY)                              {load_seconds:8.1f} s")
    print(f"  open check-ins                             {open_total:8,}   (due or overdue: {due_total:,})")
    print(f"  reminder scan (selector, batches of 1000)  {scan_seconds:8.4f} s   {scan_rows:,} rows")
    print(f"  bare indexed SQL, same rows                {bare_seconds:8.4f} s   {bare_rows:,} rows")
    print(f"  ratio scan / bare SQL                      {scan_seconds / bare_seconds if bare_seconds else 0:8.2f}")
    print(f"  plan: {plan}")
    print(f"  checkin_reminders_send, first run          {first_seconds:8.3f} s   {first_run}")
    print(f"  checkin_reminders_send, second run         {second_seconds:8.3f} s   {second_run}")
    print(f"  e-mails sent                               {len(mail.outbox):8,}")
    print(f"  an officer's calls due (page + count)      {mine_seconds * 1000:8.1f} ms  {mine[1]:,} due")
    print(f"  completion per wave (manager, province)    {completion_seconds * 1000:8.1f} ms")
    print(f"    the same counted over the check-ins      {counted_seconds * 1000:8.1f} ms")
    print(f"  completion, one district (area filter)     {district_seconds * 1000:8.1f} ms")
    print(f"    the same counted over the check-ins      {district_counted_seconds * 1000:8.1f} ms")
    print(f"  completion, an officer's district          {officer_seconds * 1000:8.1f} ms")
    print(f"    the same counted over the check-ins      {officer_counted_seconds * 1000:8.1f} ms")
    print(f"  same rows both ways                        {'yes' if same else 'NO':>8}")
    for row in rows:
        print(
            f"    {row.wave:<4} due {row.due:>9,}  concluded {row.completed:>9,}  "
            f"reached {row.reached:>9,}  {row.rate} %"
        )


def _figures(rows) -> list[tuple]:
    return [(row.wave, row.due, row.completed, row.reached) for row in rows]


def _counted_over_checkins(user, *, area=None, today):
    """Completion per wave counted over the check-ins through their households, as the selector did before
    the tally (and still does off PostgreSQL): the comparison for the selector's figure."""
    from unittest import mock

    from monitoring import selectors

    with mock.patch.object(selectors, "_completion_source", selectors._completion_over_checkins):
        return selectors.checkin_completion_by_wave(user, area=area, today=today)


if __name__ == "__main__":
    main()
