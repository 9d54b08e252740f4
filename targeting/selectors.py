"""Reads of targeting, scoped to the user. Later stages ask here which areas are targeted.

DTM datasets, figures, scoring models and rounds are the planning side: managers (and admins, read
only) of the organisation see them. Approved target areas are read by all staff inside their areas.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Avg, Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum

from core.models import AdminArea, Role
from core.scoping import scope_for, scoped

from . import rules
from .models import (
    AreaScore,
    DtmDataset,
    DtmFigure,
    FigureUnit,
    PopulationGroup,
    RoundStatus,
    ScoringModel,
    TargetArea,
    TargetingRound,
)

PLANNING_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


def target_areas_for_user(user) -> QuerySet[TargetArea]:
    """Approved target areas inside the user's areas, for the user's organisation."""
    return scoped(TargetArea.objects.filter(round__status=RoundStatus.APPROVED), user).select_related(
        "area__parent", "round"
    )


def area_is_targeted(*, area: AdminArea, organisation_id: int) -> bool:
    """True if ``area`` is, or lies inside, an approved target area of the organisation."""
    ancestor_codes = [code for code in area.path.split("/") if code]
    return TargetArea.objects.filter(
        round__status=RoundStatus.APPROVED,
        round__organisation_id=organisation_id,
        area__pcode__in=ancestor_codes,
    ).exists()


def targeted_settlements_for_user(user) -> QuerySet[AdminArea]:
    """Settlements where the user may register households: inside an approved target area and their own areas."""
    scope = scope_for(user)
    if scope is None:
        return AdminArea.objects.none()
    paths = list(target_areas_for_user(user).values_list("area__path", flat=True))
    if not paths:
        return AdminArea.objects.none()
    inside_targets = reduce(or_, (Q(path__startswith=p) for p in paths))
    return AdminArea.objects.filter(inside_targets, scope.areas_q(), level=3, is_active=True).select_related(
        "parent__parent"
    )


def target_area_get_for_user(*, user, pk: int) -> TargetArea:
    return target_areas_for_user(user).get(pk=pk)


def _within(queryset: QuerySet, pcode: str, field: str = "area") -> QuerySet:
    """Rows whose area lies inside the area with this P-code; an unknown P-code matches nothing."""
    if not pcode:
        return queryset
    path = AdminArea.objects.filter(pcode=pcode).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{field}__path__startswith": path})


def target_areas_within(user, *, pcode: str = "") -> QuerySet[TargetArea]:
    return _within(target_areas_for_user(user), pcode)


# ---------------------------------------------------------------- planning side


def _planner(user) -> bool:
    scope = scope_for(user)
    return scope is not None and scope.role in PLANNING_ROLES


def datasets_for_user(user) -> QuerySet[DtmDataset]:
    """DTM datasets of the user's organisation, for managers and admins."""
    if not _planner(user):
        return DtmDataset.objects.none()
    return scoped(DtmDataset.objects.all(), user).select_related("imported_by")


def dataset_get_for_user(*, user, pk: int) -> DtmDataset:
    return datasets_for_user(user).get(pk=pk)


def figures_for_user(user) -> QuerySet[DtmFigure]:
    """Figures of the organisation's datasets inside the user's areas."""
    if not _planner(user):
        return DtmFigure.objects.none()
    return scoped(DtmFigure.objects.all(), user).select_related("area__parent", "dataset")


@dataclass(frozen=True)
class FigureColumn:
    key: str
    group: str
    unit: str

    @property
    def label(self) -> str:
        return PopulationGroup(self.group).label

    @property
    def unit_label(self) -> str:
        return FigureUnit(self.unit).label


def dataset_figure_columns(*, user, dataset: DtmDataset) -> list[FigureColumn]:
    """The population groups and units a dataset holds, in a stable order."""
    pairs = set(
        figures_for_user(user).filter(dataset=dataset).values_list("population_group", "unit").distinct().order_by()
    )
    order = {g: i for i, g in enumerate(PopulationGroup.values)}
    units = {u: i for i, u in enumerate(FigureUnit.values)}
    ordered = sorted(pairs, key=lambda p: (order.get(p[0], 99), units.get(p[1], 9)))
    return [FigureColumn(f"c{i}", group, unit) for i, (group, unit) in enumerate(ordered)]


def dataset_periods(*, user, dataset: DtmDataset) -> list[str]:
    return sorted(
        p
        for p in figures_for_user(user).filter(dataset=dataset).values_list("period", flat=True).distinct().order_by()
        if p
    )


def dataset_area_table(
    *,
    user,
    dataset: DtmDataset,
    columns: list[FigureColumn],
    within_pcode: str = "",
    population_group: str = "",
    period: str = "",
):
    """One row per area of the dataset: each population group and unit summed over the periods shown."""
    figures = _within(figures_for_user(user).filter(dataset=dataset), within_pcode)
    if population_group:
        figures = figures.filter(population_group=population_group)
        columns = [c for c in columns if c.group == population_group]
    if period:
        figures = figures.filter(period=period)
    sums = {c.key: Sum("value", filter=Q(population_group=c.group, unit=c.unit), default=None) for c in columns}
    return (
        figures.values("area_id", "area__pcode", "area__name", "area__parent__name", "area__parent__pcode")
        .annotate(**sums)
        .order_by("area__pcode")
    )


