"""Reading household files: our CSV/XLSX layout and KoboToolbox exports.

A Kobo export names columns after the form's groups (``group_hh/hh_size``) and puts each repeat group
(the members) on its own sheet, or in its own CSV, joined to the household by ``_parent_index`` →
``_index`` or by ``_submission__uuid`` → ``_uuid``. Here a column is known by its last path segment and
a list of accepted names, so both layouts read the same way.

This module only turns cells into checked values and ``RowProblem``s; ``services.household_import``
decides what is written.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from core.tabular import RowProblem, Table

from .models import (
    BARRIER_CATEGORY,
    WG_DOMAINS,
    ConsentPurpose,
    DisplacementStatus,
    DocumentType,
    Intention,
    LegalBasis,
    Relationship,
    Sex,
    ShelterType,
)

HOUSEHOLD_COLUMNS: dict[str, tuple[str, ...]] = {
    "submission_id": ("_uuid", "submission_id", "instanceid", "_submission__uuid"),
    "index": ("_index",),
    "settlement": ("settlement", "settlement_pcode", "admin3_pcode", "adm3_pcode", "village_pcode"),
    "displacement_status": ("displacement_status", "pop_group", "population_group"),
    "arrival_date": ("arrival_date", "date_arrival"),
    "origin": ("origin", "origin_pcode", "place_of_origin"),
    "shelter_type": ("shelter_type", "shelter"),
    "head_name": ("head_name", "hoh_name"),
    "head_sex": ("head_sex", "hoh_sex"),
    "head_date_of_birth": ("head_date_of_birth", "hoh_dob"),
    "head_age": ("head_age", "hoh_age"),
    "phone": ("phone", "phone_number", "contact_phone"),
    "intention": ("intention", "intentions"),
    "return_barriers": ("return_barriers", "barriers", "barriers_to_return"),
    "has_income": ("has_income", "income"),
    "has_debt": ("has_debt", "debt"),
    "latitude": ("latitude", "_gps_latitude", "gps_latitude"),
    "longitude": ("longitude", "_gps_longitude", "gps_longitude"),
    "hh_size": ("hh_size", "household_size"),
    "consent_registration": ("consent_registration",),
    "consent_referral": ("consent_referral",),
    "consent_partner_sharing": ("consent_partner_sharing", "consent_sharing"),
    "legal_basis": ("legal_basis",),
    "notes": ("notes", "comments"),
}
MEMBER_COLUMNS: dict[str, tuple[str, ...]] = {
    "parent_uuid": ("_submission__uuid", "household_submission_id"),
    "parent_index": ("_parent_index",),
    "name": ("name", "member_name", "full_name"),
    "sex": ("sex", "gender"),
    "date_of_birth": ("date_of_birth", "dob"),
    "age": ("age", "age_years"),
    "relationship": ("relationship", "relation", "relation_to_head"),
    **{d: (d, d.removeprefix("wg_")) for d in WG_DOMAINS},
    "chronic_illness": ("chronic_illness",),
    "pregnant_or_lactating": ("pregnant_or_lactating", "pregnant_lactating"),
    "documents": ("documents", "documents_held"),
}
REQUIRED_HOUSEHOLD = (
    "submission_id",
    "settlement",
    "displacement_status",
    "shelter_type",
    "consent_registration",
    "consent_referral",
    "consent_partner_sharing",
)
REQUIRED_MEMBER = ("name", "sex", "relationship")
MAX_PROBLEMS = 1000

_TRUE = frozenset({"yes", "y", "true", "1", "oui", "si"})
_FALSE = frozenset({"no", "n", "false", "0", "non"})


def column_key(header: str) -> str:
    """``group_hh/hh_size`` → ``hh_size``; ``meta/instanceID`` → ``instanceid``."""
    return header.strip().rsplit("/", 1)[-1].strip().lower()


def map_columns(table: Table, wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    keys = [column_key(h) for h in table.headers]
    found: dict[str, int] = {}
    for name, aliases in wanted.items():
        for alias in aliases:
            if alias in keys:
                found[name] = keys.index(alias)
                break
    return found


def _choice_lookup(choices) -> dict[str, str]:
    """Accept the stored value, the label, and Kobo-style spellings (spaces or dashes for underscores)."""
    lookup: dict[str, str] = {}
    for value, label in choices:
        value = str(value)
        for text in (value, str(label)):
            text = text.strip().lower()
            lookup[text] = value
            lookup[text.replace(" ", "_").replace("-", "_")] = value
    return lookup


STATUS = _choice_lookup(DisplacementStatus.choices)
STATUS.update({"returnee": "returnee_abroad", "returnees": "returnee_abroad", "idps": "idp"})
SHELTER = _choice_lookup(ShelterType.choices)
INTENTION = _choice_lookup(Intention.choices)
SEX = _choice_lookup(Sex.choices)
SEX.update({"female": "f", "male": "m", "woman": "f", "man": "m"})
RELATIONSHIP = _choice_lookup(Relationship.choices)
RELATIONSHIP.update({"hoh": "head", "son": "child", "daughter": "child", "wife": "spouse", "husband": "spouse"})
LEGAL_BASIS = _choice_lookup(LegalBasis.choices)
DOCUMENTS = _choice_lookup(DocumentType.choices)
BARRIERS = {code: code for code in BARRIER_CATEGORY}


@dataclass
class Problems:
    """Row problems (the import stops) and warnings (it goes on), with a cap on how many are kept."""

    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0

    def error(self, line: int, column: str, problem: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_PROBLEMS:
            self.errors.append(RowProblem(line, column, problem))

    def warn(self, line: int, column: str, problem: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_PROBLEMS:
            self.warnings.append(RowProblem(line, column, problem))


@functools.lru_cache(maxsize=65536)
def parse_date(text: str) -> datetime.date:
    """ISO dates (what Kobo and Excel give) and ISO date-times (``_submission_time``)."""
    return datetime.date.fromisoformat(text[:10])


class Row:
    """One row's cells with the column map, reading and checking values and reporting what is wrong."""

    __slots__ = ("cells", "columns", "line", "problems", "table")

    def __init__(self, table: Table, columns: dict[str, int], line: int, cells: list[str], problems: Problems):
        self.table = table
        self.columns = columns
        self.line = line
        self.cells = cells
        self.problems = problems

    def text(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index].strip()

    def label(self, name: str) -> str:
        index = self.columns.get(name)
        return self.table.column_label(index) if index is not None else name

    def fail(self, name: str, problem: str) -> None:
        self.problems.error(self.line, self.label(name), problem)

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            self.fail(name, "is empty")
        return value

    def choice(self, name: str, lookup: dict[str, str], *, required: bool = True, default: str = "") -> str:
        value = self.text(name)
        if not value:
            if required:
                self.fail(name, "is empty")
            return default
        found = lookup.get(value.lower()) or lookup.get(value.lower().replace(" ", "_").replace("-", "_"))
        if found is None:
            allowed = ", ".join(sorted(set(lookup.values())))
            self.fail(name, f"'{value}' is not one of: {allowed}")
            return default
        return found

    def choices(self, name: str, lookup: dict[str, str]) -> list[str]:
        """A Kobo select_multiple: codes separated by spaces (or commas/semicolons)."""
        value = self.text(name)
        if not value:
            return []
        out = []
        for token in value.replace(",", " ").replace(";", " ").split():
            found = lookup.get(token.lower())
            if found is None:
                self.fail(name, f"'{token}' is not a known code")
            else:
                out.append(found)
        return list(dict.fromkeys(out))

    def boolean(self, name: str, *, default: bool | None = None) -> bool | None:
        value = self.text(name).lower()
        if not value:
            return default
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        self.fail(name, f"'{value}' is not yes or no")
        return default

    def date(self, name: str, *, today: datetime.date) -> datetime.date | None:
        value = self.text(name)
        if not value:
            return None
        try:
            day = parse_date(value)
        except ValueError:
            self.fail(name, f"'{value}' is not a date (YYYY-MM-DD)")
            return None
        if day > today:
            self.fail(name, f"{day.isoformat()} is in the future")
            return None
        return day

    def integer(self, name: str, *, low: int, high: int) -> int | None:
        value = self.text(name)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            self.fail(name, f"'{value}' is not a whole number")
            return None
        if not low <= number <= high:
            self.fail(name, f"{number} is outside {low}-{high}")
            return None
        return number

    def decimal(self, name: str, *, low: int, high: int) -> Decimal | None:
        value = self.text(name)
        if not value:
            return None
        try:
            number = Decimal(value).quantize(Decimal("0.000001"))
        except InvalidOperation:
            self.fail(name, f"'{value}' is not a number")
            return None
        if not low <= number <= high:
            self.fail(name, f"{number} is outside {low} to {high}")
            return None
        return number


def size_warning(declared: int, listed: int) -> str:
    return f"says {declared} members, {listed} listed"


def duplicate_warning(what: str, reasons: Iterable[str]) -> str:
    return f"may be the same household as {what} ({', '.join(reasons)})"


def missing_columns(columns: dict[str, int], required: Iterable[str], wanted: dict[str, tuple[str, ...]]) -> list[str]:
    return [f"{name} (any of: {', '.join(wanted[name])})" for name in required if name not in columns]


CONSENT_COLUMNS = {
    ConsentPurpose.REGISTRATION: "consent_registration",
    ConsentPurpose.REFERRAL: "consent_referral",
    ConsentPurpose.PARTNER_SHARING: "consent_partner_sharing",
}
