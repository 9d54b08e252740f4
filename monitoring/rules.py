"""Pure decisions of monitoring: the check-in schedule after an arrival, when a check-in is due or overdue,
what a call does to a check-in, who may do what, and completion rates. No database here.

The waves come from ``settings.ABR_CHECKIN_WAVES``: each names a ``code``, an offset after arrival in
``days`` or ``months``, and ``window_days`` during which the call is due before it is overdue. The
default is the programme's: a first call 7 to 14 days after arrival, then at 3 and at 9 months.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings

from core.models import Role

from .models import CallOutcome, CheckInStatus, Criterion, CriterionStatus

MONITOR_ROLES = frozenset({Role.FIELD_STAFF, Role.MANAGER})
"""Staff who register movements and record check-in calls."""
READER_ROLES = frozenset({Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN})
REPORT_ROLES = frozenset({Role.MANAGER, Role.ADMIN})

DEFAULT_WAVES = (
    {"code": "w2", "days": 7, "window_days": 7},
    {"code": "m3", "months": 3, "window_days": 14},
    {"code": "m9", "months": 9, "window_days": 14},
)
DEFAULT_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Wave:
    code: str
    days: int = 0
    months: int = 0
    window_days: int = 7

    @property
    def label(self) -> str:
        if self.months:
            return f"{self.months} m"
        return f"{self.days}-{self.days + self.window_days} d"


@dataclass(frozen=True)
class Due:
    wave: str
    due_on: datetime.date
    due_until: datetime.date


def waves(config=None) -> tuple[Wave, ...]:
    """The configured waves, in order; a bad configuration fails loudly rather than scheduling nothing."""
    raw = config if config is not None else getattr(settings, "ABR_CHECKIN_WAVES", None) or DEFAULT_WAVES
    result = []
    for item in raw:
        wave = Wave(
            code=str(item["code"]),
            days=int(item.get("days", 0)),
            months=int(item.get("months", 0)),
            window_days=int(item.get("window_days", 7)),
        )
        if not wave.code or len(wave.code) > 10 or wave.days < 0 or wave.months < 0 or wave.window_days < 0:
            raise ValueError(f"bad check-in wave {item!r}")
        result.append(wave)
    if len({w.code for w in result}) != len(result):
        raise ValueError("check-in wave codes must be unique")
    return tuple(result)


def wave_codes() -> list[str]:
    return [w.code for w in waves()]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def schedule(arrived_on: datetime.date, config=None) -> list[Due]:
    """The check-ins a household arrived on ``arrived_on`` is due, one per wave."""
    dues = []
    for wave in waves(config):
        due_on = add_months(arrived_on, wave.months) + datetime.timedelta(days=wave.days)
        dues.append(Due(wave.code, due_on, due_on + datetime.timedelta(days=wave.window_days)))
    return dues


# --- State of a check-in --------------------------------------------------------------------------

UPCOMING, DUE, OVERDUE, DONE = "upcoming", "due", "overdue", "done"


def checkin_state(*, status: str, due_on: datetime.date, due_until: datetime.date, today: datetime.date) -> str:
    """``upcoming`` before its window, ``due`` inside it, ``overdue`` after it, ``done`` once closed."""
    if status != CheckInStatus.OPEN:
        return DONE
    if today < due_on:
        return UPCOMING
    if today <= due_until:
        return DUE
    return OVERDUE


def max_attempts() -> int:
    return int(getattr(settings, "ABR_CHECKIN_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def status_after_call(*, outcome: str, attempts: int, limit: int | None = None) -> str:
    """What a call does to the check-in. ``attempts`` counts this call.

    Reached: completed. Refused: closed as refused. Not reached or a wrong number: the check-in stays open
    for another try, until ``limit`` attempts have failed (then unreachable).
    """
    limit = limit if limit is not None else max_attempts()
    if outcome == CallOutcome.REACHED:
        return CheckInStatus.COMPLETED
    if outcome == CallOutcome.REFUSED:
        return CheckInStatus.REFUSED
    if outcome in (CallOutcome.NOT_REACHED, CallOutcome.WRONG_NUMBER):
        return CheckInStatus.UNREACHABLE if attempts >= limit else CheckInStatus.OPEN
    raise ValueError(f"unknown outcome {outcome!r}")


def clean_answers(answers: dict) -> dict:
    """Answers keyed by criterion, each ``{"status", "note"}``; unknown criteria dropped, missing ones
    recorded as not asked, so every completed check-in has all eight."""
    result = {}
    for criterion in Criterion.values:
        given = answers.get(criterion) or {}
        status = given.get("status") or CriterionStatus.NOT_ASKED
        if status not in CriterionStatus.values:
            raise ValueError(f"unknown status {status!r} for {criterion}")
        result[criterion] = {"status": status, "note": str(given.get("note") or "").strip()}
    return result


def unmet_criteria(answers: dict) -> list[str]:
    return [c for c in Criterion.values if (answers.get(c) or {}).get("status") == CriterionStatus.NOT_MET]


def rate(part: int, whole: int) -> float | None:
    """A share in percent, one decimal; none when nothing was due."""
    return round(100 * part / whole, 1) if whole else None
