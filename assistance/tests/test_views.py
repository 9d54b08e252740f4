"""Assistance pages: what each role can open, scope (other area, other organisation), query counts that do not
grow with rows, and the workflows through the browser (plan, approve, lists, distributions, projects, targets)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import (
    ActivityType,
    AssistanceRecord,
    BeneficiaryList,
    CommunityProject,
    IndicatorTarget,
    ListStatus,
    ProjectStatus,
    RecordStatus,
)
from core.navigation import sections_for

from .factories import (
    HouseholdFactory,
    MemberFactory,
    ProgrammeFactory,
    ProjectFactory,
    RecordFactory,
    TargetFactory,
    activity,
    indicator,
)

TODAY = timezone.localdate()
DAYS = datetime.timedelta


@pytest.fixture
def data(places, iom, target_areas, field_officer, manager):
    """One of everything in Kaga (Khogyani) for IOM."""
    household = HouseholdFactory(settlement=places.kaga, reference="HH-KAGA-1")
    record = RecordFactory(household=household, activity_type=activity("shl-repair"), approved=True)
    beneficiary_list = BeneficiaryList.objects.create(
        organisation=iom,
        title="Winter kits Kaga",
        activity_type=activity("shl-winterization-kit"),
        area=places.khogyani,
        planned_date=TODAY,
        created_by=field_officer,
        status=ListStatus.SUBMITTED,
    )
    listed = RecordFactory(
        household=household, activity_type=activity("shl-winterization-kit"), beneficiary_list=beneficiary_list
    )
    project = ProjectFactory(area=places.kaga, organisation=iom)
    target = TargetFactory(area=places.khogyani, organisation=iom)
    return {
        "household": household,
        "record": record,
        "list": beneficiary_list,
        "listed": listed,
        "project": project,
        "target": target,
    }


def _pages(data):
    kit = activity("shl-winterization-kit")
    return {
        "record_list": reverse("assistance:record_list"),
        "record_detail": reverse("assistance:record_detail", args=[data["record"].pk]),
        "record_deliver": reverse("assistance:record_deliver", args=[data["record"].pk]),
        "household_plan": reverse("assistance:household_plan", args=[data["household"].pk]),
        "activity_type_list": reverse("assistance:activity_type_list"),
        "activity_type_edit": reverse("assistance:activity_type_edit", args=[kit.pk]),
        "programme_list": reverse("assistance:programme_list"),
        "programme_create": reverse("assistance:programme_create"),
        "list_list": reverse("assistance:list_list"),
        "list_build": reverse("assistance:list_build"),
        "list_detail": reverse("assistance:list_detail", args=[data["list"].pk]),
        "distribution_index": reverse("assistance:distribution_index"),
        "distribution": reverse("assistance:distribution", args=[kit.pk, "AF0608S001"]),
        "overlap_list": reverse("assistance:overlap_list"),
        "project_list": reverse("assistance:project_list"),
        "project_detail": reverse("assistance:project_detail", args=[data["project"].pk]),
        "project_create": reverse("assistance:project_create"),
        "project_edit": reverse("assistance:project_edit", args=[data["project"].pk]),
        "project_progress": reverse("assistance:project_progress", args=[data["project"].pk]),
        "indicator_list": reverse("assistance:indicator_list"),
        "target_detail": reverse("assistance:target_detail", args=[data["target"].pk]),
        "target_create": reverse("assistance:target_create"),
        "target_edit": reverse("assistance:target_edit", args=[data["target"].pk]),
        "indicator_definitions": reverse("assistance:indicator_definitions"),
        "indicator_create": reverse("assistance:indicator_create"),
    }


READ_PAGES = {
    "record_list",
    "record_detail",
    "activity_type_list",
    "programme_list",
    "list_list",
    "list_detail",
    "project_list",
    "project_detail",
    "indicator_list",
    "target_detail",
    "indicator_definitions",
}
PLANNER_PAGES = {
    "record_deliver",
    "household_plan",
    "list_build",
    "distribution_index",
    "distribution",
    "project_progress",
}
MANAGER_PAGES = {"programme_create", "overlap_list", "project_create", "project_edit", "target_create", "target_edit"}
REFERENCE_PAGES = {"activity_type_edit", "indicator_create"}


def test_every_page_is_listed_in_one_access_group(data):
    assert set(_pages(data)) == READ_PAGES | PLANNER_PAGES | MANAGER_PAGES | REFERENCE_PAGES


@pytest.mark.parametrize(
    ("user_fixture", "allowed"),
    [
        ("manager", READ_PAGES | PLANNER_PAGES | MANAGER_PAGES | REFERENCE_PAGES),
        ("field_officer", READ_PAGES | PLANNER_PAGES),
        ("desk_officer", READ_PAGES),
        ("admin_user", READ_PAGES | REFERENCE_PAGES),
        ("partner_user", set()),
    ],
)
def test_each_role_opens_its_pages_and_is_refused_the_others(request, client, data, user_fixture, allowed):
    client.force_login(request.getfixturevalue(user_fixture))
    for name, url in _pages(data).items():
        response = client.get(url)
        expected = 200 if name in allowed else 403
        assert response.status_code == expected, f"{user_fixture} {name}: {response.status_code}"


def test_anonymous_users_are_sent_to_sign_in(client, data):
    for url in _pages(data).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("core:login"))


@pytest.mark.parametrize("user_fixture", ["field_officer_injil", "other_org_officer"])
def test_records_of_another_area_or_organisation_are_not_found(request, client, data, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    pages = _pages(data)
    for name in ("record_detail", "list_detail", "project_detail", "target_detail", "household_plan"):
        assert client.get(pages[name]).status_code == 404, name
    distribution = client.get(pages["distribution"])
    if user_fixture == "field_officer_injil":
        assert distribution.status_code == 404  # Kaga is not in Injil
    else:
        assert distribution.status_code == 200  # the officer's own settlement, but none of IOM's households
        assert "HH-KAGA-1" not in distribution.content.decode()
    for name in ("record_deliver", "project_progress"):
        assert client.get(pages[name]).status_code == 404, name
    assert (
        client.post(reverse("assistance:record_cancel", args=[data["record"].pk]), {"reason": "x"}).status_code == 404
    )
    html = client.get(pages["record_list"]).content.decode()
    assert "HH-KAGA-1" not in html
    assert "Winter kits Kaga" not in client.get(pages["list_list"]).content.decode()
    assert data["project"].name not in client.get(pages["project_list"]).content.decode()


def test_other_organisations_manager_cannot_decide_or_see_targets(client, data, places):
    from core.models import Role
    from core.tests.factories import OrganisationFactory, UserFactory

    other = OrganisationFactory(acronym="OTHER", name="Other Agency")
    outsider = UserFactory(username="manager.other", role=Role.MANAGER, organisation=other, areas=[places.nangarhar])
    client.force_login(outsider)
    response = client.post(reverse("assistance:list_decide", args=[data["list"].pk]), {"decision": "approve"})
    assert response.status_code == 404
    assert client.post(reverse("assistance:record_approve", args=[data["record"].pk])).status_code == 404
    assert client.get(reverse("assistance:target_edit", args=[data["target"].pk])).status_code == 404
    data["list"].refresh_from_db()
    assert data["list"].status == ListStatus.SUBMITTED


# --- query counts -------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


_counter = iter(range(1, 10_000))


def _more_records(places, iom, nrc, field_officer, n=4):
    for _ in range(n):
        i = next(_counter)
        household = HouseholdFactory(settlement=places.kaga)
        MemberFactory(household=household)
        RecordFactory(household=household, activity_type=activity("shl-winterization-kit"), approved=True)
        RecordFactory(
            household=household, activity_type=activity("shl-nfi-kit"), delivered=True, delivered_on=TODAY - DAYS(40)
        )
        RecordFactory(
            household=household,
            activity_type=activity("shl-nfi-kit"),
            delivered=True,
            delivered_on=TODAY - DAYS(30),
            implementing_organisation=nrc,
        )
        RecordFactory(
            household=household,
            member=household.members.exclude(relationship="head").first(),
            activity_type=activity("ery-apprenticeship"),
            delivered=True,
            delivered_on=TODAY - DAYS(3),
            programme=ProgrammeFactory(organisation=iom),
        )
        beneficiary_list = BeneficiaryList.objects.create(
            organisation=iom,
            title=f"List {i}",
            activity_type=activity("shl-winterization-kit"),
            area=places.khogyani,
            planned_date=TODAY,
            created_by=field_officer,
            status=ListStatus.SUBMITTED,
        )
        RecordFactory(household=household, activity_type=activity("wsh-hygiene-kit"), beneficiary_list=beneficiary_list)
        ProjectFactory(area=places.kaga, organisation=iom, completed=True, completed_on=TODAY - DAYS(5))
        TargetFactory(
            area=places.khogyani, organisation=iom, indicator=indicator("ERY-01"), period_start=TODAY - DAYS(i + 1)
        )
        TargetFactory(
            area=places.khogyani, organisation=iom, indicator=indicator("WSH-02"), period_start=TODAY - DAYS(i + 1)
        )


@pytest.mark.parametrize(
    ("user_fixture", "name"),
    [
        ("manager", "record_list"),
        ("manager", "list_list"),
        ("manager", "list_detail"),
        ("field_officer", "distribution"),
        ("field_officer", "distribution_index"),
        ("manager", "overlap_list"),
        ("manager", "project_list"),
        ("manager", "indicator_list"),
        ("manager", "programme_list"),
        ("manager", "activity_type_list"),
        ("manager", "indicator_definitions"),
        ("field_officer", "household_plan"),
        ("manager", "target_detail"),
    ],
)
def test_list_pages_do_not_query_more_with_more_rows(request, client, data, places, iom, nrc, user_fixture, name):
    client.force_login(request.getfixturevalue(user_fixture))
    url = _pages(data)[name]
    field_officer = request.getfixturevalue("field_officer")
    _more_records(places, iom, nrc, field_officer, n=2)
    if name == "list_detail":
        for _ in range(2):
            RecordFactory(household=HouseholdFactory(settlement=places.kaga), beneficiary_list=data["list"])
    if name == "household_plan":
        for code in ("wsh-hygiene-kit", "mpc-cash"):
            RecordFactory(household=data["household"], activity_type=activity(code))
    before = _queries(client, url)
    _more_records(places, iom, nrc, field_officer, n=5)
    if name == "list_detail":
        for _ in range(5):
            RecordFactory(household=HouseholdFactory(settlement=places.kaga), beneficiary_list=data["list"])
    if name == "household_plan":
        for code in ("fsc-food-parcel", "edu-learning-kit", "shl-rent"):
            RecordFactory(household=data["household"], activity_type=activity(code))
    assert _queries(client, url) == before, name


@pytest.mark.parametrize("user_fixture", ["manager", "field_officer"])
def test_home_panels_do_not_query_more_with_more_rows(request, client, data, places, iom, nrc, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    field_officer = request.getfixturevalue("field_officer")
    _more_records(places, iom, nrc, field_officer, n=2)
    before = _queries(client, reverse("core:home"))
    _more_records(places, iom, nrc, field_officer, n=5)
    assert _queries(client, reverse("core:home")) == before


def test_home_panels_follow_the_role(client, data, manager, field_officer, desk_officer):
    client.force_login(manager)
    html = client.get(reverse("core:home")).content.decode()
    assert "Beneficiary lists awaiting approval" in html
    assert "Winter kits Kaga" in html
    assert "Assistance also given by another organisation" in html
    client.force_login(field_officer)
    html = client.get(reverse("core:home")).content.decode()
    assert "Distributions due" in html
    assert "Beneficiary lists awaiting approval" not in html
    client.force_login(desk_officer)
    assert "Distributions due" not in client.get(reverse("core:home")).content.decode()


# --- workflows ----------------------------------------------------------------------------------------


def test_plan_approve_and_deliver_through_the_pages(client, data, places, field_officer, manager):
    household = HouseholdFactory(settlement=places.kaga)
    client.force_login(field_officer)
    latrine = activity("wsh-latrine")
    response = client.post(
        reverse("assistance:household_plan", args=[household.pk]),
        {"activity_type": latrine.pk, "planned_date": (TODAY + DAYS(3)).isoformat(), "quantity": "1"},
    )
    record = AssistanceRecord.objects.get(household=household)
    assert response.status_code == 302
    assert response.url == reverse("assistance:record_detail", args=[record.pk])
    assert client.post(reverse("assistance:record_approve", args=[record.pk])).status_code == 403
    client.force_login(manager)
    client.post(reverse("assistance:record_approve", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED
    client.force_login(field_officer)
    response = client.post(
        reverse("assistance:record_deliver", args=[record.pk]), {"delivered_on": "", "quantity": "1"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    response = client.post(
        reverse("assistance:record_deliver", args=[record.pk]), {"delivered_on": TODAY.isoformat(), "quantity": "1"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.DELIVERED


def test_overlap_message_is_shown_next_to_the_field(client, data, places, field_officer):
    household = data["household"]
    RecordFactory(
        household=household, activity_type=activity("wsh-latrine"), delivered=True, delivered_on=TODAY - DAYS(10)
    )
    client.force_login(field_officer)
    response = client.post(
        reverse("assistance:household_plan", args=[household.pk]),
        {"activity_type": activity("wsh-latrine").pk, "planned_date": TODAY.isoformat()},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_planned_date_error"' in html
    assert "HH-KAGA-1 already received Household latrine construction on" in html


def test_cancel_needs_a_reason(client, data, field_officer, manager):
    record = data["record"]
    client.force_login(manager)
    response = client.post(reverse("assistance:record_cancel", args=[record.pk]), {"reason": ""}, follow=True)
    assert "Say why it is cancelled." in response.content.decode()
    client.post(reverse("assistance:record_cancel", args=[record.pk]), {"reason": "Duplicate registration"})
    record.refresh_from_db()
    assert (record.status, record.cancelled_reason) == (RecordStatus.CANCELLED, "Duplicate registration")


def test_list_builder_previews_then_creates_and_a_second_manager_approves(
    client, data, places, field_officer, manager, second_manager
):
    for i in range(3):
        HouseholdFactory(settlement=places.kaga, reference=f"HH-VULN-{i}", vulnerability_band="very_high")
    HouseholdFactory(settlement=places.kaga, reference="HH-LOW", vulnerability_band="low")
    client.force_login(manager)
    form = {
        "activity_type": activity("shl-nfi-kit").pk,
        "area": places.khogyani.pk,
        "planned_date": (TODAY + DAYS(7)).isoformat(),
        "vulnerability_bands": ["very_high"],
        "title": "NFI kits for the most vulnerable",
    }
    preview = client.post(reverse("assistance:list_build"), {**form, "action": "preview"})
    html = preview.content.decode()
    assert "3 would be on the list" in html
    assert "HH-VULN-0" in html
    assert "HH-LOW" not in html
    assert not BeneficiaryList.objects.filter(title=form["title"]).exists()
    response = client.post(reverse("assistance:list_build"), {**form, "action": "create"})
    beneficiary_list = BeneficiaryList.objects.get(title=form["title"])
    assert response.url == reverse("assistance:list_detail", args=[beneficiary_list.pk])
    assert beneficiary_list.records.count() == 3
    client.post(reverse("assistance:list_submit", args=[beneficiary_list.pk]))
    response = client.post(
        reverse("assistance:list_decide", args=[beneficiary_list.pk]), {"decision": "approve"}, follow=True
    )
    assert "A list is approved by a manager other than the person who built it." in response.content.decode()
    client.force_login(second_manager)
    client.post(reverse("assistance:list_decide", args=[beneficiary_list.pk]), {"decision": "approve", "note": "OK"})
    beneficiary_list.refresh_from_db()
    assert beneficiary_list.status == ListStatus.APPROVED
    assert set(beneficiary_list.records.values_list("status", flat=True)) == {RecordStatus.APPROVED}


def test_list_builder_names_bad_input(client, data, places, field_officer):
    client.force_login(field_officer)
    response = client.post(
        reverse("assistance:list_build"),
        {"activity_type": activity("ery-apprenticeship").pk, "area": places.injil.pk, "min_age": 30, "max_age": 20},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_planned_date_error"' in html
    assert "The upper age is below the lower age." in html
    assert 'id="id_area_error"' in html  # Injil is not the officer's area


def test_builder_takes_households_off_a_returned_list(client, data, places, field_officer, manager):
    beneficiary_list = data["list"]
    extra = RecordFactory(household=HouseholdFactory(settlement=places.kaga), beneficiary_list=beneficiary_list)
    client.force_login(manager)
    client.post(reverse("assistance:list_decide", args=[beneficiary_list.pk]), {"decision": "return", "note": "Check"})
    beneficiary_list.refresh_from_db()
    assert beneficiary_list.status == ListStatus.REJECTED
    client.force_login(field_officer)
    client.post(reverse("assistance:list_remove", args=[beneficiary_list.pk]), {"records": [extra.pk]})
    assert list(beneficiary_list.records.all()) == [data["listed"]]


def test_distribution_marks_ticked_households_delivered(client, data, places, field_officer):
    kit = activity("shl-winterization-kit")
    records = [
        RecordFactory(
            household=HouseholdFactory(settlement=places.kaga, head_name=f"Head {i}"), activity_type=kit, approved=True
        )
        for i in range(3)
    ]
    served = records[2].household
    RecordFactory(
        household=served, activity_type=activity("shl-winterization-cash"), delivered=True, delivered_on=TODAY - DAYS(9)
    )
    url = reverse("assistance:distribution", args=[kit.pk, "AF0608S001"])
    client.force_login(field_officer)
    page = client.get(url).content.decode()
    assert page.count('name="records"') == 3
    assert 'data-check-all="records"' in page
    response = client.post(
        url, {"records": [records[0].pk, records[2].pk], "delivered_on": TODAY.isoformat()}, follow=True
    )
    html = response.content.decode()
    assert "1 delivery recorded." in html
    assert f"{served.reference} already received Winterization cash" in html
    statuses = dict(AssistanceRecord.objects.filter(pk__in=[r.pk for r in records]).values_list("pk", "status"))
    assert statuses == {records[0].pk: "delivered", records[1].pk: "approved", records[2].pk: "approved"}


def test_distribution_answers_htmx_with_the_list_alone(client, data, places, field_officer):
    kit = activity("shl-winterization-kit")
    record = RecordFactory(household=HouseholdFactory(settlement=places.kaga), activity_type=kit, approved=True)
    url = reverse("assistance:distribution", args=[kit.pk, "AF0608S001"])
    client.force_login(field_officer)
    response = client.post(url, {"records": [record.pk], "delivered_on": TODAY.isoformat()}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "1 delivery recorded." in html
    assert "Nobody is waiting for this activity here" in html
    stale = client.post(url, {"records": [record.pk], "delivered_on": TODAY.isoformat()}, HTTP_HX_REQUEST="true")
    assert "no longer waiting for this distribution" in stale.content.decode()
    nothing = client.post(url, {"delivered_on": TODAY.isoformat()}, HTTP_HX_REQUEST="true")
    assert "Tick at least one household." in nothing.content.decode()


def test_distribution_in_a_settlement_outside_the_officers_areas_is_not_found(client, data, places, field_officer):
    client.force_login(field_officer)
    kit = activity("shl-winterization-kit")
    assert client.get(reverse("assistance:distribution", args=[kit.pk, "AF3202S002"])).status_code == 404
    response = client.get(
        reverse("assistance:distribution_index"), {"activity_type": kit.pk, "settlement": "AF3202S002"}
    )
    assert "AF3202S002 is not a settlement in your areas." in response.content.decode()
    response = client.get(
        reverse("assistance:distribution_index"), {"activity_type": kit.pk, "settlement": "af0608s001"}
    )
    assert response.url == reverse("assistance:distribution", args=[kit.pk, "AF0608S001"])


def test_project_pages_create_edit_and_report(client, data, places, manager, field_officer):
    client.force_login(manager)
    response = client.post(
        reverse("assistance:project_create"),
        {
            "name": "Check dam, Kaga",
            "project_type": "check_dam",
            "sector": "AGR",
            "area": places.kaga.pk,
            "budget": "12000",
            "currency": "USD",
        },
    )
    project = CommunityProject.objects.get(name="Check dam, Kaga")
    assert response.url == reverse("assistance:project_detail", args=[project.pk])
    response = client.post(
        reverse("assistance:project_edit", args=[project.pk]),
        {
            "name": "Check dam, upper Kaga",
            "project_type": "check_dam",
            "sector": "AGR",
            "area": places.kaga.pk,
            "version": 1,
        },
    )
    assert response.status_code == 302
    stale = client.post(
        reverse("assistance:project_edit", args=[project.pk]),
        {"name": "Other", "project_type": "check_dam", "sector": "AGR", "area": places.kaga.pk, "version": 1},
    )
    assert "Someone else saved this project" in stale.content.decode()
    client.force_login(field_officer)
    response = client.post(
        reverse("assistance:project_progress", args=[project.pk]),
        {
            "reported_on": TODAY.isoformat(),
            "status": "completed",
            "progress_percent": 100,
            "reached_f_18_59": 40,
            "reached_m_18_59": 35,
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.status, project.people_reached) == (
        "Check dam, upper Kaga",
        ProjectStatus.COMPLETED,
        75,
    )
    detail = client.get(reverse("assistance:project_detail", args=[project.pk])).content.decode()
    assert "Check dam, upper Kaga" in detail
    assert "75" in detail


def test_targets_page_shows_reached_against_target_with_disaggregation(client, data, places, manager):
    household = HouseholdFactory(settlement=places.kaga, displacement_status="returnee_abroad", head__sex="f")
    RecordFactory(
        household=household, activity_type=activity("shl-repair"), delivered=True, delivered_on=TODAY - DAYS(1)
    )
    target = data["target"]
    target.period_start, target.period_end, target.target = TODAY - DAYS(100), TODAY + DAYS(100), 4
    target.save()
    client.force_login(manager)
    html = client.get(reverse("assistance:indicator_list")).content.decode()
    assert "SHL-01" in html
    assert "25.0 %" in html
    detail = client.get(reverse("assistance:target_detail", args=[target.pk])).content.decode()
    assert "Returnee from abroad" in detail
    assert "By sex and age group" in detail


def test_manager_sets_a_target_and_bad_input_names_the_field(client, data, places, manager, iom):
    client.force_login(manager)
    form = {
        "indicator": indicator("WSH-01").pk,
        "area": places.khogyani.pk,
        "period_start": "2026-01-01",
        "period_end": "2025-12-31",
        "value": 80,
    }
    response = client.post(reverse("assistance:target_create"), form)
    assert 'id="id_period_end_error"' in response.content.decode()
    response = client.post(reverse("assistance:target_create"), {**form, "period_end": "2026-12-31"})
    target = IndicatorTarget.objects.get(indicator__code="WSH-01")
    assert response.url == reverse("assistance:target_detail", args=[target.pk])
    assert target.organisation == iom


def test_activity_types_are_edited_by_managers(client, data, manager):
    kit = activity("shl-nfi-kit")
    client.force_login(manager)
    form = {
        "code": kit.code,
        "sector": kit.sector,
        "name": kit.name,
        "unit": kit.unit,
        "modality": kit.modality,
        "beneficiary": kit.beneficiary,
        "default_quantity": "1",
        "is_active": "on",
    }
    response = client.post(reverse("assistance:activity_type_edit", args=[kit.pk]), form)
    assert "Give the window in days" in response.content.decode()
    client.post(reverse("assistance:activity_type_edit", args=[kit.pk]), {**form, "once_only": "on"})
    kit.refresh_from_db()
    assert kit.repeat_window_days is None
    response = client.post(
        reverse("assistance:activity_type_create"),
        {**form, "code": "shl-tarpaulin", "name": "Tarpaulins", "repeat_window_days": 90},
    )
    assert response.status_code == 302
    assert ActivityType.objects.get(code="shl-tarpaulin").repeat_window_days == 90


def test_indicator_definition_through_the_page(client, data, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("assistance:indicator_create"),
        {"code": "WSH-03", "name": "Hygiene kits", "sector": "WSH", "unit": "households", "count_by": "households"},
    )
    assert "Choose the activities this indicator counts." in response.content.decode()
    client.post(
        reverse("assistance:indicator_create"),
        {
            "code": "WSH-03",
            "name": "Hygiene kits",
            "sector": "WSH",
            "unit": "households",
            "count_by": "households",
            "activity_types": [activity("wsh-hygiene-kit").pk],
            "is_active": "on",
        },
    )
    assert list(indicator("WSH-03").activity_types.values_list("code", flat=True)) == ["wsh-hygiene-kit"]


def test_managers_export_the_5w_with_hxl_tags(client, data, manager, field_officer):
    client.force_login(manager)
    response = client.get(reverse("assistance:record_list"), {"export": "csv"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = content.splitlines()
    assert lines[0].startswith("record,household,district,settlement,sector,activity")
    assert "#sector+code" in lines[1]
    assert "#activity+type" in lines[1]
    assert "#adm2+code" in lines[1]
    assert "HH-KAGA-1" in content
    assert data["household"].head_name not in content
    client.force_login(field_officer)
    response = client.get(reverse("assistance:record_list"), {"export": "csv"})
    assert response["Content-Type"].startswith("text/html")


def test_household_page_section_lists_its_assistance(data, places, field_officer, partner_user, field_officer_injil):
    blocks = sections_for("household", field_officer, data["household"])
    section = next(b for b in blocks if b["section"].key == "assistance")
    assert {r.pk for r in section["context"]["records"]} == {data["record"].pk, data["listed"].pk}
    assert section["context"]["can_plan"] is True
    assert not any(b["section"].key == "assistance" for b in sections_for("household", partner_user, data["household"]))
    injil = next(
        b for b in sections_for("household", field_officer_injil, data["household"]) if b["section"].key == "assistance"
    )
    assert injil["context"]["records"] == []


def test_record_list_filters(client, data, places, manager):
    RecordFactory(
        household=HouseholdFactory(settlement=places.karizak, reference="HH-INJIL-1"),
        activity_type=activity("mpc-cash"),
    )
    client.force_login(manager)
    html = client.get(reverse("assistance:record_list"), {"area": "AF3202"}).content.decode()
    assert "HH-INJIL-1" in html
    assert "HH-KAGA-1" not in html
    html = client.get(reverse("assistance:record_list"), {"sector": "SHL", "status": "approved"}).content.decode()
    assert "HH-KAGA-1" in html
    assert "HH-INJIL-1" not in html
    html = client.get(reverse("assistance:record_list"), {"area": "NOWHERE"}).content.decode()
    assert "No assistance matches." in html


def test_services_refuse_what_the_pages_hide(data, field_officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.beneficiary_list_approve(actor=field_officer, beneficiary_list=data["list"])


def test_profilings_household_page_shows_the_assistance_section(client, data, field_officer, other_org_officer):
    url = reverse("profiling:household_detail", args=[data["household"].pk])
    client.force_login(field_officer)
    html = client.get(url).content.decode()
    assert 'id="section-assistance"' in html
    assert reverse("assistance:record_detail", args=[data["record"].pk]) in html
    assert reverse("assistance:household_plan", args=[data["household"].pk]) in html
    client.force_login(other_org_officer)
    assert client.get(url).status_code == 404


def test_actions_refuse_the_wrong_role_and_hide_other_areas(client, data, places, desk_officer, field_officer_injil):
    beneficiary_list, record = data["list"], data["record"]
    posts = {
        "record_approve": (reverse("assistance:record_approve", args=[record.pk]), {}),
        "record_cancel": (reverse("assistance:record_cancel", args=[record.pk]), {"reason": "x"}),
        "list_remove": (
            reverse("assistance:list_remove", args=[beneficiary_list.pk]),
            {"records": [data["listed"].pk]},
        ),
        "list_submit": (reverse("assistance:list_submit", args=[beneficiary_list.pk]), {}),
        "list_decide": (reverse("assistance:list_decide", args=[beneficiary_list.pk]), {"decision": "approve"}),
    }
    client.force_login(desk_officer)
    for name, (url, body) in posts.items():
        assert client.post(url, body).status_code == 403, name
    client.force_login(field_officer_injil)
    for name in ("record_cancel", "list_remove", "list_submit"):
        url, body = posts[name]
        assert client.post(url, body).status_code == 404, name
    beneficiary_list.refresh_from_db()
    record.refresh_from_db()
    assert (beneficiary_list.status, record.status) == (ListStatus.SUBMITTED, RecordStatus.APPROVED)
    assert beneficiary_list.records.count() == 1
