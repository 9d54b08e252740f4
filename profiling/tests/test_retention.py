"""Households past their retention period lose what identifies people and keep what counts them."""

import datetime

from django.utils import timezone

from core.models import AuditEvent
from core.services import retention_sweep
from profiling.models import Household, Member
from profiling.retention import ANONYMISED
from profiling.tests.factories import HouseholdFactory


def test_old_households_are_anonymised_and_still_counted(places):
    old = HouseholdFactory(settlement=places.kaga, head_name="Zarghuna Ahmadi", phone="0700123456", members=3)
    recent = HouseholdFactory(settlement=places.kaga, head_name="Recent Family", members=2)
    Household.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=6 * 365))
    born = Member.objects.filter(household=old).values_list("date_of_birth", flat=True)[0]

    assert retention_sweep(actor=None)["profiling.household"] == 1

    old.refresh_from_db()
    assert (old.head_name, old.phone, old.phone_key, old.latitude) == (ANONYMISED, "", "", None)
    assert old.size == 3
    assert old.displacement_status
    members = list(Member.objects.filter(household=old))
    assert {m.name for m in members} == {ANONYMISED}
    assert members[0].date_of_birth == born.replace(month=1, day=1)
    recent.refresh_from_db()
    assert recent.head_name == "Recent Family"
    assert AuditEvent.objects.filter(action="retention.anonymise", after__rule="profiling.household").exists()
    assert retention_sweep(actor=None)["profiling.household"] == 0
