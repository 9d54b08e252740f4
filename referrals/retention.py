"""How long closed referrals, closed complaints and walk-ins keep personal data (``core.retention``).

After the period the rows stay, for counts by sector, place, sex and age group, but lose names, phone
numbers, the free text that may describe what happened, and their links to households and members.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from core.retention import RetentionRule, register_retention

from .models import Complaint, FollowUp, Referral, ReferralEvent, ReferralStatus, Visit

THREE_YEARS = 3 * 365


def closed_referrals_expired(cutoff: datetime.datetime) -> QuerySet:
    return Referral.objects.filter(status=ReferralStatus.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True)


def referrals_anonymise(queryset: QuerySet) -> int:
    ids = list(queryset.values_list("pk", flat=True))
    ReferralEvent.objects.filter(referral_id__in=ids).update(note="")
    FollowUp.objects.filter(referral_id__in=ids).update(outcome="")
    return Referral.objects.filter(pk__in=ids).update(
        client_name="",
        client_phone="",
        reason="",
        decline_reason="",
        closure_note="",
        consent_override_reason="",
        household=None,
        member=None,
        visit=None,
        anonymised_at=timezone.now(),
    )


def closed_complaints_expired(cutoff: datetime.datetime) -> QuerySet:
    return Complaint.objects.filter(status="closed", closed_on__lt=cutoff.date(), anonymised_at__isnull=True)


def complaints_anonymise(queryset: QuerySet) -> int:
    return queryset.update(
        complainant_name="",
        complainant_phone="",
        description="",
        response="",
        closure_note="",
        household=None,
        anonymised_at=timezone.now(),
    )


def visits_expired(cutoff: datetime.datetime) -> QuerySet:
    """Walk-ins older than the cutoff, except those whose referrals are still being dealt with."""
    active = Referral.objects.filter(visit=OuterRef("pk")).exclude(status=ReferralStatus.CLOSED)
    return Visit.objects.filter(visited_at__lt=cutoff, anonymised_at__isnull=True).exclude(Exists(active))


def visits_anonymise(queryset: QuerySet) -> int:
    return queryset.update(
        visitor_name="",
        visitor_phone="",
        notes="",
        household=None,
        member=None,
        anonymised_at=timezone.now(),
    )


def register() -> None:
    register_retention(
        RetentionRule(
            key="referrals.referral",
            label="Closed referrals: client details, reasons, feedback and follow-up notes",
            default_days=THREE_YEARS,
            expired=closed_referrals_expired,
            anonymise=referrals_anonymise,
        )
    )
    register_retention(
        RetentionRule(
            key="referrals.complaint",
            label="Closed complaints: complainant details, what was said and the response",
            default_days=THREE_YEARS,
            expired=closed_complaints_expired,
            anonymise=complaints_anonymise,
        )
    )
    register_retention(
        RetentionRule(
            key="referrals.visit",
            label="CRC walk-ins: visitor details and notes",
            default_days=THREE_YEARS,
            expired=visits_expired,
            anonymise=visits_anonymise,
        )
    )
