"""The demo adds households where targeting approved target areas, and nothing when it did not."""

import io

import pytest
from django.core.management import call_command

from profiling.models import CommunityAssessment, Consent, Facility, Household


@pytest.mark.django_db
def test_demo_registers_households_in_the_demo_target_areas_and_is_idempotent():
    call_command("load_demo", stdout=io.StringIO())  # targeting's demo approves Khogyani and Injil first
    count = Household.objects.count()
    assert 25 <= count <= 30
    assert Consent.objects.count() == 3 * count
    assert set(Household.objects.values_list("settlement__parent__pcode", flat=True)) == {"AF0608", "AF3202"}
    assert all(h.size >= 2 and h.vulnerability_band for h in Household.objects.all())
    assert CommunityAssessment.objects.exists()
    assert Facility.objects.exists()
    call_command("load_demo", stdout=io.StringIO())
    assert Household.objects.count() == count
