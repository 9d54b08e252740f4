"""Reads of referrals, walk-ins, the service directory and complaints, each limited to what the user may see.

Everything starts from ``core.scoping.scoped``. On top of it:

- sensitive referrals (GBV, child protection, PSEA) are left out for users without ``core.view_sensitive``,
  in every list, detail, search, count, home panel, household section and API row; such users get only
  ``restricted_referral_total`` (an anonymised count);
- PSEA complaints are seen only by holders of ``core.psea_focal_point``, other sensitive complaints only
  by holders of ``core.view_sensitive``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from core.api.filters import text_q
from core.models import AdminArea, OrganisationKind, Role
from core.scoping import scope_for, scoped

from . import rules
from .models import (
    Complaint,
    ComplaintCategory,
    FollowUp,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ResourceCentre,
    Service,
    Visit,
)

User = get_user_model()

VIEW_SENSITIVE = "core.view_sensitive"
OVERRIDE_CONSENT = "core.override_consent"
PSEA_FOCAL_POINT = "core.psea_focal_point"


def _role(user) -> str | None:
    scope = scope_for(user)
    return scope.role if scope else None


def sees_sensitive(user) -> bool:
    """Holders of the sensitive-case permission (granted to the user or one of their groups)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_perm(VIEW_SENSITIVE))


def may_override_consent(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm(OVERRIDE_CONSENT))


def is_psea_focal_point(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_perm(PSEA_FOCAL_POINT))


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """Rows whose referral is overdue (the same rule as ``rules.is_overdue``, as a query)."""
    return Q(**{f"{prefix}status__in": sorted(rules.OPEN_STATUSES), f"{prefix}deadline__lt": today})


# --- The service directory and the centres --------------------------------------------------------


def services_for_user(user, *, include_inactive: bool = False) -> QuerySet[Service]:
    """The directory is reference data: every member of the programme may read it."""
    if scope_for(user) is None:
        return Service.objects.none()
    queryset = Service.objects.select_related("provider__parent", "maintained_by")
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    return queryset


def service_get_for_user(*, user, pk: int) -> Service:
    return services_for_user(user, include_inactive=True).prefetch_related("areas").get(pk=pk)


def covering_q(area: AdminArea) -> Q:
    """Services whose areas cover ``area``: an area covered is the area itself or one of its ancestors."""
    codes = [code for code in area.path.split("/") if code]
    return Q(areas__pcode__in=codes)


def services_search(
    user, *, sector: str = "", area: AdminArea | None = None, provider_id: int | None = None, text: str = ""
) -> QuerySet[Service]:
    queryset = services_for_user(user)
    if sector:
        queryset = queryset.filter(sector=sector)
    if provider_id:
        queryset = queryset.filter(provider_id=provider_id)
    if area is not None:
        queryset = queryset.filter(pk__in=Service.objects.filter(covering_q(area)).values("pk"))
    if text.strip():
        queryset = queryset.filter(
            text_q(text.strip(), "name", "description", "provider__acronym", "provider__name", "criteria")
        )
    return queryset.prefetch_related(Prefetch("areas", queryset=AdminArea.objects.order_by("pcode")))


def services_for_referral(user, *, area: AdminArea) -> QuerySet[Service]:
    """Services a person living in ``area`` can be referred to."""
    return (
        services_for_user(user)
        .filter(accepts_referrals=True, provider__is_active=True)
        .filter(pk__in=Service.objects.filter(covering_q(area)).values("pk"))
        .order_by("sector", "provider__acronym", "name")
    )


def services_editable_by(user) -> QuerySet[Service]:
    """Entries the user keeps up to date: managers and admins those of their agency, a partner its own."""
    scope = scope_for(user)
    if scope is None:
        return Service.objects.none()
    queryset = services_for_user(user, include_inactive=True)
    if scope.role == Role.PARTNER:
        return queryset.filter(provider_id=scope.organisation_id)
    if scope.role in rules.DIRECTORY_EDITOR_ROLES:
        return queryset.filter(maintained_by_id=scope.data_owner_id)
    return Service.objects.none()


