"""Pages: register with members on one page, duplicates shown before saving, edit conflicts, lists and access."""

import datetime

import pytest
from django.urls import reverse

from core.navigation import DetailSection, _sections, register_section
from profiling.models import DuplicatePair, Household, Member
from profiling.tests.factories import (
    AssessmentFactory,
    FacilityFactory,
    HouseholdFactory,
    member_input,
    register,
    targeted,
)


@pytest.fixture
def open_khogyani(places, iom):
    return targeted(places.khogyani, iom)


def form_data(settlement, members, **overrides):
    data = {
        "settlement": settlement.pk,
        "displacement_status": "idp",
        "arrival_date": "2024-01-15",
        "origin": "AF0608",
        "shelter_type": "makeshift",
        "phone": "0700 555 111",
        "intention": "return",
        "return_barriers": ["explosive_hazards", "fear_trauma"],
        "has_income": "no",
        "has_debt": "yes",
        "consent_registration": "yes",
        "basis_registration": "consent",
        "consent_referral": "yes",
        "basis_referral": "consent",
        "consent_partner_sharing": "no",
        "basis_partner_sharing": "consent",
        "notes": "",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "60",
    }
    for i, member in enumerate(members):
        for key, value in member.items():
            data[f"members-{i}-{key}"] = value
    data.update(overrides)
    return data


HEAD = {
    "name": "Bibi Hawa",
    "sex": "f",
    "relationship": "head",
    "date_of_birth": "1970-02-03",
    "wg_seeing": "1",
    "wg_walking": "4",
    "documents": ["tazkira"],
}
CHILD = {"name": "Sami", "sex": "m", "relationship": "child", "age": "9"}


