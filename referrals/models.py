"""Referrals: the service directory, Community Resource Centres and their walk-ins, referrals with their
timeline and follow-ups, and the feedback and complaints register (accountability to affected people).

Sensitive cases (GBV, child protection, PSEA) carry ``sensitive``; the selectors keep them from every user
without the ``core.view_sensitive`` permission. PSEA complaints go to holders of ``core.psea_focal_point``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AdminArea, BaseModel, Organisation
from core.sectors import Sector


class Sex(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")


class AgeGroup(models.TextChoices):
    """The age groups of profiling (``profiling.rules.AGE_GROUPS``), for people known only by sight or word."""

    UNDER_6 = "0-5", _("0 to 5 years")
    CHILD = "6-17", _("6 to 17 years")
    ADULT = "18-59", _("18 to 59 years")
    ELDERLY = "60+", _("60 years and over")


# --- Places and services ----------------------------------------------------------------------------


class ResourceCentre(BaseModel):
    """A Community Resource Centre (CRC): the desk where people walk in, are referred and complain."""

    scope_area_field = "area"
    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey(
        AdminArea,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place"),
        help_text=_("The settlement or district where the centre is."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community resource centre")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="resourcecentre_unique_name")]

    def __str__(self) -> str:
        return self.name


class Service(BaseModel):
    """An entry of the service directory: what a provider (an internal unit or a partner) offers, where,
    to whom and how to reach it. Reference data: every signed-in user may read the directory."""

    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services", verbose_name=_("provider")
    )
    maintained_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("maintained by"),
        help_text=_("The agency whose managers keep this entry up to date."),
    )
    name = models.CharField(_("service"), max_length=200)
    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices)
    description = models.TextField(_("description"), blank=True)
    areas = models.ManyToManyField(
        AdminArea,
        related_name="+",
        verbose_name=_("areas covered"),
        help_text=_("An area covers everything inside it."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    criteria = models.TextField(_("who may be referred"), blank=True, help_text=_("Eligibility criteria."))
    accepts_referrals = models.BooleanField(_("accepts referrals"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sector", "provider__acronym", "name"]
        verbose_name = _("service")
        constraints = [models.UniqueConstraint(fields=["provider", "name"], name="service_unique_name")]
        indexes = [models.Index(fields=["sector", "is_active"], name="service_sector_active")]

    def __str__(self) -> str:
        return f"{self.provider} · {self.name}"


# --- Walk-ins --------------------------------------------------------------------------------------


class VisitPurpose(models.TextChoices):
    INFORMATION = "information", _("Information")
    REGISTRATION = "registration", _("Registration")
    REFERRAL = "referral", _("Referral to a service")
    FOLLOW_UP = "follow_up", _("Follow-up of a referral")
    ASSISTANCE = "assistance", _("Assistance query")
    DOCUMENTATION = "documentation", _("Civil documentation")
    COMPLAINT = "complaint", _("Complaint or feedback")
    OTHER = "other", _("Other")


class Visit(BaseModel):
    """Someone who walked in at a CRC: a registered household (or one of its members) or, on the quick
    path, a visitor known by a few details, linked to a household once one is registered."""

    scope_area_field = "centre__area"
    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    centre = models.ForeignKey(
        ResourceCentre, on_delete=models.PROTECT, related_name="visits", verbose_name=_("resource centre")
    )
    visited_at = models.DateTimeField(_("time of visit"), default=timezone.now)
    household = models.ForeignKey(
        "profiling.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="crc_visits",
        verbose_name=_("household"),
    )
    member = models.ForeignKey(
        "profiling.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="crc_visits",
        verbose_name=_("member"),
    )
    visitor_name = models.CharField(_("visitor's name"), max_length=200, blank=True)
    visitor_sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    visitor_age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices, blank=True)
    visitor_phone = models.CharField(_("phone"), max_length=30, blank=True)
    visitor_settlement = models.ForeignKey(
        AdminArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lives in"),
    )
    purposes = models.JSONField(_("purpose of the visit"), default=list, blank=True)
    consent_referral = models.BooleanField(
        _("agrees to be referred"), null=True, blank=True, help_text=_("Asked at the desk; empty if not asked.")
    )
    consent_partner_sharing = models.BooleanField(
        _("agrees to share details with partner organisations"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-visited_at", "-id"]
        verbose_name = _("walk-in")
        verbose_name_plural = _("walk-ins")
        indexes = [models.Index(fields=["organisation", "centre", "-visited_at"], name="visit_centre_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | ~Q(visitor_name="") | Q(anonymised_at__isnull=False),
                name="visit_household_or_visitor",
                violation_error_message=_("Choose the household or write the visitor's name."),
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=True) | Q(household__isnull=False), name="visit_member_has_household"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.visited_at:%Y-%m-%d %H:%M}"

    @property
    def purpose_labels(self) -> list[str]:
        return [str(VisitPurpose(code).label) for code in self.purposes if code in VisitPurpose.values]

    @property
    def is_quick(self) -> bool:
        """A walk-in recorded without a registered household."""
        return self.household_id is None


# --- Referrals -------------------------------------------------------------------------------------


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency (within 24 hours)")
    HIGH = "high", _("High (within 3 days)")
    NORMAL = "normal", _("Normal (within 10 days)")
    LOW = "low", _("Low (within 30 days)")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    SERVICE_PROVIDED = "service_provided", _("Service provided")
    CLOSED = "closed", _("Closed")


class Referral(BaseModel):
    """A person or household referred by a CRC desk (or field staff, or a check-in call) to a service of
    an internal unit or a partner.

    The client's name, sex, age group and phone are copied onto the referral when it is sent, as on a
    paper referral form: the receiving organisation needs them to reach the person, under the consent the
    household gave (or the audited override). ``organisation`` is the referring agency (owner of the
    record), ``receiving_organisation`` the provider the referral is addressed to: partners see only rows
    addressed to them.
    """

    scope_area_field = "area"
    scope_organisation_field = "organisation"
    scope_partner_field = "receiving_organisation"
    scope_resource = "referrals"

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    referred_from = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by (organisation)")
    )
    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    household = models.ForeignKey(
        "profiling.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("household"),
    )
    member = models.ForeignKey(
        "profiling.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("member"),
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("walk-in")
    )
    client_name = models.CharField(_("client"), max_length=200)
    client_sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    client_age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices, blank=True)
    client_phone = models.CharField(_("phone"), max_length=30, blank=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service"))
    receiving_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_received", verbose_name=_("referred to")
    )
    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices)
    reason = models.TextField(_("reason for referral"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    deadline = models.DateField(_("deadline"))
    sensitive = models.BooleanField(_("sensitive case"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    consent_recorded = models.BooleanField(_("consent recorded"), default=False)
    consent_override_reason = models.TextField(_("reason for sending without consent"), blank=True)
    consent_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    provided_at = models.DateTimeField(_("service provided"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_note = models.TextField(_("closing note"), blank=True)
    last_feedback_at = models.DateTimeField(_("last feedback"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            # Lists newest first, for the referring agency and for the receiving organisation (inbox).
            models.Index(fields=["organisation", "-sent_at", "-id"], name="referral_owner_recent"),
            models.Index(fields=["receiving_organisation", "-sent_at", "-id"], name="referral_receiver_recent"),
            # Open referrals by deadline (home panel, overdue filter).
            models.Index(
                fields=["organisation", "deadline"],
                condition=~Q(status="closed"),
                name="referral_owner_open_deadline",
            ),
            models.Index(fields=["receiving_organisation", "status"], name="referral_receiver_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(visit__isnull=False) | Q(anonymised_at__isnull=False),
                name="referral_household_or_visit",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=True) | Q(household__isnull=False), name="referral_member_has_household"
            ),
            models.CheckConstraint(
                condition=Q(consent_recorded=True) | ~Q(consent_override_reason="") | Q(anonymised_at__isnull=False),
                name="referral_consent_or_override",
                violation_error_message=_("A referral without recorded consent needs the reason for the override."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_overdue(self) -> bool:
        """Overdue today (``rules.is_overdue``)."""
        from .rules import is_overdue

        return is_overdue(deadline=self.deadline, status=self.status, today=timezone.localdate())

    @property
    def consent_overridden(self) -> bool:
        return not self.consent_recorded and bool(self.consent_override_reason)


class EventKind(models.TextChoices):
    SENT = "sent", _("Sent")
    STATUS = "status", _("Status changed")
    FEEDBACK = "feedback", _("Feedback to the referring desk")
    NOTE = "note", _("Message")


class ReferralEvent(BaseModel):
    """One line of a referral's timeline: sent, each status change, feedback from the provider, and messages
    between the referring desk and the provider. Both sides read the whole timeline."""

    scope_area_field = "referral__area"
    scope_organisation_field = "referral__organisation"
    scope_partner_field = "referral__receiving_organisation"
    scope_resource = "referrals"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["referral", "occurred_at"], name="referralevent_timeline")]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.kind} {self.to_status}"


class FollowUpMethod(models.TextChoices):
    PHONE = "phone", _("Phone call to the client")
    VISIT = "visit", _("Client came to the CRC")
    HOME_VISIT = "home_visit", _("Home visit")
    PROVIDER = "provider", _("Contact with the provider")


class FollowUp(BaseModel):
    """A check the referring desk plans (and later records) on whether the person got the service."""

    scope_area_field = "referral__area"
    scope_organisation_field = "referral__organisation"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("due on"))
    method = models.CharField(_("how"), max_length=20, choices=FollowUpMethod.choices, default=FollowUpMethod.PHONE)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="followup_open_due")]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.due_on}"


# --- Feedback and complaints -----------------------------------------------------------------------


class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    FEEDBACK = "feedback", _("Feedback or suggestion")
    REQUEST = "request", _("Request for information or help")


class Channel(models.TextChoices):
    HELP_DESK = "help_desk", _("Help desk")
    HOTLINE = "hotline", _("Hotline")
    COMPLAINT_BOX = "complaint_box", _("Complaint box")
    SMS = "sms", _("SMS")
    COMMUNITY_MEETING = "community_meeting", _("Community meeting")


class ComplaintCategory(models.TextChoices):
    INFORMATION = "information", _("Information about the programme")
    ELIGIBILITY = "eligibility", _("Targeting or eligibility")
    ASSISTANCE_QUALITY = "assistance_quality", _("Quality or quantity of assistance")
    ACCESS = "access", _("Access or exclusion")
    SAFETY = "safety", _("Safety or security")
    STAFF_CONDUCT = "staff_conduct", _("Conduct of staff or partners")
    FRAUD = "fraud", _("Fraud or corruption")
    PSEA = "psea", _("Sexual exploitation or abuse (PSEA)")
    APPRECIATION = "appreciation", _("Thanks and appreciation")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ASSIGNED = "assigned", _("Assigned")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")


class Complaint(BaseModel):
    """An entry of the feedback and complaints register (AAP).

    PSEA complaints are seen only by holders of ``core.psea_focal_point`` and are assigned to one of them
    on receipt; other sensitive complaints only by holders of ``core.view_sensitive``.
    """

    scope_area_field = "area"
    scope_organisation_field = "organisation"
    scope_resource = "complaints"

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        AdminArea,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place"),
        help_text=_("Where it was received or what place it is about."),
    )
    centre = models.ForeignKey(
        ResourceCentre,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("resource centre"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ComplaintKind.choices, default=ComplaintKind.COMPLAINT)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=ComplaintCategory.choices)
    sensitive = models.BooleanField(_("sensitive"), default=False)
    description = models.TextField(_("what was said"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = models.CharField(_("name"), max_length=200, blank=True)
    complainant_phone = models.CharField(_("phone"), max_length=30, blank=True)
    complainant_sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    complainant_age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices, blank=True)
    household = models.ForeignKey(
        "profiling.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("household"),
    )
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("answer due"))
    status = models.CharField(_("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("focal point"),
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(_("response"), blank=True)
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_note = models.TextField(_("closing note"), blank=True)
    complainant_satisfied = models.BooleanField(_("complainant satisfied"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "area", "status"], name="complaint_scope_status"),
            models.Index(fields=["assigned_to", "status"], name="complaint_assignee_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(category="psea") | Q(sensitive=True), name="complaint_psea_is_sensitive"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_overdue(self) -> bool:
        from .rules import complaint_overdue

        return complaint_overdue(due_on=self.due_on, status=self.status, today=timezone.localdate())

    @property
    def is_psea(self) -> bool:
        return self.category == ComplaintCategory.PSEA
