"""Reads of profiling, each scoped to the user through ``core.scoping``."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core.models import AdminArea, Role
from core.scoping import scope_for, scoped
from targeting.selectors import targeted_settlements_for_user

from . import rules
from .models import (
    CommunityAssessment,
    Consent,
    ConsentPurpose,
    DuplicatePair,
    DuplicateStatus,
    Facility,
    Household,
    Member,
    VulnerabilityModel,
)


def households_for_user(user) -> QuerySet[Household]:
    return scoped(Household.objects.all(), user).select_related("settlement__parent", "organisation")


def household_get_for_user(*, user, pk: int) -> Household:
    """One household the user may see; absent and not-yours both raise ``Household.DoesNotExist``."""
    return households_for_user(user).get(pk=pk)


def members_for_user(user) -> QuerySet[Member]:
    return scoped(Member.objects.all(), user).select_related("household")


def member_get_for_user(*, user, pk: int) -> Member:
    return members_for_user(user).get(pk=pk)


def consent_given(*, household: Household, purpose: ConsentPurpose | str) -> bool:
    """True only if the household's recorded answer for ``purpose`` is yes."""
    return Consent.objects.filter(household=household, purpose=purpose, given=True).exists()


# --- registration support ---------------------------------------------------------------------------


def registration_settlements_for_user(user) -> QuerySet[AdminArea]:
    """Settlements where the user may register households: inside an approved target area of their
    organisation and inside their own areas (from targeting)."""
    return targeted_settlements_for_user(user).order_by("parent__name", "name")


def settlement_open_for_registration(*, user, settlement: AdminArea) -> bool:
    return registration_settlements_for_user(user).filter(pk=settlement.pk).exists()


def vulnerability_model_active(*, organisation_id: int) -> VulnerabilityModel | None:
    return VulnerabilityModel.objects.filter(organisation_id=organisation_id, is_active=True).first()


def vulnerability_models_for_user(user) -> QuerySet[VulnerabilityModel]:
    scope = scope_for(user)
    if scope is None or scope.role == Role.PARTNER:
        return VulnerabilityModel.objects.none()
    return VulnerabilityModel.objects.filter(organisation_id=scope.data_owner_id).select_related("created_by")


def vulnerability_model_get_for_user(*, user, pk: int) -> VulnerabilityModel:
    return vulnerability_models_for_user(user).get(pk=pk)


@dataclass(frozen=True)
class DuplicateCandidate:
    household_id: int
    reasons: tuple[str, ...]
    similarity: int


def duplicate_candidates(
    *,
    organisation_id: int,
    phone: str,
    head_name: str,
    head_date_of_birth: datetime.date | None,
    head_birth_estimated: bool,
    district_id: int | None,
    exclude_ids: Collection[int] = (),
) -> list[DuplicateCandidate]:
    """Households of the organisation that may be this one: the same phone number, or a similar head
    name (fuzzy, see ``rules.name_similarity``) with a matching birth date in the same district.

    Not scoped to a user: the check protects the whole programme against double registration. Callers
    show a user only the candidates that user may see (``households_for_user``).
    """
    found: dict[int, DuplicateCandidate] = {}
    key = rules.phone_key(phone)
    base = Household.objects.filter(organisation_id=organisation_id, duplicate_of__isnull=True).exclude(
        pk__in=list(exclude_ids)
    )
    if key:
        for pk, name in base.filter(phone_key=key).values_list("pk", "head_name")[:50]:
            found[pk] = DuplicateCandidate(pk, ("phone",), rules.name_similarity(head_name, name))
    if head_date_of_birth is not None and district_id is not None:
        years = (head_date_of_birth.year - 1, head_date_of_birth.year + 1)
        rows = base.filter(
            settlement__parent_id=district_id,
            head_date_of_birth__year__gte=years[0],
            head_date_of_birth__year__lte=years[1],
        ).values_list("pk", "head_name", "head_date_of_birth", "head_birth_estimated")
        for pk, name, born, estimated in rows[:500]:
            if not rules.births_match(head_date_of_birth, head_birth_estimated, born, estimated):
                continue
            similarity = rules.name_similarity(head_name, name)
            if similarity < rules.NAME_SIMILARITY_THRESHOLD:
                continue
            previous = found.get(pk)
            reasons = (*previous.reasons, "name_dob_district") if previous else ("name_dob_district",)
            found[pk] = DuplicateCandidate(pk, reasons, similarity)
    return sorted(found.values(), key=lambda c: (-len(c.reasons), -c.similarity, c.household_id))


