"""Gregorian and Solar Hijri dates: shown in the calendar the user prefers, entered in either.

Afghanistan uses the Solar Hijri calendar with its own month names (Hamal … Hut); the arithmetic is
the Iranian one, which jdatetime implements. Pure functions: no database.
"""

from __future__ import annotations

import datetime
import re

import jdatetime
from django.utils.translation import gettext_lazy as _

AFGHAN_MONTHS = (
    _("Hamal"),
    _("Sawr"),
    _("Jawza"),
    _("Saratan"),
    _("Asad"),
    _("Sunbula"),
    _("Mizan"),
    _("Aqrab"),
    _("Qaws"),
    _("Jadi"),
    _("Dalw"),
    _("Hut"),
)

# Solar Hijri years in use lie far below Gregorian ones, so the year says which calendar was meant.
SOLAR_HIJRI_YEARS = range(1250, 1600)
_DATE = re.compile(r"^\s*(\d{3,4})[-/.](\d{1,2})[-/.](\d{1,2})\s*$")
_DATE_DMY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")


def to_solar_hijri(day: datetime.date) -> tuple[int, int, int]:
    solar = jdatetime.date.fromgregorian(date=day)
    return solar.year, solar.month, solar.day


def from_solar_hijri(year: int, month: int, day: int) -> datetime.date:
    return jdatetime.date(year, month, day).togregorian()


def format_date(day: datetime.date | None, calendar: str) -> str:
    """``2026-03-21`` or, for Solar Hijri, ``1405-01-01 (1 Hamal 1405)``."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = day.date()
    if calendar != "solar_hijri":
        return day.isoformat()
    year, month, dom = to_solar_hijri(day)
    return f"{year:04d}-{month:02d}-{dom:02d} ({dom} {AFGHAN_MONTHS[month - 1]} {year})"


def parse_date(text: str) -> datetime.date:
    """Read a date typed in either calendar: ``1405-01-01`` (Solar Hijri), ``2026-03-21`` or ``21/03/2026``.

    Raises ``ValueError`` with a message fit to show next to the field.
    """
    match = _DATE.match(text or "")
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _DATE_DMY.match(text or "")
        if not match:
            raise ValueError("Write the date as year-month-day, e.g. 2026-03-21 or 1405-01-01.")
        day, month, year = (int(part) for part in match.groups())
    try:
        if year in SOLAR_HIJRI_YEARS:
            return from_solar_hijri(year, month, day)
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"{text.strip()} is not a day of the calendar.") from None
