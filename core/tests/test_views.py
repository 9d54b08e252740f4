"""The browser shell: sign-in, per-role home pages, places, accounts and audit trail, with access limits."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from core.models import AuditEvent, Role
from core.tests.factories import UserFactory

User = get_user_model()


def test_login_page_renders_without_any_external_asset(client, db):
    response = client.get(reverse("core:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="viewport"' in html
    assert "https://" not in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "/static/vendor/htmx/htmx.min.js" in html


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


@pytest.mark.django_db
def test_every_demo_login_reaches_its_role_home_page(client):
    call_command("load_demo", stdout=io.StringIO())
    expected_panels = {
        Role.ADMIN: "Accounts without areas",
        Role.FIELD_STAFF: "Where you work",
        Role.DESK_OFFICER: "Where you work",
        Role.MANAGER: "Where you work",
        Role.PARTNER: "Where you work",
    }
    demo_users = User.objects.filter(membership__isnull=False)
    assert {u.membership.role for u in demo_users} == set(Role.values)
    for user in demo_users:
        client.logout()
        response = client.post(
            reverse("core:login"), {"username": user.username, "password": settings.ABR_DEMO_PASSWORD}
        )
        assert response.status_code == 302, user.username
        home = client.get(response.url)
        assert home.status_code == 200
        assert expected_panels[user.membership.role] in home.content.decode()


def test_home_navigation_follows_the_role(client, field_officer, admin_user):
    client.force_login(field_officer)
    html = client.get(reverse("core:home")).content.decode()
    assert reverse("core:account_list") not in html
    client.force_login(admin_user)
    html = client.get(reverse("core:home")).content.decode()
    assert reverse("core:account_list") in html
    assert reverse("core:audit_list") in html


def test_user_without_membership_is_told_to_ask_for_access(client, db):
    user = UserFactory(role=None)
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 403
    assert "Ask your administrator" in response.content.decode()


def test_places_are_limited_to_the_users_areas(client, field_officer, places):
    client.force_login(field_officer)
    assert client.get(reverse("core:area_detail", args=["AF0608"])).status_code == 200
    assert client.get(reverse("core:area_detail", args=["AF3202"])).status_code == 404
    assert client.get(reverse("core:area_detail", args=["NOPE"])).status_code == 404
    top = client.get(reverse("core:area_browse")).content.decode()
    assert "Khogyani" in top
    assert "Injil" not in top
    options = client.get(reverse("core:area_search"), {"q": "ka"}).content.decode()
    assert "AF0608S001" in options
    assert "AF3202S002" not in options


def test_partner_cannot_browse_places(client, partner_user):
    client.force_login(partner_user)
    assert client.get(reverse("core:area_browse")).status_code == 403


@pytest.mark.parametrize("name", ["core:account_list", "core:account_create", "core:audit_list"])
@pytest.mark.parametrize("role_fixture", ["field_officer", "desk_officer", "manager", "partner_user"])
def test_admin_pages_refuse_other_roles(client, request, name, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse(name)).status_code == 403


def test_admin_creates_an_account_and_sees_the_field_errors(client, admin_user, iom, places):
    client.force_login(admin_user)
    response = client.post(
        reverse("core:account_create"),
        {
            "username": "new.desk",
            "email": "desk@example.org",
            "organisation": iom.pk,
            "role": "desk_officer",
            "areas": "AF0608 AF9999",
        },
    )
    assert response.status_code == 200
    assert "Unknown P-code(s): AF9999" in response.content.decode()
    assert not User.objects.filter(username="new.desk").exists()
    response = client.post(
        reverse("core:account_create"),
        {
            "username": "new.desk",
            "email": "desk@example.org",
            "organisation": iom.pk,
            "role": "desk_officer",
            "areas": "af0608",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new.desk")
    assert list(user.membership.areas.values_list("pcode", flat=True)) == ["AF0608"]
    assert not user.has_usable_password()


def test_admin_edits_and_deactivates_an_account(client, admin_user, field_officer, places, iom):
    client.force_login(admin_user)
    url = reverse("core:account_edit", args=[field_officer.membership.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"organisation": iom.pk, "role": "field_staff", "areas": "AF3202"})
    assert response.status_code == 302
    assert list(field_officer.membership.areas.values_list("pcode", flat=True)) == ["AF3202"]
    response = client.post(reverse("core:account_deactivate", args=[field_officer.membership.pk]), {"reason": ""})
    field_officer.refresh_from_db()
    assert field_officer.is_active
    client.post(reverse("core:account_deactivate", args=[field_officer.membership.pk]), {"reason": "contract ended"})
    field_officer.refresh_from_db()
    assert not field_officer.is_active
    client.post(reverse("core:account_reactivate", args=[field_officer.membership.pk]))
    field_officer.refresh_from_db()
    assert field_officer.is_active


def test_account_list_query_count_does_not_grow_with_accounts(
    client, admin_user, places, iom, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get(reverse("core:account_list"))
    for _n in range(3):
        UserFactory(role=Role.FIELD_STAFF, organisation=iom, areas=[places.khogyani, places.injil])
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("core:account_list"))
    for _n in range(25):
        UserFactory(role=Role.FIELD_STAFF, organisation=iom, areas=[places.khogyani, places.injil])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("core:account_list"))
    assert response.content.decode().count("AF3202") >= 25


def test_audit_list_query_count_does_not_grow_with_events(
    client, admin_user, field_officer, iom, places, django_assert_max_num_queries
):
    from core import services

    client.force_login(admin_user)
    services.user_set_preferences(actor=field_officer, language="ps", calendar="solar_hijri")
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("core:audit_list"))
    for n in range(30):
        services.user_set_preferences(actor=field_officer, language="ar" if n % 2 else "ps", calendar="gregorian")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("core:audit_list"))
    assert AuditEvent.objects.count() > 30
    assert "user.preferences" in response.content.decode()


def test_user_language_preference_turns_the_page_right_to_left(client, field_officer):
    from core import services

    services.user_set_preferences(actor=field_officer, language="ar", calendar="gregorian")
    client.force_login(field_officer)
    html = client.get(reverse("core:home")).content.decode()
    assert 'dir="rtl"' in html
    assert 'lang="ar"' in html
    assert "تسجيل الخروج" in html  # "Sign out", from the compiled Arabic catalogue


@pytest.mark.parametrize(
    ("language", "direction", "sign_out"),
    [("fa-af", "rtl", "خروج"), ("ps", "rtl", "وتل"), ("en", "ltr", "Sign out")],
)
def test_each_language_shows_its_own_words(client, field_officer, language, direction, sign_out):
    from core import services

    services.user_set_preferences(actor=field_officer, language=language, calendar="gregorian")
    client.force_login(field_officer)
    html = client.get(reverse("core:home")).content.decode()
    assert f'dir="{direction}"' in html
    assert sign_out in html


def test_detail_sections_are_ordered_and_can_hide(field_officer):
    from core.navigation import DetailSection, register_section, sections_for

    register_section(DetailSection("testpage", "b", "B", "b.html", lambda user, obj: {"n": obj}, order=2))
    register_section(DetailSection("testpage", "a", "A", "a.html", lambda user, obj: {"n": obj}, order=1))
    register_section(DetailSection("testpage", "hidden", "H", "h.html", lambda user, obj: None, order=0))
    blocks = sections_for("testpage", field_officer, 7)
    assert [b["section"].key for b in blocks] == ["a", "b"]
    assert blocks[0]["context"] == {"n": 7}


def test_long_lists_count_only_up_to_the_cap(monkeypatch, db, rf):
    import core.views
    from core.models import AdminArea

    monkeypatch.setattr(core.views, "COUNT_CAP", 3)
    for n in range(5):
        AdminArea.objects.create(pcode=f"ZZ{n}", name=f"Z{n}", level=0, country_code="ZZZ")
    page = core.views.page_of(rf.get("/"), AdminArea.objects.order_by("pcode"), size=2)
    assert page.paginator.count == 3
    assert page.paginator.is_capped is True
    few = core.views.page_of(rf.get("/"), AdminArea.objects.filter(pcode="ZZ1"), size=2)
    assert few.paginator.count == 1
    assert few.paginator.is_capped is False


def test_audit_reasons_are_shown_only_to_holders_of_the_sensitive_permission(client, admin_user):
    from django.contrib.auth.models import Permission

    from core.audit import audit_record

    audit_record(actor=admin_user, action="referral.consent_override", reason="GBV survivor could not sign")
    client.force_login(admin_user)
    page = client.get(reverse("core:audit_list")).content.decode()
    assert "GBV survivor" not in page
    assert "reason recorded" in page
    admin_user.user_permissions.add(Permission.objects.get(codename="view_sensitive"))
    admin_user = type(admin_user).objects.get(pk=admin_user.pk)
    client.force_login(admin_user)
    assert "GBV survivor" in client.get(reverse("core:audit_list")).content.decode()
