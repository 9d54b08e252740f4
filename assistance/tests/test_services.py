"""Writes of assistance: the planned → approved → delivered workflow, the overlap rule and its database
guard, beneficiary lists approved as a whole, return grants, projects and targets."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from assistance import selectors, services
from assistance.models import (
    AssistanceRecord,
    BeneficiaryList,
    ListStatus,
    ProjectStatus,
    ProjectType,
    RecordStatus,
)
from core.models import AuditEvent, OrganisationKind
from core.tests.factories import OrganisationFactory
from profiling.models import DisplacementStatus

from .factories import HouseholdFactory, MemberFactory, ProgrammeFactory, RecordFactory, activity, indicator

TODAY = timezone.localdate()
DAYS = datetime.timedelta


def _plan(actor, household, code="shl-repair", **kwargs):
    return services.assistance_plan(actor=actor, household=household, activity_type=activity(code), **kwargs)


def _approved(household, code="shl-repair", **kwargs):
    return RecordFactory(household=household, activity_type=activity(code), approved=True, **kwargs)


# --- workflow -----------------------------------------------------------------------------------------


def test_plan_approve_deliver_records_each_step(places, iom, field_officer, manager):
    household = HouseholdFactory(settlement=places.kaga)
    record = _plan(field_officer, household, planned_date=TODAY + DAYS(7))
    assert record.status == RecordStatus.PLANNED
    assert record.implementing_organisation == iom
    services.assistance_approve(actor=manager, record=record)
    assert record.status == RecordStatus.APPROVED
    assert record.approved_by == manager
    services.assistance_deliver(actor=field_officer, record=record, delivered_on=TODAY, quantity=Decimal("1"))
    record.refresh_from_db()
    assert record.status == RecordStatus.DELIVERED
    assert record.delivered_on == TODAY
    assert record.blocked_until == TODAY + DAYS(1825)
    assert record.delivered_by == field_officer
    actions = list(AuditEvent.objects.filter(target_id=str(record.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["assistance.approve", "assistance.deliver", "assistance.plan"]


def test_only_a_manager_approves(places, field_officer, desk_officer):
    record = _plan(field_officer, HouseholdFactory(settlement=places.kaga))
    with pytest.raises(PermissionDenied):
        services.assistance_approve(actor=field_officer, record=record)
    with pytest.raises(PermissionDenied):
        _plan(desk_officer, HouseholdFactory(settlement=places.kaga))
    record.refresh_from_db()
    assert record.status == RecordStatus.PLANNED


def test_planned_record_cannot_be_delivered_before_approval(places, field_officer):
    record = _plan(field_officer, HouseholdFactory(settlement=places.kaga))
    with pytest.raises(ValidationError) as error:
        services.assistance_deliver(actor=field_officer, record=record, delivered_on=TODAY)
    assert "only approved assistance can be delivered" in str(error.value)
    record.refresh_from_db()
    assert record.status == RecordStatus.PLANNED


def test_delivery_needs_a_date_not_in_the_future_and_money_for_cash(places, field_officer):
    household = HouseholdFactory(settlement=places.kaga)
    record = _approved(household, "mpc-cash")
    with pytest.raises(ValidationError) as error:
        services.assistance_deliver(actor=field_officer, record=record, delivered_on=TODAY + DAYS(1))
    assert error.value.message_dict == {"delivered_on": ["The delivery date cannot be in the future."]}
    with pytest.raises(ValidationError) as error:
        services.assistance_deliver(actor=field_officer, record=record, delivered_on=TODAY)
    assert "amount" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.assistance_deliver(actor=field_officer, record=record, delivered_on=TODAY, amount=Decimal("5000"))
    assert error.value.message_dict == {"currency": ["Give the currency of the amount."]}
    services.assistance_deliver(
        actor=field_officer, record=record, delivered_on=TODAY, amount=Decimal("5000"), currency="AFN"
    )
    record.refresh_from_db()
    assert (record.status, record.amount, record.currency) == (RecordStatus.DELIVERED, Decimal("5000.00"), "AFN")


def test_individual_activity_needs_a_member_of_the_household(places, field_officer):
    household = HouseholdFactory(settlement=places.kaga)
    stranger = MemberFactory(household=HouseholdFactory(settlement=places.kaga))
    with pytest.raises(ValidationError) as error:
        _plan(field_officer, household, "ery-apprenticeship")
    assert "choose the member" in error.value.message_dict["member"][0]
    with pytest.raises(ValidationError) as error:
        _plan(field_officer, household, "ery-apprenticeship", member=stranger)
    assert "is not a member of household" in error.value.message_dict["member"][0]
    with pytest.raises(ValidationError) as error:
        _plan(field_officer, household, "shl-repair", member=household.members.first())
    assert "whole household" in error.value.message_dict["member"][0]
    assert not AssistanceRecord.objects.exists()


# --- overlap ----------------------------------------------------------------------------------------


def test_same_activity_inside_its_window_is_refused_with_a_clear_message(places, field_officer):
    household = HouseholdFactory(settlement=places.kaga, reference="HH-KAGA-0001")
    given = TODAY - DAYS(100)
    RecordFactory(household=household, activity_type=activity("shl-repair"), delivered=True, delivered_on=given)
    with pytest.raises(ValidationError) as error:
        _plan(field_officer, household, "shl-construction")  # same overlap group: shelter
    free = (given + DAYS(1825)).isoformat()
    assert error.value.message_dict == {
        "planned_date": [
            f"HH-KAGA-0001 already received Shelter repair on {given.isoformat()} (IOM); "
            f"it can be given again from {free}."
        ]
    }
    assert AssistanceRecord.objects.count() == 1


def test_delivery_inside_the_window_is_refused_and_the_record_stays_approved(places, field_officer):
    household = HouseholdFactory(settlement=places.kaga)
    RecordFactory(
        household=household,
        activity_type=activity("shl-winterization-cash"),
        delivered=True,
        delivered_on=TODAY - DAYS(30),
    )
    record = _approved(household, "shl-winterization-kit", quantity=Decimal("2"))
    with pytest.raises(ValidationError) as error:
        services.assistance_deliver(actor=field_officer, record=record, delivered_on=TODAY, quantity=Decimal("3"))
    assert "already received Winterization cash" in error.value.message_dict["delivered_on"][0]
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED
    assert record.quantity == Decimal("2.00"), "nothing of the refused delivery is kept"


def test_repeat_is_allowed_once_the_window_has_passed(places, field_officer):
    household = HouseholdFactory(settlement=places.kaga)
    RecordFactory(
        household=household, activity_type=activity("fsc-food-parcel"), delivered=True, delivered_on=TODAY - DAYS(30)
    )
    record = _approved(household, "fsc-food-parcel")
    services.assistance_deliver(actor=field_officer, record=record, delivered_on=TODAY)
    assert AssistanceRecord.objects.filter(status=RecordStatus.DELIVERED).count() == 2


def test_duplicate_plan_is_refused(places, field_officer):
    household = HouseholdFactory(settlement=places.kaga)
    first = _plan(field_officer, household, "wsh-latrine")
    with pytest.raises(ValidationError) as error:
        _plan(field_officer, household, "wsh-latrine")
    assert f"(record {first.pk})" in error.value.message_dict["activity_type"][0]


def test_another_organisations_delivery_is_reported_not_refused(places, iom, nrc, field_officer, manager):
    household = HouseholdFactory(settlement=places.kaga)
    theirs = RecordFactory(
        household=household,
        activity_type=activity("shl-winterization-kit"),
        delivered=True,
        delivered_on=TODAY - DAYS(10),
        implementing_organisation=nrc,
    )
    ours = _approved(household, "shl-winterization-kit")
    result = services.assistance_deliver(actor=field_officer, record=ours, delivered_on=TODAY)
    assert result.delivered == [ours]
    assert len(result.reported) == 1
    assert "(NRC)" in result.reported[0][1]
    overlaps = list(selectors.cross_org_overlaps_for_user(manager))
    assert overlaps == [ours], "listed once, under the later delivery"
    partners = selectors.overlap_partners(overlaps)
    assert [o.existing.record_id for o in partners[ours.pk]] == [theirs.pk]


def test_an_internal_unit_is_the_same_organisation(places, iom, field_officer):
    unit = OrganisationFactory(acronym="IOM-LH", kind=OrganisationKind.INTERNAL_UNIT, parent=iom)
    household = HouseholdFactory(settlement=places.kaga)
    RecordFactory(
        household=household,
        activity_type=activity("ery-msme-startup"),
        delivered=True,
        delivered_on=TODAY - DAYS(40),
        implementing_organisation=unit,
    )
    with pytest.raises(ValidationError) as error:
        _plan(field_officer, household, "ery-msme-expansion")
    assert "(IOM-LH)" in error.value.message_dict["planned_date"][0]


def test_bulk_delivery_decides_each_record_on_its_own(places, field_officer):
    served = HouseholdFactory(settlement=places.kaga, reference="HH-SERVED")
    RecordFactory(
        household=served, activity_type=activity("wsh-hygiene-kit"), delivered=True, delivered_on=TODAY - DAYS(5)
    )
    twice = HouseholdFactory(settlement=places.kaga, reference="HH-TWICE")
    fresh = HouseholdFactory(settlement=places.kaga, reference="HH-FRESH")
    records = [
        _approved(served, "wsh-hygiene-kit"),
        _approved(twice, "wsh-hygiene-kit"),
        _approved(twice, "wsh-hygiene-kit"),
        _approved(fresh, "wsh-hygiene-kit"),
    ]
    result = services.assistance_deliver_bulk(actor=field_officer, records=records, delivered_on=TODAY)
    assert [r.household.reference for r in result.delivered] == ["HH-TWICE", "HH-FRESH"]
    refused = {record.pk: message for record, message in result.refused}
    assert set(refused) == {records[0].pk, records[2].pk}
    assert refused[records[0].pk].startswith("HH-SERVED already received Hygiene kit")
    assert refused[records[2].pk].startswith(f"HH-TWICE already received Hygiene kit on {TODAY.isoformat()}")
    statuses = dict(AssistanceRecord.objects.filter(pk__in=[r.pk for r in records]).values_list("pk", "status"))
    assert statuses == {
        records[0].pk: "approved",
        records[1].pk: "delivered",
        records[2].pk: "approved",
        records[3].pk: "delivered",
    }
    assert AuditEvent.objects.filter(action="assistance.deliver").count() == 2


def test_bulk_delivery_refuses_a_record_delivered_meanwhile(places, field_officer):
    record = _approved(HouseholdFactory(settlement=places.kaga), "wsh-hygiene-kit")
    stale = AssistanceRecord.objects.get(pk=record.pk)
    services.assistance_deliver_bulk(actor=field_officer, records=[record], delivered_on=TODAY)
    result = services.assistance_deliver_bulk(actor=field_officer, records=[stale], delivered_on=TODAY)
    assert result.delivered == []
    assert "only approved assistance can be delivered" in result.refused[0][1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints are PostgreSQL's")
def test_the_database_refuses_a_second_delivery_inside_the_window(places, nrc):
    household = HouseholdFactory(settlement=places.kaga)
    kit = activity("shl-winterization-kit")
    RecordFactory(household=household, activity_type=kit, delivered=True, delivered_on=TODAY - DAYS(100))
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordFactory(household=household, activity_type=kit, delivered=True, delivered_on=TODAY)
    # after the window, or by another organisation, the database lets it through
    RecordFactory(household=household, activity_type=kit, delivered=True, delivered_on=TODAY - DAYS(100) + DAYS(300))
    RecordFactory(
        household=household, activity_type=kit, delivered=True, delivered_on=TODAY, implementing_organisation=nrc
    )
    # planned and cancelled records are not deliveries
    RecordFactory(household=household, activity_type=kit, status=RecordStatus.CANCELLED, delivered_on=TODAY)


def test_the_database_refuses_the_same_delivery_recorded_twice(places):
    household = HouseholdFactory(settlement=places.kaga)
    consultation = activity("pro-hlp-counselling")  # no repeat window
    RecordFactory(household=household, activity_type=consultation, delivered=True, delivered_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordFactory(household=household, activity_type=consultation, delivered=True, delivered_on=TODAY)
    RecordFactory(household=household, activity_type=consultation, delivered=True, delivered_on=TODAY - DAYS(1))


def test_cancelling_follows_the_status(places, field_officer, manager):
    household = HouseholdFactory(settlement=places.kaga)
    planned = _plan(field_officer, household, "wsh-latrine")
    with pytest.raises(ValidationError) as error:
        services.assistance_cancel(actor=field_officer, record=planned, reason="  ")
    assert error.value.message_dict == {"reason": ["Say why it is cancelled."]}
    services.assistance_cancel(actor=field_officer, record=planned, reason="Family moved to Jalalabad")
    assert planned.status == RecordStatus.CANCELLED
    approved = _approved(household, "shl-repair")
    with pytest.raises(PermissionDenied):
        services.assistance_cancel(actor=field_officer, record=approved, reason="No longer needed")
    services.assistance_cancel(actor=manager, record=approved, reason="No longer needed")
    event = AuditEvent.objects.get(action="assistance.cancel", target_id=str(approved.pk))
    assert event.reason == "No longer needed"


def test_a_delivery_recorded_in_error_is_cancelled_by_a_manager_and_frees_the_household(places, field_officer, manager):
    household = HouseholdFactory(settlement=places.kaga)
    wrong = RecordFactory(
        household=household, activity_type=activity("shl-repair"), delivered=True, delivered_on=TODAY - DAYS(3)
    )
    with pytest.raises(PermissionDenied):
        services.assistance_cancel(actor=field_officer, record=wrong, reason="Wrong household ticked")
    services.assistance_cancel(actor=manager, record=wrong, reason="Wrong household ticked")
    record = _plan(field_officer, household, "shl-repair")
    assert record.status == RecordStatus.PLANNED


# --- grants -----------------------------------------------------------------------------------------


def test_return_grant_is_recorded_delivered_and_only_once(places, field_officer):
    household = HouseholdFactory(settlement=places.kaga, returnee=True, reference="HH-RET-1")
    departure = selectors.activity_type_for_grant("departure")
    grant = services.assistance_record_grant(
        actor=field_officer, household=household, activity_type=departure, amount=Decimal("200"), currency="USD"
    )
    assert (grant.status, grant.delivered_on, grant.blocked_until) == (RecordStatus.DELIVERED, TODAY, None)
    assert grant.approved_by == field_officer
    assert AuditEvent.objects.filter(action="assistance.grant", target_id=str(grant.pk)).exists()
    with pytest.raises(ValidationError) as error:
        services.assistance_record_grant(
            actor=field_officer, household=household, activity_type=departure, amount=Decimal("200"), currency="USD"
        )
    assert error.value.message_dict["delivered_on"] == [
        f"HH-RET-1 already received Departure grant on {TODAY.isoformat()} (IOM); it is given only once."
    ]
    reinstallation = selectors.activity_type_for_grant("reinstallation")
    services.assistance_record_grant(
        actor=field_officer, household=household, activity_type=reinstallation, amount=Decimal("400"), currency="USD"
    )


def test_grant_service_refuses_what_is_not_a_grant_or_has_no_amount(places, field_officer):
    household = HouseholdFactory(settlement=places.kaga)
    with pytest.raises(ValidationError) as error:
        services.assistance_record_grant(
            actor=field_officer,
            household=household,
            activity_type=activity("mpc-cash"),
            amount=Decimal("1"),
            currency="USD",
        )
    assert "is not a grant" in error.value.message_dict["activity_type"][0]
    with pytest.raises(ValidationError) as error:
        services.assistance_record_grant(
            actor=field_officer,
            household=household,
            activity_type=activity("grant-reintegration"),
            amount=0,
            currency="USD",
        )
    assert error.value.message_dict == {"amount": ["Give the amount of the grant."]}


# --- beneficiary lists --------------------------------------------------------------------------------


def _build(actor, area, code="shl-winterization-kit", criteria=None, **kwargs):
    kwargs.setdefault("planned_date", TODAY + DAYS(5))
    return services.beneficiary_list_create(
        actor=actor,
        title=kwargs.pop("title", "Winter 2026"),
        activity_type=activity(code),
        area=area,
        criteria=criteria or selectors.ListCriteria(),
        **kwargs,
    )


def test_list_is_built_from_profiling_filters_leaving_out_the_served_and_the_planned(
    places, target_areas, field_officer, nrc
):
    high_idp = HouseholdFactory(settlement=places.kaga, vulnerability_band="high", reference="HH-A")
    HouseholdFactory(settlement=places.kaga, vulnerability_band="low", reference="HH-LOW")
    HouseholdFactory(settlement=places.kaga, vulnerability_band="high", displacement_status="host", reference="HH-HOST")
    served = HouseholdFactory(settlement=places.kaga, vulnerability_band="high", reference="HH-SERVED")
    RecordFactory(
        household=served,
        activity_type=activity("shl-winterization-cash"),
        delivered=True,
        delivered_on=TODAY - DAYS(60),
    )
    planned = HouseholdFactory(settlement=places.kaga, vulnerability_band="high", reference="HH-PLANNED")
    RecordFactory(household=planned, activity_type=activity("shl-winterization-kit"))
    by_nrc = HouseholdFactory(settlement=places.kaga, vulnerability_band="high", reference="HH-NRC")
    RecordFactory(
        household=by_nrc,
        activity_type=activity("shl-winterization-kit"),
        delivered=True,
        delivered_on=TODAY - DAYS(20),
        implementing_organisation=nrc,
    )
    HouseholdFactory(settlement=places.karizak, vulnerability_band="high", reference="HH-INJIL")
    criteria = selectors.ListCriteria(displacement_statuses=("idp",), vulnerability_bands=("high", "very_high"))
    beneficiary_list, candidates = _build(field_officer, places.khogyani, criteria=criteria)
    on_list = set(beneficiary_list.records.values_list("household__reference", flat=True))
    assert on_list == {"HH-A", "HH-NRC"}
    assert {c.household.reference for c in candidates.excluded} == {"HH-SERVED", "HH-PLANNED"}
    nrc_candidate = next(c for c in candidates.eligible if c.household == by_nrc)
    assert "(NRC)" in nrc_candidate.warnings[0]
    assert beneficiary_list.status == ListStatus.DRAFT
    assert beneficiary_list.criteria == {
        "area": "AF0608",
        "displacement_statuses": ["idp"],
        "vulnerability_bands": ["high", "very_high"],
    }
    assert set(beneficiary_list.records.values_list("status", flat=True)) == {RecordStatus.PLANNED}
    assert high_idp.assistance.get().planned_date == TODAY + DAYS(5)


def test_list_for_people_filters_members_by_sex_age_and_disability(places, target_areas, field_officer):
    household = HouseholdFactory(settlement=places.kaga)
    planned_date = TODAY + DAYS(5)
    young_woman = MemberFactory(
        household=household, sex="f", date_of_birth=planned_date.replace(year=planned_date.year - 20)
    )
    MemberFactory(household=household, sex="f", date_of_birth=planned_date.replace(year=planned_date.year - 30))
    MemberFactory(household=household, sex="m", date_of_birth=planned_date.replace(year=planned_date.year - 19))
    just_25 = MemberFactory(
        household=household, sex="f", date_of_birth=planned_date.replace(year=planned_date.year - 25)
    )
    criteria = selectors.ListCriteria(sexes=("f",), min_age=16, max_age=24)
    beneficiary_list, _candidates = _build(
        field_officer, places.khogyani, "ery-apprenticeship", criteria, planned_date=planned_date
    )
    assert list(beneficiary_list.records.values_list("member_id", flat=True)) == [young_woman.pk]
    assert just_25.assistance.count() == 0
    disabled = MemberFactory(household=household, sex="m", date_of_birth=datetime.date(1990, 1, 1), has_disability=True)
    only_disabled, _ = _build(
        field_officer,
        places.khogyani,
        "ery-job-placement",
        selectors.ListCriteria(member_disability=True),
        title="Jobs",
    )
    assert list(only_disabled.records.values_list("member_id", flat=True)) == [disabled.pk]


def test_list_with_nobody_matching_is_refused_and_nothing_is_saved(places, target_areas, field_officer):
    HouseholdFactory(settlement=places.kaga, vulnerability_band="low")
    with pytest.raises(ValidationError) as error:
        _build(field_officer, places.khogyani, criteria=selectors.ListCriteria(vulnerability_bands=("high",)))
    assert "No household matches" in error.value.messages[0]
    assert not BeneficiaryList.objects.exists()


def test_list_area_must_be_a_target_area_the_builder_works_in(places, target_areas, field_officer, iom):
    HouseholdFactory(settlement=places.karizak)
    with pytest.raises(ValidationError) as error:
        _build(field_officer, places.injil)
    assert "is not a target area or settlement you work in" in error.value.message_dict["area"][0]


def test_list_is_approved_as_a_whole_by_another_manager(places, target_areas, field_officer, manager, second_manager):
    for _ in range(3):
        HouseholdFactory(settlement=places.kaga)
    beneficiary_list, _ = _build(manager, places.khogyani)
    with pytest.raises(ValidationError):
        services.beneficiary_list_approve(actor=second_manager, beneficiary_list=beneficiary_list)  # not submitted
    services.beneficiary_list_submit(actor=manager, beneficiary_list=beneficiary_list)
    with pytest.raises(ValidationError) as error:
        services.beneficiary_list_approve(actor=manager, beneficiary_list=beneficiary_list)
    assert error.value.message_dict["status"] == ["A list is approved by a manager other than the person who built it."]
    with pytest.raises(PermissionDenied):
        services.beneficiary_list_approve(actor=field_officer, beneficiary_list=beneficiary_list)
    assert services.beneficiary_list_approve(actor=second_manager, beneficiary_list=beneficiary_list, note="OK") == 3
    assert set(beneficiary_list.records.values_list("status", "approved_by")) == {
        (RecordStatus.APPROVED, second_manager.pk)
    }
    assert beneficiary_list.status == ListStatus.APPROVED
    event = AuditEvent.objects.get(action="beneficiary_list.approve")
    assert len(event.after["records_approved"]) == 3
    with pytest.raises(ValidationError):
        services.beneficiary_list_remove(
            actor=field_officer, beneficiary_list=beneficiary_list, record_ids=[beneficiary_list.records.first().pk]
        )
    first = beneficiary_list.records.first()
    with pytest.raises(ValidationError) as error:
        services.assistance_approve(actor=second_manager, record=first)
    assert "Only planned assistance" in error.value.messages[0]


def test_returned_list_is_changed_and_resubmitted(places, target_areas, field_officer, manager):
    households = [HouseholdFactory(settlement=places.kaga) for _ in range(3)]
    beneficiary_list, _ = _build(field_officer, places.khogyani)
    services.beneficiary_list_submit(actor=field_officer, beneficiary_list=beneficiary_list)
    with pytest.raises(ValidationError) as error:
        services.beneficiary_list_return(actor=manager, beneficiary_list=beneficiary_list, note="")
    assert error.value.message_dict == {"note": ["Say what needs to change."]}
    services.beneficiary_list_return(actor=manager, beneficiary_list=beneficiary_list, note="HH 3 moved away")
    assert beneficiary_list.status == ListStatus.REJECTED
    third = beneficiary_list.records.get(household=households[2])
    assert (
        services.beneficiary_list_remove(actor=field_officer, beneficiary_list=beneficiary_list, record_ids=[third.pk])
        == 1
    )
    services.beneficiary_list_submit(actor=field_officer, beneficiary_list=beneficiary_list)
    assert services.beneficiary_list_approve(actor=manager, beneficiary_list=beneficiary_list) == 2
    single = beneficiary_list.records.first()
    with pytest.raises(ValidationError) as error:
        services.assistance_approve(
            actor=manager, record=RecordFactory(household=households[2], beneficiary_list=beneficiary_list)
        )
    assert "approve the list as a whole" in error.value.messages[0]
    assert single.status == RecordStatus.APPROVED


# --- projects -----------------------------------------------------------------------------------------


def _project(manager, area, **kwargs):
    values = {"name": "Water point", "project_type": ProjectType.WATER_POINT, "sector": "WSH", "area": area}
    values.update(kwargs)
    return services.project_create(actor=manager, **values)


def test_project_is_created_only_inside_a_target_area(places, target_areas, manager, iom):
    project = _project(manager, places.kaga, budget=Decimal("38000"), currency="USD")
    assert project.reference == "AF0608S001-WAT-001"
    assert project.organisation == iom
    assert project.implementing_organisation == iom
    assert _project(manager, places.kaga).reference == "AF0608S001-WAT-002"
    with pytest.raises(ValidationError) as error:
        _project(manager, places.falluja)
    assert "is not inside a target area you work in" in error.value.message_dict["area"][0]
    with pytest.raises(ValidationError) as error:
        _project(manager, places.kaga, budget=Decimal("10"))
    assert error.value.message_dict == {"currency": ["Give the currency of the budget."]}


def test_project_progress_rules(places, target_areas, manager, field_officer):
    project = _project(manager, places.kaga)
    with pytest.raises(ValidationError) as error:
        services.project_report_progress(
            actor=field_officer, project=project, reported_on=TODAY, progress_percent=90, status=ProjectStatus.COMPLETED
        )
    assert error.value.message_dict == {"progress_percent": ["A completed project is at 100 %."]}
    services.project_report_progress(
        actor=field_officer,
        project=project,
        reported_on=TODAY - DAYS(10),
        progress_percent=60,
        status=ProjectStatus.ONGOING,
    )
    assert project.start_date == TODAY - DAYS(10)
    with pytest.raises(ValidationError) as error:
        services.project_report_progress(
            actor=field_officer, project=project, reported_on=TODAY, progress_percent=50, status=ProjectStatus.ONGOING
        )
    assert error.value.message_dict == {"note": ["Progress went down from 60 %: say why."]}
    update = services.project_report_progress(
        actor=field_officer,
        project=project,
        reported_on=TODAY,
        progress_percent=100,
        status=ProjectStatus.COMPLETED,
        reached={"reached_f_18_59": 120, "reached_m_18_59": 100, "reached_f_0_5": 30},
        households_reached=45,
        reached_with_disability=12,
    )
    project.refresh_from_db()
    assert (project.status, project.completed_on, project.people_reached) == (ProjectStatus.COMPLETED, TODAY, 250)
    assert update.people_reached == 250
    with pytest.raises(ValidationError) as error:
        services.project_report_progress(
            actor=field_officer,
            project=project,
            reported_on=TODAY,
            progress_percent=100,
            status=ProjectStatus.COMPLETED,
            reached_with_disability=300,
        )
    assert "reached_with_disability" in error.value.message_dict


def test_project_edit_refuses_a_stale_version(places, target_areas, manager):
    project = _project(manager, places.kaga)
    services.project_update(actor=manager, project=project, version=1, name="Water point, Kaga")
    assert project.version == 2
    with pytest.raises(ValidationError) as error:
        services.project_update(actor=manager, project=project, version=1, name="Other")
    assert "Someone else saved this project" in error.value.messages[0]
    project.refresh_from_db()
    assert project.name == "Water point, Kaga"


# --- reference data and targets ----------------------------------------------------------------------


def test_shortening_a_window_frees_past_deliveries_sooner(places, manager, field_officer):
    kit = activity("shl-nfi-kit")  # 180 days
    household = HouseholdFactory(settlement=places.kaga)
    record = RecordFactory(household=household, activity_type=kit, delivered=True, delivered_on=TODAY - DAYS(100))
    with pytest.raises(PermissionDenied):
        services.activity_type_save(actor=field_officer, activity_type=kit, repeat_window_days=90)
    services.activity_type_save(actor=manager, activity_type=kit, repeat_window_days=90)
    record.refresh_from_db()
    assert record.blocked_until == TODAY - DAYS(10)
    assert _plan(field_officer, household, "shl-nfi-kit").status == RecordStatus.PLANNED
    event = AuditEvent.objects.get(action="activity_type.update")
    assert event.before == {"repeat_window_days": 180}
    assert event.after == {"repeat_window_days": 90}


def test_target_is_set_inside_the_managers_areas_once_per_period(places, manager, iom):
    programme = ProgrammeFactory(organisation=iom)
    values = {
        "indicator": indicator("SHL-01"),
        "area": places.khogyani,
        "period_start": datetime.date(2026, 1, 1),
        "period_end": datetime.date(2026, 12, 31),
        "value": 150,
        "programme": programme,
    }
    target = services.target_save(actor=manager, **values)
    assert (target.target, target.organisation) == (150, iom)
    with pytest.raises(ValidationError) as error:
        services.target_save(actor=manager, **values)
    assert "already has a target" in error.value.message_dict["indicator"][0]
    with pytest.raises(ValidationError) as error:
        services.target_save(actor=manager, **{**values, "area": places.falluja})
    assert "outside the areas you work in" in error.value.message_dict["area"][0]
    with pytest.raises(ValidationError) as error:
        services.target_save(actor=manager, **{**values, "period_end": datetime.date(2025, 1, 1)})
    assert "period_end" in error.value.message_dict


def test_indicator_needs_what_it_counts(manager):
    with pytest.raises(ValidationError) as error:
        services.indicator_save(
            actor=manager, code="X-1", name="Something", sector="WSH", unit="points", count_by="projects"
        )
    assert error.value.message_dict == {"project_types": ["Choose the project types this indicator counts."]}
    saved = services.indicator_save(
        actor=manager,
        code="X-1",
        name="Latrines",
        sector="WSH",
        unit="households",
        count_by="households",
        activity_types=[activity("wsh-latrine")],
    )
    assert list(saved.activity_types.values_list("code", flat=True)) == ["wsh-latrine"]


def test_displacement_status_choices_cover_the_profiling_model():
    assert {"idp", "returnee_abroad", "host"} <= set(DisplacementStatus.values)


def test_a_household_recorded_as_a_duplicate_is_never_assisted(places, target_areas, field_officer):
    original = HouseholdFactory(settlement=places.kaga, reference="HH-ORIGINAL")
    duplicate = HouseholdFactory(settlement=places.kaga, reference="HH-COPY")
    approved = _approved(duplicate, "wsh-hygiene-kit")
    duplicate.duplicate_of = original
    duplicate.save()
    with pytest.raises(ValidationError) as error:
        _plan(field_officer, duplicate, "wsh-latrine")
    assert error.value.message_dict == {
        "household": ["HH-COPY is recorded as a duplicate of HH-ORIGINAL: assist that household instead."]
    }
    approved.household.refresh_from_db()
    result = services.assistance_deliver_bulk(actor=field_officer, records=[approved], delivered_on=TODAY)
    assert result.delivered == []
    assert "duplicate of HH-ORIGINAL" in result.refused[0][1]
    beneficiary_list, _ = _build(field_officer, places.khogyani, "shl-nfi-kit")
    assert list(beneficiary_list.records.values_list("household__reference", flat=True)) == ["HH-ORIGINAL"]
