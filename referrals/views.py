"""HTTP for referrals: the service directory, the walk-in log, referrals (create, list, inbox, detail and
their steps) and the complaints register. Thin: parse, fetch through selectors, call services, render.

Searches by name or phone post their text (``PrivateSearchMiddleware``) so it never lands in a URL.
Every opening of a sensitive referral, and of any complaint, is audited (``core.audit.audit_read``).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import selectors as core_selectors
from core.audit import audit_read
from core.models import AdminArea, Organisation, Role
from core.pcodes import normalise_pcode
from core.permissions import role_required
from core.scoping import scope_for
from core.views import form_errors_into, page_of
from profiling import selectors as profiling_selectors
from profiling.filters import HouseholdFilter
from profiling.models import ConsentPurpose, Household

from . import rules, selectors, services
from .forms import (
    SETTLEMENT_LEVELS,
    AssignForm,
    CloseComplaintForm,
    ComplaintFilterForm,
    ComplaintForm,
    FollowUpForm,
    FollowUpRecordForm,
    HouseholdSearchForm,
    LinkHouseholdForm,
    NoteForm,
    ReferralFilterForm,
    ReferralForm,
    RespondForm,
    ServiceFilterForm,
    ServiceForm,
    StepForm,
    VisitFilterForm,
    VisitForm,
)
from .models import Complaint, FollowUp, Referral, ReferralStatus, Service, Visit

ALL = tuple(Role.values)
STAFF = (Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN)
REFERRERS = tuple(rules.REFERRER_ROLES)
DESK = tuple(rules.DESK_ROLES)
VISIT_READERS = tuple(rules.VISIT_READER_ROLES)
COMPLAINT_READERS = tuple(rules.COMPLAINT_READER_ROLES | rules.COMPLAINT_FOCAL_POINT_ROLES)
COMPLAINT_RECORDERS = tuple(rules.COMPLAINT_RECORDER_ROLES)
HOUSEHOLD_RESULTS = 20


def _role(request: HttpRequest) -> str | None:
    scope = scope_for(request.user)
    return scope.role if scope else None


def _get_or_404(getter, request: HttpRequest, pk: int, model):
    try:
        return getter(user=request.user, pk=pk)
    except model.DoesNotExist:
        raise Http404 from None


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


# --- The service directory ------------------------------------------------------------------------


@role_required(*ALL)
@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    form = ServiceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    area = None
    if filters.get("area"):
        area = AdminArea.objects.filter(pcode=normalise_pcode(filters["area"])).first()
        if area is None:
            form.add_error("area", _("Unknown P-code."))
    entries = (
        selectors.services_search(
            request.user,
            sector=filters.get("sector", ""),
            area=area,
            provider_id=filters["provider"].pk if filters.get("provider") else None,
            text=filters.get("text", ""),
        )
        if not form.errors
        else Service.objects.none()
    )
    return render(
        request,
        "referrals/service_list.html",
        {"form": form, "services": page_of(request, entries), "can_add": selectors.may_add_services(request.user)},
    )


@role_required(*ALL)
@require_GET
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_or_404(selectors.service_get_for_user, request, pk, Service)
    return render(
        request,
        "referrals/service_detail.html",
        {
            "service": entry,
            "areas": sorted(entry.areas.all(), key=lambda a: a.pcode),
            "can_edit": selectors.services_editable_by(request.user).filter(pk=entry.pk).exists(),
        },
    )


@role_required(Role.MANAGER, Role.ADMIN, Role.PARTNER)
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    entry = None
    if pk is not None:
        try:
            entry = selectors.services_editable_by(request.user).get(pk=pk)
        except Service.DoesNotExist:
            raise Http404 from None
    scope = scope_for(request.user)
    providers = None
    if scope.role == Role.PARTNER:
        providers = Organisation.objects.filter(pk=scope.organisation_id)
    initial = {}
    if entry is not None:
        initial = {name: getattr(entry, name) for name in services.SERVICE_FIELDS}
        initial.update(provider=entry.provider, areas=list(entry.areas.all()))
    form = ServiceForm(request.POST or None, initial=initial, providers=providers)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.service_save(
                actor=request.user,
                service_entry=entry,
                provider=form.cleaned_data["provider"],
                areas=form.cleaned_data["areas"],
                values=form.values(),
            )
        except ValidationError as error:
            form_errors_into(form, error)
        except PermissionDenied as error:
            form.add_error("provider", str(error))
        else:
            messages.success(request, _("Directory entry saved."))
            return redirect("referrals:service_detail", pk=saved.pk)
    return render(request, "referrals/service_form.html", {"form": form, "service": entry})


# --- Walk-ins -------------------------------------------------------------------------------------


@role_required(*VISIT_READERS)
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    centres = selectors.centres_for_user(request.user)
    form = VisitFilterForm(request.GET or None, user=request.user, centres=centres)
    filters = form.cleaned_data if form.is_valid() else {}
    day = filters.get("day") or timezone.localdate()
    visits = selectors.visits_on(request.user, day=day, centre=filters.get("centre"))
    return render(
        request,
        "referrals/visit_list.html",
        {
            "form": form,
            "visits": page_of(request, visits),
            "day": day,
            "is_today": day == timezone.localdate(),
            "can_log": _role(request) in rules.DESK_ROLES,
        },
    )


def _household_matches(request: HttpRequest) -> tuple[HouseholdSearchForm, list[Household] | None]:
    """Households matching the text posted in the private search (restored into ``request.GET``)."""
    search = HouseholdSearchForm(request.GET or None)
    text = search.cleaned_data.get("q", "").strip() if search.is_valid() else ""
    if not text:
        return search, None
    found = HouseholdFilter({"q": text}, queryset=profiling_selectors.households_for_user(request.user))
    return search, list(found.qs.select_related("settlement__parent")[:HOUSEHOLD_RESULTS])


@role_required(*DESK)
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest) -> HttpResponse:
    """Log a walk-in: find the household first, or take the quick path with a few visitor details."""
    household = None
    household_id = _int(request.GET.get("household") or request.POST.get("household"))
    if household_id:
        household = _get_or_404(profiling_selectors.household_get_for_user, request, household_id, Household)
    quick = household is None and (request.GET.get("quick") == "1" or request.POST.get("quick") == "1")
    centres = selectors.centres_for_user(request.user)
    search, matches = _household_matches(request) if household is None and not quick else (None, None)
    form = None
    if household is not None or quick:
        settlements = core_selectors.areas_for_user(request.user, level=3).order_by("parent__name", "name")
        form = VisitForm(request.POST or None, centres=centres, household=household, settlements=settlements)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            visit = services.visit_record(
                actor=request.user,
                centre=form.cleaned_data["centre"],
                household=household,
                member=form.cleaned_data.get("member"),
                visitor=form.visitor(),
                purposes=form.cleaned_data["purposes"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Walk-in logged."))
            if "referral" in visit.purposes:
                return redirect(f"{reverse('referrals:referral_create')}?visit={visit.pk}")
            return redirect("referrals:visit_detail", pk=visit.pk)
    return render(
        request,
        "referrals/visit_form.html",
        {
            "form": form,
            "household": household,
            "quick": quick,
            "search": search,
            "matches": matches,
            "no_centre": not centres.exists(),
        },
    )


@role_required(*VISIT_READERS)
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _get_or_404(selectors.visit_get_for_user, request, pk, Visit)
    search, matches = _household_matches(request) if visit.is_quick else (None, None)
    return render(
        request,
        "referrals/visit_detail.html",
        {
            "visit": visit,
            "referrals": selectors.referrals_of_visit(user=request.user, visit=visit),
            "search": search,
            "matches": matches,
            "can_change": _role(request) in rules.DESK_ROLES,
            "can_refer": _role(request) in rules.REFERRER_ROLES,
        },
    )


@role_required(*DESK)
@require_POST
def visit_link(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _get_or_404(selectors.visit_get_for_user, request, pk, Visit)
    form = LinkHouseholdForm(request.POST)
    if not form.is_valid():
        raise Http404
    household = _get_or_404(
        profiling_selectors.household_get_for_user, request, form.cleaned_data["household"], Household
    )
    try:
        services.visit_link_household(actor=request.user, visit=visit, household=household)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, _("Walk-in linked to household %(ref)s.") % {"ref": household.reference})
    return redirect("referrals:visit_detail", pk=visit.pk)


# --- Referrals ------------------------------------------------------------------------------------


@role_required(*REFERRERS)
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest) -> HttpResponse:
    """Refer a household, one of its members, or a walk-in to a service (``?household=`` / ``?visit=``)."""
    params = request.POST if request.method == "POST" else request.GET
    visit = household = member = None
    if _int(params.get("visit")):
        visit = _get_or_404(selectors.visit_get_for_user, request, _int(params.get("visit")), Visit)
        if visit.household_id:
            household = _get_or_404(profiling_selectors.household_get_for_user, request, visit.household_id, Household)
            member = visit.member
    elif _int(params.get("household")):
        household = _get_or_404(
            profiling_selectors.household_get_for_user, request, _int(params["household"]), Household
        )
    else:
        raise Http404
    if household is not None and _int(request.GET.get("member")):
        member = household.members.filter(pk=_int(request.GET.get("member"))).first()
    where = household.settlement if household else (visit.visitor_settlement or visit.centre.area)
    offered = selectors.services_for_referral(request.user, area=where)
    may_override = selectors.may_override_consent(request.user)
    form = ReferralForm(
        request.POST or None,
        user=request.user,
        services=offered,
        household=household,
        may_override=may_override,
        initial={"member": member.pk if member else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                actor=request.user,
                household=household,
                member=data.get("member"),
                visit=visit,
                service=data["service"],
                reason=data["reason"],
                urgency=data["urgency"],
                deadline=data.get("deadline"),
                sensitive=data["sensitive"],
                consent_given_now=data.get("consent_given_now", False),
                consent_override_reason=data.get("consent_override_reason", ""),
                client_phone=data["client_phone"] or None,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "consent" in error.error_dict:
                target = "consent_given_now" if "consent_given_now" in form.fields else None
                form.add_error(target, error.error_dict.pop("consent"))
            form_errors_into(form, error)
        else:
            if selectors.referrals_for_user(request.user).filter(pk=referral.pk).exists():
                messages.success(request, _("Referral %(ref)s sent.") % {"ref": referral.reference})
                return redirect("referrals:referral_detail", pk=referral.pk)
            messages.success(
                request,
                _(
                    "Referral %(ref)s sent as a sensitive case. Only staff with the sensitive-case permission "
                    "can open it from now on."
                )
                % {"ref": referral.reference},
            )
            if household is not None:
                return redirect("profiling:household_detail", pk=household.pk)
            return redirect("referrals:visit_detail", pk=visit.pk)
    consents = []
    if household is not None:
        answers = {c.purpose: c for c in household.consents.all()}
        consents = [(label, answers.get(code)) for code, label in _consent_purposes()]
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "household": household,
            "visit": visit,
            "where": where,
            "consents": consents,
            "may_override": may_override,
            "no_services": not offered.exists(),
        },
    )


def _consent_purposes():
    return [(p, p.label) for p in (ConsentPurpose.REFERRAL, ConsentPurpose.PARTNER_SHARING)]


def _referral_rows(referrals, today: datetime.date) -> list[dict]:
    return [
        {
            "referral": r,
            "overdue": rules.is_overdue(deadline=r.deadline, status=r.status, today=today),
            "days_overdue": rules.days_overdue(deadline=r.deadline, status=r.status, today=today),
        }
        for r in referrals
    ]


def _referral_list(request: HttpRequest, *, inbox: bool) -> HttpResponse:
    form = ReferralFilterForm(request.GET or None, inbox=inbox)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    referrals = selectors.referral_search(
        request.user,
        status=filters.get("status", ""),
        overdue=filters.get("overdue", False),
        sector=filters.get("sector", ""),
        receiving_organisation_id=filters["receiving_organisation"].pk
        if filters.get("receiving_organisation")
        else None,
        text=filters.get("q", ""),
        today=today,
    )
    if inbox:
        scope = scope_for(request.user)
        referrals = referrals.filter(receiving_organisation_id=scope.organisation_id)
    page = page_of(request, referrals)
    services.sensitive_referrals_listed(actor=request.user, referrals=page.object_list)
    return render(
        request,
        "referrals/referral_list.html",
        {
            "form": form,
            "page": page,
            "rows": _referral_rows(page, today),
            "inbox": inbox,
            "restricted": selectors.restricted_referral_total(request.user),
            "today": today,
        },
    )


@role_required(*STAFF)
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    return _referral_list(request, inbox=False)


@role_required(*ALL)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Referrals addressed to the user's organisation: a partner's, or an internal unit's."""
    return _referral_list(request, inbox=True)


