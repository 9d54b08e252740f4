"""Which column of a DTM spreadsheet holds what, per DTM product. Pure: no database.

DTM files have a header row and often an HXL tag row under it. Columns are found by their HXL tag
first, then by header name, never by position, so a re-ordered or extended sheet still imports.

Count columns come in two shapes:

* ``<Category><Year>`` headers of the Afghanistan baseline mobility assessment (``ArrivalIDPs2016``,
  ``ReturneeIDPs2019``, ``ArrivalIDPs2012_18``, also ``Arrival IDPs 2012-18`` or ``ArrivalIDPsHH2016``);
  HXL ``#affected+idps+arrived+ind+y2016`` says the same thing, and a tag without a year attribute takes
  the year from its header;
* fixed columns such as the Iraq master list's ``IDP Families`` / ``#affected+idps+hh`` or the Return
  Index's ``Severity score`` / ``#severity+num``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import DtmSource, FigureUnit, PopulationGroup

LEVEL_NAMES = {1: _("province / governorate"), 2: _("district"), 3: _("settlement / location")}


@dataclass(frozen=True)
class PlaceColumn:
    """A column naming or coding the place of a row at one admin level."""

    level: int
    kind: str  # "code" or "name"
    tags: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True)
class CountColumn:
    """How one column's numbers are stored."""

    group: str
    unit: str
    period: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.group, self.unit, self.period)

    def describe(self) -> str:
        label = f"{PopulationGroup(self.group).label} · {FigureUnit(self.unit).label}"
        return f"{label} · {self.period}" if self.period else label


PLACE_COLUMNS: tuple[PlaceColumn, ...] = (
    PlaceColumn(
        1,
        "code",
        ("#adm1+code",),
        (
            "adm1code",
            "adm1pcode",
            "adm1_pcode",
            "adm1_code",
            "province code",
            "provincecode",
            "province pcode",
            "province p-code",
            "governorate code",
            "governorate pcode",
            "governorate p-code",
            "gov pcode",
        ),
    ),
    PlaceColumn(
        1,
        "name",
        ("#adm1+name",),
        (
            "adm1nameenglish",
            "adm1name",
            "adm1_name",
            "adm1_en",
            "province",
            "province name",
            "provincename",
            "governorate",
            "governorate name",
        ),
    ),
    PlaceColumn(
        2,
        "code",
        ("#adm2+code",),
        (
            "adm2code",
            "adm2pcode",
            "adm2_pcode",
            "adm2_code",
            "district code",
            "districtcode",
            "district pcode",
            "district p-code",
        ),
    ),
    PlaceColumn(
        2,
        "name",
        ("#adm2+name",),
        ("adm2nameenglish", "adm2name", "adm2_name", "adm2_en", "district", "district name", "districtname"),
    ),
    PlaceColumn(
        3,
        "code",
        ("#loc+code", "#adm3+code"),
        (
            "settlementcode",
            "settlement code",
            "settlement pcode",
            "settlement p-code",
            "settlementpcode",
            "location id",
            "locationid",
            "location code",
            "village code",
        ),
    ),
    PlaceColumn(
        3,
        "name",
        ("#loc+name", "#adm3+name"),
        (
            "settlementnameenglish",
            "settlementname",
            "settlement name",
            "settlement",
            "location name",
            "location name in english",
            "location",
            "village",
        ),
    ),
)

