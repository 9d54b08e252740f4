"""Assistance: activity types per HDX sector, assistance to households and people, beneficiary lists,
community projects, programmes and indicator targets.

What a household or a person received is an ``AssistanceRecord``: planned, approved by a manager,
then delivered (or cancelled). A delivered record blocks the same activity (or any activity of the same
overlap group) for the same beneficiary until ``blocked_until``; on PostgreSQL an exclusion constraint
backs the service check so two deliveries cannot both land, whatever the timing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AdminArea, BaseModel, Organisation
from core.sectors import Sector
from profiling.models import Household, Member


class Modality(models.TextChoices):
    IN_KIND = "in_kind", _("In-kind")
    CASH = "cash", _("Cash")
    VOUCHER = "voucher", _("Voucher")
    SERVICE = "service", _("Service")


MONETARY_MODALITIES = frozenset({Modality.CASH, Modality.VOUCHER})


class BeneficiaryKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    INDIVIDUAL = "individual", _("Individual")


class GrantKind(models.TextChoices):
    """Cash grants of facilitated returns; monitoring links movements to records of these types."""

    DEPARTURE = "departure", _("Departure grant")
    REINSTALLATION = "reinstallation", _("Reinstallation grant")
    REINTEGRATION = "reintegration", _("Reintegration grant")


class Currency(models.TextChoices):
    AFN = "AFN", _("Afghani (AFN)")
    IQD = "IQD", _("Iraqi dinar (IQD)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")


class ActivityType(BaseModel):
    """What can be given or done, in which sector, counted in which unit, and how often.

    ``repeat_window_days``: after a delivery, the same beneficiary may not receive this activity (or any
    activity of the same ``overlap_group``) again for that many days. 0 means it may be repeated at any
    time (a health consultation); empty means only once, ever (a departure grant).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, help_text=_("What one unit of quantity is: kit, latrine, grant…"))
    modality = models.CharField(_("modality"), max_length=10, choices=Modality.choices)
    beneficiary = models.CharField(
        _("given to"), max_length=10, choices=BeneficiaryKind.choices, default=BeneficiaryKind.HOUSEHOLD
    )
    repeat_window_days = models.PositiveIntegerField(
        _("repeat window (days)"),
        null=True,
        blank=True,
        default=365,
        help_text=_("Days before the same beneficiary may receive it again. 0: no limit. Empty: only once."),
    )
    overlap_group = models.SlugField(
        _("overlap group"),
        max_length=40,
        blank=True,
        help_text=_("Activities sharing a group count as the same for the repeat window (e.g. 'shelter')."),
    )
    grant_kind = models.CharField(_("grant"), max_length=20, choices=GrantKind.choices, blank=True)
    default_quantity = models.DecimalField(_("default quantity"), max_digits=10, decimal_places=2, default=1)
    default_amount = models.DecimalField(_("default amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    default_currency = models.CharField(_("default currency"), max_length=3, choices=Currency.choices, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["sector", "order", "name"]
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        constraints = [
            models.CheckConstraint(
                condition=Q(default_amount__isnull=True) | Q(default_amount__gte=0), name="activitytype_amount_positive"
            ),
            models.CheckConstraint(condition=Q(default_quantity__gt=0), name="activitytype_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sector})"

    @property
    def overlap_key(self) -> str:
        return self.overlap_group or self.code

    @property
    def is_monetary(self) -> bool:
        return self.modality in MONETARY_MODALITIES


class Programme(BaseModel):
    """A funded programme (donor, period) that assistance, projects and indicator targets belong to."""

    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    donor = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("donor")
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-start_date", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="programme_unique_code"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="programme_dates_order"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Returned")


class BeneficiaryList(BaseModel):
    """Households (or people) selected by profiling criteria for one activity, approved as a whole by a manager.

    ``criteria`` keeps the filters the list was built from, so a reviewer sees why each household is on it.
    """

    scope_area_field = "area"
    scope_organisation_field = "organisation"
    scope_resource = "assistance"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="lists", verbose_name=_("activity")
    )
    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="lists", verbose_name=_("programme")
    )
    cap_action = models.ForeignKey(
        "caps.Action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="beneficiary_lists",
        verbose_name=_("CAP action"),
        help_text=_("The action of an approved Community Action Plan that this distribution carries out."),
    )
    criteria = models.JSONField(_("selection criteria"), default=dict, blank=True)
    planned_date = models.DateField(_("planned distribution date"))
    status = models.CharField(_("status"), max_length=10, choices=ListStatus.choices, default=ListStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note from the manager"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"], name="beneficiarylist_org_status")]

    def __str__(self) -> str:
        return self.title


class RecordStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    APPROVED = "approved", _("Approved")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (RecordStatus.PLANNED, RecordStatus.APPROVED)


class AssistanceRecord(BaseModel):
    """One activity for one household (or one member of it): planned → approved → delivered, or cancelled.

    The record belongs to the household's organisation; ``implementing_organisation`` says who delivered
    it (the organisation itself, one of its units, or an implementing partner).
    """

    scope_area_field = "household__settlement"
    scope_organisation_field = "household__organisation"
    scope_resource = "assistance"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="assistance")
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistance",
        verbose_name=_("person"),
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="records", verbose_name=_("activity")
    )
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="records", verbose_name=_("programme")
    )
    beneficiary_list = models.ForeignKey(
        BeneficiaryList, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    status = models.CharField(_("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.PLANNED)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    blocked_until = models.DateField(
        _("no repeat before"),
        null=True,
        blank=True,
        help_text=_("End of the repeat window of a delivery (exclusive); empty for once-only activities."),
    )
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, default=1)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    implementing_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("implementing organisation")
    )
    donor = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("donor")
    )
    notes = models.TextField(_("notes"), blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("assistance record")
        verbose_name_plural = _("assistance records")
        indexes = [
            models.Index(fields=["household", "status"], name="assistance_household_status"),
            models.Index(fields=["activity_type", "status", "delivered_on"], name="assistance_type_delivered"),
            models.Index(fields=["status", "planned_date"], name="assistance_status_planned"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_on__isnull=False), name="assistance_delivered_has_date"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="assistance_quantity_positive"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="assistance_amount_not_negative"
            ),
            # The same delivery recorded twice (same beneficiary, activity and day) is refused by the database.
            models.UniqueConstraint(
                fields=["household", "activity_type", "delivered_on"],
                condition=Q(status="delivered", member__isnull=True),
                name="assistance_one_household_delivery_a_day",
            ),
            models.UniqueConstraint(
                fields=["member", "activity_type", "delivered_on"],
                condition=Q(status="delivered", member__isnull=False),
                name="assistance_one_member_delivery_a_day",
            ),
            # A household is on a list once.
            models.UniqueConstraint(
                fields=["beneficiary_list", "household", "member"],
                condition=Q(beneficiary_list__isnull=False, member__isnull=False),
                name="assistance_list_member_once",
            ),
            models.UniqueConstraint(
                fields=["beneficiary_list", "household"],
                condition=Q(beneficiary_list__isnull=False, member__isnull=True),
                name="assistance_list_household_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_type_id} → {self.household_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ProjectType(models.TextChoices):
    HEALTH_CENTRE = "health_centre", _("Health centre")
    CHECK_DAM = "check_dam", _("Check dam")
    WATER_POINT = "water_point", _("Water point")
    SCHOOL = "school", _("School")
    CHILD_FRIENDLY_SPACE = "child_friendly_space", _("Child-friendly space")
    WOMENS_REST_AREA = "womens_rest_area", _("Women's rest area")
    ROAD_BRIDGE = "road_bridge", _("Road or bridge")
    OTHER = "other", _("Other")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Under way")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# People reached by a community project: sex and age group, the same groups as individual assistance.
REACHED_FIELDS = (
    ("reached_f_0_5", "f", "0-5"),
    ("reached_f_6_17", "f", "6-17"),
    ("reached_f_18_59", "f", "18-59"),
    ("reached_f_60", "f", "60+"),
    ("reached_m_0_5", "m", "0-5"),
    ("reached_m_6_17", "m", "6-17"),
    ("reached_m_18_59", "m", "18-59"),
    ("reached_m_60", "m", "60+"),
)


def _reached(label):
    return models.PositiveIntegerField(label, default=0)


class CommunityProject(BaseModel):
    """Infrastructure built with and for a community (a health centre, a check dam, a water point…) in a
    targeted area, with its budget, progress and the people it reaches."""

    scope_area_field = "area"
    scope_organisation_field = "organisation"
    scope_resource = "assistance"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    project_type = models.CharField(_("type"), max_length=30, choices=ProjectType.choices)
    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices)
    area = models.ForeignKey(
        AdminArea,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place"),
        help_text=_("The settlement (or district) where it is built, inside a target area."),
    )
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="projects", verbose_name=_("programme")
    )
    cap_action = models.ForeignKey(
        "caps.Action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("CAP action"),
        help_text=_("The action of an approved Community Action Plan that this project carries out."),
    )
    implementing_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("implementing organisation")
    )
    donor = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("donor")
    )
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    planned_end_date = models.DateField(_("planned end"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    households_reached = models.PositiveIntegerField(_("households reached"), default=0)
    reached_f_0_5 = _reached(_("girls 0-5"))
    reached_f_6_17 = _reached(_("girls 6-17"))
    reached_f_18_59 = _reached(_("women 18-59"))
    reached_f_60 = _reached(_("women 60+"))
    reached_m_0_5 = _reached(_("boys 0-5"))
    reached_m_6_17 = _reached(_("boys 6-17"))
    reached_m_18_59 = _reached(_("men 18-59"))
    reached_m_60 = _reached(_("men 60+"))
    reached_with_disability = _reached(_("people with disability reached"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("community project")
        verbose_name_plural = _("community projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_percent__gte=0, progress_percent__lte=100), name="project_progress_range"
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False, progress_percent=100),
                name="project_completed_is_whole",
            ),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0), name="project_budget_positive"),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="project_org_status")]

    def __str__(self) -> str:
        return f"{self.reference} · {self.name}"

    @property
    def people_reached(self) -> int:
        return sum(getattr(self, name) for name, _sex, _age in REACHED_FIELDS)

    def reached_by(self, sex: str) -> int:
        return sum(getattr(self, name) for name, s, _age in REACHED_FIELDS if s == sex)


