"""Writes of targeting: imports (all or nothing, no-op on re-import), models, rounds, selection, approval."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent, Role
from core.tabular import ImportFailed
from core.tests.factories import AdminAreaFactory, OrganisationFactory, UserFactory
from targeting import selectors, services
from targeting.models import AreaScore, DtmDataset, DtmFigure, DtmSource, RoundStatus, ScoringModel, TargetArea

from .factories import DtmDatasetFactory, DtmFigureFactory, ScoringModelFactory
from .samples import AFG_SETTLEMENT_COLUMNS, afg_settlement_rows, csv_bytes, table

REPORTED = datetime.date(2025, 6, 30)


def import_file(actor, data, **kwargs):
    options = {
        "file_name": "bma_round16.csv",
        "source": DtmSource.AFG_BASELINE,
        "round_label": "Round 16",
        "reporting_date": REPORTED,
    }
    options.update(kwargs)
    return services.dtm_dataset_import(actor=actor, data=data, **options)


@pytest.fixture
def settlement_file(places):
    AdminAreaFactory(pcode="AF0608S002", name="Mamakhel", parent=places.khogyani)
    return csv_bytes(table(AFG_SETTLEMENT_COLUMNS, afg_settlement_rows()))


def test_import_stores_dataset_figures_and_unmatched_rows(manager, settlement_file):
    outcome = import_file(manager, settlement_file)
    dataset = outcome.dataset
    assert not outcome.already_imported
    assert dataset.admin_level == 3
    assert dataset.row_count == 5
    assert dataset.unmatched_count == 2
    assert [u["row"] for u in dataset.unmatched] == [6, 7]
    assert dataset.report["matched_by_name_count"] == 1
    assert dataset.country_code == "AFG"
    assert dataset.figure_count == DtmFigure.objects.filter(dataset=dataset).count() == 3 * 7
    kaga = DtmFigure.objects.get(
        dataset=dataset, area__pcode="AF0608S001", population_group="arrival_idps", period="2019"
    )
    assert kaga.value == 340
    event = AuditEvent.objects.get(action="targeting.dataset.import")
    assert event.actor == manager
    assert event.after["figures"] == 21


def test_reimporting_the_same_file_changes_nothing(manager, settlement_file):
    first = import_file(manager, settlement_file).dataset
    again = import_file(manager, settlement_file, round_label="Round 16 again")
    assert again.already_imported
    assert again.dataset == first
    assert DtmDataset.objects.count() == 1
    assert DtmFigure.objects.count() == 21
    assert AuditEvent.objects.filter(action="targeting.dataset.import").count() == 1


def test_the_same_file_is_imported_separately_by_another_organisation(manager, settlement_file, places):
    import_file(manager, settlement_file)
    other = UserFactory(role=Role.MANAGER, organisation=OrganisationFactory(acronym="UNHCR"), areas=[places.afg])
    outcome = import_file(other, settlement_file)
    assert not outcome.already_imported
    assert DtmDataset.objects.count() == 2


def test_a_bad_file_commits_nothing(manager, places):
    rows = afg_settlement_rows()
    rows[1][7] = "unknown"
    with pytest.raises(ImportFailed) as failure:
        import_file(manager, csv_bytes(table(AFG_SETTLEMENT_COLUMNS, rows)))
    assert (failure.value.problems[0].row, failure.value.problems[0].column) == (4, "ArrivalIDPs2019")
    assert DtmDataset.objects.count() == 0
    assert DtmFigure.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="targeting").exists()


def test_only_managers_import(field_officer, admin_user, settlement_file):
    for user in (field_officer, admin_user):
        with pytest.raises(PermissionDenied):
            import_file(user, settlement_file)
    assert DtmDataset.objects.count() == 0


def test_import_metadata_is_checked(manager, settlement_file):
    with pytest.raises(ValidationError) as error:
        import_file(manager, settlement_file, round_label=" ", reporting_date=datetime.date(2999, 1, 1))
    assert set(error.value.message_dict) == {"round_label", "reporting_date"}


def test_import_reports_progress(manager, settlement_file):
    seen = []
    import_file(manager, settlement_file, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1]  # ends complete
    assert all(done <= total for done, total in seen)


# ---------------------------------------------------------------- scoring models


def test_models_are_versioned_and_old_versions_kept(manager):
    first = services.scoring_model_create(
        actor=manager, name="ABR districts", weights={"total": 2, "returnee_share": 1}, description="2025"
    )
    assert (first.version, first.weights) == (1, {"total": 2.0, "returnee_share": 1.0})
    with pytest.raises(ValidationError) as error:
        services.scoring_model_create(actor=manager, name="abr districts", weights={"total": 1})
    assert "name" in error.value.message_dict
    second = services.scoring_model_new_version(actor=manager, model=first, weights={"total": 1, "growth": 1})
    first.refresh_from_db()
    assert (second.version, second.is_active, first.is_active) == (2, True, False)
    assert first.weights == {"total": 2.0, "returnee_share": 1.0}
    assert AuditEvent.objects.filter(action__startswith="targeting.model").count() == 2


def test_model_weights_are_checked(manager):
    with pytest.raises(ValidationError) as error:
        services.scoring_model_create(actor=manager, name="Bad", weights={"total": -1, "luck": 2})
    messages = error.value.message_dict["weights"]
    assert any("must be zero or more" in m for m in messages)
    assert any("luck" in m for m in messages)
    assert not ScoringModel.objects.exists()


# ---------------------------------------------------------------- rounds


@pytest.fixture
def district_data(places, iom):
    """Figures for Khogyani, Injil and a third Nangarhar district, plus an earlier round."""
    rodat = AdminAreaFactory(pcode="AF0607", name="Rodat", parent=places.nangarhar)
    dataset = DtmDatasetFactory(organisation=iom, admin_level=3, reporting_date=datetime.date(2025, 6, 30))
    earlier = DtmDatasetFactory(organisation=iom, admin_level=2, reporting_date=datetime.date(2024, 12, 31))
    for settlement, idps, returnees in ((places.kaga, 3000, 9000), (places.karizak, 2000, 1000)):
        DtmFigureFactory(dataset=dataset, area=settlement, population_group="arrival_idps", value=idps)
        DtmFigureFactory(dataset=dataset, area=settlement, population_group="returnees_abroad", value=returnees)
    rodat_settlement = AdminAreaFactory(pcode="AF0607S001", name="Rodat centre", parent=rodat)
    DtmFigureFactory(dataset=dataset, area=rodat_settlement, population_group="arrival_idps", value=500)
    for district, value in ((places.khogyani, 6000), (places.injil, 3000), (rodat, 1000)):
        DtmFigureFactory(dataset=earlier, area=district, population_group="arrival_idps", value=value)
    return {"dataset": dataset, "earlier": earlier, "rodat": rodat}


@pytest.fixture
def model(iom):
    return ScoringModelFactory(organisation=iom, weights={"total": 2, "returnee_share": 1})


def make_round(manager, places, model, datasets, **kwargs):
    options = {"name": "2025 districts", "area": places.afg, "admin_level": 2, "scoring_model": model}
    options.update(kwargs)
    return services.round_create(actor=manager, datasets=datasets, **options)


def test_round_ranks_districts_from_settlement_figures(manager, places, model, district_data):
    round_ = make_round(manager, places, model, [district_data["dataset"]])
    services.round_score(actor=manager, targeting_round=round_)
    scores = {s.area.pcode: s for s in AreaScore.objects.filter(round=round_).select_related("area")}
    assert set(scores) == {"AF0608", "AF3202", "AF0607"}
    khogyani = scores["AF0608"]
    assert khogyani.rank == 1
    assert khogyani.score == 100  # largest caseload (12,000) and largest returnee share (0.75)
    assert khogyani.breakdown["figures"] == {"arrival_idps": 3000.0, "returnees_abroad": 9000.0}
    assert khogyani.breakdown["unit"] == "individuals"
    assert scores["AF0607"].rank == 3
    round_.refresh_from_db()
    assert round_.status == RoundStatus.SCORED
    assert AuditEvent.objects.get(action="targeting.round.score").after["areas_ranked"] == 3


def test_growth_uses_the_comparison_dataset(manager, places, iom, district_data):
    growth = ScoringModelFactory(organisation=iom, weights={"growth": 1})
    with pytest.raises(ValidationError) as error:
        make_round(manager, places, growth, [district_data["dataset"]])
    assert "comparison_dataset" in error.value.message_dict
    round_ = make_round(
        manager, places, growth, [district_data["dataset"]], comparison_dataset=district_data["earlier"]
    )
    services.round_score(actor=manager, targeting_round=round_)
    scores = {s.area.pcode: s for s in AreaScore.objects.filter(round=round_).select_related("area")}
    # Khogyani 6,000 -> 12,000 (+100 %), Injil 3,000 -> 3,000 (0 %), Rodat 1,000 -> 500 (-50 %)
    assert scores["AF0608"].breakdown["indicators"]["growth"]["value"] == 1.0
    assert scores["AF0608"].breakdown["previous"] == {"arrival_idps": 6000.0}
    assert [s.area.pcode for s in AreaScore.objects.filter(round=round_).order_by("rank")] == [
        "AF0608",
        "AF3202",
        "AF0607",
    ]


def test_round_choices_are_checked(manager, places, model, iom, district_data):
    iraq = DtmDatasetFactory(organisation=iom, country_code="IRQ", source=DtmSource.IRQ_MASTER_LIST)
    provincial = DtmDatasetFactory(organisation=iom, admin_level=1)
    foreign = ScoringModelFactory(organisation=OrganisationFactory(acronym="OTHER"))
    with pytest.raises(ValidationError) as error:
        make_round(manager, places, foreign, [iraq, provincial], area=places.irq)
    fields = error.value.message_dict
    assert set(fields) == {"area", "scoring_model", "datasets"}
    assert any("covers AFG; Iraq is in IRQ" in m for m in fields["datasets"])
    assert any("cannot rank areas per district" in m for m in fields["datasets"])
    with pytest.raises(ValidationError) as error:
        make_round(manager, places, model, [district_data["dataset"]], admin_level=1, area=places.nangarhar)
    assert "admin_level" in error.value.message_dict


def test_two_datasets_of_the_same_group_would_double_count(manager, places, model, district_data):
    with pytest.raises(ValidationError) as error:
        make_round(manager, places, model, [district_data["dataset"], district_data["earlier"]])
    assert "counted twice" in error.value.message_dict["datasets"][0]


def test_a_provincial_manager_ranks_only_inside_their_province(places, iom, model, district_data):
    nangarhar_manager = UserFactory(role=Role.MANAGER, organisation=iom, areas=[places.nangarhar])
    round_ = make_round(nangarhar_manager, places, model, [district_data["dataset"]])
    services.round_score(actor=nangarhar_manager, targeting_round=round_)
    assert set(AreaScore.objects.filter(round=round_).values_list("area__pcode", flat=True)) == {"AF0608", "AF0607"}


def scored_round(manager, places, model, district_data):
    round_ = make_round(manager, places, model, [district_data["dataset"]])
    return services.round_score(actor=manager, targeting_round=round_)


def test_selection_needs_a_rationale_and_a_ranked_area_in_scope(manager, places, model, district_data):
    round_ = scored_round(manager, places, model, district_data)
    with pytest.raises(ValidationError) as error:
        services.target_area_select(actor=manager, targeting_round=round_, area=places.khogyani, rationale="  ")
    assert "rationale" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.target_area_select(actor=manager, targeting_round=round_, area=places.kaga, rationale="Not ranked")
    target = services.target_area_select(
        actor=manager, targeting_round=round_, area=places.khogyani, rationale="Highest returnee caseload"
    )
    again = services.target_area_select(
        actor=manager, targeting_round=round_, area=places.khogyani, rationale="Highest caseload; CDCs active"
    )
    assert again.pk == target.pk
    assert TargetArea.objects.get().rationale == "Highest caseload; CDCs active"
    services.target_area_deselect(actor=manager, target_area=again, reason="Changed my mind")
    assert not TargetArea.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="targeting.target_area").values_list("action", flat=True)
    )
    assert sorted(actions) == [
        "targeting.target_area.deselect",
        "targeting.target_area.select",
        "targeting.target_area.update",
    ]


def test_only_managers_approve(manager, field_officer, admin_user, places, model, district_data):
    round_ = scored_round(manager, places, model, district_data)
    services.target_area_select(actor=manager, targeting_round=round_, area=places.khogyani, rationale="Returns")
    for user in (field_officer, admin_user):
        with pytest.raises(PermissionDenied):
            services.round_approve(actor=user, targeting_round=round_, rationale="ok")
    other_manager = UserFactory(
        role=Role.MANAGER, organisation=OrganisationFactory(acronym="OTHER"), areas=[places.afg]
    )
    with pytest.raises(PermissionDenied):
        services.round_approve(actor=other_manager, targeting_round=round_, rationale="ok")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.SCORED


def test_approval_needs_a_selection_and_a_rationale(manager, places, model, district_data):
    round_ = scored_round(manager, places, model, district_data)
    with pytest.raises(ValidationError):
        services.round_approve(actor=manager, targeting_round=round_, rationale="Evidence from DTM round 16")
    services.target_area_select(actor=manager, targeting_round=round_, area=places.khogyani, rationale="Returns")
    with pytest.raises(ValidationError) as error:
        services.round_approve(actor=manager, targeting_round=round_, rationale="")
    assert "rationale" in error.value.message_dict


def test_approved_areas_drive_the_selectors_and_supersede_the_previous_round(
    manager, field_officer, field_officer_injil, partner_user, other_org_officer, places, model, district_data
):
    first = scored_round(manager, places, model, district_data)
    services.target_area_select(actor=manager, targeting_round=first, area=places.khogyani, rationale="Returns")
    services.target_area_select(actor=manager, targeting_round=first, area=places.injil, rationale="IDP sites")
    services.round_approve(actor=manager, targeting_round=first, rationale="DTM round 16 evidence")
    first.refresh_from_db()
    assert (first.status, first.approved_by) == (RoundStatus.APPROVED, manager)

    assert [t.area.pcode for t in selectors.target_areas_for_user(field_officer)] == ["AF0608"]
    assert [t.area.pcode for t in selectors.target_areas_for_user(field_officer_injil)] == ["AF3202"]
    assert list(selectors.target_areas_for_user(partner_user)) == []
    assert list(selectors.target_areas_for_user(other_org_officer)) == []
    assert selectors.area_is_targeted(area=places.kaga, organisation_id=first.organisation_id)
    assert [a.pcode for a in selectors.targeted_settlements_for_user(field_officer)] == ["AF0608S001"]

    with pytest.raises(ValidationError):  # an approved round is a record
        services.target_area_select(actor=manager, targeting_round=first, area=district_data["rodat"], rationale="x")

    second = scored_round(manager, places, model, district_data)
    services.target_area_select(actor=manager, targeting_round=second, area=district_data["rodat"], rationale="New")
    services.round_approve(actor=manager, targeting_round=second, rationale="Round 17")
    first.refresh_from_db()
    assert (first.status, first.superseded_by) == (RoundStatus.SUPERSEDED, second)
    assert not selectors.area_is_targeted(area=places.kaga, organisation_id=first.organisation_id)
    assert [t.area.pcode for t in selectors.target_areas_for_user(manager)] == ["AF0607"]
    assert AuditEvent.objects.filter(action="targeting.round.supersede", target_id=str(first.pk)).exists()


def test_a_round_of_another_area_is_not_superseded(manager, places, model, district_data):
    national = scored_round(manager, places, model, district_data)
    services.target_area_select(actor=manager, targeting_round=national, area=places.injil, rationale="IDP sites")
    services.round_approve(actor=manager, targeting_round=national, rationale="National")
    provincial = make_round(manager, places, model, [district_data["dataset"]], area=places.nangarhar)
    services.round_score(actor=manager, targeting_round=provincial)
    services.target_area_select(actor=manager, targeting_round=provincial, area=places.khogyani, rationale="Returns")
    services.round_approve(actor=manager, targeting_round=provincial, rationale="Provincial")
    national.refresh_from_db()
    assert national.status == RoundStatus.APPROVED
    assert sorted(t.area.pcode for t in selectors.target_areas_for_user(manager)) == ["AF0608", "AF3202"]