# <Category><Year> headers, compared in lower case without spaces (and '-' read as '_').
CATEGORY_HEADERS: dict[str, str] = {
    "arrivalidps": PopulationGroup.ARRIVAL_IDPS,
    "arrivalidp": PopulationGroup.ARRIVAL_IDPS,
    "idpsarrival": PopulationGroup.ARRIVAL_IDPS,
    "fledidps": PopulationGroup.FLED_IDPS,
    "fledidp": PopulationGroup.FLED_IDPS,
    "returneeidps": PopulationGroup.RETURNED_IDPS,
    "returnedidps": PopulationGroup.RETURNED_IDPS,
    "returnidps": PopulationGroup.RETURNED_IDPS,
    "retidps": PopulationGroup.RETURNED_IDPS,
    "returneesfromabroad": PopulationGroup.RETURNEES_ABROAD,
    "returnedfromabroad": PopulationGroup.RETURNEES_ABROAD,
    "retfromabroad": PopulationGroup.RETURNEES_ABROAD,
    "returneesabroad": PopulationGroup.RETURNEES_ABROAD,
    "returnedmigrants": PopulationGroup.RETURNEES_ABROAD,
    "returnmigrants": PopulationGroup.RETURNEES_ABROAD,
    "returnees": PopulationGroup.RETURNEES_ABROAD,
    "outmigrants": PopulationGroup.OUT_MIGRANTS,
    "outmigrant": PopulationGroup.OUT_MIGRANTS,
    "fledabroad": PopulationGroup.OUT_MIGRANTS,
}
UNIT_TOKENS: dict[str, str] = {
    "hh": FigureUnit.HOUSEHOLDS,
    "households": FigureUnit.HOUSEHOLDS,
    "families": FigureUnit.HOUSEHOLDS,
    "fam": FigureUnit.HOUSEHOLDS,
    "ind": FigureUnit.INDIVIDUALS,
    "inds": FigureUnit.INDIVIDUALS,
    "individuals": FigureUnit.INDIVIDUALS,
}
_TRAILING_PERIOD = re.compile(r"(?P<start>(?:19|20)\d\d)(?:[_\-/](?P<end>\d\d|\d{4}))?$")
_PERIOD_ATTRIBUTE = re.compile(r"^y(?P<start>(?:19|20)\d\d)(?:_(?P<end>\d\d|\d{4}))?$")

# Fixed count columns, compared in lower case with only letters and digits kept.
FIXED_HEADERS: dict[str, CountColumn] = {
    **{
        name: CountColumn(PopulationGroup.IDPS, FigureUnit.HOUSEHOLDS)
        for name in ("idpfamilies", "idpsfamilies", "idphouseholds", "idpshouseholds", "idphh", "idpshh")
    },
    **{
        name: CountColumn(PopulationGroup.IDPS, FigureUnit.INDIVIDUALS)
        for name in ("idpindividuals", "idpsindividuals", "idpind", "idpsind", "idps", "idpindividual")
    },
    **{
        name: CountColumn(PopulationGroup.RETURNEES, FigureUnit.HOUSEHOLDS)
        for name in (
            "returneefamilies",
            "returneesfamilies",
            "returneehouseholds",
            "returneeshouseholds",
            "returneehh",
            "returneeshh",
        )
    },
    **{
        name: CountColumn(PopulationGroup.RETURNEES, FigureUnit.INDIVIDUALS)
        for name in ("returneeindividuals", "returneesindividuals", "returneeind", "returneesind", "returnees")
    },
    **{
        name: CountColumn(PopulationGroup.RETURN_INDEX, FigureUnit.SCORE)
        for name in (
            "returnindex",
            "returnindexscore",
            "severity",
            "severityscore",
            "severityindex",
            "overallseverity",
            "overallseverityscore",
            "returnindexseverity",
        )
    },
}

# HXL attribute sets, most specific first (a column must carry every attribute of an entry).
HXL_GROUPS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("#affected", frozenset({"idps", "arrived"}), PopulationGroup.ARRIVAL_IDPS),
    ("#affected", frozenset({"idps", "fled"}), PopulationGroup.FLED_IDPS),
    ("#affected", frozenset({"idps", "returned"}), PopulationGroup.RETURNED_IDPS),
    ("#affected", frozenset({"returnees", "abroad"}), PopulationGroup.RETURNEES_ABROAD),
    ("#affected", frozenset({"returnees", "intl"}), PopulationGroup.RETURNEES_ABROAD),
    ("#affected", frozenset({"migrants", "out"}), PopulationGroup.OUT_MIGRANTS),
    ("#affected", frozenset({"outmigrants"}), PopulationGroup.OUT_MIGRANTS),
    ("#affected", frozenset({"idps"}), PopulationGroup.IDPS),
    ("#affected", frozenset({"returnees"}), PopulationGroup.RETURNEES),
    ("#severity", frozenset({"return_index"}), PopulationGroup.RETURN_INDEX),
    ("#severity", frozenset({"num"}), PopulationGroup.RETURN_INDEX),
    ("#severity", frozenset(), PopulationGroup.RETURN_INDEX),
)


