"""Pages: lists with fixed query counts, the plan document, the editor (with and without HTMX), access."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from caps import services
from caps.models import Action, ActionStatus, ParticipantGroup, Plan, PlanStatus, Priority, Sector
from core.models import Role
from core.navigation import DetailSection, register_section
from core.tests.factories import UserFactory

from .factories import (
    ActionFactory,
    CouncilFactory,
    CouncilMemberFactory,
    PlanFactory,
    PriorityFactory,
    WorkshopFactory,
    complete_plan,
)


def _approved(plan, *, field, manager):
    services.plan_transition(actor=field, plan=plan, verb="submit")
    services.plan_transition(actor=manager, plan=plan, verb="approve", expected_version=plan.version)
    plan.refresh_from_db()
    return plan


# --- Lists and query counts ----------------------------------------------------------------------


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_plan_list_query_count_does_not_grow(client, field_officer, khogyani_target, django_assert_max_num_queries):
    client.force_login(field_officer)
    PlanFactory(target_area=khogyani_target)
    url = reverse("caps:plan_list")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(12):
        PriorityFactory(plan=PlanFactory(target_area=khogyani_target))
    response = _count_queries(client, url, django_assert_max_num_queries, len(few.captured_queries))
    assert response.content.decode().count('data-label="Plan"') == 13


def test_council_list_query_count_does_not_grow(client, field_officer, khogyani_target, django_assert_max_num_queries):
    client.force_login(field_officer)
    CouncilMemberFactory(council=CouncilFactory(target_area=khogyani_target))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("caps:council_list")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        council = CouncilFactory(target_area=khogyani_target)
        CouncilMemberFactory.create_batch(3, council=council)
    response = _count_queries(client, url, django_assert_max_num_queries, len(few.captured_queries))
    assert response.content.decode().count('data-label="Council"') == 9


def test_workshop_list_query_count_does_not_grow(client, field_officer, khogyani_target, django_assert_max_num_queries):
    client.force_login(field_officer)
    WorkshopFactory(target_area=khogyani_target)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("caps:workshop_list")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        WorkshopFactory(target_area=khogyani_target, participation={"idp": (3, 4), "host": (0, 6)})
    response = _count_queries(client, url, django_assert_max_num_queries, len(few.captured_queries))
    html = response.content.decode()
    assert html.count('data-label="Place"') == 9
    assert "33.3 %" in html  # the first workshop: 5 women of 15
    assert "23.1 %" in html  # the others: 3 women of 13


def test_plan_list_filters_by_status(client, field_officer, manager, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    client.force_login(manager)
    html = client.get(reverse("caps:plan_list"), {"status": "submitted"}).content.decode()
    assert plan.title not in html
    html = client.get(reverse("caps:plan_list"), {"status": "draft"}).content.decode()
    assert plan.title in html


# --- Document page -------------------------------------------------------------------------------


def test_document_reads_like_the_signed_plan(client, field_officer, manager, khogyani_target):
    council = CouncilFactory(target_area=khogyani_target, name="Kaga CDC")
    CouncilMemberFactory(council=council, name="Haji Wahid", sex="m", role="chair")
    CouncilMemberFactory(council=council, name="Zarghuna", sex="f", role="deputy_chair")
    workshop = WorkshopFactory(target_area=khogyani_target, place="Kaga hall", participation={"idp": (0, 30)})
    plan = complete_plan(
        actor=field_officer,
        target_area=khogyani_target,
        council=council,
        workshops=[workshop],
        priorities=[(38, None), (31, None)],
    )
    client.force_login(manager)
    html = client.get(reverse("caps:plan_detail", args=[plan.pk])).content.decode()
    for text in (
        "Community Action Plan",
        "Khogyani (AF0608)",
        "Kaga CDC",
        "Haji Wahid",
        "Chair of the council",
        "Women's representative on the council",
        "Zarghuna",
        "No women took part",
        "0 of 30",
        "Signature or thumbprint",
        "3,000.00 AFN",  # budget total of the two actions
        "38 votes",
        'class="cap-document"',
        "caps/caps.css",
    ):
        assert text in html, text
    assert html.index("Priority 1") < html.index("Priority 2")
    assert 'value="approve"' not in html  # a draft is submitted before anyone approves it
    assert 'value="submit"' in html


def test_document_query_count_does_not_grow_with_priorities(
    client, field_officer, khogyani_target, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = complete_plan(
        actor=field_officer,
        target_area=khogyani_target,
        priorities=[(1, None)],
        workshops=[WorkshopFactory(target_area=khogyani_target)],
        council=CouncilFactory(target_area=khogyani_target),
    )
    client.force_login(field_officer)
    url = reverse("caps:plan_detail", args=[plan.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(6):
        priority = PriorityFactory(plan=plan, position=10 + index)
        ActionFactory.create_batch(3, priority=priority)
    plan.workshops.add(WorkshopFactory(target_area=khogyani_target))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('<tr>\n              <td data-label="Action">') == 19


def test_signed_version_stays_while_the_current_plan_is_revised(client, field_officer, manager, khogyani_target):
    plan = _approved(
        complete_plan(actor=field_officer, target_area=khogyani_target), field=field_officer, manager=manager
    )
    priority = plan.priorities.get(title="Priority 1")
    services.priority_update(
        actor=manager,
        priority=priority,
        sector=Sector.WSH,
        title="Deep well for Kaga",
        description="",
        raised_by=[],
        raised_by_note="",
        votes=10,
        rank=None,
        reason="The hand pumps cannot reach the water table",
    )
    client.force_login(field_officer)
    current = client.get(reverse("caps:plan_detail", args=[plan.pk])).content.decode()
    assert "Deep well for Kaga" in current
    assert "The hand pumps cannot reach the water table" in current
    assert "Revision 1" in current
    assert "See the signed version" in current
    signed = client.get(reverse("caps:plan_detail", args=[plan.pk]), {"version": "signed"}).content.decode()
    assert "Priority 1" in signed
    assert "Deep well for Kaga" not in signed
    assert "the signed version" in signed


def test_signed_version_of_a_draft_is_not_found(client, field_officer, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    client.force_login(field_officer)
    assert client.get(reverse("caps:plan_detail", args=[plan.pk]), {"version": "signed"}).status_code == 404


def test_action_sections_and_links_from_later_stages_show_under_each_action(client, field_officer, khogyani_target):
    from caps.hooks import ActionLink, register_action_links, unregister_action_links

    plan = complete_plan(actor=field_officer, target_area=khogyani_target, priorities=[(5, None)])
    action = Action.objects.get(priority__plan=plan)
    register_action_links(
        "test", lambda user, actions: {a.pk: [ActionLink("Community project CP-7", "/x/", "ongoing")] for a in actions}
    )
    register_section(
        DetailSection(
            "cap_action",
            "test",
            "Carried out by",
            "caps/partials/section_list.html",
            lambda user, obj: {"items": [{"label": f"section for action {obj.pk}"}]},
        )
    )
    try:
        client.force_login(field_officer)
        html = client.get(reverse("caps:plan_detail", args=[plan.pk])).content.decode()
    finally:
        unregister_action_links("test")
        from core import navigation

        navigation._sections.pop(("cap_action", "test"), None)
    assert "Community project CP-7" in html
    assert f"section for action {action.pk}" in html


# --- Workflow through the pages ------------------------------------------------------------------


def test_field_staff_cannot_approve_through_the_page(client, field_officer, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    client.force_login(field_officer)
    html = client.get(reverse("caps:plan_detail", args=[plan.pk])).content.decode()
    assert 'value="approve"' not in html
    response = client.post(
        reverse("caps:plan_transition", args=[plan.pk]),
        {"verb": "approve", "approve-verb": "approve", "approve-expected_version": plan.version},
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_manager_approves_the_version_on_the_page(client, field_officer, manager, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    client.force_login(manager)
    html = client.get(reverse("caps:plan_detail", args=[plan.pk])).content.decode()
    assert 'value="approve"' in html
    response = client.post(
        reverse("caps:plan_transition", args=[plan.pk]),
        {"verb": "approve", "approve-verb": "approve", "approve-expected_version": plan.version - 1},
        follow=True,
    )
    assert "changed while you were reading" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    client.post(
        reverse("caps:plan_transition", args=[plan.pk]),
        {"verb": "approve", "approve-verb": "approve", "approve-expected_version": plan.version},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


# --- Editor --------------------------------------------------------------------------------------


def test_create_a_plan_and_add_priorities_without_javascript(client, field_officer, khogyani_target):
    client.force_login(field_officer)
    response = client.post(
        reverse("caps:plan_create"),
        {
            "target_area": khogyani_target.pk,
            "title": "Khogyani CAP",
            "period_start": "2026-04-01",
            "period_end": "2026-03-01",
        },
    )
    assert "The period cannot end before it starts." in response.content.decode()
    assert not Plan.objects.exists()
    response = client.post(
        reverse("caps:plan_create"),
        {
            "target_area": khogyani_target.pk,
            "title": "Khogyani CAP",
            "period_start": "2026-04-01",
            "period_end": "2027-03-31",
        },
    )
    plan = Plan.objects.get()
    assert response.url == reverse("caps:plan_edit", args=[plan.pk])
    response = client.post(
        reverse("caps:priority_create", args=[plan.pk]),
        {
            "new-priority-sector": "WSH",
            "new-priority-title": "Water points",
            "new-priority-raised_by": ["women", "idps"],
            "new-priority-votes": "38",
        },
    )
    assert response.status_code == 302
    priority = Priority.objects.get()
    assert priority.raised_by == ["women", "idps"]
    edit = client.get(reverse("caps:plan_edit", args=[plan.pk])).content.decode()
    assert "Water points" in edit
    assert 'id="priorities"' in edit


def test_htmx_editor_returns_the_list_or_the_form_into_its_slot(client, field_officer, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target, priorities=[(5, None)])
    priority = plan.priorities.get()
    client.force_login(field_officer)
    htmx = {"HTTP_HX_REQUEST": "true"}
    form = client.get(reverse("caps:action_create", args=[priority.pk]), **htmx)
    assert b"<html" not in form.content
    assert b'hx-post="' in form.content
    prefix = f"new-action-{priority.pk}"
    refused = client.post(
        reverse("caps:action_create", args=[priority.pk]),
        {f"{prefix}-description": "Pumps", f"{prefix}-budget": "100", f"{prefix}-status": "planned"},
        **htmx,
    )
    assert refused["HX-Retarget"] == f"#priority-{priority.pk}-action-new"
    assert "Say in which currency the budget is." in refused.content.decode()
    saved = client.post(
        reverse("caps:action_create", args=[priority.pk]),
        {
            f"{prefix}-description": "Pumps",
            f"{prefix}-budget": "100",
            f"{prefix}-currency": "USD",
            f"{prefix}-responsible_other": "CDC",
            f"{prefix}-status": "planned",
        },
        **htmx,
    )
    assert saved.status_code == 200
    assert "HX-Retarget" not in saved
    html = saved.content.decode()
    assert html.startswith('<section id="priorities"')
    assert "Pumps" in html


def test_approved_plan_edit_asks_for_the_reason_and_field_staff_only_record_progress(
    client, field_officer, manager, khogyani_target
):
    plan = _approved(
        complete_plan(actor=field_officer, target_area=khogyani_target), field=field_officer, manager=manager
    )
    action = Action.objects.filter(priority__plan=plan).first()
    client.force_login(field_officer)
    assert client.get(reverse("caps:priority_create", args=[plan.pk])).status_code == 403
    page = client.get(reverse("caps:action_edit", args=[action.pk])).content.decode()
    assert "Record progress" in page
    assert f'name="a{action.pk}-budget"' not in page
    response = client.post(
        reverse("caps:action_edit", args=[action.pk]),
        {f"a{action.pk}-status": "in_progress", f"a{action.pk}-reason": "Works started"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert plan.revisions.count() == 1

    client.force_login(manager)
    page = client.get(reverse("caps:action_edit", args=[action.pk])).content.decode()
    assert "Reason for this revision" in page


def test_submitted_plan_cannot_be_changed_through_the_editor(client, field_officer, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    client.force_login(field_officer)
    assert client.post(reverse("caps:plan_edit", args=[plan.pk]), {"title": "x"}).status_code == 403
    response = client.post(
        reverse("caps:priority_delete", args=[plan.priorities.first().pk]), follow=True
    ).content.decode()
    assert "waiting for approval" in response
    assert plan.priorities.count() == 2


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_holds_the_plan_with_hxl_tags_and_no_formulas(client, field_officer, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target, priorities=[(5, None)])
    services.priority_add(
        actor=field_officer, plan=plan, sector=Sector.HEA, title='=HYPERLINK("http://evil","x")', votes=1
    )
    WorkshopFactory(target_area=khogyani_target)
    plan.workshops.add(WorkshopFactory(target_area=khogyani_target, participation={"host": (0, 9)}))
    client.force_login(field_officer)
    response = client.get(reverse("caps:plan_xlsx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "cap-af0608-20260401-current.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Plan", "Priorities and actions", "Participation"]
    sheet = book["Priorities and actions"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == "#sector+code"
    assert rows[1][2] == "#adm2+code"
    assert rows[2][5] == "Priority 1"
    assert rows[2][11] == 1000
    titles = [row[5] for row in rows[2:]]
    assert '\'=HYPERLINK("http://evil","x")' in titles
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    participation = list(book["Participation"].iter_rows(values_only=True))
    assert participation[-1][3:6] == (0, 9, 9)


def test_cell_neutralisation():
    from caps.spreadsheet import safe_cell

    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+49 30") == "'+49 30"
    assert safe_cell("-5") == "'-5"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("|cmd") == "'|cmd"
    assert safe_cell("%0A") == "'%0A"
    assert safe_cell("\t=1") == "'\t=1"
    assert safe_cell("\x00=1") == "'=1"
    assert safe_cell("Water points") == "Water points"
    assert safe_cell(-5) == -5
    assert safe_cell(datetime.date(2026, 1, 1)) == datetime.date(2026, 1, 1)


# --- Councils and workshops ----------------------------------------------------------------------


def test_council_page_shows_members_by_sex_and_role(client, field_officer, khogyani_target):
    council = CouncilFactory(target_area=khogyani_target, name="Kaga CDC")
    CouncilMemberFactory(council=council, name="Haji Wahid", sex="m", role="chair")
    CouncilMemberFactory(council=council, name="Gul Ahmad", sex="m", role="member")
    CouncilMemberFactory(council=council, name="Old member", sex="f", left_on=datetime.date(2025, 1, 1))
    client.force_login(field_officer)
    html = client.get(reverse("caps:council_detail", args=[council.pk])).content.decode()
    assert "No woman serves on the council" in html
    assert "Former members" in html
    assert "Old member" in html
    response = client.post(
        reverse("caps:member_create", args=[council.pk]), {"name": "Zarghuna", "sex": "f", "role": "deputy_chair"}
    )
    assert response.status_code == 302
    html = client.get(reverse("caps:council_detail", args=[council.pk])).content.decode()
    assert "33.3 %" in html


def test_workshop_is_recorded_with_participants_by_group(client, field_officer, khogyani_target):
    client.force_login(field_officer)
    data = {
        "target_area": khogyani_target.pk,
        "held_on": "2026-03-10",
        "place": "Kaga hall",
        "facilitators": "Farida (IOM)",
        f"women_{ParticipantGroup.IDP}": "0",
        f"men_{ParticipantGroup.IDP}": "0",
    }
    response = client.post(reverse("caps:workshop_create"), data)
    assert "Count who took part" in response.content.decode()
    data[f"women_{ParticipantGroup.RETURNEE_ABROAD}"] = "2"
    data[f"men_{ParticipantGroup.RETURNEE_ABROAD}"] = "18"
    response = client.post(reverse("caps:workshop_create"), data, follow=True)
    html = response.content.decode()
    assert "Returnee from abroad" in html
    assert "10.0 %" in html
    assert "low" in html


# --- Access --------------------------------------------------------------------------------------


def _pages(plan, council, workshop, priority, action, member):
    return [
        reverse("caps:plan_detail", args=[plan.pk]),
        reverse("caps:plan_xlsx", args=[plan.pk]),
        reverse("caps:plan_edit", args=[plan.pk]),
        reverse("caps:priority_create", args=[plan.pk]),
        reverse("caps:priority_edit", args=[priority.pk]),
        reverse("caps:priority_delete", args=[priority.pk]),
        reverse("caps:action_create", args=[priority.pk]),
        reverse("caps:action_edit", args=[action.pk]),
        reverse("caps:action_delete", args=[action.pk]),
        reverse("caps:council_detail", args=[council.pk]),
        reverse("caps:council_edit", args=[council.pk]),
        reverse("caps:member_create", args=[council.pk]),
        reverse("caps:member_edit", args=[member.pk]),
        reverse("caps:member_delete", args=[member.pk]),
        reverse("caps:workshop_detail", args=[workshop.pk]),
        reverse("caps:workshop_edit", args=[workshop.pk]),
    ]


@pytest.fixture
def khogyani_records(field_officer, khogyani_target):
    council = CouncilFactory(target_area=khogyani_target)
    member = CouncilMemberFactory(council=council)
    workshop = WorkshopFactory(target_area=khogyani_target)
    plan = complete_plan(actor=field_officer, target_area=khogyani_target, priorities=[(1, None)])
    priority = plan.priorities.get()
    return plan, council, workshop, priority, priority.actions.get(), member


@pytest.mark.parametrize("outsider", ["field_officer_injil", "other_org_officer"])
def test_outsiders_get_not_found_and_see_nothing(client, request, outsider, khogyani_records):
    client.force_login(request.getfixturevalue(outsider))
    for url in _pages(*khogyani_records):
        assert client.get(url).status_code == 404, url
    plan = khogyani_records[0]
    response = client.post(reverse("caps:plan_transition", args=[plan.pk]), {"verb": "submit", "submit-verb": "submit"})
    assert response.status_code == 404
    for name in ("caps:plan_list", "caps:council_list", "caps:workshop_list"):
        html = client.get(reverse(name)).content.decode()
        assert plan.title not in html
        assert khogyani_records[1].name not in html
        assert khogyani_records[2].place not in html


@pytest.mark.parametrize("role_fixture", ["partner_user"])
def test_partners_are_refused_every_page(client, request, role_fixture, khogyani_records):
    client.force_login(request.getfixturevalue(role_fixture))
    for url in [reverse("caps:plan_list"), reverse("caps:council_list"), *_pages(*khogyani_records)]:
        assert client.get(url).status_code == 403, url


def test_desk_officers_read_but_do_not_edit(client, desk_officer, khogyani_records):
    plan, council, _workshop, _priority, action, member = khogyani_records
    client.force_login(desk_officer)
    assert client.get(reverse("caps:plan_detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("caps:council_detail", args=[council.pk])).status_code == 200
    for url in (
        reverse("caps:plan_create"),
        reverse("caps:plan_edit", args=[plan.pk]),
        reverse("caps:action_edit", args=[action.pk]),
        reverse("caps:council_create"),
        reverse("caps:workshop_create"),
        reverse("caps:member_edit", args=[member.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_user_without_membership_sees_no_plan(client, khogyani_records):
    client.force_login(UserFactory(role=None))
    assert client.get(reverse("caps:plan_detail", args=[khogyani_records[0].pk])).status_code == 403


# --- Home panels and navigation ------------------------------------------------------------------


def test_home_panels_by_role(client, field_officer, manager, khogyani_target):
    draft = complete_plan(actor=field_officer, target_area=khogyani_target)
    client.force_login(field_officer)
    html = client.get(reverse("core:home")).content.decode()
    assert "Draft community plans in your areas" in html
    assert draft.title in html
    assert reverse("caps:plan_list") in html
    client.force_login(manager)
    html = client.get(reverse("core:home")).content.decode()
    assert "Community plans awaiting your approval" in html
    assert "No plan is waiting for you." in html
    services.plan_transition(actor=field_officer, plan=draft, verb="submit")
    html = client.get(reverse("core:home")).content.decode()
    assert draft.title in html


def test_home_panel_of_another_area_manager_is_empty(client, field_officer, khogyani_target, places, iom):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    injil_manager = UserFactory(username="m.injil", role=Role.MANAGER, organisation=iom, areas=[places.injil])
    client.force_login(injil_manager)
    assert plan.title not in client.get(reverse("core:home")).content.decode()


def test_signed_xlsx_keeps_the_approved_values(client, field_officer, manager, khogyani_target):
    plan = _approved(
        complete_plan(actor=field_officer, target_area=khogyani_target), field=field_officer, manager=manager
    )
    action = Action.objects.filter(priority__plan=plan, priority__title="Priority 1").get()
    services.action_update(
        actor=manager,
        action=action,
        description=action.description,
        responsible_organisation=None,
        responsible_other="CDC",
        budget=action.budget * 5,
        currency="AFN",
        start_on=None,
        end_on=None,
        status=action.status,
        reason="New quote",
    )
    client.force_login(manager)
    signed = load_workbook(
        io.BytesIO(client.get(reverse("caps:plan_xlsx", args=[plan.pk]), {"version": "signed"}).content)
    )
    current = load_workbook(io.BytesIO(client.get(reverse("caps:plan_xlsx", args=[plan.pk])).content))
    budget = lambda book: list(book["Priorities and actions"].iter_rows(values_only=True))[2][11]  # noqa: E731
    assert (budget(signed), budget(current)) == (1000, 5000)
    plan_sheet = dict(signed["Plan"].iter_rows(values_only=True))
    assert plan_sheet["Version shown"] == "Signed (as approved)"
    assert plan_sheet["Approved by"] == manager.get_full_name()
