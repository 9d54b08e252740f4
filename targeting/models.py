"""Targeting: DTM figures per area, scoring models, and the rounds in which a manager selects target areas."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AdminArea, AdminLevel, BaseModel, Organisation


class DtmSource(models.TextChoices):
    AFG_BASELINE = "afg_baseline", _("DTM Afghanistan baseline mobility assessment")
    IRQ_MASTER_LIST = "irq_master_list", _("DTM Iraq master list (IDPs / returnees)")
    IRQ_RETURN_INDEX = "irq_return_index", _("DTM Iraq Return Index")
    OTHER = "other", _("Other DTM product")


class PopulationGroup(models.TextChoices):
    ARRIVAL_IDPS = "arrival_idps", _("IDPs arrived in the area")
    FLED_IDPS = "fled_idps", _("IDPs who fled the area")
    RETURNED_IDPS = "returned_idps", _("Returned IDPs")
    RETURNEES_ABROAD = "returnees_abroad", _("Returnees from abroad")
    OUT_MIGRANTS = "out_migrants", _("Out-migrants")
    IDPS = "idps", _("IDPs (master list)")
    RETURNEES = "returnees", _("Returnees (master list)")
    RETURN_INDEX = "return_index", _("Return Index severity (0-100)")


class FigureUnit(models.TextChoices):
    HOUSEHOLDS = "households", _("Households")
    INDIVIDUALS = "individuals", _("Individuals")
    SCORE = "score", _("Score")


class DtmDataset(BaseModel):
    """One imported DTM file. The file hash makes re-importing the same file a no-op."""

    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=30, choices=DtmSource.choices)
    round_label = models.CharField(_("round"), max_length=60, help_text=_("e.g. 'Round 16' or 'Master list 130'"))
    reporting_date = models.DateField(_("reporting date"))
    admin_level = models.PositiveSmallIntegerField(_("level of the rows"), choices=AdminLevel.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    country_code = models.CharField(_("country (ISO3)"), max_length=3, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    figure_count = models.PositiveIntegerField(_("figures"), default=0)
    unmatched = models.JSONField(
        _("unmatched rows"),
        default=list,
        blank=True,
        help_text=_("Rows whose place could not be matched: line, codes, names and why (the first 2,000)."),
    )
    unmatched_count = models.PositiveIntegerField(_("unmatched row count"), default=0)
    report = models.JSONField(
        _("import report"),
        default=dict,
        blank=True,
        help_text=_("Columns read and how, columns ignored, rows matched by name."),
    )
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reporting_date", "-id"]
        verbose_name = _("DTM dataset")
        verbose_name_plural = _("DTM datasets")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "file_sha256"], name="dtmdataset_unique_file"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.round_label} ({self.reporting_date:%Y-%m-%d})"


class DtmFigure(models.Model):
    """A count (or severity score) for one area, population group, unit and period of a dataset."""

    scope_area_field = "area"
    scope_organisation_field = "dataset__organisation"

    # No single-column indexes: the unique constraint leads with the dataset and ``dtmfigure_area_group`` with
    # the area, so both serve those lookups, and a 30 000-row import maintains two indexes fewer.
    dataset = models.ForeignKey(DtmDataset, on_delete=models.CASCADE, related_name="figures", db_index=False)
    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, related_name="dtm_figures", db_index=False)
    population_group = models.CharField(max_length=30, choices=PopulationGroup.choices)
    unit = models.CharField(max_length=15, choices=FigureUnit.choices)
    period = models.CharField(_("period"), max_length=20, blank=True, help_text=_("e.g. '2016' or '2012_18'"))
    value = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "area", "population_group", "unit", "period"], name="dtmfigure_unique_cell"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="dtmfigure_value_not_negative"),
        ]
        indexes = [models.Index(fields=["area", "population_group"], name="dtmfigure_area_group")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.population_group} {self.unit} {self.period}: {self.value}"


class ScoringModel(BaseModel):
    """Named, versioned weights over area indicators. A version in use is never edited: a change is a new version."""

    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    version = models.PositiveIntegerField(_("version"), default=1)
    description = models.TextField(_("description"), blank=True)
    weights = models.JSONField(_("weights"), default=dict, help_text=_("indicator → weight"))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name", "version"], name="scoringmodel_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCORED = "scored", _("Scored")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class TargetingRound(BaseModel):
    """A manager runs a scoring model over datasets at one admin level, selects areas and approves them."""

    scope_area_field = "area"
    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=160)
    area = models.ForeignKey(
        AdminArea,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ranked within"),
        help_text=_("The country or province whose areas are ranked."),
    )
    admin_level = models.PositiveSmallIntegerField(_("level ranked"), choices=AdminLevel.choices)
    scoring_model = models.ForeignKey(ScoringModel, on_delete=models.PROTECT, related_name="rounds")
    datasets = models.ManyToManyField(DtmDataset, related_name="rounds")
    comparison_dataset = models.ForeignKey(
        DtmDataset,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("An earlier round, for growth between rounds."),
    )
    status = models.CharField(_("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    rationale = models.TextField(_("rationale"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("superseded by")
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "area", "status"], name="round_org_area_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        """Areas can still be (de)selected and the round re-scored; approved and superseded rounds are records."""
        return self.status in (RoundStatus.DRAFT, RoundStatus.SCORED)


class AreaScore(models.Model):
    """An area's score and rank in a round, with the figures behind it."""

    round = models.ForeignKey(TargetingRound, on_delete=models.CASCADE, related_name="scores")
    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=9, decimal_places=4)
    rank = models.PositiveIntegerField()
    breakdown = models.JSONField(
        default=dict,
        help_text=_("indicators → {value, normalised, weight, contribution}; figures, severity and previous figures"),
    )

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["round", "area"], name="areascore_unique")]

    def __str__(self) -> str:
        return f"#{self.rank} {self.area_id}: {self.score}"


class TargetArea(BaseModel):
    """An area selected in a round, with the reason. Active once the round is approved; approved target
    areas drive profiling, CAPs and dashboards."""

    scope_area_field = "area"
    scope_organisation_field = "round__organisation"

    round = models.ForeignKey(TargetingRound, on_delete=models.CASCADE, related_name="target_areas")
    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, related_name="target_areas")
    rationale = models.TextField(_("why this area"))
    selected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["area__pcode"]
        constraints = [models.UniqueConstraint(fields=["round", "area"], name="targetarea_unique")]

    def __str__(self) -> str:
        return f"{self.area} ({self.round})"
