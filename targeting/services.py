"""Writes of targeting: DTM imports, scoring models, rounds, the selection of target areas and approval.

Only managers write here. Every function is a ``@service``: one transaction, an audit event, and
``full_clean()`` before saving.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, changed, service, snapshot
from core.models import AdminArea, AdminLevel, Job, Organisation, Role
from core.scoping import UserScope, scope_for
from core.services import job_create

from . import rules
from .columns import COLUMN_MAPS, LEVEL_NAMES
from .importer import ImportPlan, file_digest, read_plan
from .models import (
    AreaScore,
    DtmDataset,
    DtmFigure,
    FigureUnit,
    RoundStatus,
    ScoringModel,
    TargetArea,
    TargetingRound,
)

Progress = Callable[[int, int], None]
WRITE_BATCH = 5000


# ---------------------------------------------------------------- guards


def _manager_scope(actor) -> UserScope:
    """The acting manager's scope; anyone else is refused."""
    scope = scope_for(actor)
    if scope is None or scope.role != Role.MANAGER:
        raise PermissionDenied(_("Only managers change targeting."))
    return scope


def _covers(scope: UserScope, area: AdminArea) -> bool:
    return any(area.path.startswith(path) for path in scope.area_paths)


def _overlaps(scope: UserScope, area: AdminArea) -> bool:
    """The area lies inside the user's areas, or contains one of them (a country round of a province manager)."""
    return any(area.path.startswith(path) or path.startswith(area.path) for path in scope.area_paths)


def _same_organisation(scope: UserScope, organisation_id: int) -> bool:
    return organisation_id == scope.data_owner_id


def _lock_organisation(organisation_id: int) -> None:
    """Serialise targeting writes of one organisation until the transaction ends."""
    Organisation.objects.select_for_update(no_key=True).filter(pk=organisation_id).values_list("pk").first()


# ---------------------------------------------------------------- DTM imports


@dataclass
class ImportOutcome:
    dataset: DtmDataset | None
    already_imported: bool
    plan: ImportPlan | None


def _check_import_metadata(*, source: str, round_label: str, reporting_date: date, admin_level: int | None) -> None:
    errors = {}
    if source not in COLUMN_MAPS:
        errors["source"] = _("Choose one of the listed DTM products.")
    if not round_label.strip():
        errors["round_label"] = _("Name the DTM round, e.g. 'Round 16'.")
    if reporting_date > timezone.localdate():
        errors["reporting_date"] = _("The reporting date cannot be in the future.")
    if admin_level is not None and admin_level not in (AdminLevel.ADMIN1, AdminLevel.ADMIN2, AdminLevel.SETTLEMENT):
        errors["admin_level"] = _("Store figures per province, district or settlement.")
    if errors:
        raise ValidationError(errors)


