"""Pages: every page for the roles it serves, access for everyone else, flat query counts on lists,
searches kept out of URLs, sensitive cases kept from users without the permission, audited reads."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from profiling.tests.factories import HouseholdFactory
from referrals import services
from referrals.models import Complaint, Referral, Visit

from .factories import ComplaintFactory, FollowUpFactory, ReferralEventFactory, ReferralFactory, VisitFactory


def _fill_referrals(household, service, n, **kwargs):
    for _ in range(n):
        referral = ReferralFactory(household=household, service=service, **kwargs)
        ReferralEventFactory(referral=referral)
        FollowUpFactory(referral=referral)


def _flat(client, url, grow, django_assert_max_num_queries, *, method="get"):
    """The page costs no more queries after ``grow()`` added rows than before."""
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    return response


# --- directory ------------------------------------------------------------------------------------


def test_directory_search_by_sector_and_area(client, partner_user, legal_aid, livelihoods_injil, places):
    client.force_login(partner_user)
    page = client.get(reverse("referrals:service_list")).content.decode()
    assert "ICLA legal counselling" in page
    assert "Livelihoods grants" in page
    page = client.get(reverse("referrals:service_list"), {"area": "AF0608S001"}).content.decode()
    assert "ICLA legal counselling" in page
    assert "Livelihoods grants" not in page
    page = client.get(reverse("referrals:service_list"), {"sector": "ERY"}).content.decode()
    assert "ICLA legal counselling" not in page
    page = client.get(reverse("referrals:service_list"), {"area": "NOWHERE"}).content.decode()
    assert "Unknown P-code" in page
    assert client.get(reverse("referrals:service_detail", args=[legal_aid.pk])).status_code == 200


def test_directory_list_queries_do_not_grow(client, desk_officer, places, nrc, iom, django_assert_max_num_queries):
    from .factories import ServiceFactory

    ServiceFactory(provider=nrc, maintained_by=iom, areas=[places.khogyani, places.injil])
    client.force_login(desk_officer)

    def grow():
        for _ in range(6):
            ServiceFactory(provider=nrc, maintained_by=iom, areas=[places.khogyani, places.injil])

    _flat(client, reverse("referrals:service_list"), grow, django_assert_max_num_queries)


def test_managers_edit_their_directory_and_partners_their_own_entries(
    client, manager, partner_user, desk_officer, legal_aid, livelihoods_injil, nrc
):
    client.force_login(manager)
    data = {
        "provider": nrc.pk,
        "name": "ICLA legal counselling",
        "sector": "PRO-HLP",
        "areas": "AF06",
        "opening_hours": "Sat-Wed 08:00-15:00",
        "accepts_referrals": "on",
        "is_active": "on",
    }
    response = client.post(reverse("referrals:service_edit", args=[legal_aid.pk]), data)
    assert response.status_code == 302
    legal_aid.refresh_from_db()
    assert legal_aid.opening_hours == "Sat-Wed 08:00-15:00"
    response = client.post(reverse("referrals:service_create"), {**data, "name": "New", "areas": "ZZ99"})
    assert "Unknown P-code" in response.content.decode()
    client.force_login(partner_user)
    assert client.get(reverse("referrals:service_edit", args=[legal_aid.pk])).status_code == 200
    assert client.get(reverse("referrals:service_edit", args=[livelihoods_injil.pk])).status_code == 404
    client.force_login(desk_officer)
    assert client.get(reverse("referrals:service_create")).status_code == 403


# --- walk-ins -------------------------------------------------------------------------------------


def test_walk_in_search_keeps_the_name_out_of_the_url_and_logs_the_visit(client, desk_officer, centre, household):
    client.force_login(desk_officer)
    page = client.get(reverse("referrals:visit_create")).content.decode()
    assert reverse("profiling:household_create") in page
    response = client.post(reverse("referrals:visit_create"), {"_filter": "1", "q": "Bibi Hawa"})
    assert response.status_code == 303
    assert "Bibi" not in response.url
    page = client.get(response.url).content.decode()
    assert household.reference in page
    page = client.get(reverse("referrals:visit_create"), {"household": household.pk}).content.decode()
    assert 'data-draft="walk-in"' in page
    response = client.post(
        reverse("referrals:visit_create"),
        {"household": household.pk, "centre": centre.pk, "purposes": ["referral"], "notes": ""},
    )
    visit = Visit.objects.get()
    assert response.url == f"{reverse('referrals:referral_create')}?visit={visit.pk}"


def test_quick_walk_in_page_names_missing_fields(client, desk_officer, centre):
    client.force_login(desk_officer)
    response = client.post(
        reverse("referrals:visit_create"), {"quick": "1", "centre": centre.pk, "purposes": ["information"]}
    )
    assert response.status_code == 200
    assert not Visit.objects.exists()
    page = response.content.decode()
    assert page.count('class="error"') >= 3
    response = client.post(
        reverse("referrals:visit_create"),
        {
            "quick": "1",
            "centre": centre.pk,
            "purposes": ["information"],
            "visitor_name": "Marzia",
            "visitor_sex": "f",
            "visitor_age_group": "18-59",
        },
    )
    assert response.status_code == 302
    assert Visit.objects.get().visitor_name == "Marzia"


def test_visit_log_shows_a_day_and_queries_do_not_grow(
    client, desk_officer, centre, household, django_assert_max_num_queries
):
    VisitFactory(centre=centre, household=household)
    client.force_login(desk_officer)

    def grow():
        for _ in range(5):
            VisitFactory(centre=centre, household=household)
            VisitFactory(centre=centre)

    response = _flat(client, reverse("referrals:visit_list"), grow, django_assert_max_num_queries)
    assert response.content.decode().count(reverse("referrals:visit_detail", args=[Visit.objects.first().pk])) == 1
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    page = client.get(reverse("referrals:visit_list"), {"day": yesterday}).content.decode()
    assert "No walk-in logged" in page


def test_link_a_quick_walk_in_to_a_household(client, desk_officer, centre, household):
    visit = VisitFactory(centre=centre)
    client.force_login(desk_officer)
    response = client.post(reverse("referrals:visit_link", args=[visit.pk]), {"household": household.pk})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.household == household


@pytest.mark.parametrize("outsider", ["field_officer_injil", "other_org_officer", "partner_user", "field_officer"])
def test_walk_in_pages_refuse_outsiders(client, request, outsider, centre, household):
    visit = VisitFactory(centre=centre)
    client.force_login(request.getfixturevalue(outsider))
    status = client.get(reverse("referrals:visit_detail", args=[visit.pk])).status_code
    assert status in (403, 404)
    assert client.get(reverse("referrals:visit_create")).status_code == 403
    assert client.post(reverse("referrals:visit_link", args=[visit.pk]), {"household": household.pk}).status_code in (
        403,
        404,
    )
    response = client.get(reverse("referrals:visit_list"))
    assert response.status_code == 403 or "Walk-in Visitor" not in response.content.decode()


# --- referrals ------------------------------------------------------------------------------------


def test_refer_from_the_household_page(client, desk_officer, household, legal_aid, livelihoods_injil):
    client.force_login(desk_officer)
    page = client.get(reverse("profiling:household_detail", args=[household.pk])).content.decode()
    create_url = f"{reverse('referrals:referral_create')}?household={household.pk}"
    assert create_url in page
    page = client.get(create_url).content.decode()
    assert "ICLA legal counselling" in page
    assert "Livelihoods grants" not in page  # does not cover Kaga
    assert 'data-draft="referral"' in page
    response = client.post(
        reverse("referrals:referral_create"),
        {"household": household.pk, "service": legal_aid.pk, "reason": "Land dispute", "urgency": "high"},
    )
    referral = Referral.objects.get()
    assert response.url == reverse("referrals:referral_detail", args=[referral.pk])
    page = client.get(reverse("profiling:household_detail", args=[household.pk])).content.decode()
    assert referral.reference in page


def test_refer_without_consent_shows_the_gate_and_saves_nothing(
    client, desk_officer, supervisor, household_without_consent, legal_aid
):
    client.force_login(desk_officer)
    data = {"household": household_without_consent.pk, "service": legal_aid.pk, "reason": "HLP", "urgency": "normal"}
    response = client.post(reverse("referrals:referral_create"), data)
    assert response.status_code == 200
    assert "No consent recorded" in response.content.decode()
    assert "consent_override_reason" not in response.content.decode()
    assert not Referral.objects.exists()
    client.force_login(supervisor)
    page = client.get(f"{reverse('referrals:referral_create')}?household={household_without_consent.pk}")
    assert "consent_override_reason" in page.content.decode()
    response = client.post(reverse("referrals:referral_create"), {**data, "consent_override_reason": "Eviction today"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="referral.consent_override", reason="Eviction today").exists()


def test_refusal_for_missing_consent_is_announced_at_the_top_of_the_form(client, desk_officer, household, legal_aid):
    """The refusal stands in the consent panel, announced, with a link to the answer to record; on a phone
    the message beside the checkbox at the foot of the form was out of sight after the page came back."""
    household.consents.filter(purpose="referral").delete()
    client.force_login(desk_officer)
    data = {"household": household.pk, "service": legal_aid.pk, "reason": "HLP", "urgency": "normal"}
    page = client.post(reverse("referrals:referral_create"), data).content.decode()
    panel = page[page.index('aria-labelledby="h-consent"') : page.index("</section>")]
    assert 'role="alert"' in panel
    assert "No consent recorded for: Referral to other services." in panel
    assert 'href="#id_consent_given_now"' in panel
    assert not Referral.objects.exists()
    form = client.get(f"{reverse('referrals:referral_create')}?household={household.pk}").content.decode()
    assert 'id="consent-refused"' not in form


def test_referral_dates_are_the_local_day_in_the_users_calendar(client, desk_officer, household, legal_aid):
    """Sent at 21:00 UTC on 20 March 2026, 01:30 on the 21st in Kabul: the referral shows the 21st."""
    referral = services.referral_create(
        actor=desk_officer, household=household, service=legal_aid, reason="Land dispute", urgency="normal"
    )
    evening = datetime.datetime(2026, 3, 20, 21, 0, tzinfo=datetime.UTC)
    Referral.objects.filter(pk=referral.pk).update(sent_at=evening)
    referral.events.update(occurred_at=evening)
    client.force_login(desk_officer)
    page = client.get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert "2026-03-20" not in page
    assert page.count("2026-03-21") >= 2  # sent, and the timeline
    desk_officer.calendar = "solar_hijri"
    desk_officer.save(update_fields=["calendar"])
    page = client.get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert page.count("1405-01-01 (1 Hamal 1405)") >= 2


def test_partner_answers_in_the_browser_and_the_desk_sees_the_feedback(
    client, desk_officer, partner_user, household, legal_aid
):
    referral = services.referral_create(
        actor=desk_officer, household=household, service=legal_aid, reason="Land dispute", urgency="normal"
    )
    client.force_login(partner_user)
    inbox = client.get(reverse("referrals:inbox")).content.decode()
    assert referral.reference in inbox
    home = client.get(reverse("core:home")).content.decode()
    assert referral.reference in home
    detail = client.get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert detail.count('name="verb"') == 2  # accept and decline, one reason box
    assert reverse("profiling:household_detail", args=[household.pk]) not in detail  # a partner has no household page
    response = client.post(reverse("referrals:referral_step", args=[referral.pk]), {"verb": "decline", "reason": ""})
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    response = client.post(reverse("referrals:referral_step", args=[referral.pk]), {"verb": "accept"})
    assert response.status_code == 302
    response = client.post(
        reverse("referrals:referral_feedback", args=[referral.pk]), {"feedback-note": "Appointment on Sunday."}
    )
    assert response.status_code == 302
    client.force_login(desk_officer)
    page = client.get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert "Appointment on Sunday." in page
    assert "Accepted" in page
    home = client.get(reverse("core:home")).content.decode()
    assert "Feedback received" in home
    response = client.post(reverse("referrals:referral_step", args=[referral.pk]), {"verb": "accept"})
    assert response.status_code == 403


def test_follow_ups_on_the_detail_page_and_the_home_panel(client, desk_officer, household, legal_aid):
    referral = ReferralFactory(household=household, service=legal_aid, overdue=True)
    follow_up = FollowUpFactory(referral=referral, due_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(desk_officer)
    home = client.get(reverse("core:home")).content.decode()
    assert "Follow-ups due" in home
    assert referral.reference in home
    assert "overdue" in home
    response = client.post(
        reverse("referrals:follow_up_record", args=[follow_up.pk]),
        {
            f"record-{follow_up.pk}-done_on": "2099-01-01",
            f"record-{follow_up.pk}-method": "phone",
            f"record-{follow_up.pk}-outcome": "",
        },
    )
    assert response.status_code == 400
    response = client.post(
        reverse("referrals:follow_up_record", args=[follow_up.pk]),
        {
            f"record-{follow_up.pk}-done_on": timezone.localdate().isoformat(),
            f"record-{follow_up.pk}-method": "phone",
            f"record-{follow_up.pk}-outcome": "Not yet contacted by NRC.",
        },
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done_on == timezone.localdate()


def test_referral_list_filters_search_privately_and_queries_do_not_grow(
    client, desk_officer, household, legal_aid, case_management, django_assert_max_num_queries
):
    _fill_referrals(household, legal_aid, 1)
    client.force_login(desk_officer)
    _flat(
        client,
        reverse("referrals:referral_list"),
        lambda: _fill_referrals(household, case_management, 6),
        django_assert_max_num_queries,
    )
    other = HouseholdFactory(
        organisation=household.organisation,
        settlement=household.settlement,
        head_name="Sayed Jan Popal",
        phone="0700424242",
    )
    overdue = ReferralFactory(household=other, service=legal_aid, overdue=True)
    response = client.post(reverse("referrals:referral_list"), {"_filter": "1", "q": "Sayed Jan"})
    assert response.status_code == 303
    assert "Sayed" not in response.url
    page = client.get(response.url).content.decode()
    assert overdue.reference in page
    assert "Bibi Hawa" not in page
    page = client.get(reverse("referrals:referral_list"), {"overdue": "on"}).content.decode()
    assert overdue.reference in page
    assert page.count("days overdue") == 1
    page = client.get(
        reverse("referrals:referral_list"), {"receiving_organisation": case_management.provider_id}
    ).content.decode()
    assert overdue.reference not in page


def test_inbox_queries_do_not_grow(client, partner_user, household, legal_aid, django_assert_max_num_queries):
    _fill_referrals(household, legal_aid, 1)
    client.force_login(partner_user)
    _flat(
        client,
        reverse("referrals:inbox"),
        lambda: _fill_referrals(household, legal_aid, 6),
        django_assert_max_num_queries,
    )


def test_home_and_household_page_queries_do_not_grow(
    client, desk_officer, household, legal_aid, centre, django_assert_max_num_queries
):
    _fill_referrals(household, legal_aid, 1, overdue=True)
    VisitFactory(centre=centre, household=household)
    client.force_login(desk_officer)

    def grow():
        _fill_referrals(household, legal_aid, 6, overdue=True)
        for _ in range(6):
            VisitFactory(centre=centre, household=household)

    with CaptureQueriesContext(connection) as home_before:
        client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as page_before:
        client.get(reverse("profiling:household_detail", args=[household.pk]))
    grow()
    with django_assert_max_num_queries(len(home_before.captured_queries)):
        assert client.get(reverse("core:home")).status_code == 200
    with django_assert_max_num_queries(len(page_before.captured_queries)):
        assert client.get(reverse("profiling:household_detail", args=[household.pk])).status_code == 200


def test_partner_sees_only_referrals_addressed_to_it(
    client, desk_officer, brac_user, partner_user, household, legal_aid, case_management
):
    mine = ReferralFactory(household=household, service=legal_aid)
    internal = ReferralFactory(household=household, service=case_management)
    client.force_login(partner_user)
    page = client.get(reverse("referrals:inbox")).content.decode()
    assert mine.reference in page
    assert internal.reference not in page
    assert client.get(reverse("referrals:referral_detail", args=[internal.pk])).status_code == 404
    assert client.get(reverse("referrals:referral_list")).status_code == 403
    client.force_login(brac_user)
    assert mine.reference not in client.get(reverse("referrals:inbox")).content.decode()
    assert client.get(reverse("referrals:referral_detail", args=[mine.pk])).status_code == 404
    assert client.post(reverse("referrals:referral_step", args=[mine.pk]), {"verb": "accept"}).status_code == 404


@pytest.mark.parametrize("outsider", ["field_officer_injil", "other_org_officer", "brac_user"])
def test_referral_pages_are_not_found_outside_scope(client, request, outsider, household, legal_aid):
    referral = ReferralFactory(household=household, service=legal_aid)
    follow_up = FollowUpFactory(referral=referral)
    client.force_login(request.getfixturevalue(outsider))
    for url in (reverse("referrals:referral_detail", args=[referral.pk]),):
        assert client.get(url).status_code == 404
    for url, data in (
        (reverse("referrals:referral_step", args=[referral.pk]), {"verb": "accept"}),
        (reverse("referrals:referral_feedback", args=[referral.pk]), {"feedback-note": "x"}),
        (reverse("referrals:referral_message", args=[referral.pk]), {"message-note": "x"}),
        (reverse("referrals:follow_up_schedule", args=[referral.pk]), {"follow_up-due_on": "2099-01-01"}),
        (reverse("referrals:follow_up_record", args=[follow_up.pk]), {}),
    ):
        assert client.post(url, data).status_code in (403, 404)
    create = client.get(f"{reverse('referrals:referral_create')}?household={household.pk}")
    assert create.status_code in (403, 404)
    assert referral.reference not in client.get(reverse("referrals:inbox")).content.decode()


# --- sensitive cases ------------------------------------------------------------------------------


def test_sensitive_referrals_are_invisible_without_the_permission(
    client,
    desk_officer,
    sensitive_desk,
    manager,
    field_officer,
    admin_user,
    unicef_user,
    household,
    child_protection,
    legal_aid,
):
    secret = ReferralFactory(household=household, service=child_protection, sensitive=True, client_name="Secret Child")
    FollowUpFactory(referral=secret)
    ReferralFactory.create_batch(2, household=household, service=legal_aid)
    for user in (desk_officer, manager, field_officer, admin_user):
        client.force_login(user)
        detail = client.get(reverse("referrals:referral_detail", args=[secret.pk]))
        assert detail.status_code == 404
        listing = client.get(reverse("referrals:referral_list")).content.decode()
        assert secret.reference not in listing
        assert "Secret Child" not in listing
        assert "Sensitive cases in your areas not shown to you: &lt;5 open." in listing
        searched = client.post(reverse("referrals:referral_list"), {"_filter": "1", "q": "Secret"})
        assert secret.reference not in client.get(searched.url).content.decode()
        filtered = client.get(reverse("referrals:referral_list"), {"sector": "PRO-CPN"}).content.decode()
        assert secret.reference not in filtered
        household_page = client.get(reverse("profiling:household_detail", args=[household.pk])).content.decode()
        assert secret.reference not in household_page
        home = client.get(reverse("core:home")).content.decode()
        assert secret.reference not in home
        assert "Secret Child" not in home
    client.force_login(desk_officer)
    home = client.get(reverse("core:home")).content.decode()
    assert "2 open" in home  # the sensitive one is not counted with the others
    client.force_login(sensitive_desk)
    assert client.get(reverse("referrals:referral_detail", args=[secret.pk])).status_code == 200
    listing = client.get(reverse("referrals:referral_list")).content.decode()
    assert secret.reference in listing
    assert "not shown to you" not in listing
    client.force_login(unicef_user)
    assert client.get(reverse("referrals:referral_detail", args=[secret.pk])).status_code == 200


def test_opening_a_sensitive_referral_is_audited(client, sensitive_desk, household, child_protection, legal_aid):
    secret = ReferralFactory(household=household, service=child_protection, sensitive=True)
    plain = ReferralFactory(household=household, service=legal_aid)
    client.force_login(sensitive_desk)
    client.get(reverse("referrals:referral_detail", args=[secret.pk]))
    client.get(reverse("referrals:referral_detail", args=[plain.pk]))
    reads = AuditEvent.objects.filter(action="referral.view")
    assert list(reads.values_list("target_id", "actor")) == [(str(secret.pk), sensitive_desk.pk)]


def test_creating_a_sensitive_referral_without_the_permission_says_where_it_went(
    client, desk_officer, household, child_protection
):
    client.force_login(desk_officer)
    response = client.post(
        reverse("referrals:referral_create"),
        {"household": household.pk, "service": child_protection.pk, "reason": "Child labour", "urgency": "high"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("profiling:household_detail", args=[household.pk])
    assert "sensitive case" in response.content.decode()
    assert Referral.objects.get().sensitive


# --- complaints -----------------------------------------------------------------------------------


def test_record_a_complaint_and_handle_it(client, desk_officer, manager, field_officer, places, centre):
    client.force_login(desk_officer)
    page = client.get(reverse("referrals:complaint_create")).content.decode()
    assert 'data-draft="complaint"' in page
    data = {
        "kind": "complaint",
        "channel": "hotline",
        "received_on": timezone.localdate().isoformat(),
        "area": places.kaga.pk,
        "centre": centre.pk,
        "category": "eligibility",
        "description": "Our family was not on the list.",
        "complainant_name": "Zarmina",
        "assigned_to": field_officer.pk,
    }
    response = client.post(reverse("referrals:complaint_create"), {**data, "description": ""})
    assert response.status_code == 200
    assert not Complaint.objects.exists()
    response = client.post(reverse("referrals:complaint_create"), data)
    complaint = Complaint.objects.get()
    assert response.url == reverse("referrals:complaint_detail", args=[complaint.pk])
    assert complaint.assigned_to == field_officer
    assert AuditEvent.objects.filter(action="complaint.view").count() == 0
    client.get(response.url)
    assert AuditEvent.objects.filter(action="complaint.view", actor=desk_officer).count() == 1
    client.force_login(field_officer)
    home = client.get(reverse("core:home")).content.decode()
    assert complaint.reference in home
    response = client.post(
        reverse("referrals:complaint_respond", args=[complaint.pk]),
        {"response": "You will be on next month's list.", "responded_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    client.force_login(manager)
    response = client.post(reverse("referrals:complaint_close", args=[complaint.pk]), {"satisfied": "yes"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    assert complaint.complainant_satisfied is True


def test_psea_complaint_recorded_in_the_browser_disappears_for_the_recorder(
    client, desk_officer, manager, psea_focal_point, places
):
    client.force_login(desk_officer)
    response = client.post(
        reverse("referrals:complaint_create"),
        {
            "kind": "complaint",
            "channel": "complaint_box",
            "received_on": timezone.localdate().isoformat(),
            "area": places.kaga.pk,
            "category": "psea",
            "description": "A guard asked a woman for sex in exchange for a token.",
        },
        follow=True,
    )
    assert "passed on confidentially" in response.content.decode()
    complaint = Complaint.objects.get()
    for user in (desk_officer, manager):
        client.force_login(user)
        assert client.get(reverse("referrals:complaint_detail", args=[complaint.pk])).status_code == 404
        listing = client.get(reverse("referrals:complaint_list")).content.decode()
        assert complaint.reference not in listing
        assert "Confidential complaints in your areas not shown to you: &lt;5 open." in listing
    client.force_login(psea_focal_point)
    assert complaint.reference in client.get(reverse("referrals:complaint_list")).content.decode()
    assert client.get(reverse("referrals:complaint_detail", args=[complaint.pk])).status_code == 200


def test_complaint_list_filters_search_privately_and_queries_do_not_grow(
    client, desk_officer, places, iom, django_assert_max_num_queries
):
    ComplaintFactory(area=places.kaga, organisation=iom)
    client.force_login(desk_officer)

    def grow():
        for _ in range(6):
            ComplaintFactory(area=places.kaga, organisation=iom, assigned_to=desk_officer, status="assigned")

    _flat(client, reverse("referrals:complaint_list"), grow, django_assert_max_num_queries)
    named = ComplaintFactory(
        area=places.kaga,
        organisation=iom,
        complainant_name="Laila Hotak",
        received_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    response = client.post(reverse("referrals:complaint_list"), {"_filter": "1", "q": "Laila"})
    assert "Laila" not in response.url
    page = client.get(response.url).content.decode()
    assert named.reference in page
    assert page.count("FC-TEST-") == 1
    page = client.get(reverse("referrals:complaint_list"), {"overdue": "on"}).content.decode()
    assert named.reference in page
    assert "answer overdue" in page


@pytest.mark.parametrize("outsider", ["field_officer_injil", "other_org_officer", "partner_user", "field_officer"])
def test_complaint_pages_refuse_outsiders(client, request, outsider, places, iom):
    complaint = ComplaintFactory(area=places.kaga, organisation=iom)
    client.force_login(request.getfixturevalue(outsider))
    assert client.get(reverse("referrals:complaint_detail", args=[complaint.pk])).status_code in (403, 404)
    for name, data in (
        ("complaint_assign", {"assigned_to": 1}),
        ("complaint_respond", {"response": "x", "responded_on": "2026-01-01"}),
        ("complaint_close", {"note": "x"}),
    ):
        assert client.post(reverse(f"referrals:{name}", args=[complaint.pk]), data).status_code in (403, 404)
    listing = client.get(reverse("referrals:complaint_list"))
    assert listing.status_code == 403 or complaint.reference not in listing.content.decode()
    if outsider == "partner_user":
        assert client.get(reverse("referrals:complaint_create")).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, db):
    urls = [
        reverse(f"referrals:{name}")
        for name in (
            "referral_list",
            "referral_create",
            "inbox",
            "service_list",
            "service_create",
            "visit_list",
            "visit_create",
            "complaint_list",
            "complaint_create",
        )
    ]
    urls += [
        reverse(f"referrals:{name}", args=[1])
        for name in ("referral_detail", "service_detail", "service_edit", "visit_detail", "complaint_detail")
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response.url
