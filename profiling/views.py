"""HTTP for profiling: parse, authorise, call a selector or a service, render. No writes here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.models import Job, Role
from core.navigation import sections_for
from core.permissions import role_required
from core.selectors import job_get_for_user
from core.views import form_errors_into, page_of

from . import rules, selectors, services
from .filters import AssessmentFilter, FacilityFilter, HouseholdFilter
from .forms import (
    AssessmentForm,
    DuplicateDecisionForm,
    FacilityForm,
    HouseholdForm,
    ImportForm,
    VulnerabilityModelForm,
    member_formset,
)
from .models import (
    BARRIER_CATEGORY,
    WG_DOMAINS,
    BarrierCategory,
    CommunityAssessment,
    DuplicatePair,
    Facility,
    Household,
    ReturnBarrier,
    VulnerabilityModel,
)

READERS = (Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN)
REGISTRARS = (Role.FIELD_STAFF, Role.MANAGER)


def _household_or_404(request: HttpRequest, pk: int) -> Household:
    try:
        return selectors.household_detail_for_user(user=request.user, pk=pk)
    except Household.DoesNotExist:
        raise Http404 from None


# --- households -------------------------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def household_list(request: HttpRequest) -> HttpResponse:
    filters = HouseholdFilter(request.GET, queryset=selectors.household_list_for_user(request.user))
    households = filters.qs if filters.is_valid() else filters.queryset.none()
    return render(
        request,
        "profiling/household_list.html",
        {"filter": filters, "households": page_of(request, households), "can_register": _can_register(request)},
    )


def _can_register(request) -> bool:
    from core.scoping import user_has_role

    return user_has_role(request.user, *REGISTRARS)


def _services_errors_into(form, formset, error: ValidationError) -> None:
    """A service error names a household field or ``members[i].field``: show it where it belongs."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    live = [f for f in formset.forms if f.cleaned_data]
    for key, errors in error.error_dict.items():
        if key.startswith("members["):
            index, _sep, field = key[len("members[") :].partition("].")
            target = live[int(index)] if index.isdigit() and int(index) < len(live) else None
            if target is not None:
                target.add_error(field if field in target.fields else None, errors)
                continue
            form.add_error(None, errors)
        elif key == "members":
            formset._non_form_errors = formset.error_class([e for err in errors for e in err.messages])
        elif key == "consents" or key.startswith("consent_"):
            field = key if key in form.fields else None
            form.add_error(field, errors)
        else:
            form.add_error(key if key in form.fields else None, errors)


def _render_household_form(request, context: dict, status: int = 200) -> HttpResponse:
    if request.htmx and request.POST.get("add_member"):
        return render(request, "profiling/partials/members.html", context)
    return render(request, "profiling/household_form.html", context, status=status)


@role_required(*REGISTRARS)
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    adding = bool(data and data.get("add_member"))
    form = HouseholdForm(data, user=request.user, initial={"intention": "undecided"})
    formset = member_formset(data, add=1 if adding else 0, initial=None if data else [{"relationship": "head"}])
    context = {"form": form, "formset": formset, "creating": True}
    if not form.fields["settlement"].queryset.exists():
        context["no_settlements"] = True
    if request.method == "POST" and not adding and form.is_valid() and formset.is_valid():
        try:
            household = services.household_register(
                actor=request.user,
                data=form.household_input(),
                members=formset.member_inputs(),
                consents=form.consent_inputs(),
                acknowledged_duplicates=form.acknowledged_ids() if "save_anyway" in request.POST else None,
            )
        except services.DuplicatesFound as found:
            context.update(_duplicate_context(request, found.candidates))
            return _render_household_form(request, context, status=409)
        except ValidationError as error:
            _services_errors_into(form, formset, error)
        else:
            messages.success(
                request, _("Household %(ref)s registered with %(n)s members.") % {"ref": household, "n": household.size}
            )
            return redirect("profiling:household_detail", pk=household.pk)
    return _render_household_form(request, context)


