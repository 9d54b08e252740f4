"""A check-in falls due and the field officer records it on a phone-sized screen: the morning's reminder,
the home panel, the list of calls due, a first call that does not get through (the check-in stays open),
then the call that reaches the household, answered along the durable-solutions criteria."""

import datetime

import pytest
from django.utils import timezone

from monitoring import services
from monitoring.models import CheckIn, CheckInStatus
from profiling.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def returnee(places, iom, field_officer):
    """A returnee profiled with an arrival eight days ago: the first call of the schedule is due today."""
    return HouseholdFactory(
        organisation=iom,
        settlement=places.kaga,
        returnee=True,
        registered_by=field_officer,
        head_name="Zarmina Hotak",
        arrival_date=timezone.localdate() - datetime.timedelta(days=8),
    )


def test_a_check_in_falls_due_and_the_field_officer_records_it(journey, field_officer, returnee):
    page = journey.page
    assert services.checkin_schedules_for_returnees() == 3
    assert services.checkin_reminders_send()["emails"] == 1
    check_in = CheckIn.objects.get(household=returnee, wave="w2")

    journey.login("field.khogyani")
    journey.go("/")
    assert "Check-in calls due today and overdue" in page.locator("main").inner_text()
    assert returnee.reference in page.locator("main").inner_text()
    journey.shot("home-panel-call-due")
    journey.assert_accessible()

    journey.go("/monitoring/reminders/")
    assert returnee.reference in page.locator("main").inner_text()
    journey.shot("reminder")
    journey.assert_accessible()

    journey.go("/monitoring/check-ins/")
    journey.shot("calls-due")
    journey.assert_accessible()
    page.click(f"text={returnee.reference}")
    page.wait_for_selector("form[data-draft]")
    journey.shot("call-form")
    journey.assert_accessible()

    page.check("input[name=outcome][value=not_reached]")
    page.click("form[data-draft] button[type=submit]")
    page.wait_for_load_state()
    assert "stays open" in page.locator("main").inner_text()
    journey.shot("first-attempt-not-reached")
    check_in.refresh_from_db()
    assert (check_in.status, check_in.attempts) == (CheckInStatus.OPEN, 1)

    page.click(f"text={returnee.reference}")
    page.wait_for_selector("form[data-draft]")
    page.check("input[name=outcome][value=reached]")
    page.select_option("#id_safety_status", "met")
    page.select_option("#id_livelihoods_status", "not_met")
    page.fill("#id_livelihoods_note", "No work since arrival")
    page.select_option("#id_hlp_status", "partly")
    page.select_option("#id_redisplaced", "no")
    journey.shot("call-form-answered")
    page.click("form[data-draft] button[type=submit]")
    page.wait_for_load_state()
    assert "Check-in recorded" in page.locator("main").inner_text()
    journey.shot("recorded")
    journey.assert_accessible()

    check_in.refresh_from_db()
    assert check_in.status == CheckInStatus.COMPLETED
    assert check_in.attempts == 2
    assert check_in.answers["livelihoods"] == {"status": "not_met", "note": "No work since arrival"}

    journey.go(f"/monitoring/households/{returnee.pk}/timeline/")
    assert "Completed" in page.locator("main").inner_text()
    journey.shot("household-timeline")
    journey.assert_accessible()
