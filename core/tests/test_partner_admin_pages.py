"""Admin pages for API tokens and data-sharing agreements."""

import re

import pytest
from django.urls import reverse

from core.models import ApiToken, DataSharingAgreement


def test_admin_creates_a_token_sees_the_secret_once_and_revokes_it(client, admin_user, nrc, places):
    import datetime

    client.force_login(admin_user)
    in_two_months = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
    assert client.get(reverse("core:token_create")).status_code == 200
    response = client.post(
        reverse("core:token_create"),
        {
            "organisation": nrc.pk,
            "name": "NRC ICLA",
            "scopes": ["referrals:read", "referrals:update"],
            "areas": "AF0608",
            "expires_on": in_two_months,
            "rate_per_minute": 60,
        },
    )
    assert response.status_code == 200
    secret = re.search(r'<code class="secret">(abr_[^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert secret.split("_")[1] == token.prefix
    listing = client.get(reverse("core:token_list")).content.decode()
    assert token.prefix in listing
    assert secret not in listing
    client.post(reverse("core:token_revoke", args=[token.pk]), {"reason": "rotated"})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_form_names_the_bad_fields(client, admin_user, nrc):
    client.force_login(admin_user)
    response = client.post(
        reverse("core:token_create"),
        {
            "organisation": nrc.pk,
            "name": "x",
            "scopes": ["reference:read"],
            "expires_on": "2000-01-01",
            "rate_per_minute": 60,
        },
    )
    assert response.context["form"].errors["expires_on"] == ["The expiry date must be in the future."]
    assert not ApiToken.objects.exists()


def test_admin_records_an_agreement(client, admin_user, nrc, iom, places):
    client.force_login(admin_user)
    data = {
        "partner": nrc.pk,
        "owner": iom.pk,
        "reference": "DSA-2026-004",
        "title": "ICLA case referrals",
        "resources": ["households"],
        "areas": "AF0608",
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "is_active": "on",
    }
    assert client.post(reverse("core:agreement_create"), data).status_code == 302
    agreement = DataSharingAgreement.objects.get()
    assert list(agreement.areas.values_list("pcode", flat=True)) == ["AF0608"]
    data["valid_until"] = "2025-01-01"
    response = client.post(reverse("core:agreement_edit", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert "valid_until" in response.context["form"].errors or response.context["form"].non_field_errors()


@pytest.mark.parametrize(
    "name", ["core:token_list", "core:token_create", "core:agreement_list", "core:agreement_create"]
)
def test_only_admins_manage_partner_access(client, manager, partner_user, name):
    for user in (manager, partner_user):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403


def test_lists_keep_a_constant_number_of_queries(client, admin_user, nrc, iom, places, django_assert_max_num_queries):
    import datetime

    from django.utils import timezone

    from core import services

    client.force_login(admin_user)

    def add(n):
        for i in range(n):
            services.api_token_create(
                actor=admin_user,
                organisation=nrc,
                name=f"t{i}",
                scopes=["reference:read"],
                areas=[places.khogyani],
                expires_at=timezone.now() + datetime.timedelta(days=5),
            )

    add(2)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("core:token_list"))
    add(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("core:token_list"))


def test_every_shareable_kind_of_record_can_be_named_in_an_agreement():
    """A model that declares a scope_resource is only shareable if an admin can put it in an agreement."""
    from django.apps import apps

    from abr.stages import STAGE_APPS
    from core.forms import AgreementForm

    offered = {value for value, _label in AgreementForm.RESOURCES}
    declared = {
        model.scope_resource
        for model in apps.get_models()
        if model._meta.app_label in STAGE_APPS and getattr(model, "scope_resource", None)
    }
    assert declared <= offered, f"not offered in agreements: {sorted(declared - offered)}"
