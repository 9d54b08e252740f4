"""HTTP for assistance: parse, authorise, call a selector or a service, render. No writes here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exports import Column, csv_response
from core.models import AdminArea, Role
from core.permissions import role_required
from core.scoping import user_has_role
from core.views import form_errors_into, page_of
from profiling.models import Household
from profiling.selectors import household_get_for_user

from . import rules, selectors, services
from .forms import (
    ActivityTypeForm,
    DecisionForm,
    DeliverForm,
    DistributionChooseForm,
    DistributionForm,
    IndicatorForm,
    ListBuilderForm,
    ListRemoveForm,
    PlanForm,
    ProgrammeForm,
    ProgressForm,
    ProjectFilterForm,
    ProjectForm,
    ReasonForm,
    RecordFilterForm,
    TargetFilterForm,
    TargetForm,
)
from .models import (
    REACHED_FIELDS,
    ActivityType,
    AssistanceRecord,
    BeneficiaryList,
    CommunityProject,
    Indicator,
    IndicatorTarget,
    ListStatus,
    Programme,
    RecordStatus,
)

READERS = (Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN)
PLANNERS = (Role.FIELD_STAFF, Role.MANAGER)
MANAGERS = (Role.MANAGER,)
REFERENCE_EDITORS = (Role.MANAGER, Role.ADMIN)


def _or_404(function, *, model, **kwargs):
    try:
        return function(**kwargs)
    except model.DoesNotExist:
        raise Http404 from None


def _area_path(pcode: str) -> str:
    from core.pcodes import normalise_pcode

    if not pcode:
        return ""
    return AdminArea.objects.filter(pcode=normalise_pcode(pcode)).values_list("path", flat=True).first() or "__none__/"


# --- assistance records ----------------------------------------------------------------------------

EXPORT_COLUMNS = [
    Column("record", "#x_record", lambda r: r.pk),
    Column("household", "#x_household+code", lambda r: r.household.reference),
    Column(
        "district",
        "#adm2+code",
        lambda r: r.household.settlement.parent.pcode if r.household.settlement.parent_id else "",
    ),
    Column("settlement", "#loc+code", lambda r: r.household.settlement.pcode),
    Column("sector", "#sector+code", lambda r: r.activity_type.sector),
    Column("activity", "#activity+type", lambda r: r.activity_type.code),
    Column("modality", "#modality", lambda r: r.activity_type.modality),
    Column("status", "#status", lambda r: r.status),
    Column("displacement status", "#population+type", lambda r: r.household.displacement_status),
    Column("planned date", "#date+planned", lambda r: r.planned_date),
    Column("delivered on", "#date+delivered", lambda r: r.delivered_on),
    Column("quantity", "#value+quantity", lambda r: r.quantity),
    Column("amount", "#value+amount", lambda r: r.amount),
    Column("currency", "#currency", lambda r: r.currency),
    Column("implementing organisation", "#org+impl", lambda r: r.implementing_organisation.acronym),
    Column("donor", "#org+funding", lambda r: r.donor.acronym if r.donor_id else ""),
    Column("programme", "#activity+programme", lambda r: r.programme.code if r.programme_id else ""),
]


@role_required(*READERS)
@require_GET
def record_list(request: HttpRequest) -> HttpResponse:
    form = RecordFilterForm(request.GET or None, user=request.user)
    records = selectors.record_list_for_user(request.user, form.filters() if request.GET else None)
    if request.GET.get("export") == "csv" and user_has_role(request.user, Role.MANAGER, Role.ADMIN):
        return csv_response(records.iterator(chunk_size=2000), EXPORT_COLUMNS, filename="assistance-5w.csv")
    context = {
        "form": form,
        "records": page_of(request, records),
        "can_export": user_has_role(request.user, Role.MANAGER, Role.ADMIN),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "assistance/record_list.html", context)


def _record_or_404(request, pk: int) -> AssistanceRecord:
    return _or_404(selectors.record_get_for_user, model=AssistanceRecord, user=request.user, pk=pk)


@role_required(*READERS)
@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
    is_manager = user_has_role(request.user, *MANAGERS)
    is_planner = user_has_role(request.user, *PLANNERS)
    context = {
        "record": record,
        "can_approve": is_manager and record.status == RecordStatus.PLANNED and not record.beneficiary_list_id,
        "can_deliver": is_planner and record.status == RecordStatus.APPROVED,
        "can_cancel": (record.status == RecordStatus.PLANNED and is_planner)
        or (record.status in (RecordStatus.APPROVED, RecordStatus.DELIVERED) and is_manager),
        "cancel_form": ReasonForm(),
    }
    return render(request, "assistance/record_detail.html", context)


@role_required(*MANAGERS)
@require_POST
def record_approve(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
    try:
        services.assistance_approve(actor=request.user, record=record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Approved."))
    return redirect("assistance:record_detail", pk=pk)


@role_required(*PLANNERS)
@require_http_methods(["GET", "POST"])
def record_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
    initial = {"quantity": record.quantity, "amount": record.amount, "currency": record.currency}
    initial["implementing_organisation"] = record.implementing_organisation
    initial["donor"] = record.donor
    form = DeliverForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.assistance_deliver(
                actor=request.user,
                record=record,
                delivered_on=data["delivered_on"],
                quantity=data.get("quantity"),
                amount=data.get("amount"),
                currency=data.get("currency") or None,
                implementing_organisation=data.get("implementing_organisation"),
                donor=data.get("donor"),
                notes=data.get("notes") or None,
            )
        except ValidationError as error:
            form_errors_into(form, error)
            record.refresh_from_db()
        else:
            messages.success(request, _("Recorded as delivered."))
            for _record, message in result.reported:
                messages.warning(request, message)
            return redirect("assistance:record_detail", pk=pk)
    return render(request, "assistance/record_deliver.html", {"form": form, "record": record})


@role_required(*PLANNERS)
@require_POST
def record_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why it is cancelled."))
        return redirect("assistance:record_detail", pk=pk)
    try:
        services.assistance_cancel(actor=request.user, record=record, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Cancelled."))
    return redirect("assistance:record_detail", pk=pk)


@role_required(*PLANNERS)
@require_http_methods(["GET", "POST"])
def household_plan(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = _or_404(household_get_for_user, model=Household, user=request.user, pk=household_pk)
    form = PlanForm(request.POST or None, user=request.user, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.assistance_plan(
                actor=request.user,
                household=household,
                activity_type=data["activity_type"],
                member=data.get("member"),
                planned_date=data.get("planned_date"),
                quantity=data.get("quantity"),
                amount=data.get("amount"),
                currency=data.get("currency") or "",
                implementing_organisation=data.get("implementing_organisation"),
                donor=data.get("donor"),
                programme=data.get("programme"),
                notes=data.get("notes") or "",
            )
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Planned; a manager approves it before delivery."))
            return redirect("assistance:record_detail", pk=record.pk)
    records = selectors.household_assistance_for_user(request.user, household)[:50]
    return render(request, "assistance/plan_form.html", {"form": form, "household": household, "records": records})


# --- reference data --------------------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def activity_type_list(request: HttpRequest) -> HttpResponse:
    types = selectors.activity_types_for_user(request.user, include_inactive=True)
    context = {"types": types, "can_edit": user_has_role(request.user, *REFERENCE_EDITORS)}
    return render(request, "assistance/activity_type_list.html", context)


@role_required(*REFERENCE_EDITORS)
@require_http_methods(["GET", "POST"])
def activity_type_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    activity_type = None
    if pk is not None:
        activity_type = _or_404(
            selectors.activity_type_get_for_user, model=ActivityType, user=request.user, pk=pk, include_inactive=True
        )
    initial = (
        ActivityTypeForm.initial_for(activity_type) if activity_type else {"default_quantity": 1, "is_active": True}
    )
    form = ActivityTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_type_save(actor=request.user, activity_type=activity_type, **form.values())
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Activity type saved."))
            return redirect("assistance:activity_type_list")
    return render(request, "assistance/activity_type_form.html", {"form": form, "activity_type": activity_type})


@role_required(*READERS)
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programmes_for_user(request.user)
    context = {"programmes": page_of(request, programmes), "can_edit": user_has_role(request.user, *MANAGERS)}
    return render(request, "assistance/programme_list.html", context)


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    programme = None
    if pk is not None:
        programme = _or_404(selectors.programme_get_for_user, model=Programme, user=request.user, pk=pk)
    initial = {}
    if programme is not None:
        initial = {f: getattr(programme, f) for f in ("code", "name", "donor", "start_date", "end_date", "is_active")}
    form = ProgrammeForm(request.POST or None, user=request.user, initial=initial or {"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_save(actor=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("assistance:programme_list")
    return render(request, "assistance/programme_form.html", {"form": form, "programme": programme})


# --- beneficiary lists -----------------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def list_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ListStatus.values else ""
    lists = selectors.beneficiary_lists_for_user(request.user, status=status)
    context = {
        "lists": page_of(request, lists),
        "statuses": ListStatus.choices,
        "status": status,
        "can_build": user_has_role(request.user, *PLANNERS),
    }
    return render(request, "assistance/list_list.html", context)


PREVIEW_ROWS = 100


@role_required(*PLANNERS)
@require_http_methods(["GET", "POST"])
def list_build(request: HttpRequest) -> HttpResponse:
    """Choose criteria, see who would be on the list and who is left out (and why), then create it."""
    form = ListBuilderForm(request.POST or None, user=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        implementer = data.get("implementing_organisation") or request.user.membership.organisation
        if request.POST.get("action") == "create":
            try:
                beneficiary_list, candidates = services.beneficiary_list_create(
                    actor=request.user,
                    title=form.default_title(),
                    activity_type=data["activity_type"],
                    area=data["area"],
                    criteria=form.criteria(),
                    planned_date=data["planned_date"],
                    programme=data.get("programme"),
                    cap_action=data.get("cap_action"),
                    implementing_organisation=data.get("implementing_organisation"),
                    donor=data.get("donor"),
                    quantity=data.get("quantity"),
                    amount=data.get("amount"),
                    currency=data.get("currency") or "",
                )
            except ValidationError as error:
                form_errors_into(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "List created with %(n)s beneficiary. Check it, then submit it for approval.",
                        "List created with %(n)s beneficiaries. Check it, then submit it for approval.",
                        len(candidates.eligible),
                    )
                    % {"n": len(candidates.eligible)},
                )
                return redirect("assistance:list_detail", pk=beneficiary_list.pk)
        candidates = selectors.list_candidates(
            request.user,
            activity_type=data["activity_type"],
            area=data["area"],
            criteria=form.criteria(),
            planned_date=data["planned_date"],
            implementer_owner_id=implementer.data_owner_id,
        )
        preview = {
            "eligible": candidates.eligible[:PREVIEW_ROWS],
            "excluded": candidates.excluded[:PREVIEW_ROWS],
            "eligible_count": len(candidates.eligible),
            "excluded_count": len(candidates.excluded),
            "individual": data["activity_type"].beneficiary == "individual",
        }
    return render(
        request, "assistance/list_builder.html", {"form": form, "preview": preview, "preview_rows": PREVIEW_ROWS}
    )


def _list_or_404(request, pk: int) -> BeneficiaryList:
    return _or_404(selectors.beneficiary_list_get_for_user, model=BeneficiaryList, user=request.user, pk=pk)


@role_required(*READERS)
@require_GET
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    beneficiary_list = _list_or_404(request, pk)
    records = selectors.beneficiary_list_records(request.user, beneficiary_list)
    editable = beneficiary_list.status in (ListStatus.DRAFT, ListStatus.REJECTED)
    is_manager = user_has_role(request.user, *MANAGERS)
    context = {
        "list": beneficiary_list,
        "records": page_of(request, records, 200),
        "can_edit": editable and user_has_role(request.user, *PLANNERS),
        "can_decide": is_manager
        and beneficiary_list.status == ListStatus.SUBMITTED
        and beneficiary_list.created_by_id != request.user.pk,
        "own_list_waiting": is_manager
        and beneficiary_list.status == ListStatus.SUBMITTED
        and beneficiary_list.created_by_id == request.user.pk,
        "decision_form": DecisionForm(),
    }
    return render(request, "assistance/list_detail.html", context)


@role_required(*PLANNERS)
@require_POST
def list_remove(request: HttpRequest, pk: int) -> HttpResponse:
    beneficiary_list = _list_or_404(request, pk)
    record_ids = list(beneficiary_list.records.values_list("pk", flat=True))
    form = ListRemoveForm(request.POST, record_ids=record_ids)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("assistance:list_detail", pk=pk)
    try:
        removed = services.beneficiary_list_remove(
            actor=request.user, beneficiary_list=beneficiary_list, record_ids=form.cleaned_data["records"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, ngettext("%(n)s taken off the list.", "%(n)s taken off the list.", removed) % {"n": removed}
        )
    return redirect("assistance:list_detail", pk=pk)


@role_required(*PLANNERS)
@require_POST
def list_submit(request: HttpRequest, pk: int) -> HttpResponse:
    beneficiary_list = _list_or_404(request, pk)
    try:
        services.beneficiary_list_submit(actor=request.user, beneficiary_list=beneficiary_list)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Submitted: a manager will approve it."))
    return redirect("assistance:list_detail", pk=pk)


@role_required(*MANAGERS)
@require_POST
def list_decide(request: HttpRequest, pk: int) -> HttpResponse:
    beneficiary_list = _list_or_404(request, pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "approve":
            count = services.beneficiary_list_approve(actor=request.user, beneficiary_list=beneficiary_list, note=note)
            messages.success(
                request,
                ngettext("Approved: %(n)s beneficiary.", "Approved: %(n)s beneficiaries.", count) % {"n": count},
            )
        elif request.POST.get("decision") == "return":
            services.beneficiary_list_return(actor=request.user, beneficiary_list=beneficiary_list, note=note)
            messages.success(request, _("Returned to its builder."))
        else:
            messages.error(request, _("Choose to approve or to return the list."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("assistance:list_detail", pk=pk)


# --- distributions ---------------------------------------------------------------------------------


@role_required(*PLANNERS)
@require_GET
def distribution_index(request: HttpRequest) -> HttpResponse:
    form = DistributionChooseForm(request.GET or None, user=request.user)
    if request.GET and form.is_valid():
        return redirect(
            "assistance:distribution",
            activity_pk=form.cleaned_data["activity_type"].pk,
            pcode=form.cleaned_data["settlement"].pcode,
        )
    due = selectors.distributions_due_for_user(request.user, within_days=60, limit=50)
    return render(request, "assistance/distribution_index.html", {"form": form, "due": due})


DISTRIBUTION_ROWS = 500


@role_required(*PLANNERS)
@require_http_methods(["GET", "POST"])
def distribution(request: HttpRequest, activity_pk: int, pcode: str) -> HttpResponse:
    """One activity in one settlement: tick who received it and record the handover in one go."""
    activity_type = _or_404(selectors.activity_type_get_for_user, model=ActivityType, user=request.user, pk=activity_pk)
    settlement = _or_404(selectors.settlement_get_for_user, model=AdminArea, user=request.user, pcode=pcode)
    records = selectors.distribution_records(request.user, activity_type=activity_type, settlement=settlement)
    result = None
    form = DistributionForm(
        request.POST or None, user=request.user, record_ids=list(records.values_list("pk", flat=True))
    )
    if request.method == "POST" and form.is_valid():
        chosen = list(records.filter(pk__in=form.cleaned_data["records"]))
        try:
            result = services.assistance_deliver_bulk(
                actor=request.user, records=chosen, delivered_on=form.cleaned_data["delivered_on"]
            )
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            if not request.htmx:
                _distribution_messages(request, result)
                return redirect(request.path)
            form = DistributionForm(None, user=request.user, record_ids=list(records.values_list("pk", flat=True)))
    shown = list(records[: DISTRIBUTION_ROWS + 1])
    context = {
        "activity_type": activity_type,
        "settlement": settlement,
        "records": shown[:DISTRIBUTION_ROWS],
        "more": len(shown) > DISTRIBUTION_ROWS,
        "limit": DISTRIBUTION_ROWS,
        "form": form,
        "result": result,
    }
    if request.htmx:
        return render(request, "assistance/partials/distribution_list.html", context)
    return render(request, "assistance/distribution.html", context)


def _distribution_messages(request, result: services.Delivered) -> None:
    if result.delivered:
        count = len(result.delivered)
        messages.success(
            request, ngettext("%(n)s delivery recorded.", "%(n)s deliveries recorded.", count) % {"n": count}
        )
    for _record, message in result.refused:
        messages.error(request, message)
    for _record, message in result.reported:
        messages.warning(request, _("Recorded, but: %(m)s") % {"m": message})


@role_required(*MANAGERS)
@require_GET
def overlap_list(request: HttpRequest) -> HttpResponse:
    """Deliveries that repeat, inside a window, what another organisation gave the same beneficiary."""
    page = page_of(request, selectors.cross_org_overlaps_for_user(request.user))
    partners = selectors.overlap_partners(list(page))
    rows = [{"record": r, "others": [o.existing for o in partners.get(r.pk, [])]} for r in page]
    return render(request, "assistance/overlap_list.html", {"page": page, "rows": rows})


# --- community projects ----------------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    form = ProjectFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    projects = selectors.project_list_for_user(
        request.user,
        status=data.get("status", ""),
        project_type=data.get("project_type", ""),
        sector=data.get("sector", ""),
        area_path=_area_path(data.get("area", "")),
    )
    context = {
        "form": form,
        "projects": page_of(request, projects),
        "can_create": user_has_role(request.user, *MANAGERS),
    }
    return render(request, "assistance/project_list.html", context)


def _project_or_404(request, pk: int) -> CommunityProject:
    return _or_404(selectors.project_get_for_user, model=CommunityProject, user=request.user, pk=pk)


@role_required(*READERS)
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    reached = [
        {"label": CommunityProject._meta.get_field(name).verbose_name, "value": getattr(project, name)}
        for name, _sex, _age in REACHED_FIELDS
    ]
    context = {
        "project": project,
        "updates": selectors.project_updates(project)[:100],
        "reached": reached,
        "can_edit": user_has_role(request.user, *MANAGERS),
        "can_report": user_has_role(request.user, *PLANNERS),
    }
    return render(request, "assistance/project_detail.html", context)


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    project = _project_or_404(request, pk) if pk is not None else None
    initial = {}
    if project is not None:
        names = ProjectForm.base_fields.keys()
        initial = {name: getattr(project, name) for name in names}
    form = ProjectForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if project is None:
                project = services.project_create(actor=request.user, **form.values())
            else:
                version = form.cleaned_data.get("version") or 0
                services.project_update(actor=request.user, project=project, version=version, **form.values())
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Project saved."))
            return redirect("assistance:project_detail", pk=project.pk)
    return render(request, "assistance/project_form.html", {"form": form, "project": project})


@role_required(*PLANNERS)
@require_http_methods(["GET", "POST"])
def project_progress(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    initial = {"status": project.status, "progress_percent": project.progress_percent}
    initial.update({name: getattr(project, name) for name in ProgressForm.REACHED})
    initial["households_reached"] = project.households_reached
    initial["reached_with_disability"] = project.reached_with_disability
    form = ProgressForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_report_progress(actor=request.user, project=project, **form.service_values())
        except ValidationError as error:
            form_errors_into(form, error)
            project.refresh_from_db()
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("assistance:project_detail", pk=pk)
    return render(request, "assistance/project_progress.html", {"form": form, "project": project})


# --- indicators --------------------------------------------------------------------------------------


def _target_rows(targets) -> list[dict]:
    reached = selectors.reached_for_targets(targets)
    rows = []
    for target in targets:
        figure = reached.get(target.pk, rules.Reached())
        rows.append({"target": target, "reached": figure.total, "percent": rules.percent(figure.total, target.target)})
    return rows


@role_required(*READERS)
@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    """Targets against what was reached, computed from delivered records and completed projects."""
    from django.utils import timezone

    form = TargetFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    targets = selectors.target_list_for_user(
        request.user,
        sector=data.get("sector", ""),
        programme_id=data["programme"].pk if data.get("programme") else None,
        area_path=_area_path(data.get("area", "")),
        on=timezone.localdate() if data.get("current") else None,
    )
    page = page_of(request, targets)
    context = {
        "form": form,
        "page": page,
        "rows": _target_rows(list(page)),
        "can_edit": user_has_role(request.user, *MANAGERS),
        "can_define": user_has_role(request.user, *REFERENCE_EDITORS),
    }
    return render(request, "assistance/indicator_list.html", context)


DIMENSION_LABELS = {
    "sex": _("Sex"),
    "age_group": _("Age group"),
    "displacement_status": _("Displacement status"),
    "disability": _("Disability"),
    "project_type": _("Project type"),
}


def _value_label(dimension: str, value: str) -> str:
    from profiling.models import DisplacementStatus

    labels = {
        "sex": {"f": _("Female"), "m": _("Male")},
        "disability": {"yes": _("With disability"), "no": _("Without disability")},
        "displacement_status": dict(DisplacementStatus.choices),
    }
    if value == rules.UNKNOWN:
        return _("Not known")
    return str(labels.get(dimension, {}).get(value, value))


@role_required(*READERS)
@require_GET
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _or_404(selectors.target_get_for_user, model=IndicatorTarget, user=request.user, pk=pk)
    reached = selectors.reached_for_targets([target])[target.pk]
    tables = []
    for dimension, counts in reached.breakdown.items():
        if not counts:
            continue
        rows = [
            {"label": _value_label(dimension, value), "count": count, "share": rules.percent(count, reached.total)}
            for value, count in sorted(counts.items(), key=lambda item: (item[0] == rules.UNKNOWN, item[0]))
        ]
        tables.append({"title": DIMENSION_LABELS.get(dimension, dimension), "rows": rows})
    sex_age = None
    if reached.sex_age:
        groups = [*rules.AGE_GROUPS, rules.UNKNOWN]
        sexes = [*rules.SEXES, rules.UNKNOWN]
        present_groups = [g for g in groups if any(reached.sex_age.get((s, g)) for s in sexes)]
        sex_age = {
            "groups": [_value_label("age_group", g) for g in present_groups],
            "rows": [
                {
                    "label": _value_label("sex", s),
                    "cells": [
                        {"group": _value_label("age_group", g), "count": reached.sex_age.get((s, g), 0)}
                        for g in present_groups
                    ],
                    "total": sum(reached.sex_age.get((s, g), 0) for g in present_groups),
                }
                for s in sexes
                if any(reached.sex_age.get((s, g)) for g in present_groups)
            ],
        }
    context = {
        "target": target,
        "reached": reached,
        "percent": rules.percent(reached.total, target.target),
        "tables": tables,
        "sex_age": sex_age,
        "can_edit": user_has_role(request.user, *MANAGERS),
    }
    return render(request, "assistance/target_detail.html", context)


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    target = None
    if pk is not None:
        target = _or_404(selectors.target_get_for_user, model=IndicatorTarget, user=request.user, pk=pk)
    initial = {}
    if target is not None:
        initial = {
            "indicator": target.indicator,
            "programme": target.programme,
            "area": target.area,
            "period_start": target.period_start,
            "period_end": target.period_end,
            "value": target.target,
        }
    form = TargetForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_save(actor=request.user, target=target, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "target" in error.error_dict:
                error.error_dict["value"] = error.error_dict.pop("target")
            form_errors_into(form, error)
        else:
            messages.success(request, _("Target saved."))
            return redirect("assistance:target_detail", pk=target.pk)
    return render(request, "assistance/target_form.html", {"form": form, "target": target})


@role_required(*READERS)
@require_GET
def indicator_definitions(request: HttpRequest) -> HttpResponse:
    indicators = selectors.indicators_for_user(request.user, include_inactive=True)
    context = {"indicators": indicators, "can_edit": user_has_role(request.user, *REFERENCE_EDITORS)}
    return render(request, "assistance/indicator_definitions.html", context)


@role_required(*REFERENCE_EDITORS)
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    indicator = None
    if pk is not None:
        indicator = _or_404(selectors.indicator_get_for_user, model=Indicator, user=request.user, pk=pk)
    initial = IndicatorForm.initial_for(indicator) if indicator else {"is_active": True}
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_save(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Indicator saved."))
            return redirect("assistance:indicator_definitions")
    return render(request, "assistance/indicator_form.html", {"form": form, "indicator": indicator})