def _duplicate_context(request, candidates) -> dict:
    """The candidates the user may see in full; the others are only counted (they are in areas the user
    does not work in) and go to a reviewer who can see both."""
    visible = {
        h.pk: h for h in selectors.households_for_user(request.user).filter(pk__in=[c.household_id for c in candidates])
    }
    reasons = {"phone": _("same phone number"), "name_dob_district": _("similar head's name, birth date and district")}
    shown = [
        {"household": visible[c.household_id], "reasons": [reasons[r] for r in c.reasons], "similarity": c.similarity}
        for c in candidates
        if c.household_id in visible
    ]
    return {
        "candidates": shown,
        "hidden_candidates": len(candidates) - len(shown),
        "acknowledged": ",".join(str(c.household_id) for c in candidates),
    }


@role_required(*READERS)
@require_GET
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_or_404(request, pk)
    members = list(household.members.all())
    today = timezone.localdate()
    rows = []
    for member in members:
        age = member.age_on(today)
        rows.append(
            {
                "member": member,
                "age": age,
                "age_group": rules.age_group(age),
                "wg": [(member._meta.get_field(d).verbose_name, getattr(member, d)) for d in WG_DOMAINS],
            }
        )
    barriers = {}
    for code in household.return_barriers:
        category = BARRIER_CATEGORY.get(code)
        if category:
            barriers.setdefault(BarrierCategory(category).label, []).append(ReturnBarrier(code).label)
    consents = {c.purpose: c for c in household.consents.all()}
    return render(
        request,
        "profiling/household_detail.html",
        {
            "household": household,
            "members": rows,
            "barriers": sorted(barriers.items()),
            "consents": consents.values(),
            "criteria": [rules.CRITERIA.get(c, c) for c in household.vulnerability_criteria],
            "band_label": rules.BAND_LABELS.get(household.vulnerability_band, household.vulnerability_band),
            "dependency_ratio": rules.dependency_ratio(r["age"] for r in rows),
            "pairs": selectors.household_duplicate_pairs(user=request.user, household=household),
            "sections": sections_for("household", request.user, household),
            "can_edit": _can_register(request),
        },
    )


def _household_initial(household: Household) -> tuple[dict, list[dict]]:
    initial = {
        "settlement": household.settlement_id,
        "displacement_status": household.displacement_status,
        "arrival_date": household.arrival_date,
        "origin": household.origin.pcode if household.origin_id else "",
        "shelter_type": household.shelter_type,
        "phone": household.phone,
        "intention": household.intention,
        "return_barriers": household.return_barriers,
        "has_income": "yes" if household.has_income else "no",
        "has_debt": "yes" if household.has_debt else "no",
        "latitude": household.latitude,
        "longitude": household.longitude,
        "notes": household.notes,
        "version": household.version,
    }
    for consent in household.consents.all():
        initial[f"consent_{consent.purpose}"] = "yes" if consent.given else "no"
        initial[f"basis_{consent.purpose}"] = consent.legal_basis
    members = [
        {
            "id": m.pk,
            "name": m.name,
            "sex": m.sex,
            "relationship": m.relationship,
            "date_of_birth": None if m.date_of_birth_estimated else m.date_of_birth,
            "age": m.age if m.date_of_birth_estimated else None,
            **{d: getattr(m, d) for d in WG_DOMAINS},
            "chronic_illness": m.chronic_illness,
            "pregnant_or_lactating": m.pregnant_or_lactating,
            "documents": m.documents,
        }
        for m in household.members.all()
    ]
    return initial, members


@role_required(*REGISTRARS)
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_or_404(request, pk)
    data = request.POST if request.method == "POST" else None
    adding = bool(data and data.get("add_member"))
    initial, member_initial = _household_initial(household)
    form = HouseholdForm(data, user=request.user, initial=initial)
    # The household's own settlement stays selectable even if its target area has since closed.
    form.fields["settlement"].queryset = (
        form.fields["settlement"].queryset | type(household.settlement).objects.filter(pk=household.settlement_id)
    ).distinct()
    formset = member_formset(data, initial=member_initial, add=1 if adding else 0)
    context = {"form": form, "formset": formset, "household": household}
    if request.method == "POST" and not adding and form.is_valid() and formset.is_valid():
        expected = form.cleaned_data.get("version")
        try:
            services.household_update(
                actor=request.user,
                household=household,
                expected_version=expected if expected is not None else -1,
                data=form.household_input(),
                members=formset.member_inputs(),
                consents=form.consent_inputs(),
            )
        except services.EditConflict as conflict:
            context.update(_conflict_context(form, conflict.current))
            return _render_household_form(request, context, status=409)
        except ValidationError as error:
            _services_errors_into(form, formset, error)
        else:
            messages.success(request, _("Household %(ref)s saved.") % {"ref": household})
            return redirect("profiling:household_detail", pk=household.pk)
    return _render_household_form(request, context)


