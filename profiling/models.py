"""Profiling: households, their members (with Washington Group answers) and consent per purpose."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AdminArea, BaseModel, Job, Organisation
from core.sectors import Sector


class DisplacementStatus(models.TextChoices):
    IDP = "idp", _("Internally displaced (IDP)")
    RETURNEE_ABROAD = "returnee_abroad", _("Returnee from abroad")
    RETURNED_IDP = "returned_idp", _("Returned IDP")
    HOST = "host", _("Host community")
    REFUGEE = "refugee", _("Refugee")
    MIGRANT = "migrant", _("Migrant")


RETURNEE_STATUSES = (DisplacementStatus.RETURNEE_ABROAD, DisplacementStatus.RETURNED_IDP)


class ShelterType(models.TextChoices):
    OWNED_HOUSE = "owned_house", _("Own house")
    RENTED = "rented", _("Rented house or room")
    HOSTED = "hosted", _("Hosted by relatives or friends")
    DAMAGED_HOUSE = "damaged_house", _("Damaged house (critical)")
    UNFINISHED = "unfinished", _("Unfinished building (critical)")
    TENT = "tent", _("Tent (critical)")
    MAKESHIFT = "makeshift", _("Makeshift shelter (critical)")
    COLLECTIVE_CENTRE = "collective_centre", _("Collective centre")
    OPEN_AIR = "open_air", _("No shelter / open air (critical)")


CRITICAL_SHELTER = frozenset(
    {ShelterType.DAMAGED_HOUSE, ShelterType.UNFINISHED, ShelterType.TENT, ShelterType.MAKESHIFT, ShelterType.OPEN_AIR}
)


class BarrierCategory(models.IntegerChoices):
    """IOM Iraq's grouping of obstacles to return."""

    SERVICE_MATERIAL = 1, _("Category 1: services and material conditions")
    SOCIAL_COHESION = 2, _("Category 2: social cohesion")
    SECURITY_POLITICAL = 3, _("Category 3: security and political")


class ReturnBarrier(models.TextChoices):
    """Specific obstacles to return, after IOM Iraq's return-barrier table; the category is in
    ``BARRIER_CATEGORY``."""

    HOUSING_DESTROYED = "housing_destroyed", _("House destroyed or heavily damaged")
    HOUSING_OCCUPIED = "housing_occupied", _("House occupied by others or under dispute (HLP)")
    NO_LIVELIHOODS = "no_livelihoods", _("Lack of livelihoods or jobs in the place of origin")
    NO_SERVICES = "no_services", _("Lack of basic services (water, electricity, health, schools)")
    NO_MEANS_TO_RETURN = "no_means_to_return", _("Cannot afford transport or the cost of return")
    MISSING_DOCUMENTS = "missing_documents", _("Lack of civil documentation")
    SCHOOL_YEAR = "school_year", _("Children would lose the school year")
    FEAR_TRAUMA = "fear_trauma", _("Fear or trauma linked to what happened there")
    TRIBAL_ETHNIC_TENSIONS = "tribal_ethnic_tensions", _("Tribal, ethnic or sectarian tensions")
    PERCEIVED_AFFILIATION = "perceived_affiliation", _("Family perceived as affiliated with an armed group")
    COMMUNITY_REJECTION = "community_rejection", _("Community or tribe refuses the family's return")
    FAMILY_SEPARATED = "family_separated", _("Family members missing, detained or still displaced")
    EXPLOSIVE_HAZARDS = "explosive_hazards", _("Unexploded ordnance or explosive hazards")
    ARMED_ACTORS = "armed_actors", _("Presence of armed actors or militias")
    BLOCKED_RETURNS = "blocked_returns", _("Returns blocked by authorities or security actors")
    NO_SECURITY_CLEARANCE = "no_security_clearance", _("Security clearance refused or pending")
    INSECURITY = "insecurity", _("General insecurity or ongoing conflict")
    DISPUTED_TERRITORY = "disputed_territory", _("Disputed territory or competing authorities")


