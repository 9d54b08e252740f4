"""The manager dashboard, the area view and the 5W / results exports. Managers and admins only: field
staff, desk officers and partners get 403 (partners read the 5W through the API, with small counts hidden)."""

from __future__ import annotations

import datetime

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.exports import csv_response
from core.models import Job, Role
from core.permissions import role_required
from core.pipelines import pipelines_for
from core.selectors import job_get_for_user
from profiling.models import DisplacementStatus

from . import selectors, services, snapshots
from .charts import bar_chart
from .exports import fivew_columns, result_columns, threshold_for
from .forms import AreaViewForm, DashboardFilterForm, ExportForm

READERS = (Role.MANAGER, Role.ADMIN)


def _filter_form(request: HttpRequest) -> DashboardFilterForm:
    return DashboardFilterForm(request.GET or None, user=request.user)


def _page_filters(request: HttpRequest, view: str) -> tuple[DashboardFilterForm, dict | None]:
    """A snapshot page's filter form, and what its figures depend on beyond the filters (the area view's
    DTM dataset); read the same way by the page and by its recount."""
    if view == "areas":
        form = AreaViewForm(request.GET or None, user=request.user, datasets=selectors.dtm_datasets(request.user))
        dataset = form.chosen_dataset()
        return form, {"dataset": dataset.pk if dataset else None}
    return _filter_form(request), None


def _pipeline_blocks(user, computed: dict[str, list[dict]]) -> list[dict]:
    blocks = []
    for panel in pipelines_for(user):
        rows = computed.get(panel.key, [])
        chart = bar_chart([(row[panel.label], row.get(panel.chart)) for row in rows], title="")
        table = [(row[panel.label], [row.get(key) for key, _label in panel.columns]) for row in rows]
        blocks.append({"panel": panel, "chart": chart, "table": table})
    return blocks


@role_required(*READERS)
@require_GET
def programme_dashboard(request: HttpRequest) -> HttpResponse:
    """Results against targets, who was reached, and how far work has moved along each pipeline, as last
    counted in the background for the user's scope and filters."""
    form = _filter_form(request)
    filters = form.filters()
    user = request.user
    figures, counting = snapshots.dashboard_view_for(user=user, view="programme", filters=filters)
    context = {
        "form": form,
        "filters": filters,
        "params": filters.as_params(),
        "figures": figures,
        "counting": counting,
        "export_form": ExportForm(),
    }
    if figures is not None:
        context.update(_figure_context(user, figures))
    return render(request, "dashboards/programme.html", context)


def _figure_context(user, figures: selectors.DashboardFigures) -> dict:
    headline, people, results = figures.headline, figures.people, figures.results
    sex_labels = {"f": _("Female"), "m": _("Male"), "other": _("Other or not recorded")}
    age_rows = [(group, people.age_group.get(group, 0)) for group, _l, _h in selectors.AGE_GROUPS]
    age_rows.append((_("Age not known"), people.age_group.get("unknown", 0)))
    status_labels = dict(DisplacementStatus.choices)
    return {
        "headline": headline,
        "people": people,
        "results": results,
        "results_chart": bar_chart(
            [(r.code, r.percent or 0) for r in results], title=_("Percent of target reached"), maximum=100
        ),
        "sex_age": [
            (group, people.sex_age.get(("f", group), 0), people.sex_age.get(("m", group), 0))
            for group in [g for g, _l, _h in selectors.AGE_GROUPS] + ["unknown"]
        ],
        "charts": [
            bar_chart([(sex_labels[k], v) for k, v in people.sex.items()], title=_("People reached by sex")),
            bar_chart(age_rows, title=_("People reached by age group")),
            bar_chart(
                [(status_labels[k], v) for k, v in people.displacement_status.items()],
                title=_("People reached by displacement status"),
            ),
            bar_chart(
                [(_("With disability"), people.disability["yes"]), (_("Without disability"), people.disability["no"])],
                title=_("People reached by disability (Washington Group)"),
            ),
        ],
        "pipelines": _pipeline_blocks(user, figures.pipelines),
    }