def _conflict_context(form: HouseholdForm, current: Household) -> dict:
    """Both versions side by side; the form keeps what the user typed, now based on the stored version,
    so saving again deliberately replaces it."""
    stored, _members = _household_initial(current)
    differences = []
    for name, field in form.fields.items():
        if name in ("version", "acknowledged"):
            continue
        mine = form.cleaned_data.get(name)
        theirs = stored.get(name)
        mine_shown = form[name].value() if not hasattr(mine, "pcode") else mine.pcode
        if str(_comparable(mine)) != str(_comparable(theirs)):
            differences.append(
                {"label": field.label, "theirs": _display(field, theirs), "mine": _display(field, mine_shown)}
            )
    data = form.data.copy()
    data["version"] = str(current.version)
    form.data = data
    return {
        "conflict": True,
        "current": current,
        "current_members": list(current.members.all()),
        "differences": differences,
    }


def _comparable(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple):
        return sorted(str(v) for v in value)
    return "" if value is None else value


def _display(field, value) -> str:
    choices = {str(k): v for k, v in getattr(field, "choices", []) if not isinstance(v, list | tuple)}
    if hasattr(field, "queryset") and value not in (None, ""):
        area = field.queryset.model.objects.filter(pk=getattr(value, "pk", value)).first()
        return str(area) if area else str(value)
    if isinstance(value, list | tuple):
        flat = {}
        for key, label in getattr(field, "choices", []):
            if isinstance(label, list | tuple):
                flat.update({str(k): v for k, v in label})
            else:
                flat[str(key)] = label
        return ", ".join(str(flat.get(str(v), v)) for v in value) or "—"
    if value in (None, ""):
        return "—"
    return str(choices.get(str(value), value))


# --- duplicates -------------------------------------------------------------------------------------


@role_required(*REGISTRARS)
@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "pending")
    pairs = selectors.duplicate_pairs_for_user(request.user, status=None if status == "all" else status)
    return render(request, "profiling/duplicate_list.html", {"pairs": page_of(request, pairs), "status": status})