def _referral_or_404(request: HttpRequest, pk: int) -> Referral:
    return _get_or_404(selectors.referral_detail_for_user, request, pk, Referral)


@role_required(*rules.REFERRAL_READER_ROLES)
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    if referral.sensitive:
        audit_read(actor=request.user, target=referral)
    return _render_detail(request, referral)


def _render_detail(request: HttpRequest, referral: Referral, *, forms: dict | None = None, status: int = 200):
    today = timezone.localdate()
    party = selectors.party_of(request.user, referral)
    steps = rules.available_transitions(status=referral.status, party=party)
    forms = forms or {}
    records = forms.get("records", {})
    context = {
        "referral": referral,
        "party": party,
        "is_receiver": party == rules.Party.RECEIVER,
        "is_referrer": party == rules.Party.REFERRER,
        "steps": steps,
        "step_form": forms.get("step") or StepForm(),
        "overdue": rules.is_overdue(deadline=referral.deadline, status=referral.status, today=today),
        "days_overdue": rules.days_overdue(deadline=referral.deadline, status=referral.status, today=today),
        "events": list(referral.events.all()),
        "follow_up_rows": [
            {
                "follow_up": f,
                "form": records.get(f.pk)
                or FollowUpRecordForm(
                    prefix=f"record-{f.pk}", user=request.user, initial={"done_on": today, "method": f.method}
                ),
            }
            for f in referral.follow_ups.all()
        ],
        "can_feedback": rules.may_give_feedback(party=party, status=referral.status),
        "can_follow_up": rules.may_follow_up(party=party, status=referral.status),
        "can_message": party is not None and referral.status != "closed",
        "feedback_form": forms.get("feedback") or NoteForm(prefix="feedback", label=_("Feedback")),
        "message_form": forms.get("message") or NoteForm(prefix="message"),
        "follow_up_form": forms.get("follow_up") or FollowUpForm(prefix="follow_up", user=request.user),
        "today": today,
    }
    return render(request, "referrals/referral_detail.html", context, status=status)


