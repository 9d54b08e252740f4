"""Searches for names and phone numbers never travel in URLs."""

from django.urls import reverse

from core.models import Role
from core.tests.factories import UserFactory


def test_search_text_is_kept_in_the_session_not_the_url(client, admin_user, iom, places):
    UserFactory(username="zarghuna.ahmadi", role=Role.FIELD_STAFF, organisation=iom, areas=[places.khogyani])
    UserFactory(username="other.person", role=Role.FIELD_STAFF, organisation=iom, areas=[places.khogyani])
    client.force_login(admin_user)
    response = client.post(reverse("core:account_list"), {"_filter": "1", "q": "zarghuna", "role": "field_staff"})
    assert response.status_code == 303
    assert "zarghuna" not in response.url
    assert "role=field_staff" in response.url
    assert "qs=" in response.url
    page = client.get(response.url).content.decode()
    assert "zarghuna.ahmadi" in page
    assert "other.person" not in page
    assert 'value="zarghuna"' in page  # the form still shows what was searched


def test_a_token_from_another_session_finds_nothing_personal(client, admin_user, iom, places):
    client.force_login(admin_user)
    url = client.post(reverse("core:account_list"), {"_filter": "1", "q": "zarghuna"}).url
    client.logout()
    client.force_login(admin_user)
    page = client.get(url).content.decode()
    assert 'value="zarghuna"' not in page


def test_filter_posts_are_checked_for_csrf(admin_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert strict.post(reverse("core:account_list"), {"_filter": "1", "q": "x"}).status_code == 403