BARRIER_CATEGORY: dict[str, int] = {
    ReturnBarrier.HOUSING_DESTROYED: BarrierCategory.SERVICE_MATERIAL,
    ReturnBarrier.HOUSING_OCCUPIED: BarrierCategory.SERVICE_MATERIAL,
    ReturnBarrier.NO_LIVELIHOODS: BarrierCategory.SERVICE_MATERIAL,
    ReturnBarrier.NO_SERVICES: BarrierCategory.SERVICE_MATERIAL,
    ReturnBarrier.NO_MEANS_TO_RETURN: BarrierCategory.SERVICE_MATERIAL,
    ReturnBarrier.MISSING_DOCUMENTS: BarrierCategory.SERVICE_MATERIAL,
    ReturnBarrier.SCHOOL_YEAR: BarrierCategory.SERVICE_MATERIAL,
    ReturnBarrier.FEAR_TRAUMA: BarrierCategory.SOCIAL_COHESION,
    ReturnBarrier.TRIBAL_ETHNIC_TENSIONS: BarrierCategory.SOCIAL_COHESION,
    ReturnBarrier.PERCEIVED_AFFILIATION: BarrierCategory.SOCIAL_COHESION,
    ReturnBarrier.COMMUNITY_REJECTION: BarrierCategory.SOCIAL_COHESION,
    ReturnBarrier.FAMILY_SEPARATED: BarrierCategory.SOCIAL_COHESION,
    ReturnBarrier.EXPLOSIVE_HAZARDS: BarrierCategory.SECURITY_POLITICAL,
    ReturnBarrier.ARMED_ACTORS: BarrierCategory.SECURITY_POLITICAL,
    ReturnBarrier.BLOCKED_RETURNS: BarrierCategory.SECURITY_POLITICAL,
    ReturnBarrier.NO_SECURITY_CLEARANCE: BarrierCategory.SECURITY_POLITICAL,
    ReturnBarrier.INSECURITY: BarrierCategory.SECURITY_POLITICAL,
    ReturnBarrier.DISPUTED_TERRITORY: BarrierCategory.SECURITY_POLITICAL,
}


class Intention(models.TextChoices):
    STAY = "stay", _("Stay where they are")
    RETURN = "return", _("Return to place of origin")
    RELOCATE = "relocate", _("Relocate elsewhere")
    INTEGRATE = "integrate", _("Integrate locally")
    UNDECIDED = "undecided", _("Undecided")


class Household(BaseModel):
    """A household registered by field staff in a settlement of a target area.

    ``version`` supports optimistic locking: an edit names the version it started from and is refused
    if someone saved in between. ``head_name``, ``size`` and the vulnerability fields are kept by the
    services so lists, duplicate checks and counts need no joins.
    """

    scope_area_field = "settlement"
    scope_resource = "households"
    scope_organisation_field = "organisation"

    # Indexed by the composite indexes below, which all lead with it.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="households", db_index=False)
    reference = models.CharField(_("reference"), max_length=40)
    settlement = models.ForeignKey(
        AdminArea, on_delete=models.PROTECT, related_name="households", verbose_name=_("settlement")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    displacement_status = models.CharField(_("displacement status"), max_length=20, choices=DisplacementStatus.choices)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    origin = models.ForeignKey(
        AdminArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place of origin"),
    )
    shelter_type = models.CharField(_("shelter"), max_length=20, choices=ShelterType.choices)
    head_name = models.CharField(_("head of household"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # searched through phone_key
    intention = models.CharField(_("intention"), max_length=20, choices=Intention.choices, default=Intention.UNDECIDED)
    size = models.PositiveSmallIntegerField(_("members"), default=0)
    vulnerability_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    vulnerability_band = models.CharField(_("vulnerability"), max_length=20, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    # NULL, not "", for households typed in the browser: household_submission_unique ignores NULLs.
    submission_id = models.CharField(  # noqa: DJ001
        _("form submission id"), max_length=64, null=True, blank=True, help_text=_("e.g. Kobo _uuid")
    )
    version = models.PositiveIntegerField(default=1)
    # Added with the registration pages, imports and vulnerability scoring (migration 0002).
    return_barriers = models.JSONField(
        _("barriers to return"), default=list, blank=True, help_text=_("codes of ReturnBarrier")
    )
    has_income = models.BooleanField(_("has a regular income"), default=True)
    has_debt = models.BooleanField(_("in debt"), default=False)
    head_date_of_birth = models.DateField(_("head's date of birth"), null=True, blank=True)
    head_birth_estimated = models.BooleanField(default=False)
    phone_key = models.CharField(max_length=12, blank=True, editable=False)
    vulnerability_model = models.ForeignKey(
        "VulnerabilityModel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vulnerability_criteria = models.JSONField(_("vulnerability criteria met"), default=list, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    notes = models.TextField(_("notes"), blank=True)
    import_job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("imported by job")
    )

    class Meta:
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "settlement", "-registered_at"], name="household_scope_recent"),
            # The list's order for wide scopes (a province, a country): walk newest first, stop at a page.
            models.Index(fields=["organisation", "-registered_at", "-id"], name="household_org_recent"),
            models.Index(fields=["displacement_status"], name="household_status"),
            models.Index(fields=["organisation", "head_date_of_birth"], name="household_head_dob"),
            models.Index(fields=["organisation", "phone_key"], name="household_phone_key"),
        ]
        # Constraints rather than unique=True / db_index=True on the text fields: the same unique indexes
        # without the second, pattern-matching index Django adds to each (nothing here is searched by
        # prefix), so that every insert keeps fewer indexes up to date.
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="household_reference_unique"),
            models.UniqueConstraint(fields=["submission_id"], name="household_submission_unique"),
        ]
        permissions = [("export_household", _("Can export household lists"))]

    def __str__(self) -> str:
        return self.reference

    @property
    def has_critical_shelter(self) -> bool:
        return self.shelter_type in CRITICAL_SHELTER