@service
def dtm_dataset_import(
    *,
    actor,
    data: bytes,
    file_name: str,
    source: str,
    round_label: str,
    reporting_date: date,
    admin_level: int | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Import a DTM file as a dataset with its figures, all or nothing.

    The same file imported again by the same organisation changes nothing and returns the dataset
    it made the first time. A file with any bad value raises ``ImportFailed`` and writes nothing;
    rows whose place matches no area are left out and listed on the dataset.
    """
    scope = _manager_scope(actor)
    _check_import_metadata(
        source=source, round_label=round_label, reporting_date=reporting_date, admin_level=admin_level
    )
    digest = file_digest(data)
    # Imports of one organisation run one at a time, so the same file uploaded twice at once imports once.
    # NO KEY UPDATE does not hold back rows that merely refer to the organisation (households, jobs).
    _lock_organisation(scope.data_owner_id)
    existing = DtmDataset.objects.filter(organisation_id=scope.data_owner_id, file_sha256=digest).first()
    if existing is not None:
        return ImportOutcome(existing, True, None)

    def planning(done: int, total: int) -> None:
        if progress:
            progress(done, 2 * total)

    plan = read_plan(
        data, file_name=file_name, source=source, admin_level=admin_level, sheet=sheet or None, progress=planning
    )
    dataset = DtmDataset(
        organisation_id=scope.data_owner_id,
        source=source,
        round_label=round_label.strip(),
        reporting_date=reporting_date,
        admin_level=plan.level,
        file_name=file_name[:255],
        file_sha256=digest,
        sheet=(sheet or "")[:100],
        country_code=plan.country_code,
        row_count=plan.rows,
        figure_count=len(plan.figures),
        unmatched=plan.unmatched,
        unmatched_count=plan.unmatched_count,
        report=plan.report(),
        imported_by=actor,
    )
    dataset.full_clean()
    dataset.save()

    def writing(written: int) -> None:
        if progress and plan.figures:
            progress(plan.rows + round(plan.rows * written / len(plan.figures)), 2 * plan.rows)

    _write_figures(dataset.pk, plan.figures, writing)
    audit_record(
        actor=actor,
        action="targeting.dataset.import",
        target=dataset,
        after={
            **snapshot(dataset, ["source", "round_label", "reporting_date", "admin_level", "file_name", "file_sha256"]),
            "rows": plan.rows,
            "figures": len(plan.figures),
            "unmatched": plan.unmatched_count,
        },
    )
    return ImportOutcome(dataset, False, plan)


def _write_figures(dataset_id: int, figures: dict, written: Callable[[int], None]) -> None:
    """Insert the figures in batches: COPY on PostgreSQL (tens of thousands of rows a second), else bulk_create."""
    total = len(figures)
    if connection.vendor == "postgresql":
        statement = "COPY " + DtmFigure._meta.db_table + " (dataset_id, area_id, population_group, unit, period, value)"
        with connection.cursor() as cursor, cursor.copy(statement + " FROM STDIN") as copy:
            for count, ((area_id, group, unit, period), value) in enumerate(figures.items(), start=1):
                copy.write_row((dataset_id, area_id, str(group), str(unit), period, value))
                if count % WRITE_BATCH == 0 or count == total:
                    written(count)
        return
    batch: list[DtmFigure] = []
    for count, ((area_id, group, unit, period), value) in enumerate(figures.items(), start=1):
        batch.append(
            DtmFigure(
                dataset_id=dataset_id, area_id=area_id, population_group=group, unit=unit, period=period, value=value
            )
        )
        if len(batch) == WRITE_BATCH or count == total:
            DtmFigure.objects.bulk_create(batch)
            batch = []
            written(count)


@service
def dtm_import_queue(
    *,
    actor,
    upload,
    source: str,
    round_label: str,
    reporting_date: date,
    admin_level: int | None = None,
    sheet: str = "",
    validate_only: bool = False,
) -> Job:
    """Keep an uploaded DTM file and queue its import (or its validation) as a background job.

    The task receives only the job id; the file is read from storage and removed when the job ends.
    """
    _manager_scope(actor)
    _check_import_metadata(
        source=source, round_label=round_label, reporting_date=reporting_date, admin_level=admin_level
    )
    file_name = upload.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    stored = default_storage.save(f"targeting/uploads/{timezone.now():%Y%m%d%H%M%S}-{file_name}", upload)
    verb = _("Validating") if validate_only else _("Importing")
    job = job_create(
        actor=actor,
        kind="targeting.dtm_import",
        label=f"{verb} {file_name}",
        params={
            "path": stored,
            "file_name": file_name,
            "source": source,
            "round_label": round_label,
            "reporting_date": reporting_date.isoformat(),
            "admin_level": admin_level,
            "sheet": sheet,
            "validate_only": validate_only,
        },
    )
    from .tasks import dtm_import_task

    transaction.on_commit(partial(dtm_import_task.delay, job.pk))
    return job


# ---------------------------------------------------------------- scoring models


def _clean_weights(weights: dict) -> dict[str, float]:
    cleaned, problems = rules.clean_weights(weights)
    if problems:
        raise ValidationError(
            {
                "weights": [
                    f"{rules.INDICATORS[k].label if k in rules.INDICATORS else k}: {m}" for k, m in problems.items()
                ]
            }
        )
    return cleaned


@service
def scoring_model_create(*, actor, name: str, weights: dict, description: str = "") -> ScoringModel:
    """A new named model, version 1."""
    scope = _manager_scope(actor)
    name = name.strip()
    cleaned = _clean_weights(weights)
    if ScoringModel.objects.filter(organisation_id=scope.data_owner_id, name__iexact=name).exists():
        raise ValidationError({"name": _("A model with this name exists; add a new version of it instead.")})
    model = ScoringModel(
        organisation_id=scope.data_owner_id,
        name=name,
        version=1,
        description=description.strip(),
        weights=cleaned,
        created_by=actor,
    )
    model.full_clean()
    model.save()
    audit_record(actor=actor, action="targeting.model.create", target=model, after=snapshot(model))
    return model


@service
def scoring_model_new_version(*, actor, model: ScoringModel, weights: dict, description: str = "") -> ScoringModel:
    """The next version of a model with new weights. Earlier versions stay, inactive, for the rounds that used them."""
    scope = _manager_scope(actor)
    if not _same_organisation(scope, model.organisation_id):
        raise PermissionDenied
    cleaned = _clean_weights(weights)
    siblings = ScoringModel.objects.select_for_update().filter(organisation_id=model.organisation_id, name=model.name)
    latest = siblings.aggregate(v=Max("version"))["v"] or 0
    retired = list(siblings.filter(is_active=True).values_list("version", flat=True))
    siblings.filter(is_active=True).update(is_active=False, updated_at=timezone.now())
    new = ScoringModel(
        organisation_id=model.organisation_id,
        name=model.name,
        version=latest + 1,
        description=description.strip() or model.description,
        weights=cleaned,
        created_by=actor,
    )
    new.full_clean()
    new.save()
    audit_record(
        actor=actor,
        action="targeting.model.new_version",
        target=new,
        before={"weights": model.weights, "version": model.version, "active_versions": retired},
        after=snapshot(new),
    )
    return new


# ---------------------------------------------------------------- rounds


@service
def round_create(
    *,
    actor,
    name: str,
    area: AdminArea,
    admin_level: int,
    scoring_model: ScoringModel,
    datasets: Sequence[DtmDataset],
    comparison_dataset: DtmDataset | None = None,
) -> TargetingRound:
    """A draft round: which model ranks which areas (``admin_level`` inside ``area``) on which datasets."""
    scope = _manager_scope(actor)
    datasets = list(datasets)
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not _overlaps(scope, area):
        error("area", _("You can only rank areas inside your own assignment."))
    if admin_level <= area.level or admin_level > AdminLevel.SETTLEMENT:
        error(
            "admin_level",
            _("Choose a level below %(area)s (%(level)s).") % {"area": area.name, "level": area.get_level_display()},
        )
    if not _same_organisation(scope, scoring_model.organisation_id):
        error("scoring_model", _("Choose one of your organisation's models."))
    elif not scoring_model.is_active:
        error("scoring_model", _("This version has been replaced; choose the current version."))
    if not datasets:
        error("datasets", _("Choose at least one dataset."))
    chosen = [*datasets, comparison_dataset] if comparison_dataset else datasets
    for dataset in chosen:
        field = "comparison_dataset" if dataset is comparison_dataset else "datasets"
        if not _same_organisation(scope, dataset.organisation_id):
            error(field, _("%(d)s is not one of your organisation's datasets.") % {"d": dataset})
            continue
        if dataset.admin_level < admin_level:
            error(
                field,
                _("%(d)s holds figures per %(has)s; it cannot rank areas per %(wanted)s.")
                % {"d": dataset, "has": LEVEL_NAMES[dataset.admin_level], "wanted": LEVEL_NAMES.get(admin_level, "")},
            )
        if dataset.country_code and dataset.country_code != area.country_code:
            error(
                field,
                _("%(d)s covers %(c)s; %(area)s is in %(ac)s.")
                % {"d": dataset, "c": dataset.country_code, "area": area.name, "ac": area.country_code},
            )
    if comparison_dataset is not None and comparison_dataset in datasets:
        error("comparison_dataset", _("The comparison dataset cannot also be one of the datasets ranked."))
    if comparison_dataset is not None and datasets:
        latest = max(d.reporting_date for d in datasets)
        if comparison_dataset.reporting_date >= latest:
            error("comparison_dataset", _("Compare with an earlier round (reported before %(d)s).") % {"d": latest})
    if rules.needs_comparison(scoring_model.weights) and comparison_dataset is None:
        error("comparison_dataset", _("This model weighs growth between rounds: choose an earlier dataset to compare."))
    if len(datasets) > 1 and not errors:
        overlap = _shared_groups(datasets)
        if overlap:
            error(
                "datasets",
                _("Two datasets report the same population group (%(groups)s): their figures would be counted twice.")
                % {"groups": ", ".join(sorted(overlap))},
            )
    if errors:
        raise ValidationError(errors)

    round_ = TargetingRound(
        organisation_id=scope.data_owner_id,
        name=name.strip(),
        area=area,
        admin_level=admin_level,
        scoring_model=scoring_model,
        comparison_dataset=comparison_dataset,
        created_by=actor,
    )
    round_.full_clean()
    round_.save()
    round_.datasets.set(datasets)
    audit_record(
        actor=actor,
        action="targeting.round.create",
        target=round_,
        after={**snapshot(round_), "datasets": sorted(d.pk for d in datasets)},
    )
    return round_


def _shared_groups(datasets: Sequence[DtmDataset]) -> set[str]:
    seen: dict[str, int] = {}
    shared: set[str] = set()
    pairs = (
        DtmFigure.objects.filter(dataset__in=datasets)
        .values_list("dataset_id", "population_group")
        .distinct()
        .order_by()
    )
    for dataset_id, group in pairs:
        if group in seen and seen[group] != dataset_id:
            shared.add(group)
        seen.setdefault(group, dataset_id)
    return shared


def _figures_by_area(
    *, datasets: Sequence[int], area: AdminArea, level: int, unit: str, codes: dict[str, int]
) -> tuple[dict[int, dict[str, Decimal]], dict[int, dict[str, Decimal]]]:
    """Counts (in ``unit``) and mean severity scores per ranked area, adding up finer areas inside each."""
    counts: dict[int, dict[str, Decimal]] = {}
    severity_sums: dict[int, dict[str, list[Decimal]]] = {}
    rows = (
        DtmFigure.objects.filter(
            dataset_id__in=datasets, area__path__startswith=area.path, area__level__gte=level, unit__in=[unit, "score"]
        )
        .values("area__path", "population_group", "unit")
        .annotate(total=Sum("value"), n=Count("id"))
        .order_by()
    )
    for row in rows:
        parts = row["area__path"].split("/")
        area_id = codes.get(parts[level]) if len(parts) > level else None
        if area_id is None:
            continue
        group = row["population_group"]
        if row["unit"] == FigureUnit.SCORE:
            pair = severity_sums.setdefault(area_id, {}).setdefault(group, [Decimal(0), Decimal(0)])
            pair[0] += row["total"]
            pair[1] += row["n"]
        else:
            bucket = counts.setdefault(area_id, {})
            bucket[group] = bucket.get(group, Decimal(0)) + row["total"]
    severity = {
        area_id: {group: (s / n).quantize(Decimal("0.01")) for group, (s, n) in groups.items() if n}
        for area_id, groups in severity_sums.items()
    }
    return counts, severity


@service
def round_score(*, actor, targeting_round: TargetingRound) -> TargetingRound:
    """Rank the round's areas with its model. Areas ranked are those at the round's level inside its area
    and inside the acting manager's assignment that have figures in the round's datasets."""
    scope = _manager_scope(actor)
    if not _same_organisation(scope, targeting_round.organisation_id):
        raise PermissionDenied
    if not targeting_round.is_open:
        raise ValidationError(
            {
                "status": _("This round is %(s)s; it can no longer be scored.")
                % {"s": targeting_round.get_status_display()}
            }
        )
    area, level = targeting_round.area, targeting_round.admin_level
    candidates = AdminArea.objects.filter(level=level, is_active=True, path__startswith=area.path).filter(
        scope.areas_q()
    )
    codes = dict(candidates.values_list("pcode", "pk"))
    dataset_ids = list(targeting_round.datasets.values_list("pk", flat=True))
    has_individuals = DtmFigure.objects.filter(dataset_id__in=dataset_ids, unit=FigureUnit.INDIVIDUALS).exists()
    unit = FigureUnit.INDIVIDUALS if has_individuals else FigureUnit.HOUSEHOLDS
    counts, severity = _figures_by_area(datasets=dataset_ids, area=area, level=level, unit=unit, codes=codes)
    previous: dict[int, dict[str, Decimal]] | None = None
    if targeting_round.comparison_dataset_id:
        previous, _previous_severity = _figures_by_area(
            datasets=[targeting_round.comparison_dataset_id], area=area, level=level, unit=unit, codes=codes
        )
    pcodes = {pk: code for code, pk in codes.items()}
    inputs = [
        rules.AreaFigures(
            area_id=area_id,
            pcode=pcodes[area_id],
            counts=counts.get(area_id, {}),
            severity=severity.get(area_id, {}),
            previous=(previous.get(area_id, {}) if previous is not None else None),
        )
        for area_id in sorted(set(counts) | set(severity), key=lambda pk: pcodes[pk])
    ]
    if not inputs:
        raise ValidationError(
            {
                "datasets": _("No figure of these datasets lies inside %(area)s at %(level)s level within your areas.")
                % {"area": area.name, "level": LEVEL_NAMES.get(level, level)}
            }
        )
    results = rules.score_areas(inputs, targeting_round.scoring_model.weights)
    for result in results:
        result.breakdown["unit"] = str(unit)

    before = snapshot(targeting_round, ["status", "scored_at"])
    AreaScore.objects.filter(round=targeting_round).delete()
    AreaScore.objects.bulk_create(
        [
            AreaScore(round=targeting_round, area_id=r.area_id, score=r.score, rank=r.rank, breakdown=r.breakdown)
            for r in results
        ],
        batch_size=WRITE_BATCH,
    )
    dropped = list(
        TargetArea.objects.filter(round=targeting_round)
        .exclude(area_id__in=[r.area_id for r in results])
        .values_list("area__pcode", flat=True)
    )
    if dropped:
        TargetArea.objects.filter(round=targeting_round, area__pcode__in=dropped).delete()
    targeting_round.status = RoundStatus.SCORED
    targeting_round.scored_at = timezone.now()
    targeting_round.full_clean()
    targeting_round.save(update_fields=["status", "scored_at", "updated_at"])
    audit_record(
        actor=actor,
        action="targeting.round.score",
        target=targeting_round,
        before=before,
        after={
            **snapshot(targeting_round, ["status", "scored_at"]),
            "areas_ranked": len(results),
            "unit": str(unit),
            "top": [r.pcode for r in results[:10]],
            "selections_dropped": dropped,
        },
    )
    return targeting_round


def _check_open_scored(round_: TargetingRound) -> None:
    if round_.status != RoundStatus.SCORED:
        raise ValidationError(
            {
                "status": _("Areas are selected in a scored round; this one is %(s)s.")
                % {"s": round_.get_status_display()}
            }
        )


@service
def target_area_select(*, actor, targeting_round: TargetingRound, area: AdminArea, rationale: str) -> TargetArea:
    """Select a ranked area with the reason. Selecting it again replaces the reason."""
    scope = _manager_scope(actor)
    if not _same_organisation(scope, targeting_round.organisation_id):
        raise PermissionDenied
    _check_open_scored(targeting_round)
    if not rationale.strip():
        raise ValidationError({"rationale": _("Write why this area is selected.")})
    if not _covers(scope, area):
        raise ValidationError({"area": _("%(a)s is outside your assignment.") % {"a": area.name}})
    if not AreaScore.objects.filter(round=targeting_round, area=area).exists():
        raise ValidationError({"area": _("%(a)s is not ranked in this round.") % {"a": area.name}})
    target = TargetArea.objects.filter(round=targeting_round, area=area).first()
    if target is not None:
        before = snapshot(target, ["rationale"])
        target.rationale = rationale.strip()
        target.selected_by = actor
        target.full_clean()
        target.save(update_fields=["rationale", "selected_by", "updated_at"])
        old, new = changed(before, snapshot(target, ["rationale"]))
        audit_record(actor=actor, action="targeting.target_area.update", target=target, before=old, after=new)
        return target
    target = TargetArea(round=targeting_round, area=area, rationale=rationale.strip(), selected_by=actor)
    target.full_clean()
    target.save()
    audit_record(actor=actor, action="targeting.target_area.select", target=target, after=snapshot(target))
    return target


@service
def target_area_deselect(*, actor, target_area: TargetArea, reason: str = "") -> None:
    """Take an area out of a round that is not yet approved."""
    scope = _manager_scope(actor)
    round_ = target_area.round
    if not _same_organisation(scope, round_.organisation_id):
        raise PermissionDenied
    _check_open_scored(round_)
    if not _covers(scope, target_area.area):
        raise ValidationError({"area": _("%(a)s is outside your assignment.") % {"a": target_area.area.name}})
    audit_record(
        actor=actor,
        action="targeting.target_area.deselect",
        target=target_area,
        before=snapshot(target_area),
        reason=reason,
    )
    target_area.delete()


@service
def round_approve(*, actor, targeting_round: TargetingRound, rationale: str) -> TargetingRound:
    """Approve the selection: its target areas become the programme's. The organisation's previously
    approved round for the same area is superseded (kept, no longer active)."""
    scope = _manager_scope(actor)
    if not _same_organisation(scope, targeting_round.organisation_id):
        raise PermissionDenied
    # One approval at a time per organisation, so two rounds of the same area cannot both end approved.
    _lock_organisation(targeting_round.organisation_id)
    targeting_round.refresh_from_db()
    _check_open_scored(targeting_round)
    if not rationale.strip():
        raise ValidationError({"rationale": _("Write why this selection is approved.")})
    targets = list(TargetArea.objects.filter(round=targeting_round).select_related("area"))
    if not targets:
        raise ValidationError({"status": _("Select at least one area before approving.")})
    outside = [t.area.name for t in targets if not _covers(scope, t.area)]
    if outside:
        raise ValidationError(
            {"status": _("You cannot approve areas outside your assignment: %(a)s.") % {"a": ", ".join(outside)}}
        )
    previous = list(
        TargetingRound.objects.select_for_update()
        .filter(
            organisation_id=targeting_round.organisation_id,
            area_id=targeting_round.area_id,
            status=RoundStatus.APPROVED,
        )
        .exclude(pk=targeting_round.pk)
    )
    for old in previous:
        before = snapshot(old, ["status", "superseded_by"])
        old.status = RoundStatus.SUPERSEDED
        old.superseded_by = targeting_round
        old.full_clean()
        old.save(update_fields=["status", "superseded_by", "updated_at"])
        audit_record(
            actor=actor,
            action="targeting.round.supersede",
            target=old,
            before=before,
            after=snapshot(old, ["status", "superseded_by"]),
        )
    before = snapshot(targeting_round, ["status", "rationale", "approved_by", "approved_at"])
    targeting_round.status = RoundStatus.APPROVED
    targeting_round.rationale = rationale.strip()
    targeting_round.approved_by = actor
    targeting_round.approved_at = timezone.now()
    targeting_round.full_clean()
    targeting_round.save(update_fields=["status", "rationale", "approved_by", "approved_at", "updated_at"])
    audit_record(
        actor=actor,
        action="targeting.round.approve",
        target=targeting_round,
        before=before,
        after={
            **snapshot(targeting_round, ["status", "rationale", "approved_by", "approved_at"]),
            "target_areas": sorted(t.area.pcode for t in targets),
            "superseded": [r.pk for r in previous],
        },
    )
    return targeting_round
