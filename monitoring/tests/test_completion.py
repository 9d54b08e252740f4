"""Completion per wave, counted by hand across scopes and filters; on PostgreSQL the tally it reads must
equal the check-ins counted afresh after every kind of write."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from monitoring import services
from monitoring.models import CheckIn, CheckInTally
from monitoring.selectors import checkin_completion_by_wave
from monitoring.tests.factories import CheckInFactory
from profiling.models import Household
from profiling.tests.factories import HouseholdFactory

TODAY = timezone.localdate()


def _day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


@pytest.fixture
def check_ins(places, iom, field_officer, field_officer_injil, other_org_officer):
    """Two IOM households in Kaga (Khogyani), one in Karizak (Injil), one of another agency in Kaga."""
    kaga = HouseholdFactory(organisation=iom, settlement=places.kaga, registered_by=field_officer)
    kaga_2 = HouseholdFactory(organisation=iom, settlement=places.kaga, registered_by=field_officer)
    karizak = HouseholdFactory(organisation=iom, settlement=places.karizak, registered_by=field_officer_injil)
    other = HouseholdFactory(
        organisation=other_org_officer.membership.organisation, settlement=places.kaga, registered_by=other_org_officer
    )
    done = {"status": "completed", "last_outcome": "reached"}
    CheckInFactory(household=kaga, wave="w2", due_on=_day(-30), **done)
    CheckInFactory(household=kaga, wave="m3", due_on=_day(-5), status="refused", last_outcome="refused")
    CheckInFactory(household=kaga, wave="m9", due_on=_day(10))  # not due yet
    CheckInFactory(household=kaga_2, wave="w2", due_on=_day(-30), status="unreachable", last_outcome="not_reached")
    CheckInFactory(household=kaga_2, wave="m3", due_on=_day(-1), last_outcome="not_reached", attempts=1)
    CheckInFactory(household=karizak, wave="w2", due_on=_day(-60), **done)
    CheckInFactory(household=karizak, wave="m3", due_on=TODAY)
    CheckInFactory(household=other, wave="w2", due_on=TODAY, **done)
    return {"kaga": kaga, "kaga_2": kaga_2, "karizak": karizak, "other": other}


def _counts(user, **filters) -> dict[str, tuple[int, int, int]]:
    return {row.wave: (row.due, row.completed, row.reached) for row in checkin_completion_by_wave(user, **filters)}


def test_completion_counted_by_hand_across_scopes(
    check_ins, places, manager, field_officer, field_officer_injil, other_org_officer, partner_user
):
    assert _counts(manager) == {"w2": (3, 3, 2), "m3": (3, 1, 0), "m9": (0, 0, 0)}
    assert _counts(manager, area=places.khogyani) == {"w2": (2, 2, 1), "m3": (2, 1, 0), "m9": (0, 0, 0)}
    assert _counts(manager, area=places.kaga) == _counts(manager, area=places.khogyani)
    assert _counts(manager, area=places.injil) == {"w2": (1, 1, 1), "m3": (1, 0, 0), "m9": (0, 0, 0)}
    assert _counts(manager, area=places.anbar) == {"w2": (0, 0, 0), "m3": (0, 0, 0), "m9": (0, 0, 0)}
    assert _counts(field_officer) == _counts(manager, area=places.khogyani)
    assert _counts(field_officer, area=places.injil) == {"w2": (0, 0, 0), "m3": (0, 0, 0), "m9": (0, 0, 0)}
    assert _counts(field_officer_injil) == _counts(manager, area=places.injil)
    assert _counts(other_org_officer) == {"w2": (1, 1, 1), "m3": (0, 0, 0), "m9": (0, 0, 0)}
    assert _counts(partner_user) == {"w2": (0, 0, 0), "m3": (0, 0, 0), "m9": (0, 0, 0)}
    assert _counts(manager, start=_day(-10)) == {"w2": (0, 0, 0), "m3": (3, 1, 0), "m9": (0, 0, 0)}
    assert _counts(manager, end=_day(-2)) == {"w2": (3, 3, 2), "m3": (1, 1, 0), "m9": (0, 0, 0)}
    assert _counts(manager, start=_day(-30), end=_day(-30)) == {"w2": (2, 2, 1), "m3": (0, 0, 0), "m9": (0, 0, 0)}
    # An end after today counts what is due by today: m9 opens in ten days.
    assert _counts(manager, end=_day(20)) == _counts(manager)
    assert _counts(manager, today=_day(10))["m9"] == (1, 0, 0)


def _tally() -> set[tuple]:
    return set(
        CheckInTally.objects.exclude(due=0, completed=0, reached=0).values_list(
            "organisation_id", "settlement_id", "wave", "due_on", "due", "completed", "reached"
        )
    )


def _recounted() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.organisation_id, h.settlement_id, c.wave, c.due_on, count(*), "
            "count(*) FILTER (WHERE c.status IN ('completed', 'refused', 'unreachable')), "
            "count(*) FILTER (WHERE c.last_outcome = 'reached') "
            "FROM monitoring_checkin c JOIN profiling_household h ON h.id = c.household_id GROUP BY 1, 2, 3, 4"
        )
        return set(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the tally is kept by PostgreSQL triggers")
def test_tally_follows_every_write(check_ins, places, manager, field_officer, field_officer_injil):
    from scale.bulk import BulkWriter

    assert _tally() == _recounted()
    open_call = CheckIn.objects.get(household=check_ins["kaga_2"], wave="m3")
    services.checkin_record(actor=field_officer, check_in=open_call, outcome="reached", answers={})
    assert _counts(field_officer)["m3"] == (2, 2, 1)
    assert _tally() == _recounted()

    # A household moved to another district takes its check-ins with it, by save() or update().
    moved = check_ins["kaga"]
    moved.settlement = places.karizak
    moved.save()
    assert _tally() == _recounted()
    assert _counts(field_officer_injil) == {"w2": (2, 2, 2), "m3": (2, 1, 0), "m9": (0, 0, 0)}
    Household.objects.filter(pk=moved.pk).update(settlement=places.kaga)
    assert _tally() == _recounted()

    # Bulk and set-based writes: update(), bulk_update(), delete(), COPY.
    CheckIn.objects.filter(wave="w2").update(status="open", last_outcome="")
    assert _tally() == _recounted()
    rows = list(CheckIn.objects.filter(wave="m3"))
    for row in rows:
        row.due_on, row.due_until = _day(-3), _day(4)
    CheckIn.objects.bulk_update(rows, ["due_on", "due_until"])
    CheckIn.objects.filter(reminded_for__isnull=True).update(reminded_for=TODAY)  # counts nothing
    assert _tally() == _recounted()
    CheckIn.objects.filter(household=check_ins["karizak"]).delete()
    assert _tally() == _recounted()
    writer = BulkWriter(CheckIn)
    first = writer.next_id()
    writer.write(
        {
            "id": first + n,
            "organisation_id": household.organisation_id,
            "household_id": household.pk,
            "wave": "m9",
            "arrived_on": _day(-300),
            "due_on": _day(-30),
            "due_until": _day(-1),
            "status": "completed",
            "attempts": 1,
            "last_outcome": "reached",
            "notes": "",
        }
        for n, household in enumerate([check_ins["kaga_2"], check_ins["karizak"], check_ins["other"]])
    )
    assert _tally() == _recounted()
    assert _counts(manager) == {"w2": (2, 0, 0), "m3": (2, 2, 1), "m9": (2, 2, 2)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the tally is kept by PostgreSQL triggers")
def test_tally_gives_the_rows_the_check_ins_give(
    check_ins, places, manager, field_officer, field_officer_injil, other_org_officer, partner_user
):
    from unittest import mock

    from monitoring import selectors

    cases = [
        (user, filters)
        for user in (manager, field_officer, field_officer_injil, other_org_officer, partner_user)
        for filters in (
            {},
            {"area": places.khogyani},
            {"area": places.karizak},
            {"start": _day(-10)},
            {"end": _day(-2)},
            {"start": _day(-60), "end": _day(-30), "area": places.nangarhar},
        )
    ]
    tallied = [checkin_completion_by_wave(user, **filters) for user, filters in cases]
    with mock.patch.object(selectors, "_completion_source", selectors._completion_over_checkins):
        counted = [checkin_completion_by_wave(user, **filters) for user, filters in cases]
    assert tallied == counted


def test_the_triggers_count_what_the_models_call_concluded_and_reached():
    """The trigger SQL holds the status and outcome values as text; a new final status or a renamed
    outcome must reach it (a new migration replacing the functions), or the tally counts wrong."""
    import importlib

    from monitoring.models import FINAL_STATUSES, CallOutcome

    tally = importlib.import_module("monitoring.migrations.0002_checkin_tally")
    concluded = ", ".join(f"'{status}'" for status in sorted(FINAL_STATUSES))
    in_sql = {"concluded": tally.CONCLUDED, "reached": tally.REACHED}
    assert in_sql == {"concluded": f"status IN ({concluded})", "reached": f"last_outcome = '{CallOutcome.REACHED}'"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the tally is kept by PostgreSQL triggers")
def test_a_tally_put_wrong_is_counted_afresh_by_the_rebuild_command(check_ins, field_officer):
    import io

    from django.core.management import call_command

    from core.models import AuditEvent

    right = _counts(field_officer)
    # as if rows had been restored around the triggers: counts wrong, a key missing, a key too many
    CheckInTally.objects.filter(wave="w2").update(due=99)
    CheckInTally.objects.filter(wave="m3").first().delete()
    CheckInTally.objects.create(
        organisation_id=field_officer.membership.organisation_id, wave="m9", due_on=TODAY, due=5
    )
    assert _tally() != _recounted()
    assert _counts(field_officer) != right
    out = io.StringIO()
    call_command("rebuild_checkin_tally", stdout=out)
    assert _tally() == _recounted()
    assert f"rebuilt: {len(_recounted())} rows" in out.getvalue()
    assert _counts(field_officer) == right
    assert AuditEvent.objects.filter(action="monitoring.tally.rebuild", after__rows=len(_recounted())).exists()
