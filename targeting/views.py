"""HTTP for targeting: DTM imports and datasets, scoring models, rounds and target areas. Thin: parse,
authorise, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.jobs import job_progress
from core.models import AdminArea, Job, Role
from core.permissions import role_required
from core.selectors import area_get, job_get_for_user
from core.views import form_errors_into, page_of

from . import rules, selectors, services
from .forms import (
    ApproveForm,
    DeselectForm,
    DtmImportForm,
    FigureFilterForm,
    RoundForm,
    ScoringModelForm,
    SelectAreaForm,
    TargetAreaFilterForm,
    WeightsForm,
)
from .models import DtmDataset, PopulationGroup, RoundStatus, ScoringModel, TargetingRound

PLANNERS = (Role.MANAGER, Role.ADMIN)
STAFF = (Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN)
IMPORT_JOB_KIND = "targeting.dtm_import"


def _dataset_or_404(request: HttpRequest, pk: int) -> DtmDataset:
    try:
        return selectors.dataset_get_for_user(user=request.user, pk=pk)
    except DtmDataset.DoesNotExist:
        raise Http404 from None


def _round_or_404(request: HttpRequest, pk: int) -> TargetingRound:
    try:
        return selectors.round_get_for_user(user=request.user, pk=pk)
    except TargetingRound.DoesNotExist:
        raise Http404 from None


def _model_or_404(request: HttpRequest, pk: int) -> ScoringModel:
    try:
        return selectors.scoring_model_get_for_user(user=request.user, pk=pk)
    except ScoringModel.DoesNotExist:
        raise Http404 from None


# ---------------------------------------------------------------- target areas


@role_required(*STAFF)
@require_GET
def target_area_list(request: HttpRequest) -> HttpResponse:
    """Approved target areas inside the user's areas: where profiling, CAPs and assistance happen."""
    form = TargetAreaFilterForm(request.GET or None)
    within = form.cleaned_data.get("within", "") if form.is_valid() else ""
    targets = selectors.target_areas_within(request.user, pcode=within).select_related("round__approved_by")
    return render(request, "targeting/target_area_list.html", {"form": form, "targets": page_of(request, targets)})


# ---------------------------------------------------------------- datasets and imports


@role_required(*PLANNERS)
@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    datasets = selectors.datasets_for_user(request.user)
    can_import = request.user.membership.role == Role.MANAGER
    return render(
        request,
        "targeting/dataset_list.html",
        {"datasets": page_of(request, datasets), "can_import": can_import},
    )


@role_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def dataset_import(request: HttpRequest) -> HttpResponse:
    """Upload a DTM file; the import (or validation) runs in the background with visible progress."""
    form = DtmImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.dtm_import_queue(
                actor=request.user,
                upload=data["file"],
                source=data["source"],
                round_label=data["round_label"],
                reporting_date=data["reporting_date"],
                admin_level=data["admin_level"],
                sheet=data["sheet"],
                validate_only=data["validate_only"],
            )
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            return redirect("targeting:import_status", pk=job.pk)
    return render(request, "targeting/dataset_import.html", {"form": form})


