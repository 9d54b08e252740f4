"""The chokepoint: organisation, role and areas decide what a user sees; absent and not-yours look the same."""

import pytest

from core.models import Role
from core.scoping import scope_for, scoped, scoped_get
from core.tests.factories import UserFactory
from tests.scoping_app.models import Record


@pytest.fixture
def records(places, iom, nrc):
    return {
        "khogyani": Record.objects.create(label="khogyani", area=places.kaga, organisation=iom),
        "khogyani_district": Record.objects.create(label="district", area=places.khogyani, organisation=iom),
        "injil": Record.objects.create(label="injil", area=places.karizak, organisation=iom, addressed_to=nrc),
        "falluja": Record.objects.create(label="falluja", area=places.falluja, organisation=iom),
    }


def _labels(user):
    return set(scoped(Record.objects.all(), user).values_list("label", flat=True))


def test_field_officer_in_khogyani_sees_khogyani_and_not_injil(records, field_officer):
    assert _labels(field_officer) == {"khogyani", "district"}
    with pytest.raises(Record.DoesNotExist):
        scoped_get(Record.objects.all(), field_officer, pk=records["injil"].pk)


def test_absent_and_not_yours_raise_the_same_error(records, field_officer):
    with pytest.raises(Record.DoesNotExist) as absent:
        scoped_get(Record.objects.all(), field_officer, pk=999_999)
    with pytest.raises(Record.DoesNotExist) as not_yours:
        scoped_get(Record.objects.all(), field_officer, pk=records["falluja"].pk)
    assert type(absent.value) is type(not_yours.value)
    assert str(absent.value) == str(not_yours.value)


def test_manager_with_two_provinces_sees_both_districts_but_not_iraq(records, manager):
    assert _labels(manager) == {"khogyani", "district", "injil"}


def test_other_organisation_in_the_same_district_sees_nothing(records, other_org_officer):
    assert _labels(other_org_officer) == set()


def test_internal_unit_staff_work_on_their_agency_records(records, places, iom):
    from core.tests.factories import OrganisationFactory

    unit = OrganisationFactory(acronym="IOM-PRO", name="IOM Protection Unit", kind="internal_unit", parent=iom)
    officer = UserFactory(role=Role.DESK_OFFICER, organisation=unit, areas=[places.khogyani])
    assert _labels(officer) == {"khogyani", "district"}


def test_partner_sees_only_records_addressed_to_it(records, partner_user):
    assert _labels(partner_user) == {"injil"}


def test_no_membership_inactive_or_no_area_sees_nothing(records, places, iom):
    no_membership = UserFactory(role=None)
    inactive = UserFactory(role=Role.MANAGER, organisation=iom, areas=[places.afg], is_active=False)
    no_area = UserFactory(role=Role.FIELD_STAFF, organisation=iom, areas=[])
    for user in (no_membership, inactive, no_area):
        assert _labels(user) == set()


def test_inactive_organisation_sees_nothing(records, field_officer, iom):
    iom.is_active = False
    iom.save()
    assert scope_for(field_officer) is None
    assert _labels(field_officer) == set()


def test_nested_assignments_collapse_to_the_widest_area(places, iom):
    user = UserFactory(role=Role.MANAGER, organisation=iom, areas=[places.nangarhar, places.khogyani, places.injil])
    assert scope_for(user).area_paths == ("AFG/AF06/", "AFG/AF32/AF3202/")


def test_scoped_query_is_one_query(records, field_officer, django_assert_num_queries):
    scope_for(field_officer)
    with django_assert_num_queries(1):
        list(scoped(Record.objects.all(), field_officer))


def test_models_without_a_declared_scope_are_refused(field_officer):
    from core.models import Organisation

    with pytest.raises(TypeError, match="does not declare how it is scoped"):
        scoped(Organisation.objects.all(), field_officer)


def _agreement(partner, owner, areas, *, resources=("records",), identifiable=False, days=(-10, 10)):
    import datetime

    from django.utils import timezone

    from core.models import DataSharingAgreement

    today = timezone.localdate()
    agreement = DataSharingAgreement.objects.create(
        partner=partner,
        owner=owner,
        reference=f"DSA-{partner.acronym}-{len(areas)}-{days[0]}-{'-'.join(resources)}",
        title="Data sharing",
        resources=list(resources),
        identifiable=identifiable,
        valid_from=today + datetime.timedelta(days=days[0]),
        valid_until=today + datetime.timedelta(days=days[1]),
    )
    agreement.areas.set(areas)
    return agreement


def test_agreement_shows_the_owners_records_in_its_areas_de_identified(records, partner_user, places, iom, nrc):
    _agreement(nrc, iom, [places.khogyani])
    assert _labels(partner_user) == {"khogyani", "district", "injil"}  # injil: addressed to NRC
    scope = scope_for(partner_user)
    assert scope.identifiable("records") is False
    assert scope.identifiable("households") is False


def test_identifiable_only_when_every_agreement_says_so(records, partner_user, places, iom, nrc):
    _agreement(nrc, iom, [places.khogyani], identifiable=True)
    assert scope_for(partner_user).identifiable("records") is True


def test_expired_or_other_kind_agreements_grant_nothing(records, partner_user, places, iom, nrc):
    _agreement(nrc, iom, [places.afg], days=(-30, -1))
    _agreement(nrc, iom, [places.afg], resources=("households",))
    assert _labels(partner_user) == {"injil"}


def test_partner_account_areas_narrow_the_agreement(records, places, iom, nrc):
    _agreement(nrc, iom, [places.afg, places.irq])
    narrow = UserFactory(role=Role.PARTNER, organisation=nrc, areas=[places.kaga])
    assert _labels(narrow) == {"khogyani", "injil"}
    assert scope_for(narrow).grants[0].area_paths == ("AFG/AF06/AF0608/AF0608S001/",)
