"""HTTP for community action planning. Thin: parse, fetch through selectors, call services, render.

The plan editor works without JavaScript (each form is a page) and, with HTMX, edits priorities and
actions in place: a successful save returns the refreshed list, a refused one returns the form with
its errors into the slot it came from.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from core.navigation import sections_for
from core.permissions import role_required
from core.scoping import scope_for
from core.views import form_errors_into, page_of

from . import rules, selectors, services
from .document import plan_document, present
from .forms import (
    ActionForm,
    ActionProgressForm,
    CouncilForm,
    CouncilMemberForm,
    PlanFilterForm,
    PlanForm,
    PriorityForm,
    RemoveForm,
    TargetAreaFilterForm,
    TransitionForm,
    WorkshopForm,
)
from .hooks import action_links_for
from .models import Action, Council, CouncilMember, CouncilRole, Plan, PlanStatus, Priority, Sex, Workshop
from .spreadsheet import plan_workbook

READERS = tuple(rules.READER_ROLES)
EDITORS = tuple(rules.EDITOR_ROLES)


def _role(request: HttpRequest) -> str | None:
    scope = scope_for(request.user)
    return scope.role if scope else None


def _get_or_404(getter, request: HttpRequest, pk: int, model):
    try:
        return getter(user=request.user, pk=pk)
    except model.DoesNotExist:
        raise Http404 from None


def _form_page(request: HttpRequest, *, form, title: str, back: str, submit: str, slot: str = "", extra=None):
    """A form on its own page, or (HTMX) the form alone for the slot it was asked into."""
    context = {"form": form, "title": title, "back": back, "submit": submit, "slot": slot, **(extra or {})}
    if request.htmx and slot:
        return render(request, "caps/partials/inline_form.html", context)
    return render(request, "caps/form_page.html", context)


def _refused(request: HttpRequest, response: HttpResponse, slot: str) -> HttpResponse:
    """An HTMX form with errors goes back into its own slot instead of replacing the list."""
    if request.htmx and slot:
        return reswap(retarget(response, f"#{slot}"), "innerHTML")
    return response


# --- Plans -----------------------------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    target_areas = selectors.caps_target_areas_for_user(request.user)
    form = PlanFilterForm(request.GET or None, target_areas=target_areas)
    plans = selectors.plans_for_user(request.user).order_by("target_area__area__name", "-period_start", "-id")
    if form.is_valid():
        if form.cleaned_data.get("target_area"):
            plans = plans.filter(target_area=form.cleaned_data["target_area"])
        if form.cleaned_data.get("status"):
            plans = plans.filter(status=form.cleaned_data["status"])
    return render(
        request,
        "caps/plan_list.html",
        {"form": form, "plans": page_of(request, plans), "can_create": _role(request) in rules.EDITOR_ROLES},
    )


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    target_areas = selectors.caps_target_areas_for_user(request.user)
    form = PlanForm(
        request.POST or None,
        target_areas=target_areas,
        councils=selectors.councils_for_user(request.user),
        workshops=selectors.workshops_for_user(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Plan created. Add the priorities the community ranked."))
            return redirect("caps:plan_edit", pk=plan.pk)
    return _form_page(
        request,
        form=form,
        title=_("New community action plan"),
        back=reverse("caps:plan_list"),
        submit=_("Create plan"),
        extra={"empty_hint": not target_areas.exists()},
    )


def _permissions(plan: Plan, role: str | None) -> dict:
    content = rules.edit_decision(status=plan.status, role=role, change=rules.CONTENT)
    progress = rules.edit_decision(status=plan.status, role=role, change=rules.PROGRESS)
    return {
        "can_edit": content.allowed,
        "can_record_progress": progress.allowed,
        "needs_reason": content.revision or progress.revision,
        "is_draft": plan.status == PlanStatus.DRAFT,
        "edit_refusal": content.refusal,
    }


@role_required(*READERS)
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as the document a community signs; ``?version=signed`` shows it as approved."""
    plan = _get_or_404(selectors.plan_for_document, request, pk, Plan)
    signed = request.GET.get("version") == "signed"
    if signed and not plan.is_signed:
        raise Http404
    document = plan.signed_document if signed else plan_document(plan)
    doc = present(document)
    role = _role(request)
    action_objects = [] if signed else [a for p in plan.priorities.all() for a in p.actions.all()]
    links = action_links_for(request.user, action_objects)
    action_sections = {a.pk: sections_for("cap_action", request.user, a) for a in action_objects}
    transitions = [
        {
            "transition": t,
            "form": TransitionForm(initial={"verb": t.verb, "expected_version": plan.version}, prefix=t.verb),
        }
        for t in rules.available_transitions(status=plan.status, role=role)
    ]
    revisions = list(selectors.plan_revisions(plan=plan)) if plan.is_signed else []
    chair = next((m for m in doc.members if m.role == CouncilRole.CHAIR), None)
    woman_signatory = next((m for m in doc.members if m.sex == Sex.FEMALE and m is not chair), None)
    return render(
        request,
        "caps/plan_detail.html",
        {
            "plan": plan,
            "doc": doc,
            "signed": signed,
            "links": links,
            "action_sections": action_sections,
            "plan_sections": [] if signed else sections_for("cap_plan", request.user, plan),
            "transitions": transitions,
            "revisions": revisions,
            "chair": chair,
            "woman_signatory": woman_signatory,
            **_permissions(plan, role),
        },
    )