@role_required(Role.MANAGER)
@require_GET
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of an import, then its report: problems line by line, unmatched rows, the dataset."""
    try:
        job = job_get_for_user(request.user, pk=pk)
    except Job.DoesNotExist:
        raise Http404 from None
    if job.kind != IMPORT_JOB_KIND:
        raise Http404
    done, total = job_progress(job)
    context = {
        "job": job,
        "done": done,
        "total": total,
        "percent": int(done * 100 / total) if total else 0,
        "result": job.result or {},
    }
    template = "targeting/partials/import_status.html" if request.htmx else "targeting/import_status.html"
    return render(request, template, context)


@role_required(*PLANNERS)
@require_GET
def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset_or_404(request, pk)
    periods = selectors.dataset_periods(user=request.user, dataset=dataset)
    form = FigureFilterForm(request.GET or None, periods=periods)
    filters = form.cleaned_data if form.is_valid() else {}
    columns = selectors.dataset_figure_columns(user=request.user, dataset=dataset)
    group = filters.get("population_group", "")
    shown = [c for c in columns if not group or c.group == group]
    rows = selectors.dataset_area_table(
        user=request.user,
        dataset=dataset,
        columns=columns,
        within_pcode=filters.get("within", ""),
        population_group=group,
        period=filters.get("period", ""),
    )
    page = page_of(request, rows)
    for row in page:
        row["cells"] = [(c, row.get(c.key)) for c in shown]
    return render(
        request,
        "targeting/dataset_detail.html",
        {
            "dataset": dataset,
            "form": form,
            "columns": shown,
            "rows": page,
            "periods": periods,
            "report": dataset.report or {},
        },
    )


# ---------------------------------------------------------------- scoring models


@role_required(*PLANNERS)
@require_GET
def model_list(request: HttpRequest) -> HttpResponse:
    models = selectors.scoring_models_for_user(request.user)
    page = page_of(request, models)
    for model in page:
        model.weight_rows = [
            (rules.INDICATORS[k].label if k in rules.INDICATORS else k, w) for k, w in model.weights.items()
        ]
    return render(
        request,
        "targeting/model_list.html",
        {"models": page, "can_edit": request.user.membership.role == Role.MANAGER},
    )


@role_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def model_create(request: HttpRequest) -> HttpResponse:
    form = ScoringModelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            model = services.scoring_model_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                weights=form.weights(),
            )
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Scoring model %(m)s created.") % {"m": model})
            return redirect("targeting:model_list")
    return render(request, "targeting/model_form.html", {"form": form})


@role_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def model_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    model = _model_or_404(request, pk)
    form = WeightsForm(request.POST or None, weights=model.weights, initial={"description": model.description})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.scoring_model_new_version(
                actor=request.user, model=model, weights=form.weights(), description=form.cleaned_data["description"]
            )
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(
                request, _("Version %(v)s of %(n)s is now the current one.") % {"v": new.version, "n": new.name}
            )
            return redirect("targeting:model_list")
    return render(request, "targeting/model_form.html", {"form": form, "model": model})


# ---------------------------------------------------------------- rounds


@role_required(*PLANNERS)
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = selectors.rounds_for_user(request.user)
    status = request.GET.get("status", "")
    if status in RoundStatus.values:
        rounds = rounds.filter(status=status)
    return render(
        request,
        "targeting/round_list.html",
        {
            "rounds": page_of(request, rounds),
            "statuses": RoundStatus.choices,
            "status": status,
            "can_edit": request.user.membership.role == Role.MANAGER,
        },
    )


@role_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    """Choose the model, datasets and level; the round is ranked at once."""
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_create(
                actor=request.user,
                name=data["name"],
                area=data["area"],
                admin_level=data["admin_level"],
                scoring_model=data["scoring_model"],
                datasets=list(data["datasets"]),
                comparison_dataset=data["comparison_dataset"],
            )
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            try:
                services.round_score(actor=request.user, targeting_round=round_)
            except ValidationError as error:
                messages.warning(request, " ".join(error.messages))
            else:
                messages.success(request, _("The round is ranked. Select areas with a rationale, then approve."))
            return redirect("targeting:round_detail", pk=round_.pk)
    return render(request, "targeting/round_form.html", {"form": form})


def _round_context(request: HttpRequest, round_: TargetingRound) -> dict:
    can_edit = request.user.membership.role == Role.MANAGER and round_.status == RoundStatus.SCORED
    return {
        "round": round_,
        "can_edit": can_edit,
        "can_rescore": request.user.membership.role == Role.MANAGER and round_.is_open,
        "targets": list(selectors.round_target_areas_for_user(user=request.user, targeting_round=round_)),
        "weights": [
            (rules.INDICATORS[k].label if k in rules.INDICATORS else k, w)
            for k, w in round_.scoring_model.weights.items()
        ],
        "indicators": [(k, rules.INDICATORS[k]) for k in round_.scoring_model.weights if k in rules.INDICATORS],
        "datasets": list(round_.datasets.all()),
    }


@role_required(*PLANNERS)
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranked table, with the figures behind each score and the selection."""
    round_ = _round_or_404(request, pk)
    scores = page_of(request, selectors.round_scores_for_user(user=request.user, targeting_round=round_))
    indicator_keys = [k for k in round_.scoring_model.weights if k in rules.INDICATORS]
    for score in scores:
        breakdown = score.breakdown or {}
        values = breakdown.get("indicators", {})
        score.indicator_cells = [(rules.INDICATORS[k], values.get(k, {})) for k in indicator_keys]
        score.figure_rows = [
            (_group_label(group), value) for group, value in (breakdown.get("figures") or {}).items()
        ] + [(_group_label(group), value) for group, value in (breakdown.get("severity") or {}).items()]
        score.previous_rows = [
            (_group_label(group), value) for group, value in (breakdown.get("previous") or {}).items()
        ]
        score.band = rules.shade(score.score)
    context = _round_context(request, round_)
    context.update({"scores": scores, "select_form": SelectAreaForm(), "approve_form": ApproveForm()})
    return render(request, "targeting/round_detail.html", context)


