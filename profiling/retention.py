"""How long a household keeps the data that identifies its people.

A household nobody has touched for the retention period (default five years) is anonymised: names,
phone, exact location, free-text notes and exact birth dates go; the settlement, status, sizes, ages
(birth dates become 1 January of the birth year), disability and vulnerability stay, so counts and
reports built on them do not change.
"""

from __future__ import annotations

import datetime

from django.db.models import F, QuerySet
from django.db.models.functions import TruncYear

from core.retention import RetentionRule, register_retention

ANONYMISED = "[anonymised]"


def _expired(cutoff: datetime.datetime) -> QuerySet:
    from .models import Household

    return Household.objects.filter(updated_at__lt=cutoff).exclude(head_name=ANONYMISED)


def _anonymise(households: QuerySet) -> int:
    from .models import Household, Member

    ids = list(households.values_list("pk", flat=True))
    Member.objects.filter(household_id__in=ids).update(
        name=ANONYMISED, date_of_birth=TruncYear(F("date_of_birth")), documents=[]
    )
    return Household.objects.filter(pk__in=ids).update(
        head_name=ANONYMISED,
        phone="",
        phone_key="",
        latitude=None,
        longitude=None,
        notes="",
        head_date_of_birth=TruncYear(F("head_date_of_birth")),
        submission_id=None,
    )


def register() -> None:
    register_retention(
        RetentionRule(
            key="profiling.household",
            label="Households and their members",
            default_days=5 * 365,
            expired=_expired,
            anonymise=_anonymise,
        )
    )