def may_add_services(user) -> bool:
    return _role(user) in rules.DIRECTORY_EDITOR_ROLES or _role(user) == Role.PARTNER


def centres_for_user(user) -> QuerySet[ResourceCentre]:
    return scoped(ResourceCentre.objects.filter(is_active=True), user).select_related("area__parent")


# --- Walk-ins -------------------------------------------------------------------------------------


def visits_for_user(user) -> QuerySet[Visit]:
    if _role(user) not in rules.VISIT_READER_ROLES:
        return Visit.objects.none()
    return scoped(Visit.objects.all(), user).select_related(
        "centre", "household__settlement", "member", "recorded_by", "visitor_settlement"
    )


def visit_get_for_user(*, user, pk: int) -> Visit:
    return visits_for_user(user).get(pk=pk)


def visits_on(user, *, day: datetime.date, centre: ResourceCentre | None = None) -> QuerySet[Visit]:
    """Walk-ins of one day (in local time), newest first."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    queryset = visits_for_user(user).filter(visited_at__gte=start, visited_at__lt=start + datetime.timedelta(days=1))
    if centre is not None:
        queryset = queryset.filter(centre=centre)
    return queryset.order_by("-visited_at", "-id")


# --- Referrals ------------------------------------------------------------------------------------


def _referrals_in_scope(user) -> QuerySet[Referral]:
    if _role(user) not in rules.REFERRAL_READER_ROLES:
        return Referral.objects.none()
    return scoped(Referral.objects.all(), user)


def referrals_for_user(user) -> QuerySet[Referral]:
    """Every referral the user may see: sensitive cases only for holders of the sensitive permission."""
    queryset = _referrals_in_scope(user)
    if not sees_sensitive(user):
        queryset = queryset.filter(sensitive=False)
    return queryset.select_related(
        "service", "receiving_organisation", "referred_from", "area__parent", "household", "member"
    )


def referral_get_for_user(*, user, pk: int) -> Referral:
    """One referral; absent, not yours and sensitive-without-permission all raise ``Referral.DoesNotExist``."""
    return referrals_for_user(user).get(pk=pk)


def referral_detail_for_user(*, user, pk: int) -> Referral:
    return (
        referrals_for_user(user)
        .select_related("referred_by", "closed_by", "consent_overridden_by", "visit__centre", "organisation")
        .prefetch_related(
            Prefetch("events", queryset=ReferralEvent.objects.select_related("actor", "actor_organisation")),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("scheduled_by", "done_by")),
        )
        .get(pk=pk)
    )


def referral_search(
    user,
    *,
    status: str = "",
    overdue: bool = False,
    sector: str = "",
    receiving_organisation_id: int | None = None,
    text: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Referral]:
    """The referral list with its filters. ``text`` (a reference, a name or a phone number) comes from the
    private-search form, never from a URL."""
    today = today or timezone.localdate()
    queryset = referrals_for_user(user)
    if status == "active":
        queryset = queryset.exclude(status=ReferralStatus.CLOSED)
    elif status:
        queryset = queryset.filter(status=status)
    if overdue:
        queryset = queryset.filter(overdue_q(today))
    if sector:
        queryset = queryset.filter(sector=sector)
    if receiving_organisation_id:
        queryset = queryset.filter(receiving_organisation_id=receiving_organisation_id)
    text = text.strip()
    if text:
        query = text_q(text, "reference", "client_name", "household__reference")
        digits = "".join(c for c in text if c.isdigit())
        if len(digits) >= 6:
            query |= Q(client_phone__endswith=digits[-9:])
        queryset = queryset.filter(query)
    return queryset.order_by("-sent_at", "-id")


def referrals_addressed_to_user(user) -> QuerySet[Referral]:
    """The inbox: referrals addressed to the user's own organisation (a partner, or an internal unit)."""
    scope = scope_for(user)
    if scope is None:
        return Referral.objects.none()
    return referrals_for_user(user).filter(receiving_organisation_id=scope.organisation_id)