def _group_label(group: str) -> str:
    try:
        return str(PopulationGroup(group).label)
    except ValueError:
        return group


@role_required(*PLANNERS)
@require_GET
def round_areas(request: HttpRequest, pk: int) -> HttpResponse:
    """The choropleth-style table: ranked areas grouped by their province (or district), shaded by score."""
    round_ = _round_or_404(request, pk)
    groups = page_of(request, selectors.round_choropleth_groups(user=request.user, targeting_round=round_))
    rows = selectors.round_choropleth_rows(user=request.user, targeting_round=round_, groups=groups)
    context = _round_context(request, round_)
    context.update({"groups": groups, "rows": rows, "bands": range(5)})
    return render(request, "targeting/round_areas.html", context)


@role_required(Role.MANAGER)
@require_POST
def round_rescore(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_or_404(request, pk)
    try:
        services.round_score(actor=request.user, targeting_round=round_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The round is ranked again."))
    return redirect("targeting:round_detail", pk=pk)


@role_required(Role.MANAGER)
@require_POST
def round_select(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_or_404(request, pk)
    form = SelectAreaForm(request.POST)
    if form.is_valid():
        try:
            area = area_get(request.user, pcode=form.cleaned_data["area"])
        except AdminArea.DoesNotExist:
            raise Http404 from None
        try:
            target = services.target_area_select(
                actor=request.user, targeting_round=round_, area=area, rationale=form.cleaned_data["rationale"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("%(a)s is selected.") % {"a": target.area.name})
    else:
        messages.error(request, _("Write why the area is selected."))
    return redirect("targeting:round_detail", pk=pk)


@role_required(Role.MANAGER)
@require_POST
def round_deselect(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    round_ = _round_or_404(request, pk)
    target = (
        selectors.round_target_areas_for_user(user=request.user, targeting_round=round_).filter(pk=target_pk).first()
    )
    if target is None:
        raise Http404
    form = DeselectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.target_area_deselect(actor=request.user, target_area=target, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(a)s is no longer selected.") % {"a": target.area.name})
    return redirect("targeting:round_detail", pk=pk)


@role_required(Role.MANAGER)
@require_POST
def round_approve(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_or_404(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the rationale for the selection before approving."))
        return redirect("targeting:round_detail", pk=pk)
    try:
        services.round_approve(actor=request.user, targeting_round=round_, rationale=form.cleaned_data["rationale"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Approved: its target areas now drive profiling, CAPs and dashboards."))
    return redirect("targeting:round_detail", pk=pk)
