"""Dashboard figures against the hand-counted programme of conftest.py."""

import datetime
from decimal import Decimal

from dashboards import selectors
from dashboards.selectors import DashboardFilters


def test_headline_counts_each_household_and_person_once(programme, manager):
    figures = selectors.headline(manager, DashboardFilters())
    assert figures.households_assisted == 3  # hh1, hh2, hh3; not the other agency's
    assert figures.people_assisted == 4  # hh1's two members, hh2's head, hh3's head
    assert figures.communities_engaged == 2  # Kaga, Karizak
    assert figures.projects_completed == 1
    assert figures.project_people == 5
    assert figures.total_beneficiaries == 9


def test_people_disaggregated_by_sex_age_status_and_disability(programme, manager):
    people = selectors.people_disaggregated(manager, DashboardFilters(end=datetime.date(2026, 12, 31)))
    assert people.total == 4
    assert people.sex == {"f": 2, "m": 2, "other": 0}
    assert people.age_group == {"0-5": 0, "6-17": 1, "18-59": 2, "60+": 1, "unknown": 0}
    assert people.sex_age[("f", "6-17")] == 1
    assert people.sex_age[("m", "60+")] == 1
    assert people.displacement_status["idp"] == 3
    assert people.displacement_status["returnee_abroad"] == 1
    assert people.displacement_status["host"] == 0
    assert people.disability == {"yes": 1, "no": 3}


def test_filters_narrow_by_area_period_sector_and_organisation(programme, manager, places, iom):
    assert selectors.headline(manager, DashboardFilters(area=places.herat)).households_assisted == 1
    march = DashboardFilters(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    assert selectors.headline(manager, march).households_assisted == 2
    assert selectors.headline(manager, DashboardFilters(sector="ERY")).people_assisted == 1
    assert selectors.headline(manager, DashboardFilters(organisation=iom)).households_assisted == 3


def test_indicator_results_sum_targets_and_reached(programme, manager, places):
    results = {r.code: r for r in selectors.indicator_results(manager, DashboardFilters())}
    shelter = results["SHL-01"]
    assert (shelter.target, shelter.reached, shelter.targets) == (15, 2, 2)
    assert shelter.percent == Decimal("13.3")
    only_herat = selectors.indicator_results(manager, DashboardFilters(area=places.herat))
    assert [(r.code, r.target, r.reached) for r in only_herat] == [("SHL-01", 5, 1)]


def test_manager_of_one_province_sees_nothing_of_the_other(programme, nangarhar_manager):
    figures = selectors.headline(nangarhar_manager, DashboardFilters())
    assert (figures.households_assisted, figures.people_assisted, figures.communities_engaged) == (2, 3, 1)
    results = selectors.indicator_results(nangarhar_manager, DashboardFilters())
    assert [(r.code, r.target, r.reached) for r in results] == [("SHL-01", 10, 1)]
    areas = {r.pcode for r in selectors.area_figures(nangarhar_manager, DashboardFilters())}
    assert areas == {"AF06", "AF0608"}
    assert {r.adm1_code for r in selectors.fivew_rows(nangarhar_manager, DashboardFilters())} == {"AF06"}


def test_other_organisation_sees_none_of_iom(programme, places):
    from core.models import Role
    from core.tests.factories import OrganisationFactory, UserFactory

    outsider = UserFactory(
        role=Role.MANAGER, organisation=OrganisationFactory(acronym="OTHER"), areas=[places.nangarhar, places.herat]
    )
    figures = selectors.headline(outsider, DashboardFilters())
    assert figures.households_assisted == 1  # its own household in Kaga
    assert figures.projects_completed == 0
    assert selectors.indicator_results(outsider, DashboardFilters()) == []


def test_pipelines(programme, manager):
    profiling = {r["stage"]: r["households"] for r in selectors.profiling_pipeline(manager, DashboardFilters())}
    assert list(profiling.values()) == [4, 4, 3]  # profiled, planned or assisted, assisted
    rows = selectors.referral_pipeline(manager, DashboardFilters())
    referrals = {r["status"]: (r["referrals"], r["overdue"]) for r in rows}
    assert referrals["Sent"] == (2, 1)
    assert referrals["Closed"] == (1, 0)
    caps = {r["status"]: r["priorities"] for r in selectors.cap_pipeline(manager, DashboardFilters())}
    assert caps["Approved"] == 2
    assert caps["Draft"] == 0


def test_area_figures_put_dtm_beside_programme_data(programme, manager):
    ordered = selectors.area_figures(manager, DashboardFilters())
    assert [r.pcode for r in ordered] == ["AF06", "AF0608", "AF32", "AF3202"]
    rows = {r.pcode: r for r in ordered}
    khogyani = rows["AF0608"]
    assert (khogyani.dtm_idps, khogyani.dtm_returnees) == (1200, 300)
    assert (khogyani.households_profiled, khogyani.households_assisted) == (3, 2)
    assert (khogyani.referrals, khogyani.referrals_overdue) == (2, 1)
    assert rows["AF06"].households_profiled == 3
    assert (rows["AF32"].dtm_idps, rows["AF32"].households_assisted, rows["AF32"].referrals) == (50, 1, 1)
    assert rows["AF0608"].name == "Khogyani"


def test_fivew_rows(programme, manager):
    rows = {
        (r.activity_code, r.adm2_code, r.month): r
        for r in selectors.fivew_rows(manager, DashboardFilters(end=datetime.date(2026, 12, 31)))
    }
    assert set(rows) == {
        ("shl-repair", "AF0608", "2026-03"),
        ("ery-apprenticeship", "AF0608", "2026-03"),
        ("shl-repair", "AF3202", "2026-04"),
        ("project:water_point", "AF0608", "2026-04"),
    }
    repair = rows[("shl-repair", "AF0608", "2026-03")]
    assert (repair.organisation, repair.sector, repair.adm1_code, repair.adm1_name, repair.adm2_name) == (
        "IOM",
        "SHL",
        "AF06",
        "Nangarhar",
        "Khogyani",
    )
    assert (repair.households, repair.individuals, repair.f_children, repair.m_adults, repair.with_disability) == (
        1,
        2,
        1,
        1,
        1,
    )
    apprenticeship = rows[("ery-apprenticeship", "AF0608", "2026-03")]
    assert (apprenticeship.households, apprenticeship.individuals, apprenticeship.f_adults) == (1, 1, 1)
    project = rows[("project:water_point", "AF0608", "2026-04")]
    assert (project.sector, project.households, project.individuals, project.f_adults, project.m_children) == (
        "WSH",
        4,
        5,
        3,
        2,
    )
