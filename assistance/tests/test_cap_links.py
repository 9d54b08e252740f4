"""Projects and distributions carry out actions of approved Community Action Plans, and the plan page shows
them under each action."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assistance import selectors, services
from assistance.models import BeneficiaryList, CommunityProject, ProjectType
from caps.models import PlanStatus
from caps.tests.factories import ActionFactory, PlanFactory, PriorityFactory

from .factories import HouseholdFactory, ProjectFactory, activity

TODAY = timezone.localdate()


@pytest.fixture
def plans(target_areas, manager):
    khogyani, injil = target_areas
    approved = PlanFactory(target_area=khogyani, title="Kaga CAP 2026", status=PlanStatus.APPROVED)
    draft = PlanFactory(target_area=khogyani, title="Kaga CAP draft", status=PlanStatus.DRAFT)
    elsewhere = PlanFactory(target_area=injil, title="Injil CAP 2026", status=PlanStatus.IN_IMPLEMENTATION)
    water = PriorityFactory(plan=approved, sector="WSH", title="Safe water")
    return {
        "water_point": ActionFactory(priority=water, description="Solar water point for Kaga"),
        "winter": ActionFactory(priority=water, description="Winter kits for the most vulnerable"),
        "draft": ActionFactory(priority=PriorityFactory(plan=draft), description="Not agreed yet"),
        "injil": ActionFactory(priority=PriorityFactory(plan=elsewhere), description="Karizak road"),
        "approved_plan": approved,
    }


def _project(manager, area, action):
    return services.project_create(
        actor=manager,
        name="Water point",
        project_type=ProjectType.WATER_POINT,
        sector="WSH",
        area=area,
        cap_action=action,
    )


def test_only_actions_of_approved_plans_covering_the_place_can_be_carried_out(places, plans, manager):
    linkable = selectors.cap_actions_to_carry_out(manager, area=places.kaga)
    assert set(linkable) == {plans["water_point"], plans["winter"]}
    project = _project(manager, places.kaga, plans["water_point"])
    assert project.cap_action == plans["water_point"]
    for action in (plans["draft"], plans["injil"]):
        with pytest.raises(ValidationError) as error:
            _project(manager, places.kaga, action)
        assert "approved Community Action Plan" in error.value.message_dict["cap_action"][0]
    with pytest.raises(ValidationError):
        services.project_update(actor=manager, project=project, version=project.version, cap_action=plans["injil"])
    services.project_update(actor=manager, project=project, version=project.version, cap_action=plans["winter"])
    project.refresh_from_db()
    assert project.cap_action == plans["winter"]


def test_a_distribution_list_carries_out_an_action(places, plans, field_officer):
    HouseholdFactory(settlement=places.kaga)
    beneficiary_list, _ = services.beneficiary_list_create(
        actor=field_officer,
        title="Winter kits",
        activity_type=activity("shl-winterization-kit"),
        area=places.khogyani,
        criteria=selectors.ListCriteria(),
        planned_date=TODAY,
        cap_action=plans["winter"],
    )
    assert beneficiary_list.cap_action == plans["winter"]
    with pytest.raises(ValidationError):
        services.beneficiary_list_create(
            actor=field_officer,
            title="Winter kits again",
            activity_type=activity("shl-nfi-kit"),
            area=places.khogyani,
            criteria=selectors.ListCriteria(),
            planned_date=TODAY,
            cap_action=plans["draft"],
        )


def test_plan_page_lists_what_carries_out_each_action_in_constant_queries(
    client, places, iom, plans, manager, field_officer
):
    ProjectFactory(
        area=places.kaga, organisation=iom, cap_action=plans["water_point"], name="Solar pump Kaga", progress_percent=40
    )
    BeneficiaryList.objects.create(
        organisation=iom,
        title="Winter kits Kaga",
        activity_type=activity("shl-winterization-kit"),
        area=places.khogyani,
        planned_date=TODAY,
        created_by=field_officer,
        cap_action=plans["winter"],
    )
    url = reverse("caps:plan_detail", args=[plans["approved_plan"].pk])
    client.force_login(manager)
    with CaptureQueriesContext(connection) as first:
        html = client.get(url).content.decode()
    assert "Solar pump Kaga" in html
    assert reverse("assistance:project_detail", args=[CommunityProject.objects.get(name="Solar pump Kaga").pk]) in html
    assert "Distribution: Winter kits Kaga (0 beneficiaries)" in html
    for i in range(4):
        action = ActionFactory(priority=plans["water_point"].priority, description=f"More water {i}")
        ProjectFactory(area=places.kaga, organisation=iom, cap_action=action)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first)


def test_plan_page_shows_no_link_to_someone_outside_the_projects_scope(client, places, iom, plans, other_org_officer):
    ProjectFactory(area=places.kaga, organisation=iom, cap_action=plans["water_point"], name="Solar pump Kaga")
    links = selectors.projects_for_actions(other_org_officer, [plans["water_point"]])
    assert list(links) == []


def test_removing_an_action_keeps_the_project(places, iom, plans):
    project = ProjectFactory(area=places.kaga, organisation=iom, cap_action=plans["draft"])
    plans["draft"].delete()
    project.refresh_from_db()
    assert project.cap_action is None


def test_project_page_names_the_action_it_carries_out(client, places, iom, plans, manager):
    project = ProjectFactory(area=places.kaga, organisation=iom, cap_action=plans["water_point"])
    client.force_login(manager)
    html = client.get(reverse("assistance:project_detail", args=[project.pk])).content.decode()
    assert "Solar water point for Kaga" in html
    assert reverse("caps:plan_detail", args=[plans["approved_plan"].pk]) in html
