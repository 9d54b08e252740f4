"""The report endpoints: rows, scope, roles, HXL rendering and suppression for partners."""

import datetime

import pytest
from django.urls import reverse

from core.models import DataSharingAgreement


def test_fivew_rows_for_a_manager(client, programme, manager):
    client.force_login(manager)
    response = client.get(reverse("api:report-5w-list"), {"end": "2026-12-31"})
    assert response.status_code == 200
    rows = {(r["activity_code"], r["adm2_code"], r["month"]): r for r in response.json()["results"]}
    assert rows[("shl-repair", "AF0608", "2026-03")]["individuals"] == 2
    assert response.json()["count"] == 4


def test_fivew_as_hxl(client, programme, manager):
    client.force_login(manager)
    text = client.get(reverse("api:report-5w-list"), {"format": "hxl"}).content.decode()
    header, tags = text.splitlines()[:2]
    assert header.startswith("organisation,organisation_name,sector")
    assert tags.startswith("#org+impl+acronym,#org+impl+name,#sector+code")
    assert "#reached+f+adult" in tags


def test_shared_hides_small_counts(client, programme, manager):
    client.force_login(manager)
    rows = client.get(reverse("api:report-5w-list"), {"shared": "1"}).json()["results"]
    project = next(r for r in rows if r["activity_code"] == "project:water_point")
    assert (project["households"], project["individuals"]) == ("<5", 5)


def test_indicator_results(client, programme, manager, nangarhar_manager):
    client.force_login(manager)
    rows = client.get(reverse("api:indicator-result-list")).json()["results"]
    assert [(r["code"], r["target"], r["reached"]) for r in rows] == [("SHL-01", 15, 2)]
    client.force_login(nangarhar_manager)
    rows = client.get(reverse("api:indicator-result-list")).json()["results"]
    assert [(r["code"], r["target"], r["reached"]) for r in rows] == [("SHL-01", 10, 1)]


def test_area_outside_scope_is_a_400(client, programme, nangarhar_manager):
    client.force_login(nangarhar_manager)
    response = client.get(reverse("api:report-5w-list"), {"area": "AF32"})
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["api:report-5w-list", "api:indicator-result-list"])
def test_field_and_desk_roles_are_refused(client, programme, field_officer, desk_officer, name):
    for user in (field_officer, desk_officer):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403
    client.logout()
    assert client.get(reverse(name)).status_code == 401


def test_partner_sees_only_what_an_agreement_shares_with_small_counts_hidden(
    client, programme, partner_user, iom, nrc, places
):
    client.force_login(partner_user)
    assert client.get(reverse("api:indicator-result-list")).status_code == 403
    assert client.get(reverse("api:report-5w-list")).json()["results"] == []
    agreement = DataSharingAgreement.objects.create(
        owner=iom,
        partner=nrc,
        title="Shelter in Nangarhar",
        resources=["assistance"],
        identifiable=False,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2099, 1, 1),
    )
    agreement.areas.set([places.nangarhar])
    client.logout()
    client.force_login(partner_user)
    rows = client.get(reverse("api:report-5w-list")).json()["results"]
    assert {r["adm1_code"] for r in rows} == {"AF06"}
    assert {r["households"] for r in rows} == {"<5"}