def test_register_page_is_light_and_lists_only_open_settlements(client, field_officer, places, open_khogyani):
    client.force_login(field_officer)
    response = client.get(reverse("profiling:household_create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kaga" in html
    assert "Karizak" not in html
    assert 'name="members-0-name"' in html
    assert len(response.content) < 100_000
    assert "style=" not in html
    assert "<script>" not in html


def test_register_household_with_members_on_one_page(client, field_officer, places, open_khogyani):
    client.force_login(field_officer)
    response = client.post(reverse("profiling:household_create"), form_data(places.kaga, [HEAD, CHILD]))
    household = Household.objects.get()
    assert response.url == reverse("profiling:household_detail", args=[household.pk])
    assert household.size == 2
    assert household.head_name == "Bibi Hawa"
    assert household.members.get(name="Bibi Hawa").has_disability
    assert household.members.get(name="Sami").date_of_birth_estimated
    assert household.return_barriers == ["explosive_hazards", "fear_trauma"]
    assert household.has_income is False
    assert household.has_debt is True


def test_add_member_keeps_what_was_typed_with_and_without_htmx(client, field_officer, places, open_khogyani):
    client.force_login(field_officer)
    data = form_data(places.kaga, [HEAD], add_member="1")
    page = client.post(reverse("profiling:household_create"), data).content.decode()
    assert 'name="members-1-name"' in page
    assert 'value="Bibi Hawa"' in page
    partial = client.post(reverse("profiling:household_create"), data, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<fieldset id="members"')
    assert 'name="members-1-name"' in partial
    assert "<html" not in partial
    assert not Household.objects.exists()


def test_errors_name_the_field_and_nothing_is_saved(client, field_officer, places, open_khogyani):
    client.force_login(field_officer)
    child = dict(CHILD, age="")
    response = client.post(reverse("profiling:household_create"), form_data(places.kaga, [HEAD, child]))
    assert "Give the date of birth or the age." in response.content.decode()
    response = client.post(
        reverse("profiling:household_create"), form_data(places.kaga, [dict(HEAD, relationship="spouse")])
    )
    assert "Exactly one member must be the head" in response.content.decode()
    assert not Household.objects.exists()


def test_duplicates_are_shown_before_saving_and_save_anyway_records_the_pair(
    client, field_officer, places, open_khogyani
):
    existing = register(field_officer, places.kaga, phone="0700555111")
    client.force_login(field_officer)
    data = form_data(places.kaga, [HEAD])
    response = client.post(reverse("profiling:household_create"), data)
    html = response.content.decode()
    assert response.status_code == 409
    assert existing.reference in html
    assert "same phone number" in html
    assert reverse("profiling:household_detail", args=[existing.pk]) in html  # "this is the same household"
    assert 'value="Bibi Hawa"' in html  # nothing typed is lost
    assert Household.objects.count() == 1
    response = client.post(
        reverse("profiling:household_create"), dict(data, save_anyway="1", acknowledged=str(existing.pk))
    )
    assert response.status_code == 302
    assert DuplicatePair.objects.get().candidate == existing


def test_candidates_outside_the_users_areas_are_counted_not_shown(
    client, field_officer, manager, places, iom, open_khogyani
):
    other = register(manager, places.kaga, phone="0700555111", members=[member_input(name="Hidden Person")])
    other.settlement = places.kaga
    # Move the first registration out of the officer's sight: another district, same organisation.
    targeted(places.injil, iom)
    Household.objects.filter(pk=other.pk).update(settlement=places.karizak)
    client.force_login(field_officer)
    html = client.post(reverse("profiling:household_create"), form_data(places.kaga, [HEAD])).content.decode()
    assert "Hidden Person" not in html
    assert "1 more possible match" in html


def test_edit_conflict_shows_both_versions_and_keeps_my_input(client, field_officer, manager, places, open_khogyani):
    household = register(field_officer, places.kaga, phone="0700555111")
    client.force_login(field_officer)
    page = client.get(reverse("profiling:household_edit", args=[household.pk])).content.decode()
    assert 'name="version" value="1"' in page
    member = household.members.get()
    mine = form_data(
        places.kaga,
        [{"id": member.pk, "name": member.name, "sex": "m", "relationship": "head", "date_of_birth": "1978-04-02"}],
        version="1",
        shelter_type="tent",
        phone="0700555111",
        **{"members-INITIAL_FORMS": "1"},
    )
    # The manager saves first, from the same version.
    client.force_login(manager)
    theirs = dict(mine, shelter_type="rented", notes="Visited again in May")
    assert client.post(reverse("profiling:household_edit", args=[household.pk]), theirs).status_code == 302
    client.force_login(field_officer)
    response = client.post(reverse("profiling:household_edit", args=[household.pk]), mine)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this household" in html
    assert "Visited again in May" in html  # theirs
    assert 'value="tent" checked' in html or 'value="tent" selected' in html  # mine, still in the form
    assert 'name="version" value="2"' in html
    household.refresh_from_db()
    assert household.notes == "Visited again in May"
    assert household.shelter_type == "rented"
    # Saving again deliberately replaces the stored version.
    response = client.post(reverse("profiling:household_edit", args=[household.pk]), dict(mine, version="2"))
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.shelter_type == "tent"
    assert household.version == 3


def test_detail_shows_everything_and_the_sections_of_later_stages(client, field_officer, places, open_khogyani):
    household = register(field_officer, places.kaga, members=[member_input(wg={"wg_hearing": 4})])
    register_section(
        DetailSection(
            page="household",
            key="test.assistance",
            title="Assistance received",
            template="profiling/panels/duplicates.html",
            context=lambda user, obj: {"count": obj.size},
        )
    )
    try:
        client.force_login(field_officer)
        html = client.get(reverse("profiling:household_detail", args=[household.pk])).content.decode()
    finally:
        _sections.pop(("household", "test.assistance"))
    assert household.reference in html
    assert "Category 1: services and material conditions" in html
    assert "House destroyed" in html
    assert "Unexploded ordnance" in html
    assert "Informed consent" in html
    assert "Assistance received" in html
    assert "18-59" in html


def test_detail_and_edit_are_not_found_outside_scope(
    client, field_officer_injil, other_org_officer, desk_officer, field_officer, places, open_khogyani
):
    household = register(field_officer, places.kaga)
    for user in (field_officer_injil, other_org_officer):
        client.force_login(user)
        assert client.get(reverse("profiling:household_detail", args=[household.pk])).status_code == 404
        assert client.get(reverse("profiling:household_edit", args=[household.pk])).status_code == 404
    client.force_login(desk_officer)
    assert client.get(reverse("profiling:household_detail", args=[household.pk])).status_code == 200
    assert client.get(reverse("profiling:household_edit", args=[household.pk])).status_code == 403
    assert client.get(reverse("profiling:household_create")).status_code == 403


def test_dates_show_in_the_users_calendar_on_the_local_day(client, field_officer, places, open_khogyani):
    """Registered at 21:00 UTC on 20 March 2026 is 01:30 on the 21st in Kabul: pages show the 21st, in the
    calendar the user reads (Solar Hijri: 1 Hamal 1405)."""
    household = register(field_officer, places.kaga)
    evening = datetime.datetime(2026, 3, 20, 21, 0, tzinfo=datetime.UTC)
    Household.objects.filter(pk=household.pk).update(registered_at=evening, arrival_date=datetime.date(2026, 3, 21))
    household.consents.update(recorded_at=evening)
    client.force_login(field_officer)
    detail = client.get(reverse("profiling:household_detail", args=[household.pk])).content.decode()
    listing = client.get(reverse("profiling:household_list")).content.decode()
    assert "2026-03-21" in detail
    assert "2026-03-20" not in detail
    assert "2026-03-21" in listing
    assert "2026-03-20" not in listing
    field_officer.calendar = "solar_hijri"
    field_officer.save(update_fields=["calendar"])
    detail = client.get(reverse("profiling:household_detail", args=[household.pk])).content.decode()
    listing = client.get(reverse("profiling:household_list")).content.decode()
    assert detail.count("1405-01-01 (1 Hamal 1405)") >= 3  # arrived, registered, consents
    assert "2026-03-21" not in detail
    assert "1405-01-01 (1 Hamal 1405)" in listing


def test_partner_and_anonymous_see_no_household_page(client, partner_user, db):
    client.force_login(partner_user)
    assert client.get(reverse("profiling:household_list")).status_code == 403
    client.logout()
    assert client.get(reverse("profiling:household_list")).status_code == 302


def test_household_list_filters_and_keeps_queries_flat(
    client, field_officer, field_officer_injil, places, iom, django_assert_max_num_queries
):
    HouseholdFactory(
        settlement=places.kaga, head_name="Gul Ahmad", vulnerability_band="high", arrival_date=datetime.date(2024, 1, 1)
    )
    HouseholdFactory(settlement=places.kaga, returnee=True, members=3, arrival_date=datetime.date(2023, 1, 1))
    HouseholdFactory(settlement=places.karizak, head_name="Injil Person")
    disabled = HouseholdFactory(settlement=places.kaga, head_name="Zarmina")
    Member.objects.filter(household=disabled).update(has_disability=True)
    client.force_login(field_officer)
    url = reverse("profiling:household_list")
    html = client.get(url).content.decode()
    assert "Gul Ahmad" in html
    assert "Injil Person" not in html
    assert "Gul Ahmad" in client.get(url, {"q": "gul"}).content.decode()
    assert "Zarmina" not in client.get(url, {"q": "gul"}).content.decode()
    returnees = client.get(url, {"displacement_status": "returnee_abroad"}).content.decode()
    assert "Gul Ahmad" not in returnees
    assert "Gul Ahmad" in client.get(url, {"vulnerability_band": "high"}).content.decode()
    assert "Gul Ahmad" in client.get(url, {"arrived_from": "2023-06-01"}).content.decode()
    assert "Gul Ahmad" not in client.get(url, {"arrived_until": "2023-06-01"}).content.decode()
    only_disabled = client.get(url, {"disability": "true"}).content.decode()
    assert "Zarmina" in only_disabled
    assert "Gul Ahmad" not in only_disabled
    assert "Injil Person" not in client.get(url, {"area": "AF3202"}).content.decode()
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(30):
        HouseholdFactory(settlement=places.kaga)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_duplicate_review_marks_pairs(client, field_officer, field_officer_injil, places, open_khogyani):
    first = register(field_officer, places.kaga)
    second = register(field_officer, places.kaga, members=[member_input(name="Other")], acknowledged=[first.pk])
    pair = DuplicatePair.objects.get()
    client.force_login(field_officer)
    assert second.reference in client.get(reverse("profiling:duplicate_list")).content.decode()
    page = client.get(reverse("profiling:duplicate_review", args=[pair.pk])).content.decode()
    assert first.reference in page
    assert second.reference in page
    response = client.post(reverse("profiling:duplicate_review", args=[pair.pk]), {"status": "duplicate", "note": ""})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.duplicate_of == first
    client.force_login(field_officer_injil)
    assert client.get(reverse("profiling:duplicate_review", args=[pair.pk])).status_code == 404
    assert second.reference not in client.get(reverse("profiling:duplicate_list")).content.decode()


def test_duplicate_list_queries_do_not_grow(client, field_officer, places, django_assert_max_num_queries):
    client.force_login(field_officer)
    url = reverse("profiling:duplicate_list")

    def pair():
        a = HouseholdFactory(settlement=places.kaga)
        b = HouseholdFactory(settlement=places.kaga)
        DuplicatePair.objects.create(household=b, candidate=a, reasons=["phone"])

    pair()
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(10):
        pair()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_home_panels_by_role(client, field_officer, manager, places, open_khogyani):
    register(field_officer, places.kaga)
    client.force_login(field_officer)
    html = client.get(reverse("core:home")).content.decode()
    assert "My recent registrations" in html
    assert "Duplicates to review" in html
    client.force_login(manager)
    html = client.get(reverse("core:home")).content.decode()
    assert "Vulnerability bands" in html
    assert "My recent registrations" not in html


# --- assessments and facilities --------------------------------------------------------------------


def test_record_a_focus_group_with_participants_by_sex(client, field_officer, places, open_khogyani):
    client.force_login(field_officer)
    data = {
        "target_area": open_khogyani.pk,
        "area": "AF0608S001",
        "kind": "fgd",
        "held_on": "2024-05-02",
        "title": "Women's FGD on water",
        "participants_female": "0",
        "participants_male": "0",
        "households_surveyed": "0",
        "priority_sectors": ["WSH", "EDU"],
        "findings": "Two of three hand pumps broken.",
    }
    response = client.post(reverse("profiling:assessment_create"), data)
    assert "participants by sex" in response.content.decode()
    response = client.post(reverse("profiling:assessment_create"), dict(data, participants_female="11"))
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "11 women, 0 men" in html
    assert "WSH" in html


def test_assessment_outside_target_area_is_refused(client, field_officer, places, iom, open_khogyani):
    client.force_login(field_officer)
    data = {
        "target_area": open_khogyani.pk,
        "area": "AF3202S002",
        "kind": "kii",
        "held_on": "2024-05-02",
        "title": "KII",
        "informant_role": "Elder",
        "participants_female": "0",
        "participants_male": "0",
        "households_surveyed": "0",
        "findings": "x",
    }
    assert "is not inside" in client.post(reverse("profiling:assessment_create"), data).content.decode()


def test_assessment_and_facility_lists_are_scoped_and_flat(
    client, field_officer, other_org_officer, places, iom, open_khogyani, django_assert_max_num_queries
):
    AssessmentFactory(target_area=open_khogyani, title="Kaga elders KII", kind="kii", informant_role="Elder")
    FacilityFactory(target_area=open_khogyani, name="Kaga BHC")
    client.force_login(field_officer)
    assert "Kaga elders KII" in client.get(reverse("profiling:assessment_list")).content.decode()
    assert "Kaga BHC" in client.get(reverse("profiling:facility_list")).content.decode()
    for url in (reverse("profiling:assessment_list"), reverse("profiling:facility_list")):
        with django_assert_max_num_queries(12) as few:
            client.get(url)
        for _ in range(10):
            AssessmentFactory(target_area=open_khogyani)
            FacilityFactory(target_area=open_khogyani)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(url)
    client.force_login(other_org_officer)
    assert "Kaga elders KII" not in client.get(reverse("profiling:assessment_list")).content.decode()
    assert "Kaga BHC" not in client.get(reverse("profiling:facility_list")).content.decode()


def test_facility_edit_uses_optimistic_locking(client, field_officer, manager, places, open_khogyani):
    facility = FacilityFactory(target_area=open_khogyani, name="Kaga BHC", area=places.kaga)
    url = reverse("profiling:facility_edit", args=[facility.pk])
    data = {
        "target_area": open_khogyani.pk,
        "area": "AF0608S001",
        "name": "Kaga BHC",
        "facility_type": "health_centre",
        "sector": "HEA",
        "status": "partial",
        "verified_on": "2024-06-01",
        "version": "1",
    }
    client.force_login(manager)
    assert client.post(url, data).status_code == 302
    client.force_login(field_officer)
    response = client.post(url, dict(data, status="destroyed"))
    assert response.status_code == 409
    assert "Someone else saved this record" in response.content.decode()
    facility.refresh_from_db()
    assert facility.status == "partial"
    assert facility.version == 2


def test_assessment_pages_are_not_found_outside_scope(client, field_officer_injil, places, open_khogyani):
    assessment = AssessmentFactory(target_area=open_khogyani)
    client.force_login(field_officer_injil)
    assert client.get(reverse("profiling:assessment_detail", args=[assessment.pk])).status_code == 404
    assert client.get(reverse("profiling:assessment_edit", args=[assessment.pk])).status_code == 404


def test_searching_households_by_name_keeps_the_name_out_of_the_url(client, field_officer, places):
    HouseholdFactory(settlement=places.kaga, head_name="Zarghuna Ahmadi", phone="0700111222")
    HouseholdFactory(settlement=places.kaga, head_name="Other Family")
    client.force_login(field_officer)
    page = client.get(reverse("profiling:household_list")).content.decode()
    assert 'method="post" class="filters"' in page
    response = client.post(reverse("profiling:household_list"), {"_filter": "1", "q": "0700111222"})
    assert response.status_code == 303
    assert "0700111222" not in response.url
    listing = client.get(response.url).content.decode()
    assert "Zarghuna Ahmadi" in listing
    assert "Other Family" not in listing