def _refused(request, referral, error, key, form) -> HttpResponse:
    if isinstance(error, PermissionDenied):
        raise error
    form_errors_into(form, error)
    return _render_detail(request, referral, forms={key: form}, status=400)


@role_required(*rules.REFERRAL_READER_ROLES)
@require_POST
def referral_step(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    form = StepForm(request.POST)
    verb = request.POST.get("verb", "")
    if verb not in rules.TRANSITIONS:
        form.add_error(None, _("Choose a step."))
    if not form.is_valid():
        return _render_detail(request, referral, forms={"step": form}, status=400)
    try:
        services.referral_transition(
            actor=request.user, referral=referral, verb=verb, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as error:
        if isinstance(error, ValidationError) and "status" in getattr(error, "message_dict", {}):
            error = ValidationError({"reason": error.message_dict["status"]})
        return _refused(request, referral, error, "step", form)
    messages.success(
        request,
        _("Referral %(ref)s is now “%(status)s”.")
        % {"ref": referral.reference, "status": ReferralStatus(rules.TRANSITIONS[verb].target).label},
    )
    return redirect("referrals:referral_detail", pk=referral.pk)


@role_required(*rules.REFERRAL_READER_ROLES)
@require_POST
def referral_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    form = NoteForm(request.POST, prefix="feedback", label=_("Feedback"))
    if form.is_valid():
        try:
            services.referral_feedback(actor=request.user, referral=referral, note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as error:
            return _refused(request, referral, error, "feedback", form)
        messages.success(request, _("Feedback sent to the referring desk."))
        return redirect("referrals:referral_detail", pk=referral.pk)
    return _render_detail(request, referral, forms={"feedback": form}, status=400)


@role_required(*rules.REFERRAL_READER_ROLES)
@require_POST
def referral_message(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    form = NoteForm(request.POST, prefix="message")
    if form.is_valid():
        try:
            services.referral_message(actor=request.user, referral=referral, note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as error:
            return _refused(request, referral, error, "message", form)
        return redirect("referrals:referral_detail", pk=referral.pk)
    return _render_detail(request, referral, forms={"message": form}, status=400)


@role_required(*REFERRERS)
@require_POST
def follow_up_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    form = FollowUpForm(request.POST, prefix="follow_up", user=request.user)
    if form.is_valid():
        try:
            services.follow_up_schedule(actor=request.user, referral=referral, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            return _refused(request, referral, error, "follow_up", form)
        messages.success(request, _("Follow-up planned."))
        return redirect("referrals:referral_detail", pk=referral.pk)
    return _render_detail(request, referral, forms={"follow_up": form}, status=400)


@role_required(*REFERRERS)
@require_POST
def follow_up_record(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        follow_up = selectors.follow_ups_for_user(request.user).get(pk=pk)
    except FollowUp.DoesNotExist:
        raise Http404 from None
    referral = _referral_or_404(request, follow_up.referral_id)
    form = FollowUpRecordForm(request.POST, prefix=f"record-{follow_up.pk}", user=request.user)
    if form.is_valid():
        try:
            services.follow_up_record(actor=request.user, follow_up=follow_up, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                raise
            form_errors_into(form, error)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect("referrals:referral_detail", pk=referral.pk)
    return _render_detail(request, referral, forms={"records": {follow_up.pk: form}}, status=400)


# --- Complaints -----------------------------------------------------------------------------------


@role_required(*COMPLAINT_READERS)
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    form = ComplaintFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    complaints = selectors.complaint_search(
        request.user,
        status=filters.get("status", ""),
        category=filters.get("category", ""),
        channel=filters.get("channel", ""),
        overdue=filters.get("overdue", False),
        mine=filters.get("mine", False),
        text=filters.get("q", ""),
        today=today,
    )
    page = page_of(request, complaints)
    rows = [
        {"complaint": c, "overdue": rules.complaint_overdue(due_on=c.due_on, status=c.status, today=today)}
        for c in page
    ]
    return render(
        request,
        "referrals/complaint_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "restricted": selectors.restricted_complaint_total(request.user),
            "can_record": _role(request) in rules.COMPLAINT_RECORDER_ROLES,
        },
    )


@role_required(*COMPLAINT_RECORDERS)
@require_http_methods(["GET", "POST"])
def complaint_create(request: HttpRequest) -> HttpResponse:
    areas = core_selectors.areas_for_user(request.user).filter(level__in=SETTLEMENT_LEVELS).order_by("-level", "name")
    centres = selectors.centres_for_user(request.user)
    focal_points = selectors.complaint_focal_points_for_user(request.user)
    household = None
    if _int(request.GET.get("household")):
        household = _get_or_404(
            profiling_selectors.household_get_for_user, request, _int(request.GET["household"]), Household
        )
    initial = {"received_on": timezone.localdate(), "kind": "complaint"}
    if household is not None:
        initial.update(
            area=household.settlement_id, complainant_name=household.head_name, complainant_phone=household.phone
        )
    if centres.count() == 1:
        initial["centre"] = centres.first().pk
    form = ComplaintForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        areas=areas,
        centres=centres,
        focal_points=focal_points,
    )
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_register(
                actor=request.user, data=services.ComplaintInput(**form.cleaned_data, household=household)
            )
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            if selectors.complaints_for_user(request.user).filter(pk=complaint.pk).exists():
                messages.success(request, _("Recorded as %(ref)s.") % {"ref": complaint.reference})
                return redirect("referrals:complaint_detail", pk=complaint.pk)
            if complaint.is_psea and complaint.assigned_to_id is None:
                messages.warning(
                    request,
                    _(
                        "Recorded as %(ref)s. No PSEA focal point covers this place yet: tell your manager that a "
                        "PSEA focal point must be named. The complaint is kept confidential until then."
                    )
                    % {"ref": complaint.reference},
                )
            else:
                messages.success(
                    request,
                    _("Recorded as %(ref)s and passed on confidentially to its focal point.")
                    % {"ref": complaint.reference},
                )
            return redirect("core:home")
    return render(request, "referrals/complaint_form.html", {"form": form, "household": household})


def _complaint_or_404(request: HttpRequest, pk: int) -> Complaint:
    return _get_or_404(selectors.complaint_get_for_user, request, pk, Complaint)


def _render_complaint(request: HttpRequest, complaint: Complaint, *, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    scope = scope_for(request.user)
    holds_psea = selectors.is_psea_focal_point(request.user)
    may_handle = complaint.status != "closed" and rules.may_handle_complaint(
        is_psea=complaint.is_psea,
        holds_psea=holds_psea,
        is_assignee=complaint.assigned_to_id == request.user.pk,
        role=scope.role,
    )
    may_assign = complaint.status != "closed" and rules.may_assign_complaint(
        is_psea=complaint.is_psea, holds_psea=holds_psea, role=scope.role
    )
    today = timezone.localdate()
    context = {
        "complaint": complaint,
        "overdue": rules.complaint_overdue(due_on=complaint.due_on, status=complaint.status, today=today),
        "may_handle": may_handle,
        "may_assign": may_assign,
        "assign_form": forms.get("assign")
        or (
            AssignForm(focal_points=selectors.complaint_focal_point_choices(complaint=complaint))
            if may_assign
            else None
        ),
        "respond_form": forms.get("respond") or RespondForm(user=request.user, initial={"responded_on": today}),
        "close_form": forms.get("close") or CloseComplaintForm(),
    }
    return render(request, "referrals/complaint_detail.html", context, status=status)


@role_required(*COMPLAINT_READERS)
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint_or_404(request, pk)
    audit_read(actor=request.user, target=complaint)
    return _render_complaint(request, complaint)


def _complaint_refused(request, complaint, error, key, form):
    if isinstance(error, PermissionDenied):
        raise error
    form_errors_into(form, error)
    return _render_complaint(request, complaint, forms={key: form}, status=400)


@role_required(*COMPLAINT_READERS)
@require_POST
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint_or_404(request, pk)
    form = AssignForm(request.POST, focal_points=selectors.complaint_focal_point_choices(complaint=complaint))
    if form.is_valid():
        try:
            services.complaint_assign(
                actor=request.user, complaint=complaint, assignee=form.cleaned_data["assigned_to"]
            )
        except (ValidationError, PermissionDenied) as error:
            return _complaint_refused(request, complaint, error, "assign", form)
        messages.success(request, _("Focal point assigned."))
        return redirect("referrals:complaint_detail", pk=complaint.pk)
    return _render_complaint(request, complaint, forms={"assign": form}, status=400)


@role_required(*COMPLAINT_READERS)
@require_POST
def complaint_respond(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint_or_404(request, pk)
    form = RespondForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.complaint_respond(actor=request.user, complaint=complaint, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            return _complaint_refused(request, complaint, error, "respond", form)
        messages.success(request, _("Response recorded."))
        return redirect("referrals:complaint_detail", pk=complaint.pk)
    return _render_complaint(request, complaint, forms={"respond": form}, status=400)


@role_required(*COMPLAINT_READERS)
@require_POST
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint_or_404(request, pk)
    form = CloseComplaintForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_close(
                actor=request.user,
                complaint=complaint,
                note=form.cleaned_data["note"],
                satisfied=form.satisfied_value(),
            )
        except (ValidationError, PermissionDenied) as error:
            return _complaint_refused(request, complaint, error, "close", form)
        messages.success(request, _("Complaint closed."))
        return redirect("referrals:complaint_detail", pk=complaint.pk)
    return _render_complaint(request, complaint, forms={"close": form}, status=400)
