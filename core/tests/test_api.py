"""The API shell: reference endpoints, one error body, schema and docs served without a CDN."""

from django.urls import reverse


def test_areas_endpoint_filters_by_containing_pcode(client, field_officer, places):
    client.force_login(field_officer)
    response = client.get("/api/v1/areas/", {"within": "AF06"})
    assert response.status_code == 200
    assert {row["pcode"] for row in response.json()["results"]} == {"AF0608", "AF0608S001"}
    assert client.get("/api/v1/areas/", {"within": "NOWHERE"}).json()["results"] == []


def test_api_errors_share_one_body(client, field_officer):
    anonymous = client.get("/api/v1/areas/")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["status"] == 401
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    client.force_login(field_officer)
    missing = client.get("/api/v1/areas/XX99/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert missing.json()["error"]["message"]
    bad = client.get("/api/v1/organisations/", {"updated_since": "yesterday"})
    assert bad.status_code == 400
    assert "updated_since" in bad.json()["error"]["fields"]


def test_schema_and_docs_are_served_from_this_server(client, field_officer):
    client.force_login(field_officer)
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/areas/" in schema.json()["paths"]
    docs = client.get(reverse("api:docs")).content.decode()
    assert "swagger-ui" in docs
    assert "cdn." not in docs
    assert "unpkg" not in docs


def test_docs_pages_run_under_the_content_security_policy(client, field_officer):
    import re

    client.force_login(field_officer)
    for name in ("api:docs", "api:redoc"):
        html = client.get(reverse(name)).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), name
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_list_endpoints_render_csv_and_hxl_csv(client, field_officer, places):
    import csv
    import io

    client.force_login(field_officer)
    response = client.get("/api/v1/areas/", {"format": "hxl", "within": "AF06"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["pcode", "name"]
    assert rows[1][:2] == ["#adm+code", "#adm+name"]
    assert {r[0] for r in rows[2:]} == {"AF0608", "AF0608S001"}
    plain = client.get("/api/v1/areas/", {"format": "csv", "page_size": 1, "within": "AF06"})
    assert list(csv.reader(io.StringIO(plain.content.decode())))[1][0].startswith("AF")
    assert 'rel="next"' in plain["Link"]


def test_updated_since_out_of_range_is_a_clear_400(client, field_officer):
    client.force_login(field_officer)
    for value in ("0732-05-07T05:23:36-22:33", "2026-01-01T00:00:00+15:00", "9999-01-01T00:00:00Z"):
        response = client.get("/api/v1/organisations/", {"updated_since": value})
        assert response.status_code == 400, value
        assert "updated_since" in response.json()["error"]["fields"]
    assert client.get("/api/v1/organisations/", {"updated_since": "2026-01-01T00:00:00+04:30"}).status_code == 200
