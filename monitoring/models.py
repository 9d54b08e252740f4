"""Monitoring: facilitated movements (registration, go-and-see visits, departure, arrival), the check-in
schedule that follows an arrival, check-in calls answered along the 8 IASC durable-solutions criteria, and
the reminders that tell field staff a call is due.

Grants paid on departure and arrival are assistance records (``assistance.services.assistance_record_grant``);
a movement only links to them. A protection risk found on a call opens a referral (``referrals``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AdminArea, BaseModel, Organisation
from profiling.models import Intention


class MovementIntention(models.TextChoices):
    """What the household means to do: the durable-solution settlement options (a subset of profiling's)."""

    RETURN = Intention.RETURN.value, Intention.RETURN.label
    RELOCATE = Intention.RELOCATE.value, Intention.RELOCATE.label
    INTEGRATE = Intention.INTEGRATE.value, Intention.INTEGRATE.label


class MovementStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    GO_AND_SEE = "go_and_see", _("Go-and-see visit done")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived")
    CANCELLED = "cancelled", _("Cancelled")


class Transport(models.TextChoices):
    BUS = "bus", _("Bus")
    TRUCK = "truck", _("Truck (with belongings)")
    PRIVATE = "private", _("Own or hired vehicle")
    AIR = "air", _("Air")
    OTHER = "other", _("Other")


class GoAndSeeDecision(models.TextChoices):
    PROCEED = "proceed", _("Proceed with the movement")
    POSTPONE = "postpone", _("Postpone")
    CANCEL = "cancel", _("Cancel the movement")


class MovementCase(BaseModel):
    """A household's facilitated movement: return to the place of origin, relocation, or local integration."""

    scope_area_field = "household__settlement"
    scope_organisation_field = "organisation"
    scope_resource = "monitoring"

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "profiling.Household", on_delete=models.PROTECT, related_name="movements", verbose_name=_("household")
    )
    intention = models.CharField(_("intention"), max_length=20, choices=MovementIntention.choices)
    origin = models.ForeignKey(
        AdminArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("place of origin (P-code)")
    )
    destination = models.ForeignKey(
        AdminArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination (P-code)")
    )
    barriers = models.JSONField(
        _("barriers to return"), default=list, blank=True, help_text=_("codes of ReturnBarrier")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MovementStatus.choices, default=MovementStatus.REGISTERED
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("caseworker"),
        help_text=_("Follows the household up after arrival: check-in calls are assigned to them."),
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_on = models.DateField(_("registered on"))
    departed_on = models.DateField(_("departure date"), null=True, blank=True)
    transport = models.CharField(_("transport"), max_length=20, choices=Transport.choices, blank=True)
    departure_grant = models.ForeignKey(
        "assistance.AssistanceRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("departure grant"),
    )
    arrived_on = models.DateField(_("arrival date"), null=True, blank=True)
    arrival_place = models.ForeignKey(
        AdminArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place of arrival (P-code)"),
    )
    reinstallation_grant = models.ForeignKey(
        "assistance.AssistanceRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reinstallation grant"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("movement")
        indexes = [
            models.Index(fields=["organisation", "-registered_on", "-id"], name="movement_org_recent"),
            models.Index(fields=["organisation", "status"], name="movement_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(arrived_on__isnull=True) | Q(departed_on__isnull=False),
                name="movement_arrival_after_departure",
            ),
            models.CheckConstraint(
                condition=Q(arrived_on__isnull=True) | Q(departed_on__lte=models.F("arrived_on")),
                name="movement_arrival_not_before_departure",
                violation_error_message=_("The arrival cannot be before the departure."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class GoAndSeeVisit(BaseModel):
    """A visit of the household's representatives to the destination before they decide to move."""

    scope_area_field = "movement__household__settlement"
    scope_organisation_field = "movement__organisation"
    scope_resource = "monitoring"

    movement = models.ForeignKey(MovementCase, on_delete=models.CASCADE, related_name="go_and_see_visits")
    visited_on = models.DateField(_("date of the visit"))
    findings = models.TextField(_("findings"))
    decision = models.CharField(_("decision"), max_length=20, choices=GoAndSeeDecision.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["visited_on", "id"]
        verbose_name = _("go-and-see visit")

    def __str__(self) -> str:
        return f"{self.movement_id} {self.visited_on}"


# --- Check-ins ------------------------------------------------------------------------------------


class CheckInStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")
    UNREACHABLE = "unreachable", _("Unreachable")


FINAL_STATUSES = (CheckInStatus.COMPLETED, CheckInStatus.REFUSED, CheckInStatus.UNREACHABLE)


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NOT_REACHED = "not_reached", _("Not reached")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    REFUSED = "refused", _("Refused to answer")


class Criterion(models.TextChoices):
    """The 8 IASC criteria for durable solutions (IASC Framework on Durable Solutions for IDPs, 2010)."""

    SAFETY = "safety", _("Safety and security")
    STANDARD_OF_LIVING = "standard_of_living", _("Adequate standard of living")
    LIVELIHOODS = "livelihoods", _("Access to livelihoods")
    HLP = "hlp", _("Housing, land and property")
    DOCUMENTATION = "documentation", _("Personal and other documentation")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    PARTICIPATION = "participation", _("Participation in public affairs")
    REMEDIES = "remedies", _("Access to effective remedies and justice")


class CriterionStatus(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_ASKED = "not_asked", _("Not asked")


class CheckIn(BaseModel):
    """One follow-up call of a household after its arrival, in a wave of the schedule (``rules.WAVES``).

    ``due_on`` is when the call opens and ``due_until`` the end of its window: after that it is overdue.
    A call that does not reach the household leaves the check-in open and counts the attempt.
    ``reminded_for`` is the due date a reminder was last created for, so the daily scan reads only the
    check-ins that still need one (the unique constraint of ``Notification`` guards the rest).
    """

    scope_area_field = "household__settlement"
    scope_organisation_field = "organisation"
    scope_resource = "monitoring"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "profiling.Household", on_delete=models.PROTECT, related_name="check_ins", verbose_name=_("household")
    )
    movement = models.ForeignKey(
        MovementCase, null=True, blank=True, on_delete=models.PROTECT, related_name="check_ins"
    )
    wave = models.CharField(_("wave"), max_length=10)
    arrived_on = models.DateField(_("arrival date"))
    due_on = models.DateField(_("due from"))
    due_until = models.DateField(_("due until"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    status = models.CharField(_("status"), max_length=20, choices=CheckInStatus.choices, default=CheckInStatus.OPEN)
    attempts = models.PositiveSmallIntegerField(_("call attempts"), default=0)
    last_outcome = models.CharField(_("last call"), max_length=20, choices=CallOutcome.choices, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    answers = models.JSONField(
        _("durable-solutions answers"), default=dict, blank=True, help_text=_("criterion → {status, note}")
    )
    redisplaced = models.BooleanField(_("displaced again"), null=True, blank=True)
    protection_risk = models.BooleanField(_("protection risk"), default=False)
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("check-in")
        constraints = [
            models.UniqueConstraint(fields=["household", "wave"], name="checkin_one_per_wave"),
            models.CheckConstraint(condition=Q(due_until__gte=models.F("due_on")), name="checkin_window_order"),
        ]
        indexes = [
            # The daily reminder scan: open check-ins without a reminder, walked by (due date, id).
            models.Index(
                fields=["due_on", "id"],
                condition=Q(status="open", reminded_for__isnull=True, assigned_to__isnull=False),
                name="checkin_reminder_scan",
            ),
            # "My check-ins": an officer's open calls by due date.
            models.Index(fields=["assigned_to", "due_on"], condition=Q(status="open"), name="checkin_mine_open"),
            models.Index(fields=["organisation", "wave", "due_on"], name="checkin_org_wave_due"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.wave}"

    @property
    def is_open(self) -> bool:
        return self.status == CheckInStatus.OPEN

    def state_on(self, today):
        from .rules import checkin_state

        return checkin_state(status=self.status, due_on=self.due_on, due_until=self.due_until, today=today)


class CheckInTally(models.Model):
    """How many check-ins of an organisation fall in a settlement, wave and due date, how many of them
    are concluded and how many reached the household: what ``checkin_completion_by_wave`` sums, because
    counting millions of check-ins through their households takes seconds.

    On PostgreSQL, triggers on check-ins and households (migration ``0002_checkin_tally``) keep it right
    for every write, whichever code or SQL makes it; the application never writes it. Elsewhere it stays
    empty and the selector counts the check-ins themselves.
    """

    scope_area_field = "settlement"
    scope_organisation_field = "organisation"
    scope_resource = "monitoring"

    # No foreign-key constraints or single-column indexes: the triggers write here on every check-in
    # write, and the unique constraint below is the index the sums read.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    settlement = models.ForeignKey(
        AdminArea, null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    wave = models.CharField(max_length=10)
    due_on = models.DateField()
    due = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    reached = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "settlement", "wave", "due_on"], name="checkintally_one_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.settlement_id} {self.wave} {self.due_on}"


# --- Reminders ------------------------------------------------------------------------------------


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the application")
    EMAIL = "email", _("E-mail")


class Notification(BaseModel):
    """A reminder that a check-in is due, for its assigned officer, by one channel.

    One per check-in, due date and channel (``notification_once``): the daily task may run twice, be
    retried or redelivered, or run on two workers at once, and still create each reminder once.
    ``sent_at`` is set when the reminder went out (at once for the in-app list, after commit for e-mail).
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="notifications")
    due_on = models.DateField(_("due on"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["check_in", "due_on", "channel"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "-created_at"], name="notification_inbox"),
            models.Index(fields=["channel"], condition=Q(sent_at__isnull=True), name="notification_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.check_in_id} {self.due_on} {self.channel}"