class Sex(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Son / daughter")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Brother / sister")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NON_RELATIVE = "non_relative", _("Not related")


class WGAnswer(models.IntegerChoices):
    """Washington Group Short Set answer scale."""

    NO_DIFFICULTY = 1, _("No difficulty")
    SOME_DIFFICULTY = 2, _("Some difficulty")
    A_LOT_OF_DIFFICULTY = 3, _("A lot of difficulty")
    CANNOT_DO = 4, _("Cannot do at all")


WG_DOMAINS = ("wg_seeing", "wg_hearing", "wg_walking", "wg_remembering", "wg_self_care", "wg_communicating")


class DocumentType(models.TextChoices):
    TAZKIRA = "tazkira", _("Tazkira / national ID")
    PASSPORT = "passport", _("Passport")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    POR_CARD = "por_card", _("Proof of Registration card")
    CIVIL_ID = "civil_id", _("Civil status ID (Iraq)")
    OTHER = "other", _("Other")


class Member(BaseModel):
    """A person in a household. Disability follows the Washington Group Short Set: any domain answered
    3 ("a lot of difficulty") or 4 ("cannot do at all"); ``has_disability`` is kept by the services."""

    scope_area_field = "household__settlement"
    scope_resource = "households"
    scope_organisation_field = "household__organisation"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(_("date of birth estimated from age"), default=False)
    relationship = models.CharField(_("relation to head"), max_length=20, choices=Relationship.choices)
    wg_seeing = models.PositiveSmallIntegerField(
        _("difficulty seeing"), choices=WGAnswer.choices, null=True, blank=True
    )
    wg_hearing = models.PositiveSmallIntegerField(
        _("difficulty hearing"), choices=WGAnswer.choices, null=True, blank=True
    )
    wg_walking = models.PositiveSmallIntegerField(
        _("difficulty walking or climbing steps"), choices=WGAnswer.choices, null=True, blank=True
    )
    wg_remembering = models.PositiveSmallIntegerField(
        _("difficulty remembering or concentrating"), choices=WGAnswer.choices, null=True, blank=True
    )
    wg_self_care = models.PositiveSmallIntegerField(
        _("difficulty with self-care"), choices=WGAnswer.choices, null=True, blank=True
    )
    wg_communicating = models.PositiveSmallIntegerField(
        _("difficulty communicating"), choices=WGAnswer.choices, null=True, blank=True
    )
    has_disability = models.BooleanField(_("disability (WG-SS)"), default=False)
    chronic_illness = models.BooleanField(_("chronic illness"), default=False)
    pregnant_or_lactating = models.BooleanField(_("pregnant or lactating"), default=False)
    documents = models.JSONField(_("documents held"), default=list, blank=True)

    class Meta:
        ordering = ["household_id", "id"]
        indexes = [
            # Heads and people with a disability per household, read without the member rows (reached figures).
            models.Index(
                fields=["household", "id"],
                include=["sex", "date_of_birth"],
                condition=Q(relationship="head"),
                name="member_head",
            ),
            models.Index(fields=["household"], condition=Q(has_disability=True), name="member_with_disability"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=False) | Q(date_of_birth_estimated=False),
                name="member_estimated_dob_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: datetime.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())


class ConsentPurpose(models.TextChoices):
    REGISTRATION = "registration", _("Registration and assistance")
    REFERRAL = "referral", _("Referral to other services")
    PARTNER_SHARING = "partner_sharing", _("Sharing with partner organisations")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Informed consent")
    VITAL_INTEREST = "vital_interest", _("Vital interest")
    PUBLIC_INTEREST = "public_interest", _("Public interest / mandate")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")


class Consent(BaseModel):
    """The household's answer and the legal basis for one purpose. One row per purpose; changes are audited."""

    scope_area_field = "household__settlement"
    scope_organisation_field = "household__organisation"

    # Indexed by consent_one_per_purpose (household, purpose).
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="consents", db_index=False)
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given = models.BooleanField(_("consent given"))
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["household", "purpose"], name="consent_one_per_purpose")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.purpose}: {'yes' if self.given else 'no'}"