def scoring_models_for_user(user) -> QuerySet[ScoringModel]:
    if not _planner(user):
        return ScoringModel.objects.none()
    return scoped(ScoringModel.objects.all(), user).select_related("created_by")


def scoring_model_get_for_user(*, user, pk: int) -> ScoringModel:
    return scoring_models_for_user(user).get(pk=pk)


def active_scoring_models_for_user(user) -> QuerySet[ScoringModel]:
    return scoring_models_for_user(user).filter(is_active=True)


def rankable_areas_for_user(user) -> QuerySet[AdminArea]:
    """Areas a manager may rank inside: their own areas, the areas containing them, and the provinces
    of an assigned country. Ranking then covers only the parts inside the manager's areas."""
    scope = scope_for(user)
    if scope is None or not _planner(user):
        return AdminArea.objects.none()
    codes = {code for path in scope.area_paths for code in path.split("/") if code}
    return (
        AdminArea.objects.filter(is_active=True, level__lte=2)
        .filter(Q(pcode__in=codes) | (Q(level=1) & scope.areas_q()))
        .order_by("path")
    )


def rounds_for_user(user) -> QuerySet[TargetingRound]:
    """Rounds of the user's organisation that rank areas inside the user's areas, or that rank a wider
    area containing them (a national round seen by a provincial manager, who sees only their part)."""
    if not _planner(user):
        return TargetingRound.objects.none()
    scope = scope_for(user)
    inside = scoped(TargetingRound.objects.all(), user)
    ancestors = {code for path in scope.area_paths for code in path.split("/")[:-2] if code}
    containing = TargetingRound.objects.filter(organisation_id=scope.data_owner_id, area__pcode__in=ancestors)
    return (
        (inside | containing)
        .select_related("area", "scoring_model", "created_by", "approved_by", "comparison_dataset")
        .annotate(target_count=Count("target_areas", distinct=True))
        .order_by("-created_at", "-id")
    )


def round_get_for_user(*, user, pk: int) -> TargetingRound:
    return rounds_for_user(user).get(pk=pk)


def rounds_awaiting_approval(user) -> QuerySet[TargetingRound]:
    return rounds_for_user(user).filter(status=RoundStatus.SCORED)


def round_scores_for_user(*, user, targeting_round: TargetingRound, selected_only: bool = False) -> QuerySet[AreaScore]:
    """The ranked table of a round, limited to the areas the user works in; ``selected`` marks chosen areas."""
    scope = scope_for(user)
    if scope is None or not _planner(user):
        return AreaScore.objects.none()
    selected = TargetArea.objects.filter(round=targeting_round, area=OuterRef("area"))
    scores = (
        AreaScore.objects.filter(round=targeting_round)
        .filter(scope.areas_q("area__"))
        .select_related("area__parent")
        .annotate(selected=Exists(selected))
        .order_by("rank", "area__pcode")
    )
    return scores.filter(selected=True) if selected_only else scores


def round_target_areas_for_user(*, user, targeting_round: TargetingRound) -> QuerySet[TargetArea]:
    """The areas selected in a round (approved or not), inside the user's areas."""
    scope = scope_for(user)
    if scope is None or not _planner(user):
        return TargetArea.objects.none()
    return (
        TargetArea.objects.filter(round=targeting_round)
        .filter(scope.areas_q("area__"))
        .select_related("area__parent", "selected_by")
    )


def round_choropleth_groups(*, user, targeting_round: TargetingRound):
    """Parent areas (provinces of a district round, districts of a settlement round) with the number of
    ranked areas and their highest and mean scores, highest first."""
    return (
        round_scores_for_user(user=user, targeting_round=targeting_round)
        .values("area__parent_id", "area__parent__name", "area__parent__pcode")
        .annotate(areas=Count("id"), best=Max("score"), mean=Avg("score"), best_rank=Min("rank"))
        .order_by("-best", "area__parent__pcode")
    )


def round_choropleth_rows(*, user, targeting_round: TargetingRound, groups) -> list[dict]:
    """The shaded rows of a page of ``round_choropleth_groups``: each parent with its ranked areas, every
    area and parent carrying a shading band (0-4) of its score next to the number itself."""
    groups = list(groups)
    parent_ids = [g["area__parent_id"] for g in groups]
    by_parent: dict[int, list[AreaScore]] = {pk: [] for pk in parent_ids}
    for score in round_scores_for_user(user=user, targeting_round=targeting_round).filter(
        area__parent_id__in=parent_ids
    ):
        score.band = rules.shade(score.score)
        by_parent[score.area.parent_id].append(score)
    return [
        {
            **group,
            "band": rules.shade(group["best"]),
            "mean_band": rules.shade(group["mean"]),
            "scores": by_parent[group["area__parent_id"]],
        }
        for group in groups
    ]
