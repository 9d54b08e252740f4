"""Registering and editing households: target areas, members, consent, duplicates, optimistic locking."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from profiling import selectors, services
from profiling.models import Consent, DuplicatePair, DuplicateStatus, Household, Member
from profiling.tests.factories import (
    consents_input,
    household_input,
    member_input,
    register,
    targeted,
)
from targeting.models import RoundStatus


@pytest.fixture
def open_khogyani(places, iom):
    return targeted(places.khogyani, iom)


def test_register_keeps_members_consents_and_scores(field_officer, places, open_khogyani):
    household = services.household_register(
        actor=field_officer,
        data=household_input(places.kaga, shelter_type="tent", has_income=False),
        members=[
            member_input(name="Zarmina Safi", sex="f"),
            member_input(name="Omid", sex="m", relationship="child", date_of_birth=None, age=7, wg={"wg_walking": 3}),
        ],
        consents=consents_input(),
    )
    household.refresh_from_db()
    assert household.reference == f"IOM-{household.pk:07d}"
    assert household.head_name == "Zarmina Safi"
    assert household.size == 2
    assert household.phone_key == "700123456"
    omid = household.members.get(name="Omid")
    assert omid.date_of_birth_estimated
    assert omid.age == 7
    assert omid.has_disability is True
    assert {"female_headed", "disability", "critical_shelter", "no_income"} <= set(household.vulnerability_criteria)
    assert household.vulnerability_band in {"high", "very_high"}
    assert household.vulnerability_model.is_active
    assert selectors.consent_given(household=household, purpose="referral")
    event = AuditEvent.objects.get(action="household.register")
    assert event.target_id == str(household.pk)
    assert event.after["consents"]["registration"] == {"given": True, "legal_basis": "consent"}


def test_registration_needs_an_approved_target_area(field_officer, places, iom):
    with pytest.raises(ValidationError) as error:
        register(field_officer, places.kaga)
    assert "approved target area" in str(error.value.message_dict["settlement"])
    targeted(places.khogyani, iom, status=RoundStatus.DRAFT)
    with pytest.raises(ValidationError):
        register(field_officer, places.kaga)
    assert not Household.objects.exists()


def test_registration_outside_the_users_areas_is_refused(field_officer, places, iom, open_khogyani):
    targeted(places.injil, iom)
    with pytest.raises(ValidationError) as error:
        register(field_officer, places.karizak)
    assert "outside your areas" in str(error.value.message_dict["settlement"])
    with pytest.raises(ValidationError) as error:
        register(field_officer, places.khogyani)
    assert "settlement" in error.value.message_dict


def test_another_organisations_target_area_does_not_open_registration(field_officer, places, nrc):
    targeted(places.khogyani, nrc)
    with pytest.raises(ValidationError):
        register(field_officer, places.kaga)


def test_exactly_one_head_and_an_age_for_everyone(field_officer, places, open_khogyani):
    with pytest.raises(ValidationError) as error:
        register(field_officer, places.kaga, members=[member_input(relationship="spouse")])
    assert "head" in str(error.value.message_dict["members"])
    with pytest.raises(ValidationError) as error:
        register(field_officer, places.kaga, members=[member_input(), member_input(name="B")])
    assert "found 2" in str(error.value.message_dict["members"])
    with pytest.raises(ValidationError) as error:
        register(field_officer, places.kaga, members=[member_input(date_of_birth=None)])
    assert "members[0].age" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        register(field_officer, places.kaga, members=[member_input(pregnant_or_lactating=True)])
    assert "members[0].pregnant_or_lactating" in error.value.message_dict
    assert not Household.objects.exists()


def test_no_consent_to_registration_needs_another_legal_basis(field_officer, places, open_khogyani):
    with pytest.raises(ValidationError) as error:
        services.household_register(
            actor=field_officer,
            data=household_input(places.kaga),
            members=[member_input()],
            consents=consents_input(given=False),
        )
    assert "consent_registration" in error.value.message_dict
    household = services.household_register(
        actor=field_officer,
        data=household_input(places.kaga),
        members=[member_input()],
        consents=consents_input(given=False, basis="vital_interest"),
    )
    assert not selectors.consent_given(household=household, purpose="registration")
    with pytest.raises(ValidationError) as error:
        services.household_register(
            actor=field_officer,
            data=household_input(places.kaga, phone=""),
            members=[member_input(name="X")],
            consents=consents_input()[:1],
        )
    assert "consents" in error.value.message_dict


def test_unknown_barrier_is_named(field_officer, places, open_khogyani):
    with pytest.raises(ValidationError) as error:
        register(field_officer, places.kaga, return_barriers=["dragons"])
    assert "dragons" in str(error.value.message_dict["return_barriers"])


# --- duplicates ----------------------------------------------------------------------------------


def test_same_phone_is_a_candidate_and_nothing_is_saved_until_acknowledged(field_officer, places, open_khogyani):
    first = register(field_officer, places.kaga, phone="0700 123 456")
    with pytest.raises(services.DuplicatesFound) as found:
        register(field_officer, places.kaga, phone="+93700123456", members=[member_input(name="Someone Else")])
    assert [(c.household_id, c.reasons) for c in found.value.candidates] == [(first.pk, ("phone",))]
    assert Household.objects.count() == 1
    second = register(
        field_officer,
        places.kaga,
        phone="+93700123456",
        members=[member_input(name="Someone Else")],
        acknowledged=[first.pk],
    )
    pair = DuplicatePair.objects.get()
    assert (pair.household, pair.candidate, pair.status) == (second, first, DuplicateStatus.PENDING)
    assert AuditEvent.objects.get(action="household.register", target_id=str(second.pk)).after[
        "saved_despite_duplicates"
    ] == [first.pk]


def test_similar_head_name_same_birth_date_same_district_is_a_candidate(field_officer, places, open_khogyani):
    first = register(field_officer, places.kaga, phone="", members=[member_input(name="Mohammad Gul Ahmadzai")])
    with pytest.raises(services.DuplicatesFound) as found:
        register(field_officer, places.kaga, phone="", members=[member_input(name="Muhammad Gul Ahmadzay")])
    candidate = found.value.candidates[0]
    assert candidate.household_id == first.pk
    assert candidate.reasons == ("name_dob_district",)
    assert candidate.similarity >= 85


def test_different_birth_date_or_name_is_not_a_candidate(field_officer, places, open_khogyani):
    register(field_officer, places.kaga, phone="", members=[member_input(name="Mohammad Gul")])
    register(
        field_officer,
        places.kaga,
        phone="",
        members=[member_input(name="Mohammad Gul", date_of_birth=datetime.date(1990, 1, 1))],
    )
    register(field_officer, places.kaga, phone="", members=[member_input(name="Zarmina Safi", sex="f")])
    assert Household.objects.count() == 3


def test_estimated_age_matches_within_a_year(field_officer, places, open_khogyani):
    first = register(field_officer, places.kaga, phone="", members=[member_input(name="Gul Ahmad")])
    age = first.head_date_of_birth and (datetime.date.today().year - first.head_date_of_birth.year)
    with pytest.raises(services.DuplicatesFound):
        register(
            field_officer, places.kaga, phone="", members=[member_input(name="Ahmad Gul", date_of_birth=None, age=age)]
        )


def test_new_candidates_after_acknowledging_still_stop_the_save(field_officer, places, open_khogyani):
    first = register(field_officer, places.kaga, phone="0700111222", members=[member_input(name="A Khan")])
    second = register(field_officer, places.kaga, phone="", members=[member_input(name="B Gul")])
    with pytest.raises(services.DuplicatesFound) as found:
        register(
            field_officer,
            places.kaga,
            phone="0700111222",
            members=[member_input(name="B Gul")],
            acknowledged=[first.pk],
        )
    assert {c.household_id for c in found.value.candidates} == {first.pk, second.pk}


def test_duplicate_decision_is_recorded_and_audited(field_officer, places, open_khogyani):
    first = register(field_officer, places.kaga)
    second = register(field_officer, places.kaga, members=[member_input(name="Other")], acknowledged=[first.pk])
    pair = DuplicatePair.objects.get()
    services.duplicate_decide(actor=field_officer, pair=pair, status="duplicate", note="Same tazkira number")
    second.refresh_from_db()
    assert second.duplicate_of == first
    event = AuditEvent.objects.get(action="duplicate.decide")
    assert event.before == {"status": "pending", "decision_note": ""}
    assert event.after["status"] == "duplicate"
    services.duplicate_decide(actor=field_officer, pair=pair, status="distinct")
    second.refresh_from_db()
    assert second.duplicate_of is None
    with pytest.raises(ValidationError):
        services.duplicate_decide(actor=field_officer, pair=pair, status="pending")


# --- edits and optimistic locking ----------------------------------------------------------------


def _edit_inputs(household, **changes):
    members = [
        services.MemberInput(
            id=m.pk, name=m.name, sex=m.sex, relationship=m.relationship, date_of_birth=m.date_of_birth
        )
        for m in household.members.all()
    ]
    return {
        "data": household_input(household.settlement, **changes),
        "members": members,
        "consents": consents_input(),
    }


def test_edit_bumps_the_version_and_audits_only_what_changed(field_officer, places, open_khogyani):
    household = register(field_officer, places.kaga)
    inputs = _edit_inputs(household, shelter_type="tent")
    inputs["members"].append(member_input(name="Baby", sex="f", relationship="child", date_of_birth=None, age=0))
    services.household_update(actor=field_officer, household=household, expected_version=1, **inputs)
    household.refresh_from_db()
    assert household.version == 2
    assert household.size == 2
    assert "critical_shelter" in household.vulnerability_criteria
    event = AuditEvent.objects.get(action="household.update")
    assert event.before["shelter_type"] == "rented"
    assert event.after["shelter_type"] == "tent"
    assert "phone" not in event.after


def test_concurrent_edit_gets_a_conflict_and_nothing_is_lost(field_officer, manager, places, open_khogyani):
    household = register(field_officer, places.kaga)
    # Both open version 1; the manager saves first.
    services.household_update(
        actor=manager, household=household, expected_version=1, **_edit_inputs(household, phone="0799000111")
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.household_update(
            actor=field_officer, household=household, expected_version=1, **_edit_inputs(household, notes="mine")
        )
    assert conflict.value.current.version == 2
    household.refresh_from_db()
    assert household.phone == "0799000111"  # the first save is intact
    assert household.notes == ""  # the stale one wrote nothing
    assert AuditEvent.objects.filter(action="household.update").count() == 1


def test_edit_can_remove_members_but_keeps_one_head(field_officer, places, open_khogyani):
    household = register(
        field_officer, places.kaga, members=[member_input(), member_input(name="Kid", relationship="child")]
    )
    inputs = _edit_inputs(household)
    kid = next(m for m in inputs["members"] if m.name == "Kid")
    kid.delete = True
    services.household_update(actor=field_officer, household=household, expected_version=1, **inputs)
    assert list(household.members.values_list("name", flat=True)) == ["Gul Ahmad"]
    inputs = _edit_inputs(household)
    inputs["members"][0].delete = True
    with pytest.raises(ValidationError):
        services.household_update(actor=field_officer, household=household, expected_version=2, **inputs)
    assert Member.objects.filter(household=household).count() == 1


def test_consent_change_at_the_desk_is_recorded(desk_officer, field_officer, places, open_khogyani):
    household = register(field_officer, places.kaga)
    services.consent_record(
        actor=desk_officer, household=household, purpose="partner_sharing", given=False, legal_basis="consent"
    )
    assert not selectors.consent_given(household=household, purpose="partner_sharing")
    assert Consent.objects.get(household=household, purpose="partner_sharing").recorded_by == desk_officer
    event = AuditEvent.objects.get(action="consent.record")
    assert event.before == {"partner_sharing": {"given": True, "legal_basis": "consent"}}


def test_edit_that_reveals_a_duplicate_keeps_a_pair_to_review(field_officer, places, open_khogyani):
    first = register(field_officer, places.kaga, phone="0700111000")
    second = register(field_officer, places.kaga, phone="0700222000", members=[member_input(name="Zahir Shah")])
    services.household_update(
        actor=field_officer, household=second, expected_version=1, **_edit_inputs(second, phone="+93700111000")
    )
    pair = DuplicatePair.objects.get()
    assert (pair.household, pair.candidate, pair.found_on) == (second, first, "edit")
    event = AuditEvent.objects.get(action="household.update")
    assert event.after["flagged_duplicates"] == [first.pk]
    services.household_update(
        actor=field_officer,
        household=second,
        expected_version=2,
        **_edit_inputs(second, phone="+93700111000", notes="again"),
    )
    assert DuplicatePair.objects.count() == 1