def duplicate_heads_of_organisation(*, organisation_id: int) -> QuerySet:
    """What an import compares its rows with: each stored household of the organisation not already marked a
    duplicate, as (id, reference, phone key, district id, head's name, head's birth date, estimated?)."""
    return Household.objects.filter(organisation_id=organisation_id, duplicate_of__isnull=True).values_list(
        "pk",
        "reference",
        "phone_key",
        "settlement__parent_id",
        "head_name",
        "head_date_of_birth",
        "head_birth_estimated",
    )


def duplicate_pairs_for_user(user, *, status: str | None = DuplicateStatus.PENDING) -> QuerySet[DuplicatePair]:
    """Pairs to review: both households must be visible to the user."""
    visible = households_for_user(user).values("pk")
    queryset = scoped(DuplicatePair.objects.all(), user).filter(candidate__in=visible)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related(
        "household__settlement", "candidate__settlement", "flagged_by", "decided_by"
    ).order_by("-created_at", "-id")


def duplicate_pair_get_for_user(*, user, pk: int) -> DuplicatePair:
    return duplicate_pairs_for_user(user, status=None).get(pk=pk)


def household_duplicate_pairs(*, user, household: Household) -> list[DuplicatePair]:
    """Open and decided pairs involving the household, limited to households the user may see."""
    visible = households_for_user(user).values("pk")
    return list(
        DuplicatePair.objects.filter(Q(household=household) | Q(candidate=household))
        .filter(household__in=visible, candidate__in=visible)
        .select_related("household", "candidate", "decided_by")
    )


# --- pages ------------------------------------------------------------------------------------------


def household_list_for_user(user) -> QuerySet[Household]:
    """The household list: what the list page shows, with its joins done once."""
    return households_for_user(user).select_related("registered_by").defer("notes", "vulnerability_criteria")


def household_detail_for_user(*, user, pk: int) -> Household:
    """One household with what its page shows (members, consents, origin, who registered it)."""
    return (
        households_for_user(user)
        .select_related("origin__parent", "registered_by", "vulnerability_model", "duplicate_of")
        .prefetch_related("members", "consents")
        .get(pk=pk)
    )


def recent_registrations(user, *, limit: int = 8) -> list[Household]:
    return list(households_for_user(user).filter(registered_by=user).order_by("-registered_at", "-id")[:limit])


def band_summary(user) -> list[dict]:
    """Households and people by vulnerability band, among the households the user may see."""
    from django.db.models import Count, Sum

    rows = (
        households_for_user(user)
        .filter(duplicate_of__isnull=True)
        .order_by()
        .values("vulnerability_band")
        .annotate(households=Count("id"), people=Sum("size"))
    )
    order = {code: i for i, code in enumerate(rules.BAND_LABELS)}
    return sorted(
        (
            {
                "band": r["vulnerability_band"],
                "label": rules.BAND_LABELS.get(r["vulnerability_band"], r["vulnerability_band"] or "—"),
                "households": r["households"],
                "people": r["people"] or 0,
            }
            for r in rows
        ),
        key=lambda r: order.get(r["band"], 99),
    )


def assessments_for_user(user) -> QuerySet[CommunityAssessment]:
    return scoped(CommunityAssessment.objects.all(), user).select_related("area", "target_area__area", "recorded_by")


def assessment_get_for_user(*, user, pk: int) -> CommunityAssessment:
    return assessments_for_user(user).get(pk=pk)


def facilities_for_user(user) -> QuerySet[Facility]:
    return scoped(Facility.objects.all(), user).select_related("area", "target_area__area")


def facility_get_for_user(*, user, pk: int) -> Facility:
    return facilities_for_user(user).get(pk=pk)
