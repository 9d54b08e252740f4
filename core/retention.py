"""Data retention: each kind of record is kept for a configured number of days, then anonymised.

Apps register a ``RetentionRule`` from ``AppConfig.ready()``. ``ABR_RETENTION_DAYS`` in settings
overrides the default of any rule (``{"profiling.household": 1825}``). The daily beat task
``core.retention_sweep`` runs ``core.services.retention_sweep``, which anonymises in batches and audits.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet


@dataclass(frozen=True)
class RetentionRule:
    key: str
    label: str
    default_days: int
    expired: Callable[[datetime.datetime], QuerySet]
    """Rows whose retention period ended before the cutoff and that still hold personal data."""
    anonymise: Callable[[QuerySet], int]
    """Strip the personal data from these rows (keeping counts and dates); return how many changed."""


_rules: dict[str, RetentionRule] = {}


def register_retention(rule: RetentionRule) -> None:
    _rules[rule.key] = rule


def retention_rules() -> list[RetentionRule]:
    return sorted(_rules.values(), key=lambda r: r.key)


def retention_days(rule: RetentionRule) -> int:
    return int(getattr(settings, "ABR_RETENTION_DAYS", {}).get(rule.key, rule.default_days))


def _job_expired(cutoff: datetime.datetime) -> QuerySet:
    from .models import Job

    return Job.objects.filter(finished_at__lt=cutoff).exclude(params={}, result={}, error="")


def _job_anonymise(queryset: QuerySet) -> int:
    """Import reports quote cell values; after the retention period only the outcome is kept."""
    return queryset.update(params={}, result={}, error="")


def register_core_rules() -> None:
    register_retention(
        RetentionRule(
            key="core.job",
            label="Background job parameters and reports",
            default_days=90,
            expired=_job_expired,
            anonymise=_job_anonymise,
        )
    )
