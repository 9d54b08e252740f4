"""Reads of profiling, each scoped to the user through ``core.scoping``."""

from __future__ import annotations

from django.db.models import QuerySet

from core.scoping import scoped

from .models import Consent, ConsentPurpose, Household, Member


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
