"""The demo: two facilitated returns in Khogyani with their grants, the first call of one due today and of
the other overdue, schedules for the profiled returnees, reminders for field.khogyani; loading twice adds
nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from monitoring import selectors
from monitoring.models import CheckIn, MovementCase, MovementStatus, Notification


@pytest.mark.django_db
def test_demo_movements_and_check_ins_for_the_khogyani_officer():
    call_command("load_demo", stdout=io.StringIO())
    officer = get_user_model().objects.get(username="field.khogyani")
    movements = MovementCase.objects.all()
    assert movements.count() == 2
    assert {m.status for m in movements} == {MovementStatus.ARRIVED}
    assert all(m.departure_grant_id and m.reinstallation_grant_id for m in movements)
    today = timezone.localdate()
    states = {c.state_on(today) for c in selectors.checkins_due(officer, today=today)}
    assert states == {"due", "overdue"}
    assert CheckIn.objects.filter(movement__isnull=True).exists()  # profiled returnees
    assert Notification.objects.filter(recipient=officer, channel="in_app").exists()
    client = Client()
    client.force_login(officer)
    home = client.get(reverse("core:home")).content.decode()
    assert "Check-in calls due today and overdue" in home
    counts = {m: m.objects.count() for m in (MovementCase, CheckIn, Notification)}
    call_command("load_demo", stdout=io.StringIO())
    assert {m: m.objects.count() for m in counts} == counts
