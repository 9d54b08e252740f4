"""HTTP for monitoring: the officer's check-ins due, the check-in call form, movements and their steps, a
household's timeline, completion rates per wave and the reminders list. Thin: parse, fetch through
selectors, call services, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assistance import selectors as assistance_selectors
from core.permissions import role_required
from core.scoping import scope_for
from core.views import form_errors_into, page_of
from profiling import selectors as profiling_selectors
from profiling.models import Household
from referrals import selectors as referral_selectors

from . import rules, selectors, services
from .forms import (
    ArrivalForm,
    CheckInForm,
    CompletionFilterForm,
    DepartureForm,
    GoAndSeeForm,
    MovementFilterForm,
    MovementForm,
)
from .models import CheckIn, MovementCase, MovementStatus

READERS = tuple(rules.READER_ROLES)
MONITORS = tuple(rules.MONITOR_ROLES)
REPORTERS = tuple(rules.REPORT_ROLES)


def _get_or_404(getter, request: HttpRequest, pk: int, model):
    try:
        return getter(user=request.user, pk=pk)
    except model.DoesNotExist:
        raise Http404 from None


def _may_record(request: HttpRequest) -> bool:
    scope = scope_for(request.user)
    return scope is not None and scope.role in rules.MONITOR_ROLES


# --- Check-ins ------------------------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def checkin_list(request: HttpRequest) -> HttpResponse:
    """The officer's check-in calls due today and overdue (``?team=1``: everyone's, for a manager)."""
    today = timezone.localdate()
    team = request.GET.get("team") == "1"
    page = page_of(request, selectors.checkins_due(request.user, today=today, mine=not team))
    rows = [{"check_in": c, "state": c.state_on(today)} for c in page]
    return render(
        request,
        "monitoring/checkin_list.html",
        {"page": page, "rows": rows, "team": team, "today": today, "can_record": _may_record(request)},
    )


@role_required(*MONITORS)
@require_http_methods(["GET", "POST"])
def checkin_record(request: HttpRequest, pk: int) -> HttpResponse:
    check_in = _get_or_404(selectors.checkin_get_for_user, request, pk, CheckIn)
    offered = referral_selectors.services_for_referral(request.user, area=check_in.household.settlement).filter(
        sector__startswith="PRO"
    )
    form = CheckInForm(request.POST or None, services=offered)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                check_in = services.checkin_record(actor=request.user, check_in=check_in, **form.service_kwargs())
            except ValidationError as error:
                form_errors_into(form, error)
            else:
                if check_in.is_open:
                    messages.info(
                        request,
                        _("Attempt %(n)d recorded; the check-in stays open for another call.")
                        % {"n": check_in.attempts},
                    )
                else:
                    messages.success(
                        request, _("Check-in recorded: %(status)s.") % {"status": check_in.get_status_display()}
                    )
                if check_in.referral_id:
                    messages.success(request, _("Referral %(ref)s sent.") % {"ref": check_in.referral.reference})
                return redirect("monitoring:checkin_list")
        status = 400
    return render(
        request,
        "monitoring/checkin_form.html",
        {"check_in": check_in, "form": form, "state": check_in.state_on(timezone.localdate())},
        status=status,
    )


# --- Movements ------------------------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def movement_list(request: HttpRequest) -> HttpResponse:
    form = MovementFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    movements = selectors.movement_search(
        request.user, status=filters.get("status", ""), intention=filters.get("intention", "")
    )
    return render(
        request,
        "monitoring/movement_list.html",
        {"form": form, "page": page_of(request, movements), "can_record": _may_record(request)},
    )


@role_required(*MONITORS)
@require_http_methods(["GET", "POST"])
def movement_create(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    household_id = params.get("household")
    if not household_id or not str(household_id).isdigit():
        raise Http404
    household = _get_or_404(profiling_selectors.household_get_for_user, request, int(household_id), Household)
    initial = {"origin": household.origin.pcode if household.origin_id else "", "barriers": household.return_barriers}
    form = MovementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            movement = services.movement_register(
                actor=request.user,
                household=household,
                intention=data["intention"],
                origin=data["origin"],
                destination=data["destination"],
                barriers=data["barriers"],
                notes=data["notes"],
            )
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Movement %(ref)s registered.") % {"ref": movement.reference})
            return redirect("monitoring:movement_detail", pk=movement.pk)
    return render(
        request,
        "monitoring/movement_form.html",
        {"form": form, "household": household},
        status=400 if request.method == "POST" else 200,
    )


def _render_detail(request: HttpRequest, movement: MovementCase, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    can_record = _may_record(request)
    early = movement.status in (MovementStatus.REGISTERED, MovementStatus.GO_AND_SEE)
    context = {
        "movement": movement,
        "visits": list(movement.go_and_see_visits.all()),
        "check_ins": selectors.checkins_of_household(user=request.user, household=movement.household),
        "today": timezone.localdate(),
        "go_and_see_form": (forms.get("go_and_see") or GoAndSeeForm()) if can_record and early else None,
        "departure_form": (forms.get("depart") or DepartureForm()) if can_record and early else None,
        "arrival_form": (forms.get("arrive") or ArrivalForm(initial={"place": movement.destination.pcode}))
        if can_record and movement.status == MovementStatus.DEPARTED
        else None,
    }
    return render(request, "monitoring/movement_detail.html", context, status=status)


@role_required(*READERS)
@require_GET
def movement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _get_or_404(selectors.movement_get_for_user, request, pk, MovementCase))


def _step(request: HttpRequest, pk: int, key: str, form_class, call, done: str) -> HttpResponse:
    movement = _get_or_404(selectors.movement_get_for_user, request, pk, MovementCase)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(movement, form.cleaned_data)
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, done)
            return redirect("monitoring:movement_detail", pk=movement.pk)
    movement = _get_or_404(selectors.movement_get_for_user, request, pk, MovementCase)
    return _render_detail(request, movement, forms={key: form}, status=400)


@role_required(*MONITORS)
@require_POST
def movement_go_and_see(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "go_and_see",
        GoAndSeeForm,
        lambda m, d: services.movement_go_and_see(actor=request.user, movement=m, **d),
        _("Go-and-see visit recorded."),
    )


@role_required(*MONITORS)
@require_POST
def movement_depart(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "depart",
        DepartureForm,
        lambda m, d: services.movement_depart(actor=request.user, movement=m, **d),
        _("Departure confirmed."),
    )


@role_required(*MONITORS)
@require_POST
def movement_arrive(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "arrive",
        ArrivalForm,
        lambda m, d: services.movement_arrive(actor=request.user, movement=m, **d),
        _("Arrival confirmed; the check-in calls are scheduled."),
    )


# --- Household timeline ---------------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def household_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything that happened to a household after profiling, oldest first: movement steps, check-ins,
    referrals and assistance."""
    household = _get_or_404(profiling_selectors.household_get_for_user, request, pk, Household)
    return render(
        request,
        "monitoring/household_timeline.html",
        {"household": household, "events": _timeline(request.user, household), "today": timezone.localdate()},
    )


