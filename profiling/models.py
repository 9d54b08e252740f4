"""Profiling: households, their members (with Washington Group answers) and consent per purpose."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AdminArea, BaseModel, Organisation


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
    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="households")
    reference = models.CharField(_("reference"), max_length=40, unique=True)
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
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    intention = models.CharField(_("intention"), max_length=20, choices=Intention.choices, default=Intention.UNDECIDED)
    size = models.PositiveSmallIntegerField(_("members"), default=0)
    vulnerability_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    vulnerability_band = models.CharField(_("vulnerability"), max_length=20, blank=True, db_index=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    submission_id = models.CharField(
        _("form submission id"), max_length=64, null=True, blank=True, unique=True, help_text=_("e.g. Kobo _uuid")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "settlement", "-registered_at"], name="household_scope_recent"),
            models.Index(fields=["displacement_status"], name="household_status"),
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

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given = models.BooleanField(_("consent given"))
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["household", "purpose"], name="consent_one_per_purpose")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.purpose}: {'yes' if self.given else 'no'}"
