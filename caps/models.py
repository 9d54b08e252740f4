"""Community action plans: councils, planning workshops, and the plans (ranked priorities with actions)
that a community agrees with the programme for one target area and period.

Everything here belongs to a target area (``targeting.TargetArea``) and is scoped through it: the area
is the target area's place, the owner is its round's organisation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AdminArea, BaseModel, Organisation
from profiling.models import Sex
from targeting.models import TargetArea

from .sectors import Sector

__all__ = [
    "Action",
    "ActionStatus",
    "Council",
    "CouncilMember",
    "CouncilRole",
    "Currency",
    "ParticipantGroup",
    "Plan",
    "PlanRevision",
    "PlanStatus",
    "Priority",
    "RaisedBy",
    "Sector",
    "Sex",
    "Workshop",
    "WorkshopParticipation",
]


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY_CHAIR = "deputy_chair", _("Deputy chair")
    SECRETARY = "secretary", _("Secretary")
    TREASURER = "treasurer", _("Treasurer")
    MEMBER = "member", _("Member")


class ParticipantGroup(models.TextChoices):
    """Population groups counted at workshops; the values match ``profiling.DisplacementStatus``."""

    IDP = "idp", _("Internally displaced (IDP)")
    RETURNEE_ABROAD = "returnee_abroad", _("Returnee from abroad")
    RETURNED_IDP = "returned_idp", _("Returned IDP")
    HOST = "host", _("Host community")
    REFUGEE = "refugee", _("Refugee")
    MIGRANT = "migrant", _("Migrant")
    NOT_RECORDED = "not_recorded", _("Group not recorded")


class RaisedBy(models.TextChoices):
    """Who put a priority forward in the workshop."""

    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    YOUTH = "youth", _("Youth")
    ELDERS = "elders", _("Elders")
    DISABILITY = "persons_with_disabilities", _("Persons with disabilities")
    IDPS = "idps", _("IDPs")
    RETURNEES = "returnees", _("Returnees")
    HOST = "host_community", _("Host community")
    COUNCIL = "council", _("Community Development Council")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")
    COMPLETED = "completed", _("Completed")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELAYED = "delayed", _("Delayed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Currency(models.TextChoices):
    AFN = "AFN", _("Afghani (AFN)")
    USD = "USD", _("US dollar (USD)")
    IQD = "IQD", _("Iraqi dinar (IQD)")
    EUR = "EUR", _("Euro (EUR)")


class Council(BaseModel):
    """A Community Development Council (CDC): the elected body that plans with the programme."""

    scope_area_field = "target_area__area"
    scope_resource = "caps"
    scope_organisation_field = "target_area__round__organisation"

    target_area = models.ForeignKey(
        TargetArea, on_delete=models.PROTECT, related_name="cap_councils", verbose_name=_("target area")
    )
    name = models.CharField(_("name"), max_length=200)
    settlement = models.ForeignKey(
        AdminArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("community (settlement)"),
        help_text=_("The settlement the council represents, when it is one settlement of the target area."),
    )
    registration_code = models.CharField(
        _("registration number"), max_length=60, blank=True, help_text=_("e.g. the CDC number given by the ministry")
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("community development council")
        verbose_name_plural = _("community development councils")
        constraints = [models.UniqueConstraint(fields=["target_area", "name"], name="caps_council_unique_name")]

    def __str__(self) -> str:
        return self.name


class CouncilMember(BaseModel):
    scope_area_field = "council__target_area__area"
    scope_resource = "caps"
    scope_organisation_field = "council__target_area__round__organisation"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    role = models.CharField(_("role"), max_length=20, choices=CouncilRole.choices, default=CouncilRole.MEMBER)
    population_group = models.CharField(
        _("population group"), max_length=20, choices=ParticipantGroup.choices, blank=True
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True, help_text=_("Leave empty while they serve."))

    class Meta:
        ordering = ["council_id", "left_on", "role", "name", "id"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="caps_member_left_after_joined",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def is_serving(self) -> bool:
        return self.left_on is None


class Workshop(BaseModel):
    """A participatory planning workshop: who came (by sex and population group), where, led by whom."""

    scope_area_field = "target_area__area"
    scope_resource = "caps"
    scope_organisation_field = "target_area__round__organisation"

    target_area = models.ForeignKey(
        TargetArea, on_delete=models.PROTECT, related_name="cap_workshops", verbose_name=_("target area")
    )
    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("council")
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, help_text=_("e.g. Kaga mosque courtyard"))
    settlement = models.ForeignKey(
        AdminArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    facilitators = models.TextField(_("facilitators"), help_text=_("Names and organisations, one per line."))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("planning workshop")
        verbose_name_plural = _("planning workshops")

    def __str__(self) -> str:
        return f"{self.place} ({self.held_on:%Y-%m-%d})"


class WorkshopParticipation(models.Model):
    """How many women and men of one population group took part in a workshop."""

    scope_area_field = "workshop__target_area__area"
    scope_resource = "caps"
    scope_organisation_field = "workshop__target_area__round__organisation"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participation")
    group = models.CharField(_("population group"), max_length=20, choices=ParticipantGroup.choices)
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)

    class Meta:
        ordering = ["workshop_id", "group"]
        constraints = [models.UniqueConstraint(fields=["workshop", "group"], name="caps_participation_unique_group")]

    def __str__(self) -> str:
        return f"{self.group}: {self.women} women, {self.men} men"


class Plan(BaseModel):
    """A community action plan (CAP) for one target area and period.

    ``version`` grows with every change and lets a manager approve exactly what they read.
    ``signed_document`` keeps the plan as it was approved (see ``caps.document``); changes after
    approval are ``PlanRevision`` rows and leave it untouched.
    """

    scope_area_field = "target_area__area"
    scope_resource = "caps"
    scope_organisation_field = "target_area__round__organisation"

    target_area = models.ForeignKey(
        TargetArea, on_delete=models.PROTECT, related_name="caps", verbose_name=_("target area")
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.PROTECT, related_name="plans", verbose_name=_("council")
    )
    workshops = models.ManyToManyField(Workshop, blank=True, related_name="plans", verbose_name=_("workshops"))
    vision = models.TextField(
        _("community vision"), blank=True, help_text=_("In the community's words: what the plan should achieve.")
    )
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_version = models.PositiveIntegerField(null=True, blank=True)
    returned_reason = models.TextField(_("returned to draft because"), blank=True)
    implementation_started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    signed_document = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("community action plan")
        verbose_name_plural = _("community action plans")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="caps_plan_period"),
            models.UniqueConstraint(fields=["target_area", "period_start"], name="caps_plan_unique_start"),
        ]
        indexes = [models.Index(fields=["status", "-updated_at"], name="caps_plan_status_recent")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_signed(self) -> bool:
        return self.signed_document is not None


class Priority(BaseModel):
    """A priority the community ranked, in one sector. ``position`` is kept by the services from the
    votes and agreed rank (``caps.rules.rank_priorities``)."""

    scope_area_field = "plan__target_area__area"
    scope_resource = "caps"
    scope_organisation_field = "plan__target_area__round__organisation"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices)
    title = models.CharField(_("priority"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    raised_by = models.JSONField(_("raised by"), default=list, blank=True)
    raised_by_note = models.CharField(
        _("raised by (details)"), max_length=200, blank=True, help_text=_("e.g. women's focus group in Mamakhel")
    )
    votes = models.PositiveIntegerField(_("votes"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("agreed rank"), null=True, blank=True, help_text=_("The order agreed in the workshop, 1 first.")
    )
    position = models.PositiveSmallIntegerField(default=0, editable=False)
    tied = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["plan_id", "position", "id"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        constraints = [models.CheckConstraint(condition=Q(rank__isnull=True) | Q(rank__gte=1), name="caps_rank_gte_1")]

    def __str__(self) -> str:
        return self.title

    def raised_by_labels(self) -> list[str]:
        labels = dict(RaisedBy.choices)
        return [str(labels.get(code, code)) for code in self.raised_by]


class Action(BaseModel):
    """Something to do under a priority: who does it, for how much, when, and how far it has got.

    Stable contract for the assistance stage: a community project or activity points here with a
    foreign key to ``caps.Action``; read actions through ``caps.selectors.cap_actions_for_user``.
    """

    scope_area_field = "priority__plan__target_area__area"
    scope_resource = "caps"
    scope_organisation_field = "priority__plan__target_area__round__organisation"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=500)
    responsible_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    responsible_other = models.CharField(
        _("responsible (other)"),
        max_length=200,
        blank=True,
        help_text=_("When not an organisation in the list: e.g. the CDC, the district health directorate."),
    )
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    start_on = models.DateField(_("start"), null=True, blank=True)
    end_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    position = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["priority_id", "position", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0), name="caps_action_budget"),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | ~Q(currency=""), name="caps_action_budget_has_currency"
            ),
            models.CheckConstraint(
                condition=Q(start_on__isnull=True) | Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="caps_action_timeline",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def responsible(self) -> str:
        parts = [str(self.responsible_organisation) if self.responsible_organisation_id else "", self.responsible_other]
        return " · ".join(p for p in parts if p)


class PlanRevision(models.Model):
    """A change to a plan after its approval: who, when, why, and each field before and after."""

    scope_area_field = "plan__target_area__area"
    scope_resource = "caps"
    scope_organisation_field = "plan__target_area__round__organisation"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("when"))
    reason = models.TextField(_("reason"))
    plan_status = models.CharField(max_length=20, choices=PlanStatus.choices)
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["plan_id", "-number"]
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="caps_revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.plan_id} r{self.number}"