class VulnerabilityModel(BaseModel):
    """Criteria weights and band thresholds of an organisation, versioned.

    A version is never edited once saved: a manager's change is a new version. Exactly one version per
    organisation is active; activating another recomputes every household's score in a background job.
    ``weights`` maps criterion code → points, ``parameters`` holds the cut-offs of the criteria that
    need one, ``bands`` lists ``[band, minimum score]`` from the lowest band up.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    weights = models.JSONField(_("weights"), default=dict)
    parameters = models.JSONField(_("parameters"), default=dict)
    bands = models.JSONField(_("bands"), default=list)
    note = models.TextField(_("what changed"), blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["organisation_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="vulnerabilitymodel_unique_version"),
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(is_active=True), name="vulnerabilitymodel_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class DuplicateStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    DUPLICATE = "duplicate", _("Same household")
    DISTINCT = "distinct", _("Different households")


class DuplicatePair(BaseModel):
    """Two households that may be one, found on registration or import, and what a reviewer decided.

    ``household`` is the later registration, ``candidate`` the earlier one it resembles. ``reasons``
    lists why they matched (``phone``, ``name_dob_district``) and ``similarity`` is the name score.
    """

    scope_area_field = "household__settlement"
    scope_organisation_field = "household__organisation"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="duplicate_pairs")
    candidate = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    similarity = models.PositiveSmallIntegerField(_("name similarity"), default=0)
    status = models.CharField(
        _("decision"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.PENDING
    )
    found_on = models.CharField(max_length=20, default="registration")
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "candidate"], name="duplicatepair_unique"),
            models.CheckConstraint(condition=~Q(household=models.F("candidate")), name="duplicatepair_two_households"),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="duplicatepair_status")]

    def __str__(self) -> str:
        return f"{self.household_id} ~ {self.candidate_id} ({self.status})"


class AssessmentKind(models.TextChoices):
    KII = "kii", _("Key informant interview")
    FGD = "fgd", _("Focus group discussion")
    HOUSEHOLD_SURVEY = "household_survey", _("Household survey")


class CommunityAssessment(BaseModel):
    """A key informant interview, focus group discussion or household survey in a target area."""

    scope_area_field = "area"
    scope_resource = "assessments"
    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    target_area = models.ForeignKey(
        "targeting.TargetArea", on_delete=models.PROTECT, related_name="+", verbose_name=_("target area")
    )
    area = models.ForeignKey(
        AdminArea,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place"),
        help_text=_("The settlement (or the target area itself) where it took place."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssessmentKind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    facilitator = models.CharField(_("facilitator"), max_length=200, blank=True)
    informant_role = models.CharField(
        _("key informant's role"), max_length=200, blank=True, help_text=_("e.g. community elder, teacher, mullah")
    )
    participants_female = models.PositiveIntegerField(_("female participants"), default=0)
    participants_male = models.PositiveIntegerField(_("male participants"), default=0)
    households_surveyed = models.PositiveIntegerField(_("households surveyed"), default=0)
    priority_sectors = models.JSONField(_("priority sectors"), default=list, blank=True)
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="fgd") | Q(participants_female__gt=0) | Q(participants_male__gt=0),
                name="assessment_fgd_has_participants",
                violation_error_message=_("A focus group discussion needs its participants by sex."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def participants_total(self) -> int:
        return self.participants_female + self.participants_male


class FacilityType(models.TextChoices):
    HEALTH_CENTRE = "health_centre", _("Health centre / clinic")
    HOSPITAL = "hospital", _("Hospital")
    SCHOOL = "school", _("School")
    WATER_POINT = "water_point", _("Water point / network")
    LATRINES = "latrines", _("Latrines / sanitation")
    MARKET = "market", _("Market")
    COMMUNITY_CENTRE = "community_centre", _("Community centre / CRC")
    SAFE_SPACE = "safe_space", _("Women and girls' or child-friendly space")
    CIVIL_REGISTRY = "civil_registry", _("Civil documentation office")
    LEGAL_AID = "legal_aid", _("Legal aid office")
    DISTRIBUTION_POINT = "distribution_point", _("Distribution point")
    OTHER = "other", _("Other")


class FunctioningStatus(models.TextChoices):
    FUNCTIONING = "functioning", _("Functioning")
    PARTIAL = "partial", _("Partly functioning")
    NOT_FUNCTIONING = "not_functioning", _("Not functioning")
    DESTROYED = "destroyed", _("Destroyed")


class Facility(BaseModel):
    """A service point found when mapping a target area: what, which sector, whether it works, where."""

    scope_area_field = "area"
    scope_resource = "assessments"
    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    target_area = models.ForeignKey(
        "targeting.TargetArea", on_delete=models.PROTECT, related_name="+", verbose_name=_("target area")
    )
    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    name = models.CharField(_("name"), max_length=200)
    facility_type = models.CharField(_("type"), max_length=30, choices=FacilityType.choices)
    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices)
    status = models.CharField(_("functioning"), max_length=20, choices=FunctioningStatus.choices)
    operator = models.CharField(_("run by"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    verified_on = models.DateField(_("last verified"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["area__pcode", "sector", "name"]
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name
