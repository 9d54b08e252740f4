"""Reads of targeting for each role: the contract later stages use, and the planning side for managers."""

from core.models import Role
from core.tests.factories import OrganisationFactory, UserFactory
from targeting import selectors
from targeting.models import RoundStatus

from .factories import DtmDatasetFactory, ScoringModelFactory, TargetAreaFactory, TargetingRoundFactory


def test_factories_give_later_stages_approved_target_areas(places, iom, field_officer, desk_officer, partner_user):
    target = TargetAreaFactory(area=places.khogyani)
    TargetAreaFactory(area=places.injil, round=target.round)
    assert target.round.status == RoundStatus.APPROVED
    assert target.round.organisation == iom
    assert [t.area for t in selectors.target_areas_for_user(field_officer)] == [places.khogyani]
    assert [t.area for t in selectors.target_areas_for_user(desk_officer)] == [places.khogyani]
    assert list(selectors.target_areas_for_user(partner_user)) == []
    assert selectors.area_is_targeted(area=places.kaga, organisation_id=iom.pk)
    assert not selectors.area_is_targeted(area=places.falluja, organisation_id=iom.pk)
    assert [a.pcode for a in selectors.targeted_settlements_for_user(field_officer)] == ["AF0608S001"]


def test_target_areas_of_rounds_not_approved_are_not_targets(places, iom, field_officer):
    for status in (RoundStatus.DRAFT, RoundStatus.SCORED, RoundStatus.SUPERSEDED):
        TargetAreaFactory(area=places.khogyani, round=TargetingRoundFactory(organisation=iom, status=status))
    assert list(selectors.target_areas_for_user(field_officer)) == []
    assert not selectors.area_is_targeted(area=places.khogyani, organisation_id=iom.pk)


def test_target_areas_within_a_pcode(places, manager):
    round_ = TargetingRoundFactory(approved=True)
    TargetAreaFactory(area=places.khogyani, round=round_)
    TargetAreaFactory(area=places.injil, round=round_)
    assert [t.area.pcode for t in selectors.target_areas_within(manager, pcode="AF32")] == ["AF3202"]
    assert list(selectors.target_areas_within(manager, pcode="NOPE")) == []


def test_planning_reads_are_for_managers_and_admins_of_the_organisation(
    places, iom, manager, admin_user, field_officer, desk_officer, partner_user
):
    dataset = DtmDatasetFactory(organisation=iom)
    model = ScoringModelFactory(organisation=iom)
    DtmDatasetFactory(organisation=OrganisationFactory(acronym="WFP"))
    for user in (manager, admin_user):
        assert list(selectors.datasets_for_user(user)) == [dataset]
        assert list(selectors.scoring_models_for_user(user)) == [model]
    for user in (field_officer, desk_officer, partner_user):
        assert list(selectors.datasets_for_user(user)) == []
        assert list(selectors.scoring_models_for_user(user)) == []
        assert list(selectors.rounds_for_user(user)) == []
        assert list(selectors.figures_for_user(user)) == []


def test_rounds_overlapping_the_users_areas(places, iom, manager):
    national = TargetingRoundFactory(organisation=iom, area=places.afg)
    provincial = TargetingRoundFactory(organisation=iom, area=places.nangarhar)
    iraq = TargetingRoundFactory(organisation=iom, area=places.irq)
    TargetingRoundFactory(organisation=OrganisationFactory(acronym="WFP"), area=places.afg)
    assert set(selectors.rounds_for_user(manager)) == {national, provincial}
    herat = UserFactory(role=Role.MANAGER, organisation=iom, areas=[places.herat])
    assert set(selectors.rounds_for_user(herat)) == {national}
    assert iraq not in selectors.rounds_for_user(manager)
    assert [a.pcode for a in selectors.rankable_areas_for_user(manager)] == ["AFG", "AF06", "AF32"]