@role_required(*REGISTRARS)
@require_http_methods(["GET", "POST"])
def duplicate_review(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        pair = selectors.duplicate_pair_get_for_user(user=request.user, pk=pk)
    except DuplicatePair.DoesNotExist:
        raise Http404 from None
    form = DuplicateDecisionForm(request.POST or None, initial={"status": pair.status, "note": pair.decision_note})
    if request.method == "POST" and form.is_valid():
        try:
            services.duplicate_decide(actor=request.user, pair=pair, **form.cleaned_data)
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("profiling:duplicate_list")
    sides = [
        selectors.household_detail_for_user(user=request.user, pk=pair.candidate_id),
        selectors.household_detail_for_user(user=request.user, pk=pair.household_id),
    ]
    return render(request, "profiling/duplicate_review.html", {"pair": pair, "sides": sides, "form": form})


# --- vulnerability model ----------------------------------------------------------------------------


@role_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def vulnerability_model(request: HttpRequest) -> HttpResponse:
    versions = list(selectors.vulnerability_models_for_user(request.user)[:20])
    active = next((v for v in versions if v.is_active), None)
    base = active or VulnerabilityModel(
        weights=dict(rules.DEFAULT_WEIGHTS), parameters=dict(rules.DEFAULT_PARAMETERS), bands=rules.DEFAULT_BANDS
    )
    form = VulnerabilityModelForm(request.POST or None, initial=VulnerabilityModelForm.initial_from(base))
    if request.method == "POST" and form.is_valid():
        weights, parameters, bands = form.spec()
        try:
            model, job = services.vulnerability_model_create(
                actor=request.user, weights=weights, parameters=parameters, bands=bands, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(
                request, _("Version %(v)s is active; households are being rescored.") % {"v": model.version}
            )
            return redirect("core:job_detail", pk=job.pk)
    return render(
        request,
        "profiling/vulnerability_model.html",
        {
            "form": form,
            "versions": versions,
            "active": active,
            "criteria": rules.CRITERIA,
            "bands": selectors.band_summary(request.user),
        },
    )


# --- import -----------------------------------------------------------------------------------------


@role_required(*REGISTRARS)
@require_http_methods(["GET", "POST"])
def household_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.household_import_start(
            actor=request.user,
            households_upload=form.cleaned_data["households"],
            members_upload=form.cleaned_data.get("members"),
            validate_only=request.POST.get("action") != "import",
        )
        return redirect("core:job_detail", pk=job.pk)
    return render(request, "profiling/import_form.html", {"form": form})


@role_required(*REGISTRARS)
@require_GET
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        job = job_get_for_user(request.user, pk=pk)
    except Job.DoesNotExist:
        raise Http404 from None
    if job.kind != "profiling.import":
        raise Http404
    households = None
    if not job.params.get("validate_only") and job.status == "succeeded":
        households = page_of(
            request, selectors.household_list_for_user(request.user).filter(import_job=job).order_by("id"), 100
        )
    return render(request, "profiling/import_report.html", {"job": job, "report": job.result, "households": households})


# --- assessments and facilities ---------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    filters = AssessmentFilter(request.GET, queryset=selectors.assessments_for_user(request.user))
    rows = filters.qs if filters.is_valid() else filters.queryset.none()
    return render(
        request,
        "profiling/assessment_list.html",
        {"filter": filters, "assessments": page_of(request, rows), "can_edit": _can_register(request)},
    )


@role_required(*READERS)
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    except CommunityAssessment.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "profiling/assessment_detail.html",
        {"assessment": assessment, "can_edit": _can_register(request)},
    )


def _save_with_form(request, *, form_class, instance, service, noun: str, success, template: str, key: str):
    initial = {"version": instance.version} if instance else {}
    form = form_class(request.POST or None, instance=instance, initial=initial, user=request.user)
    context = {"form": form, key: instance}
    if request.method == "POST" and form.is_valid():
        try:
            row = service(
                actor=request.user,
                **{key: instance},
                values=form.values(),
                expected_version=form.cleaned_data.get("version"),
            )
        except services.EditConflict as conflict:
            form.data = form.data.copy()
            form.data["version"] = str(conflict.current.version)
            context.update({"conflict": True, "current": conflict.current})
            return render(request, template, context, status=409)
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("%(noun)s saved.") % {"noun": noun})
            return redirect(success(row))
    return render(request, template, context)


@role_required(*REGISTRARS)
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = None
    if pk is not None:
        try:
            instance = selectors.assessment_get_for_user(user=request.user, pk=pk)
        except CommunityAssessment.DoesNotExist:
            raise Http404 from None
    return _save_with_form(
        request,
        form_class=AssessmentForm,
        instance=instance,
        service=services.assessment_save,
        noun=_("Assessment"),
        success=lambda row: reverse("profiling:assessment_detail", args=[row.pk]),
        template="profiling/assessment_form.html",
        key="assessment",
    )


@role_required(*READERS)
@require_GET
def facility_list(request: HttpRequest) -> HttpResponse:
    filters = FacilityFilter(request.GET, queryset=selectors.facilities_for_user(request.user))
    rows = filters.qs if filters.is_valid() else filters.queryset.none()
    return render(
        request,
        "profiling/facility_list.html",
        {"filter": filters, "facilities": page_of(request, rows), "can_edit": _can_register(request)},
    )


@role_required(*REGISTRARS)
@require_http_methods(["GET", "POST"])
def facility_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = None
    if pk is not None:
        try:
            instance = selectors.facility_get_for_user(user=request.user, pk=pk)
        except Facility.DoesNotExist:
            raise Http404 from None
    return _save_with_form(
        request,
        form_class=FacilityForm,
        instance=instance,
        service=services.facility_save,
        noun=_("Facility"),
        success=lambda row: reverse("profiling:facility_list") + f"?area={row.area.pcode}",
        template="profiling/facility_form.html",
        key="facility",
    )
