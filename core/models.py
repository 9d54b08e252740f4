"""What exists everywhere: places (P-coded admin areas), organisations, users and their memberships, audit."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Timestamps every row carries; ``updated_at`` is indexed so partners can sync incrementally."""

    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Calendar(models.TextChoices):
    GREGORIAN = "gregorian", _("Gregorian")
    SOLAR_HIJRI = "solar_hijri", _("Solar Hijri")


class User(AbstractUser):
    """A person who signs in. What they may see comes from their ``Membership``."""

    preferred_language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )
    calendar = models.CharField(_("calendar"), max_length=20, choices=Calendar.choices, default=Calendar.GREGORIAN)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AdminLevel(models.IntegerChoices):
    COUNTRY = 0, _("Country")
    ADMIN1 = 1, _("Province / governorate")
    ADMIN2 = 2, _("District")
    SETTLEMENT = 3, _("Settlement / community")


class AdminArea(models.Model):
    """A P-coded place (OCHA COD-AB) in the country → admin1 → admin2 → settlement tree.

    ``path`` is the chain of P-codes from the country down (``AFG/AF06/AF0608/``): an area covers
    every area whose path starts with its own, which lets one indexed prefix query find descendants.
    """

    pcode = models.CharField(_("P-code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(
        _("names in other languages"),
        default=dict,
        blank=True,
        help_text=_('e.g. {"ar": "...", "fa-af": "..."}'),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=AdminLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    country_code = models.CharField(_("country (ISO3)"), max_length=3)
    path = models.CharField(max_length=255, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pcode"]
        verbose_name = _("admin area")
        verbose_name_plural = _("admin areas")
        indexes = [
            models.Index(fields=["path"], name="adminarea_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "country_code"], name="adminarea_level_country"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=3), name="adminarea_level_range"),
            models.CheckConstraint(
                condition=Q(level=0, parent__isnull=True) | Q(level__gt=0, parent__isnull=False),
                name="adminarea_parent_unless_country",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.pcode})"

    def save(self, *args, **kwargs) -> None:
        self.path = self.build_path(self.pcode, self.parent.path if self.parent_id else "")
        super().save(*args, **kwargs)

    @staticmethod
    def build_path(pcode: str, parent_path: str) -> str:
        return f"{parent_path}{pcode}/"

    @property
    def display_name(self) -> str:
        """The name in the active language where it is known, else the COD-AB name."""
        language = (get_language() or "en").lower()
        return self.names.get(language) or self.names.get(language.split("-")[0]) or self.name

    def covers(self, other: AdminArea) -> bool:
        return other.path.startswith(self.path)


class OrganisationKind(models.TextChoices):
    UN_AGENCY = "un_agency", _("UN agency")
    INTERNAL_UNIT = "internal_unit", _("Internal unit")
    INGO = "ingo", _("International NGO")
    NNGO = "nngo", _("National NGO")
    GOVERNMENT = "government", _("Government")
    DONOR = "donor", _("Donor")
    OTHER = "other", _("Other")


class Organisation(BaseModel):
    """An agency, one of its units (IOM Protection unit), or a partner (NRC, BRAC, UNICEF).

    Records are owned by a top-level organisation: an internal unit works on its parent's data.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="internal_unit") | Q(parent__isnull=False),
                name="organisation_unit_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.acronym or self.name

    @property
    def data_owner_id(self) -> int:
        return self.parent_id if self.kind == OrganisationKind.INTERNAL_UNIT and self.parent_id else self.pk


class Role(models.TextChoices):
    FIELD_STAFF = "field_staff", _("Field staff")
    DESK_OFFICER = "desk_officer", _("CRC desk officer")
    MANAGER = "manager", _("Manager")
    PARTNER = "partner", _("Partner organisation")
    ADMIN = "admin", _("Administrator")


class Membership(BaseModel):
    """What a user may do (role), for whom (organisation) and where (areas, each covering its descendants)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    areas = models.ManyToManyField(AdminArea, blank=True, related_name="memberships", verbose_name=_("areas"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        permissions = [
            ("view_sensitive", _("Can see sensitive cases (GBV, child protection, PSEA)")),
            ("override_consent", _("Can send a referral without recorded consent, with a reason")),
            ("psea_focal_point", _("Receives PSEA complaints")),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class AuditChannel(models.TextChoices):
    WEB = "web", _("Browser")
    API = "api", _("API")
    TASK = "task", _("Background task")
    COMMAND = "command", _("Command line")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events cannot be changed.")

    def delete(self):
        raise PermissionError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """Who did what to which record, when and from where, with the values before and after.

    Written in the same transaction as the change it describes; never updated or deleted.
    """

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=10, choices=AuditChannel.choices, default=AuditChannel.COMMAND)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="auditevent_target"),
            models.Index(fields=["actor", "occurred_at"], name="auditevent_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


class Job(BaseModel):
    """A piece of background work a user asked for (an import, a recomputation, an export).

    The row says what was asked, by whom, and how it ended; progress while it runs lives in the cache
    (see ``core.jobs``) because the work itself often runs inside one long transaction.
    """

    kind = models.CharField(_("kind"), max_length=60)
    label = models.CharField(_("what"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="job_creator_recent")]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class DataSharingAgreement(BaseModel):
    """What a partner organisation may receive of another organisation's records, and where.

    Without an agreement a partner sees only what is addressed to it (referrals). With one, it may read the
    listed kinds of record inside the listed areas, de-identified unless ``identifiable`` is set.
    """

    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreements_received")
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreements_given")
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    resources = models.JSONField(_("kinds of record"), default=list, help_text=_('e.g. ["households", "members"]'))
    areas = models.ManyToManyField(AdminArea, related_name="+", verbose_name=_("areas"))
    identifiable = models.BooleanField(
        _("identifiable data"), default=False, help_text=_("Names, phone numbers and exact locations included.")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["partner__acronym", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="agreement_dates_order"),
            models.CheckConstraint(condition=~Q(partner=models.F("owner")), name="agreement_between_two"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.owner} → {self.partner}"


class TokenScope(models.TextChoices):
    """What an API token may do; read scopes name the kinds of record of the agreements."""

    HOUSEHOLDS_READ = "households:read", _("Read households and members")
    TARGETING_READ = "targeting:read", _("Read target areas and DTM figures")
    ASSESSMENTS_READ = "assessments:read", _("Read community assessments and facilities")
    CAPS_READ = "caps:read", _("Read community action plans")
    ASSISTANCE_READ = "assistance:read", _("Read assistance and projects")
    REFERRALS_READ = "referrals:read", _("Read referrals addressed to the organisation")
    REFERRALS_UPDATE = "referrals:update", _("Update referrals addressed to the organisation")
    MONITORING_READ = "monitoring:read", _("Read check-ins")
    REPORTS_READ = "reports:read", _("Read indicators and 5W rows")
    REFERENCE_READ = "reference:read", _("Read places and organisations")


class ApiToken(BaseModel):
    """A partner system's credential. Only a hash of the secret is stored; the secret is shown once.

    Each token acts through its own service account (``user``), a partner membership of the token's
    organisation limited to the token's areas, so every scoping rule applies to it unchanged.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_tokens")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token")
    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=120)

    class Meta:
        ordering = ["organisation__acronym", "-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active
