"""The demo: CRCs, the directory, today's walk-ins, referrals in Khogyani (one overdue, one sensitive, one
answered with feedback), complaints with a PSEA one routed to the focal point; loading twice adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from referrals import selectors
from referrals.models import Complaint, Referral, ResourceCentre, Service, Visit


@pytest.mark.django_db
def test_demo_referrals_in_khogyani_and_idempotent():
    call_command("load_demo", stdout=io.StringIO())
    counts = {m: m.objects.count() for m in (ResourceCentre, Service, Visit, Referral, Complaint)}
    assert counts[ResourceCentre] == 2
    assert set(Service.objects.values_list("provider__acronym", flat=True)) == {
        "IOM-PRO",
        "IOM-LH",
        "NRC",
        "BRAC",
        "UNICEF",
    }
    assert counts[Visit] == 3
    assert counts[Referral] == 5
    assert all(path.startswith("AFG/AF06/AF0608/") for path in Referral.objects.values_list("area__path", flat=True))
    assert sum(r.is_overdue for r in Referral.objects.all()) == 1
    assert Referral.objects.filter(sensitive=True).count() == 1
    assert Referral.objects.filter(status="accepted", last_feedback_at__isnull=False).exists()
    assert Referral.objects.filter(visit__isnull=False, household__isnull=True).count() == 1
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    desk, manager, partner = (users.get(username=u) for u in ("desk.khogyani", "manager", "partner.nrc"))
    psea = Complaint.objects.get(category="psea")
    assert psea.assigned_to == manager
    assert not selectors.complaints_for_user(desk).filter(pk=psea.pk).exists()
    assert selectors.referrals_for_user(manager).filter(sensitive=True).count() == 1
    assert selectors.referrals_for_user(desk).filter(sensitive=True).count() == 0
    assert selectors.referrals_for_user(partner).count() == 2
    client = Client()
    client.force_login(desk)
    home = client.get(reverse("core:home")).content.decode()
    assert "Today&#x27;s walk-ins" in home or "Today's walk-ins" in home
    assert "Freshta Wardak" in home
    call_command("load_demo", stdout=io.StringIO())
    assert {m: m.objects.count() for m in counts} == counts