@dataclass(frozen=True)
class ColumnMap:
    """What one DTM product's sheets hold: its country, the population groups it reports and how."""

    source: str
    country_code: str
    groups: frozenset[str]
    yearly: bool  # <Category><Year> count columns

    @property
    def pcode_prefix(self) -> str:
        """The COD-AB P-code prefix of the country (``AF``, ``IQ``)."""
        return {"AFG": "AF", "IRQ": "IQ"}.get(self.country_code, self.country_code[:2])

    def accepts(self, column: CountColumn) -> bool:
        return column.group in self.groups


AFG_GROUPS = frozenset(
    {
        PopulationGroup.ARRIVAL_IDPS,
        PopulationGroup.FLED_IDPS,
        PopulationGroup.RETURNED_IDPS,
        PopulationGroup.RETURNEES_ABROAD,
        PopulationGroup.OUT_MIGRANTS,
    }
)

COLUMN_MAPS: dict[str, ColumnMap] = {
    DtmSource.AFG_BASELINE: ColumnMap(DtmSource.AFG_BASELINE, "AFG", AFG_GROUPS, yearly=True),
    DtmSource.IRQ_MASTER_LIST: ColumnMap(
        DtmSource.IRQ_MASTER_LIST, "IRQ", frozenset({PopulationGroup.IDPS, PopulationGroup.RETURNEES}), yearly=False
    ),
    DtmSource.IRQ_RETURN_INDEX: ColumnMap(
        DtmSource.IRQ_RETURN_INDEX,
        "IRQ",
        frozenset({PopulationGroup.RETURN_INDEX, PopulationGroup.RETURNEES}),
        yearly=False,
    ),
    DtmSource.OTHER: ColumnMap(DtmSource.OTHER, "", frozenset(PopulationGroup.values), yearly=True),
}


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def normalise_period(start: str, end: str | None) -> str:
    """``2012`` + ``2018`` -> ``2012_18``; a single year stays as it is."""
    if not end:
        return start
    return f"{start}_{end[-2:]}"


def _split_yearly(header: str) -> tuple[str, str] | None:
    """(stem, period) of a header ending in a year or a span of years, e.g. ``Arrival IDPs 2012-18``."""
    text = re.sub(r"\s+", "", header.strip().lower())
    match = _TRAILING_PERIOD.search(text)
    if not match:
        return None
    return _alnum(text[: match.start()]), normalise_period(match.group("start"), match.group("end"))


def period_from_header(header: str) -> str | None:
    split = _split_yearly(header)
    return split[1] if split else None


def classify_header(header: str, column_map: ColumnMap) -> CountColumn | None:
    """A count column recognised from its header alone, or None."""
    if column_map.yearly:
        split = _split_yearly(header)
        if split:
            stem, period = split
            unit = FigureUnit.INDIVIDUALS
            if stem not in CATEGORY_HEADERS:
                for token in sorted(UNIT_TOKENS, key=len, reverse=True):
                    if stem.endswith(token) and stem[: -len(token)] in CATEGORY_HEADERS:
                        unit, stem = UNIT_TOKENS[token], stem[: -len(token)]
                        break
            group = CATEGORY_HEADERS.get(stem)
            if group is not None:
                return CountColumn(group, unit, period)
    return FIXED_HEADERS.get(_alnum(header))


def classify_hxl(column, header: str) -> tuple[CountColumn | None, str]:
    """A count column recognised from its HXL tag (a ``hxl.model.Column``), or (None, why not).

    The unit comes from ``+hh`` / ``+ind`` (individuals when neither), the period from a ``+y2016`` or
    ``+y2012_18`` attribute, else from the header's trailing year.
    """
    if column is None:
        return None, ""
    attributes = set(column.attributes)
    group = next((g for tag, required, g in HXL_GROUPS if column.tag == tag and required <= attributes), None)
    if group is None:
        return None, ""
    if group == PopulationGroup.RETURN_INDEX:
        return CountColumn(group, FigureUnit.SCORE), ""
    unit = FigureUnit.HOUSEHOLDS if attributes & {"hh", "households", "families"} else FigureUnit.INDIVIDUALS
    period = ""
    for attribute in attributes:
        match = _PERIOD_ATTRIBUTE.match(attribute)
        if match:
            period = normalise_period(match.group("start"), match.group("end"))
    if not period:
        period = period_from_header(header) or ""
    if group in AFG_GROUPS and not period:
        return None, str(_("the HXL tag names a population group but no year (add +y2016 or a year to the header)"))
    return CountColumn(group, unit, period), ""