def _timeline(user, household) -> list[dict]:
    events = []
    for movement in selectors.movements_of_household(user=user, household=household):
        events.append(
            {"on": movement.registered_on, "kind": "movement", "label": _("Movement registered"), "obj": movement}
        )
        for visit in movement.go_and_see_visits.all():
            events.append({"on": visit.visited_on, "kind": "go_and_see", "label": _("Go-and-see visit"), "obj": visit})
        if movement.departed_on:
            events.append({"on": movement.departed_on, "kind": "departure", "label": _("Departed"), "obj": movement})
        if movement.arrived_on:
            events.append({"on": movement.arrived_on, "kind": "arrival", "label": _("Arrived"), "obj": movement})
    for check_in in selectors.checkins_of_household(user=user, household=household):
        on = check_in.completed_at.date() if check_in.completed_at else check_in.due_on
        events.append({"on": on, "kind": "check_in", "label": _("Check-in"), "obj": check_in})
    for referral in referral_selectors.referrals_of_household(user=user, household=household):
        events.append({"on": referral.sent_at.date(), "kind": "referral", "label": _("Referral"), "obj": referral})
    records = assistance_selectors.records_for_user(user).filter(household=household).select_related("activity_type")
    for record in records.order_by("-planned_date")[:100]:
        events.append(
            {
                "on": record.delivered_on or record.planned_date,
                "kind": "assistance",
                "label": _("Assistance"),
                "obj": record,
            }
        )
    return sorted(events, key=lambda e: e["on"])


# --- Completion per wave --------------------------------------------------------------------------


@role_required(*REPORTERS)
@require_GET
def completion(request: HttpRequest) -> HttpResponse:
    form = CompletionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.checkin_completion_by_wave(
        request.user, area=filters.get("area"), start=filters.get("start"), end=filters.get("end")
    )
    return render(request, "monitoring/completion.html", {"form": form, "rows": rows})


# --- Reminders ------------------------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.notifications_for_user(request.user))
    return render(request, "monitoring/notification_list.html", {"page": page, "today": timezone.localdate()})


@role_required(*READERS)
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(actor=request.user)
    return redirect("monitoring:notification_list")