class ProjectUpdate(BaseModel):
    """A progress report on a project: where it stands on a date, with what changed."""

    scope_area_field = "project__area"
    scope_organisation_field = "project__organisation"
    scope_resource = "assistance"

    project = models.ForeignKey(CommunityProject, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("as of"))
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    note = models.TextField(_("what happened"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.reported_on}: {self.progress_percent}%"


class CountBy(models.TextChoices):
    HOUSEHOLDS = "households", _("Households reached (distinct)")
    INDIVIDUALS = "individuals", _("People reached (distinct)")
    PROJECTS = "projects", _("Projects completed")
    PROJECT_PEOPLE = "project_people", _("People reached by completed projects")


class Indicator(BaseModel):
    """What a programme promises to reach, and how the reached figure is counted from the records."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices)
    unit = models.CharField(_("unit"), max_length=40)
    count_by = models.CharField(_("reached is counted as"), max_length=20, choices=CountBy.choices)
    activity_types = models.ManyToManyField(
        ActivityType,
        blank=True,
        related_name="indicators",
        verbose_name=_("activities that count"),
    )
    project_types = models.JSONField(_("project types that count"), default=list, blank=True)
    description = models.TextField(_("how it is measured"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["sector", "code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def counts_projects(self) -> bool:
        return self.count_by in (CountBy.PROJECTS, CountBy.PROJECT_PEOPLE)


class IndicatorTarget(BaseModel):
    """A number to reach for one indicator, in one area, over one period, for a programme (or for all of
    the organisation's work there when no programme is named)."""

    scope_area_field = "area"
    scope_organisation_field = "organisation"
    scope_resource = "assistance"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="targets", verbose_name=_("programme")
    )
    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    target = models.PositiveIntegerField(_("target"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["indicator__sector", "indicator__code", "area__pcode", "period_start"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="target_period_order"),
            models.UniqueConstraint(
                fields=["organisation", "indicator", "programme", "area", "period_start", "period_end"],
                condition=Q(programme__isnull=False),
                name="target_unique_for_programme",
            ),
            models.UniqueConstraint(
                fields=["organisation", "indicator", "area", "period_start", "period_end"],
                condition=Q(programme__isnull=True),
                name="target_unique_without_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.period_start}..{self.period_end}: {self.target}"