def referrals_awaiting_answer(user) -> QuerySet[Referral]:
    return referrals_addressed_to_user(user).filter(status=ReferralStatus.SENT).order_by("deadline", "id")


def receives_referrals(user) -> bool:
    """Partners, and staff of an internal unit that provides services in the directory."""
    scope = scope_for(user)
    if scope is None:
        return False
    if scope.role == Role.PARTNER:
        return True
    return Service.objects.filter(provider_id=scope.organisation_id).exists()


def restricted_referral_total(user, *, active_only: bool = True) -> int | str:
    """How many sensitive referrals the user's scope holds that the user may not open, as an anonymised
    total (small numbers shown as ``<5``); 0 for holders of the permission, who see them in full."""
    if sees_sensitive(user):
        return 0
    queryset = _referrals_in_scope(user).filter(sensitive=True)
    if active_only:
        queryset = queryset.exclude(status=ReferralStatus.CLOSED)
    return rules.anonymised_total(queryset.count())


@dataclass(frozen=True)
class ReferralCounts:
    active: int
    awaiting_answer: int
    overdue: int
    restricted: int | str


def referral_counts(user, *, today: datetime.date | None = None) -> ReferralCounts:
    """Counts of the referrals the user may see, plus the anonymised total of those they may not."""
    today = today or timezone.localdate()
    row = (
        referrals_for_user(user)
        .order_by()
        .aggregate(
            active=Count("pk", filter=~Q(status=ReferralStatus.CLOSED)),
            awaiting=Count("pk", filter=Q(status=ReferralStatus.SENT)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
    )
    return ReferralCounts(
        active=row["active"],
        awaiting_answer=row["awaiting"],
        overdue=row["overdue"],
        restricted=restricted_referral_total(user),
    )


def referral_totals_by_sector(user) -> list[dict]:
    """Active referrals by sector and status among those the user may see (for dashboards)."""
    return list(
        referrals_for_user(user)
        .exclude(status=ReferralStatus.CLOSED)
        .order_by()
        .values("sector", "status")
        .annotate(referrals=Count("pk"))
        .order_by("sector", "status")
    )


def referrals_of_household(*, user, household) -> list[Referral]:
    return list(referrals_for_user(user).filter(household=household).order_by("-sent_at", "-id")[:50])


def referrals_of_visit(*, user, visit: Visit) -> list[Referral]:
    return list(referrals_for_user(user).filter(visit=visit).order_by("-sent_at", "-id"))


def referrals_open_for_desk(user, *, today: datetime.date | None = None, limit: int = 10) -> list[Referral]:
    """The referring side's open referrals, overdue first, then by deadline."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    if scope is None:
        return []
    queryset = (
        referrals_for_user(user).filter(organisation_id=scope.data_owner_id).exclude(status=ReferralStatus.CLOSED)
    )
    return list(queryset.order_by("deadline", "id")[:limit])


def follow_ups_due(user, *, today: datetime.date | None = None) -> QuerySet[FollowUp]:
    """Follow-ups not yet done whose day has come, on referrals the user may see."""
    today = today or timezone.localdate()
    visible = referrals_for_user(user).exclude(status=ReferralStatus.CLOSED).values("pk")
    return (
        scoped(FollowUp.objects.all(), user)
        .filter(done_on__isnull=True, due_on__lte=today, referral__in=visible)
        .select_related("referral__service", "referral__receiving_organisation")
        .order_by("due_on", "id")
    )


def follow_ups_for_user(user) -> QuerySet[FollowUp]:
    """Follow-ups of the referrals the user may see (the referring side's; partners have none)."""
    return scoped(FollowUp.objects.all(), user).filter(referral__in=referrals_for_user(user).values("pk"))


def recent_feedback(user, *, days: int = 7, limit: int = 10) -> list[ReferralEvent]:
    """Feedback providers sent to the user's agency recently."""
    scope = scope_for(user)
    if scope is None:
        return []
    since = timezone.now() - datetime.timedelta(days=days)
    visible = referrals_for_user(user).filter(organisation_id=scope.data_owner_id).values("pk")
    return list(
        ReferralEvent.objects.filter(kind="feedback", occurred_at__gte=since, referral__in=visible)
        .select_related("referral", "actor_organisation")
        .order_by("-occurred_at", "-id")[:limit]
    )


def consent_missing_for(*, household, visit: Visit | None, purposes) -> list[str]:
    """The purposes among ``purposes`` the household (or, for a walk-in without household, the visitor
    at the desk) has not said yes to."""
    from profiling.selectors import consent_given

    missing = []
    for purpose in purposes:
        if household is not None:
            if not consent_given(household=household, purpose=purpose):
                missing.append(purpose)
        else:
            answer = visit.consent_referral if purpose == "referral" else visit.consent_partner_sharing
            if answer is not True:
                missing.append(purpose)
    return missing


def consent_missing(*, user, household, visit: Visit | None, service: Service) -> list[str]:
    """Which consents a referral of this household (or walk-in) to this service still lacks, so the form
    can say so before the desk officer presses send."""
    scope = scope_for(user)
    if scope is None:
        return []
    internal = rules.is_internal(
        receiving_data_owner_id=service.provider.data_owner_id, referring_owner_id=scope.data_owner_id
    )
    return consent_missing_for(household=household, visit=visit, purposes=rules.consent_purposes(internal=internal))


def party_of(user, referral: Referral) -> str | None:
    scope = scope_for(user)
    if scope is None:
        return None
    return rules.party_for(
        role=scope.role,
        organisation_id=scope.organisation_id,
        data_owner_id=scope.data_owner_id,
        referral_organisation_id=referral.organisation_id,
        receiving_organisation_id=referral.receiving_organisation_id,
    )


# --- Complaints -----------------------------------------------------------------------------------


def complaints_for_user(user) -> QuerySet[Complaint]:
    """The register as the user may see it. PSEA complaints: PSEA focal points only. Other sensitive
    complaints: holders of the sensitive permission. Everything else: desk officers, managers, admins,
    and a focal point for the complaints assigned to them."""
    scope = scope_for(user)
    if scope is None:
        return Complaint.objects.none()
    psea = is_psea_focal_point(user)
    visible = Q(pk__in=[])
    if scope.role in rules.COMPLAINT_READER_ROLES:
        allowed = Q(sensitive=False)
        if sees_sensitive(user):
            allowed |= Q(sensitive=True)
        visible |= allowed & ~Q(category=ComplaintCategory.PSEA)
    elif scope.role in rules.COMPLAINT_FOCAL_POINT_ROLES:
        visible |= Q(assigned_to_id=user.pk) & ~Q(category=ComplaintCategory.PSEA)
        if not sees_sensitive(user):
            visible &= Q(sensitive=False)
    if psea:
        visible |= Q(category=ComplaintCategory.PSEA)
    return (
        scoped(Complaint.objects.all(), user)
        .filter(visible)
        .select_related("area__parent", "centre", "assigned_to", "recorded_by", "household")
    )


def complaint_get_for_user(*, user, pk: int) -> Complaint:
    return complaints_for_user(user).get(pk=pk)


def complaint_search(
    user,
    *,
    status: str = "",
    category: str = "",
    channel: str = "",
    overdue: bool = False,
    mine: bool = False,
    text: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Complaint]:
    today = today or timezone.localdate()
    queryset = complaints_for_user(user)
    if status == "active":
        queryset = queryset.exclude(status="closed")
    elif status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if channel:
        queryset = queryset.filter(channel=channel)
    if overdue:
        queryset = queryset.filter(status__in=sorted(rules.OPEN_COMPLAINT_STATUSES), due_on__lt=today)
    if mine:
        queryset = queryset.filter(assigned_to_id=user.pk)
    text = text.strip()
    if text:
        query = text_q(text, "reference", "complainant_name")
        digits = "".join(c for c in text if c.isdigit())
        if len(digits) >= 6:
            query |= Q(complainant_phone__endswith=digits[-9:])
        queryset = queryset.filter(query)
    return queryset.order_by("-received_on", "-id")


def restricted_complaint_total(user) -> int | str:
    """Open complaints in the user's scope that the user may not open, as an anonymised total."""
    scope = scope_for(user)
    if scope is None or scope.role not in rules.COMPLAINT_READER_ROLES:
        return 0
    hidden = scoped(Complaint.objects.exclude(status="closed"), user).exclude(
        pk__in=complaints_for_user(user).values("pk")
    )
    return rules.anonymised_total(hidden.count())


def complaints_assigned_to(user) -> QuerySet[Complaint]:
    return complaints_for_user(user).filter(assigned_to_id=user.pk).exclude(status="closed").order_by("due_on", "id")


def _holders_of(codename: str) -> QuerySet:
    permission = Permission.objects.filter(content_type__app_label="core", codename=codename)
    return User.objects.filter(Q(user_permissions__in=permission) | Q(groups__permissions__in=permission))


def _staff_of_owner(owner_id: int) -> Q:
    return Q(membership__organisation_id=owner_id) | Q(
        membership__organisation__parent_id=owner_id, membership__organisation__kind=OrganisationKind.INTERNAL_UNIT
    )


def _covering_memberships(area: AdminArea) -> Q:
    codes = [code for code in area.path.split("/") if code]
    return Q(membership__areas__pcode__in=codes)


def psea_focal_points(*, organisation_id: int, area: AdminArea) -> list:
    """Active PSEA focal points of the organisation (or its units) whose areas cover ``area``, the least
    busy first (fewest open PSEA complaints assigned)."""
    candidates = (
        User.objects.filter(pk__in=_holders_of("psea_focal_point").values("pk"), is_active=True)
        .filter(_staff_of_owner(organisation_id))
        .filter(_covering_memberships(area))
        .exclude(membership__role=Role.PARTNER)
        .distinct()
    )
    rows = list(candidates)
    load = dict(
        Complaint.objects.filter(
            assigned_to__in=rows, category=ComplaintCategory.PSEA, status__in=["open", "assigned", "responded"]
        )
        .order_by()
        .values_list("assigned_to")
        .annotate(n=Count("pk"))
    )
    return sorted(rows, key=lambda u: (load.get(u.pk, 0), u.pk))


def complaint_focal_points_for_user(user) -> QuerySet:
    """Who a new (not sensitive) complaint may be assigned to when it is recorded: staff of the user's
    organisation working in the user's areas. The service checks the complaint's own place and sensitivity."""
    scope = scope_for(user)
    if scope is None or not scope.area_paths:
        return User.objects.none()
    covering = Q(pk__in=[])
    for path in scope.area_paths:
        codes = [code for code in path.split("/") if code]
        covering |= Q(membership__areas__pcode__in=codes) | Q(membership__areas__path__startswith=path)
    return (
        User.objects.filter(is_active=True)
        .filter(_staff_of_owner(scope.data_owner_id))
        .filter(membership__role__in=sorted(rules.COMPLAINT_FOCAL_POINT_ROLES))
        .filter(covering)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def complaint_focal_point_choices(*, complaint: Complaint) -> QuerySet:
    """Who may be made focal point for this complaint: active staff of the organisation working in the
    complaint's area, holding the PSEA focal point permission for PSEA complaints and the sensitive
    permission for other sensitive ones."""
    queryset = (
        User.objects.filter(is_active=True)
        .filter(_staff_of_owner(complaint.organisation_id))
        .filter(_covering_memberships(complaint.area))
        .filter(membership__role__in=sorted(rules.COMPLAINT_FOCAL_POINT_ROLES))
    )
    if complaint.is_psea:
        queryset = queryset.filter(pk__in=_holders_of("psea_focal_point").values("pk"))
    elif complaint.sensitive:
        queryset = queryset.filter(pk__in=_holders_of("view_sensitive").values("pk"))
    return queryset.distinct().order_by("first_name", "last_name", "username")
