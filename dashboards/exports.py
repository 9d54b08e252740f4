"""Columns of the 5W report and of the results table, with their HXL hashtags (``core.exports`` writes them)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.exports import Column

_FIVEW = [
    Column(_("Organisation"), "#org+impl+acronym", lambda r: r.organisation),
    Column(_("Organisation name"), "#org+impl+name", lambda r: r.organisation_name),
    Column(_("Sector"), "#sector+code", lambda r: r.sector),
    Column(_("Activity code"), "#activity+code", lambda r: r.activity_code),
    Column(_("Activity"), "#activity+name", lambda r: r.activity),
    Column(_("Admin 1 P-code"), "#adm1+code", lambda r: r.adm1_code),
    Column(_("Admin 1"), "#adm1+name", lambda r: r.adm1_name),
    Column(_("Admin 2 P-code"), "#adm2+code", lambda r: r.adm2_code),
    Column(_("Admin 2"), "#adm2+name", lambda r: r.adm2_name),
    Column(_("Month"), "#date+month", lambda r: r.month),
    Column(_("Households reached"), "#reached+hh", lambda r: r.households, is_count=True),
    Column(_("People reached"), "#reached+ind", lambda r: r.individuals, is_count=True),
    Column(_("Girls (0-17)"), "#reached+f+children", lambda r: r.f_children, is_count=True),
    Column(_("Women (18+)"), "#reached+f+adult", lambda r: r.f_adults, is_count=True),
    Column(_("Boys (0-17)"), "#reached+m+children", lambda r: r.m_children, is_count=True),
    Column(_("Men (18+)"), "#reached+m+adult", lambda r: r.m_adults, is_count=True),
    Column(_("People with disability"), "#reached+disabled", lambda r: r.with_disability, is_count=True),
]

_RESULTS = [
    Column(_("Indicator"), "#indicator+code", lambda r: r.code),
    Column(_("Indicator name"), "#indicator+name", lambda r: r.name),
    Column(_("Sector"), "#sector+code", lambda r: r.sector),
    Column(_("Unit"), "#indicator+unit", lambda r: r.unit),
    Column(_("Target"), "#targeted", lambda r: r.target),
    Column(_("Reached"), "#reached", lambda r: r.reached, is_count=True),
    Column(_("Reached: female"), "#reached+f", lambda r: r.female, is_count=True),
    Column(_("Reached: male"), "#reached+m", lambda r: r.male, is_count=True),
    Column(_("Percent of target"), "#indicator+pct", lambda r: r.percent),
]


def _in_language(columns: list[Column]) -> list[Column]:
    """The columns with their headers translated now (spreadsheet writers need plain text)."""
    return [Column(str(c.header), c.hxl, c.value, c.is_count) for c in columns]


def fivew_columns() -> list[Column]:
    return _in_language(_FIVEW)


def result_columns() -> list[Column]:
    return _in_language(_RESULTS)


FIVEW_HXL = [c.hxl for c in _FIVEW]
RESULT_HXL = [c.hxl for c in _RESULTS]


def sharing_threshold() -> int:
    """Counts from 1 up to this number minus one are hidden in exports meant for sharing."""
    return int(getattr(settings, "ABR_SUPPRESSION_THRESHOLD", 5))


def threshold_for(shared: bool) -> int:
    return sharing_threshold() if shared else 0