@role_required(*READERS)
@require_GET
def plan_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_or_404(selectors.plan_for_document, request, pk, Plan)
    signed = request.GET.get("version") == "signed"
    if signed and not plan.is_signed:
        raise Http404
    document = plan.signed_document if signed else plan_document(plan)
    content = plan_workbook(present(document), signed=signed)
    name = slugify(f"cap-{plan.target_area.area.pcode}-{plan.period_start:%Y%m%d}-{'signed' if signed else 'current'}")
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


def _plan_editor_context(request: HttpRequest, plan: Plan) -> dict:
    priorities = (
        selectors.priorities_for_user(request.user)
        .filter(plan=plan)
        .order_by("position", "id")
        .prefetch_related("actions__responsible_organisation")
    )
    return {"plan": plan, "priorities": priorities, **_permissions(plan, _role(request))}


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_or_404(selectors.plan_get_for_user, request, pk, Plan)
    permissions = _permissions(plan, _role(request))
    form = None
    if permissions["can_edit"]:
        initial = {
            "title": plan.title,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "council": plan.council,
            "workshops": list(plan.workshops.all()),
            "vision": plan.vision,
        }
        form = PlanForm(
            request.POST or None,
            initial=initial,
            target_area=plan.target_area,
            councils=selectors.councils_for_user(request.user),
            workshops=selectors.workshops_for_user(request.user),
            needs_reason=permissions["needs_reason"],
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.plan_update(actor=request.user, plan=plan, **form.cleaned_data)
            except ValidationError as error:
                form_errors_into(form, error)
            except PermissionDenied as denied:
                form.add_error(None, str(denied))
            else:
                messages.success(request, _("Plan saved."))
                return redirect("caps:plan_edit", pk=plan.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "caps/plan_edit.html", {"form": form, **_plan_editor_context(request, plan)})


def _priorities_response(request: HttpRequest, plan: Plan) -> HttpResponse:
    if request.htmx:
        return render(request, "caps/partials/priorities.html", _plan_editor_context(request, plan))
    return redirect("caps:plan_edit", pk=plan.pk)


@role_required(*EDITORS)
@require_POST
def plan_transition(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_or_404(selectors.plan_get_for_user, request, pk, Plan)
    verb = request.POST.get("verb", "")
    form = TransitionForm(request.POST, prefix=verb if verb in rules.TRANSITIONS else None)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete; try again."))
        return redirect("caps:plan_detail", pk=plan.pk)
    try:
        services.plan_transition(
            actor=request.user,
            plan=plan,
            verb=form.cleaned_data["verb"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["expected_version"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The plan is now “%(status)s”.") % {"status": PlanStatus(plan.status).label})
    return redirect("caps:plan_detail", pk=plan.pk)


# --- Priorities ------------------------------------------------------------------------------------


def _priority_data(form) -> dict:
    data = dict(form.cleaned_data)
    data.setdefault("reason", "")
    return data


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def priority_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_or_404(selectors.plan_get_for_user, request, pk, Plan)
    permissions = _permissions(plan, _role(request))
    if not permissions["can_edit"]:
        raise PermissionDenied(permissions["edit_refusal"])
    slot = "priority-new"
    form = PriorityForm(request.POST or None, needs_reason=permissions["needs_reason"], prefix="new-priority")
    if request.method == "POST":
        if form.is_valid():
            try:
                services.priority_add(actor=request.user, plan=plan, **_priority_data(form))
            except ValidationError as error:
                form_errors_into(form, error)
            else:
                return _priorities_response(request, plan)
        response = _form_page(
            request, form=form, title=_("Add a priority"), back=_edit_url(plan), submit=_("Add"), slot=slot
        )
        return _refused(request, response, slot)
    return _form_page(request, form=form, title=_("Add a priority"), back=_edit_url(plan), submit=_("Add"), slot=slot)


def _edit_url(plan: Plan) -> str:
    return reverse("caps:plan_edit", args=[plan.pk])


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    priority = _get_or_404(selectors.priority_get_for_user, request, pk, Priority)
    plan = priority.plan
    permissions = _permissions(plan, _role(request))
    if not permissions["can_edit"]:
        raise PermissionDenied(permissions["edit_refusal"])
    slot = f"priority-{priority.pk}-form"
    initial = {
        "sector": priority.sector,
        "title": priority.title,
        "description": priority.description,
        "raised_by": priority.raised_by,
        "raised_by_note": priority.raised_by_note,
        "votes": priority.votes,
        "rank": priority.rank,
    }
    form = PriorityForm(
        request.POST or None, initial=initial, needs_reason=permissions["needs_reason"], prefix=f"p{priority.pk}"
    )
    title = _("Change priority “%(title)s”") % {"title": priority.title}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.priority_update(actor=request.user, priority=priority, **_priority_data(form))
            except ValidationError as error:
                form_errors_into(form, error)
            else:
                return _priorities_response(request, plan)
        response = _form_page(request, form=form, title=title, back=_edit_url(plan), submit=_("Save"), slot=slot)
        return _refused(request, response, slot)
    return _form_page(request, form=form, title=title, back=_edit_url(plan), submit=_("Save"), slot=slot)


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def priority_delete(request: HttpRequest, pk: int) -> HttpResponse:
    priority = _get_or_404(selectors.priority_get_for_user, request, pk, Priority)
    plan = priority.plan
    if request.method == "GET":
        context = {"object": priority, "plan": plan, "kind": _("priority"), **_permissions(plan, _role(request))}
        return render(request, "caps/confirm_delete.html", context)
    try:
        services.priority_remove(actor=request.user, priority=priority, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _priorities_response(request, plan)


# --- Actions ---------------------------------------------------------------------------------------


def _action_data(form) -> dict:
    data = dict(form.cleaned_data)
    data.setdefault("reason", "")
    return data


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    priority = _get_or_404(selectors.priority_get_for_user, request, pk, Priority)
    plan = priority.plan
    permissions = _permissions(plan, _role(request))
    if not permissions["can_edit"]:
        raise PermissionDenied(permissions["edit_refusal"])
    slot = f"priority-{priority.pk}-action-new"
    form = ActionForm(
        request.POST or None, needs_reason=permissions["needs_reason"], prefix=f"new-action-{priority.pk}"
    )
    title = _("Add an action to “%(title)s”") % {"title": priority.title}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.action_add(actor=request.user, priority=priority, **_action_data(form))
            except ValidationError as error:
                form_errors_into(form, error)
            else:
                return _priorities_response(request, plan)
        response = _form_page(request, form=form, title=title, back=_edit_url(plan), submit=_("Add"), slot=slot)
        return _refused(request, response, slot)
    return _form_page(request, form=form, title=title, back=_edit_url(plan), submit=_("Add"), slot=slot)


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an action; field staff on an approved plan see only the progress form (status and what happened)."""
    action = _get_or_404(selectors.cap_action_get_for_user, request, pk, Action)
    plan = action.priority.plan
    permissions = _permissions(plan, _role(request))
    slot = f"action-{action.pk}-form"
    title = _("Change action “%(action)s”") % {"action": action.description}
    values = {
        "description": action.description,
        "responsible_organisation": action.responsible_organisation,
        "responsible_other": action.responsible_other,
        "budget": action.budget,
        "currency": action.currency,
        "start_on": action.start_on,
        "end_on": action.end_on,
        "status": action.status,
    }
    if permissions["can_edit"]:
        form = ActionForm(
            request.POST or None, initial=values, needs_reason=permissions["needs_reason"], prefix=f"a{action.pk}"
        )
    elif permissions["can_record_progress"]:
        form = ActionProgressForm(request.POST or None, initial={"status": action.status}, prefix=f"a{action.pk}")
        title = _("Record progress of “%(action)s”") % {"action": action.description}
    else:
        raise PermissionDenied(permissions["edit_refusal"])
    if request.method == "POST":
        if form.is_valid():
            data = {**values, "reason": "", **form.cleaned_data}
            try:
                services.action_update(actor=request.user, action=action, **data)
            except ValidationError as error:
                form_errors_into(form, error)
            except PermissionDenied as denied:
                form.add_error(None, str(denied))
            else:
                return _priorities_response(request, plan)
        response = _form_page(request, form=form, title=title, back=_edit_url(plan), submit=_("Save"), slot=slot)
        return _refused(request, response, slot)
    return _form_page(request, form=form, title=title, back=_edit_url(plan), submit=_("Save"), slot=slot)


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = _get_or_404(selectors.cap_action_get_for_user, request, pk, Action)
    plan = action.priority.plan
    if request.method == "GET":
        context = {"object": action, "plan": plan, "kind": _("action"), **_permissions(plan, _role(request))}
        return render(request, "caps/confirm_delete.html", context)
    try:
        services.action_remove(actor=request.user, action=action, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _priorities_response(request, plan)


# --- Councils --------------------------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def council_list(request: HttpRequest) -> HttpResponse:
    target_areas = selectors.caps_target_areas_for_user(request.user)
    form = TargetAreaFilterForm(request.GET or None, target_areas=target_areas)
    councils = selectors.councils_for_user(request.user).order_by("target_area__area__name", "name", "id")
    if form.is_valid() and form.cleaned_data.get("target_area"):
        councils = councils.filter(target_area=form.cleaned_data["target_area"])
    return render(
        request,
        "caps/council_list.html",
        {"form": form, "councils": page_of(request, councils), "can_create": _role(request) in rules.EDITOR_ROLES},
    )


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def council_create(request: HttpRequest) -> HttpResponse:
    form = CouncilForm(request.POST or None, target_areas=selectors.caps_target_areas_for_user(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            council = services.council_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Council recorded. Add its members."))
            return redirect("caps:council_detail", pk=council.pk)
    return _form_page(request, form=form, title=_("New council"), back=reverse("caps:council_list"), submit=_("Create"))


@role_required(*READERS)
@require_GET
def council_detail(request: HttpRequest, pk: int) -> HttpResponse:
    council = _get_or_404(selectors.council_get_for_user, request, pk, Council)
    members = list(council.members.all())
    serving = [m for m in members if m.is_serving]
    composition = rules.composition_summary(((m.role, m.sex) for m in serving), roles=CouncilRole.values)
    return render(
        request,
        "caps/council_detail.html",
        {
            "council": council,
            "serving": serving,
            "former": [m for m in members if not m.is_serving],
            "composition": composition,
            "role_labels": dict(CouncilRole.choices),
            "can_edit": _role(request) in rules.EDITOR_ROLES,
        },
    )


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def council_edit(request: HttpRequest, pk: int) -> HttpResponse:
    council = _get_or_404(selectors.council_get_for_user, request, pk, Council)
    initial = {
        "name": council.name,
        "settlement": council.settlement,
        "registration_code": council.registration_code,
        "established_on": council.established_on,
        "notes": council.notes,
    }
    form = CouncilForm(
        request.POST or None,
        initial=initial,
        target_areas=selectors.caps_target_areas_for_user(request.user),
        target_area=council.target_area,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.council_update(actor=request.user, council=council, **form.cleaned_data)
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Council saved."))
            return redirect("caps:council_detail", pk=council.pk)
    back = reverse("caps:council_detail", args=[council.pk])
    return _form_page(request, form=form, title=_("Change council"), back=back, submit=_("Save"))


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest, pk: int) -> HttpResponse:
    council = _get_or_404(selectors.council_get_for_user, request, pk, Council)
    form = CouncilMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.council_member_add(actor=request.user, council=council, **form.cleaned_data)
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Member added."))
            if "another" in request.POST:
                return redirect("caps:member_create", pk=council.pk)
            return redirect("caps:council_detail", pk=council.pk)
    back = reverse("caps:council_detail", args=[council.pk])
    return _form_page(
        request,
        form=form,
        title=_("Add a member to %(council)s") % {"council": council.name},
        back=back,
        submit=_("Add"),
        extra={"add_another": True},
    )


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _get_or_404(selectors.council_member_get_for_user, request, pk, CouncilMember)
    initial = {
        "name": member.name,
        "sex": member.sex,
        "role": member.role,
        "population_group": member.population_group,
        "joined_on": member.joined_on,
        "left_on": member.left_on,
    }
    form = CouncilMemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.council_member_update(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Member saved."))
            return redirect("caps:council_detail", pk=member.council_id)
    back = reverse("caps:council_detail", args=[member.council_id])
    return _form_page(
        request,
        form=form,
        title=_("Change member %(name)s") % {"name": member.name},
        back=back,
        submit=_("Save"),
        extra={"remove_url": reverse("caps:member_delete", args=[member.pk])},
    )


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def member_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member = _get_or_404(selectors.council_member_get_for_user, request, pk, CouncilMember)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.council_member_remove(actor=request.user, member=member, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Member removed."))
            return redirect("caps:council_detail", pk=member.council_id)
    back = reverse("caps:member_edit", args=[member.pk])
    return _form_page(
        request,
        form=form,
        title=_("Remove %(name)s, recorded by mistake") % {"name": member.name},
        back=back,
        submit=_("Remove"),
        extra={"danger": True},
    )


# --- Workshops -------------------------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def workshop_list(request: HttpRequest) -> HttpResponse:
    target_areas = selectors.caps_target_areas_for_user(request.user)
    form = TargetAreaFilterForm(request.GET or None, target_areas=target_areas)
    workshops = selectors.workshops_for_user(request.user)
    if form.is_valid() and form.cleaned_data.get("target_area"):
        workshops = workshops.filter(target_area=form.cleaned_data["target_area"])
    page = page_of(request, workshops)
    rows = [
        {
            "workshop": w,
            "summary": rules.participation_summary((p.group, p.women, p.men) for p in w.participation.all()),
        }
        for w in page
    ]
    return render(
        request,
        "caps/workshop_list.html",
        {"form": form, "page": page, "rows": rows, "can_create": _role(request) in rules.EDITOR_ROLES},
    )


def _workshop_form(request: HttpRequest, *, target_area=None, initial=None) -> WorkshopForm:
    return WorkshopForm(
        request.POST or None,
        initial=initial,
        target_areas=selectors.caps_target_areas_for_user(request.user),
        councils=selectors.councils_for_user(request.user),
        target_area=target_area,
    )


def _workshop_values(form: WorkshopForm) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if not k.startswith(("women_", "men_"))}
    data["participation"] = form.participation()
    return data


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def workshop_create(request: HttpRequest) -> HttpResponse:
    form = _workshop_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(actor=request.user, **_workshop_values(form))
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Workshop recorded."))
            return redirect("caps:workshop_detail", pk=workshop.pk)
    return render(
        request,
        "caps/workshop_form.html",
        {"form": form, "title": _("New planning workshop"), "back": reverse("caps:workshop_list")},
    )


@role_required(*READERS)
@require_GET
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_or_404(selectors.workshop_get_for_user, request, pk, Workshop)
    summary = rules.participation_summary((p.group, p.women, p.men) for p in workshop.participation.all())
    plans = selectors.plans_for_user(request.user).filter(workshops=workshop)
    return render(
        request,
        "caps/workshop_detail.html",
        {
            "workshop": workshop,
            "summary": summary,
            "plans": plans,
            "facilitators": [line.strip() for line in workshop.facilitators.splitlines() if line.strip()],
            "can_edit": _role(request) in rules.EDITOR_ROLES,
        },
    )


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def workshop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_or_404(selectors.workshop_get_for_user, request, pk, Workshop)
    initial = {
        "held_on": workshop.held_on,
        "place": workshop.place,
        "settlement": workshop.settlement,
        "council": workshop.council,
        "facilitators": workshop.facilitators,
        "notes": workshop.notes,
        **WorkshopForm.initial_participation(workshop),
    }
    form = _workshop_form(request, target_area=workshop.target_area, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.workshop_update(actor=request.user, workshop=workshop, **_workshop_values(form))
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Workshop saved."))
            return redirect("caps:workshop_detail", pk=workshop.pk)
    return render(
        request,
        "caps/workshop_form.html",
        {
            "form": form,
            "title": _("Change workshop"),
            "back": reverse("caps:workshop_detail", args=[workshop.pk]),
            "workshop": workshop,
        },
    )
