"""The demo: a council, workshops and an approved plan in Khogyani when targeting approved it; else nothing."""

import io

import pytest
from django.core.management import call_command

from caps import demo as caps_demo
from caps.models import Council, Plan, PlanRevision, PlanStatus, Workshop
from core import demo as core_demo
from core.context import Origin, origin

from .factories import TargetAreaFactory, TargetingRoundFactory


@pytest.fixture
def demo_programme(db):
    call_command("load_admin_areas", stdout=io.StringIO())
    with origin(Origin(channel="command")):
        return core_demo.load()


def test_demo_adds_nothing_without_an_approved_target_area(demo_programme):
    with origin(Origin(channel="command")):
        caps_demo.load(demo_programme)
    assert not Plan.objects.exists()
    assert not Council.objects.exists()


def test_demo_plan_for_khogyani_is_approved_and_loads_once(demo_programme):
    from core.models import AdminArea

    iom = demo_programme.organisations["IOM"]
    target = TargetAreaFactory(
        round=TargetingRoundFactory(organisation=iom), area=AdminArea.objects.get(pcode="AF0608")
    )
    with origin(Origin(channel="command")):
        caps_demo.load(demo_programme)
        caps_demo.load(demo_programme)
    plan = Plan.objects.get()
    assert plan.target_area == target
    assert plan.status == PlanStatus.IN_IMPLEMENTATION
    assert plan.signed_document is not None
    assert [p.title for p in plan.priorities.order_by("position")] == [
        "Safe water points",
        "Access to the health centre",
        "Livelihoods for women",
        "Classrooms for girls",
    ]
    # Livelihoods and classrooms both have 27 votes: the agreed rank separates them, so no tie remains.
    assert not plan.priorities.filter(tied=True).exists()
    assert Council.objects.get().members.count() == 8
    assert Workshop.objects.count() == 2
    assert PlanRevision.objects.filter(plan=plan).count() == 1
    assert plan.approved_by == demo_programme.users["manager"]