@role_required(*READERS)
@require_POST
def recount(request: HttpRequest) -> HttpResponse:
    """Count the figures on screen again now (after a distribution day, say), then back to them."""
    view = "areas" if request.POST.get("view") == "areas" else "programme"
    form, extra = _page_filters(request, view)
    snapshots.dashboard_recount_request(user=request.user, view=view, filters=form.filters(), extra=extra)
    query = request.GET.urlencode()
    return redirect(reverse(f"dashboards:{view}") + (f"?{query}" if query else ""))


@role_required(*READERS)
@require_GET
def area_view(request: HttpRequest) -> HttpResponse:
    """Per province and district: DTM figures beside households profiled, assisted and referrals, as last
    counted in the background for the user's scope and filters."""
    form, extra = _page_filters(request, "areas")
    figures, counting = snapshots.dashboard_view_for(
        user=request.user, view="areas", filters=form.filters(), extra=extra
    )
    rows = figures.rows if figures is not None else []
    provinces = [r for r in rows if r.level == 1]
    context = {
        "form": form,
        "figures": figures,
        "counting": counting,
        "rows": rows,
        "chart": bar_chart(
            [(f"{r.name or r.pcode}", r.households_profiled) for r in provinces],
            title=_("Households profiled by province"),
        ),
    }
    return render(request, "dashboards/areas.html", context)


def _stamp() -> str:
    return datetime.date.today().strftime("%Y%m%d")


@role_required(*READERS)
@require_GET
def fivew_csv(request: HttpRequest) -> HttpResponse:
    """The 5W as CSV with its HXL row, built in the request (for a small scope or a script; the dashboard
    has a worker build it); ``?shared=1`` hides small counts."""
    filters = _filter_form(request).filters()
    shared = request.GET.get("shared") == "1"
    rows = selectors.fivew_rows(request.user, filters)
    suffix = "-shared" if shared else ""
    return csv_response(rows, fivew_columns(), filename=f"5w-{_stamp()}{suffix}.csv", threshold=threshold_for(shared))


@role_required(*READERS)
@require_GET
def results_csv(request: HttpRequest) -> HttpResponse:
    """Results against targets per indicator as CSV with its HXL row; ``?shared=1`` hides small counts."""
    filters = _filter_form(request).filters()
    shared = request.GET.get("shared") == "1"
    rows = selectors.indicator_results(request.user, filters)
    return csv_response(rows, result_columns(), filename=f"results-{_stamp()}.csv", threshold=threshold_for(shared))


@role_required(*READERS)
@require_POST
def fivew_xlsx(request: HttpRequest) -> HttpResponse:
    """Queue the 5W file (workbook or CSV); the job's page shows progress and then the download link."""
    filters = _filter_form(request).filters()
    export = ExportForm(request.POST)
    valid = export.is_valid()
    shared = valid and export.cleaned_data["shared"]
    file_format = (export.cleaned_data["file_format"] if valid else "") or "xlsx"
    job = services.fivew_export_request(
        actor=request.user, filters=filters.as_params(), shared=shared, file_format=file_format
    )
    return redirect("core:job_detail", pk=job.pk)


def _export_job(request: HttpRequest, pk: int) -> Job:
    try:
        job = job_get_for_user(request.user, pk=pk)
    except Job.DoesNotExist:
        raise Http404 from None
    if job.kind != services.FIVEW_EXPORT_KIND:
        raise Http404
    return job


@role_required(*READERS)
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    """The user's own recent 5W workbooks."""
    jobs = list(selectors.export_jobs_for_user(request.user)[:20])
    return render(request, "dashboards/export_list.html", {"jobs": jobs})


@role_required(*READERS)
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The workbook of a finished export (only its requester may fetch it); before then, its progress page."""
    job = _export_job(request, pk)
    path = (job.result or {}).get("path")
    if not path or not default_storage.exists(path):
        return redirect("core:job_detail", pk=job.pk)
    return FileResponse(default_storage.open(path, "rb"), as_attachment=True, filename=path.rsplit("/", 1)[-1])
