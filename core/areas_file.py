"""Reading a COD-AB style P-code list (one row per area, HXL row optional). Pure: no database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .pcodes import is_valid_pcode, normalise_pcode
from .tabular import RowProblem, Table

LANGUAGE_ATTRIBUTES = {
    "i_ar": "ar",
    "i_fa": "fa-af",
    "i_prs": "fa-af",
    "i_ps": "ps",
    "i_pus": "ps",
    "i_en": "en",
}


@dataclass(frozen=True)
class AreaRow:
    line: int
    pcode: str
    name: str
    level: int
    parent_pcode: str
    country_code: str
    valid_from: datetime.date | None
    names: dict[str, str] = field(default_factory=dict)


_COLUMNS = {
    "pcode": ("#adm+code-parent", ("p-code", "pcode", "adm_pcode", "admin_pcode")),
    "name": ("#adm+name-i_ar-i_fa-i_prs-i_ps-i_pus", ("name", "adm_name", "admin_name")),
    "level": ("#geo+admin_level", ("admin level", "level", "admin_level")),
    "parent": ("#adm+code+parent", ("parent p-code", "parent_pcode", "parent")),
    "country": ("#country+code", ("location", "country", "iso3", "country_code")),
    "valid_from": ("#date+start", ("valid from date", "valid_on", "validon", "valid_from")),
}
_REQUIRED = ("pcode", "name", "level", "parent")


def _language_columns(table: Table) -> dict[int, str]:
    found: dict[int, str] = {}
    if not table.hxl_tags:
        return found
    for index, column in enumerate(table.hxl_columns()):
        if column is None or column.tag != "#adm" or "name" not in column.attributes:
            continue
        for attribute, language in LANGUAGE_ATTRIBUTES.items():
            if attribute in column.attributes:
                found[index] = language
    return found


def parse_admin_areas(table: Table) -> tuple[list[AreaRow], list[RowProblem]]:
    """Validate every row; return the rows and every problem found (line, column, what is wrong)."""
    index = {key: table.find_column(tag=tag, names=names) for key, (tag, names) in _COLUMNS.items()}
    missing = [key for key in _REQUIRED if index[key] is None]
    if missing:
        return [], [
            RowProblem(1, "", f"no column for {key.replace('_', ' ')} (header or HXL tag {_COLUMNS[key][0]})")
            for key in missing
        ]
    languages = _language_columns(table)

    def cell(cells: list[str], key: str) -> str:
        i = index[key]
        return cells[i].strip() if i is not None and i < len(cells) and cells[i] else ""

    rows: list[AreaRow] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        row_problems: list[RowProblem] = []

        def bad(key: str, message: str, line: int = line, row_problems: list = row_problems) -> None:
            row_problems.append(RowProblem(line, table.column_label(index[key]), message))

        raw_code = cell(cells, "pcode")
        pcode = normalise_pcode(raw_code)
        if not pcode:
            bad("pcode", "is empty")
        elif not is_valid_pcode(pcode):
            bad("pcode", f"'{raw_code}' is not a P-code (letters then letters and digits, e.g. AF0608)")
        elif pcode in seen:
            bad("pcode", f"{pcode} appears again (first on line {seen[pcode]})")

        name = cell(cells, "name")
        if not name:
            bad("name", "is empty")

        raw_level = cell(cells, "level")
        level = -1
        try:
            level = int(raw_level)
        except ValueError:
            bad("level", f"'{raw_level}' is not a whole number 1, 2 or 3")
        else:
            if level not in (1, 2, 3):
                bad("level", f"{level} is not an admin level this system holds (1, 2 or 3)")

        parent = normalise_pcode(cell(cells, "parent"))
        if not parent:
            bad("parent", "is empty: every area needs its parent's P-code (the country code for level 1)")
        elif not is_valid_pcode(parent):
            bad("parent", f"'{parent}' is not a P-code")

        country = cell(cells, "country").upper() or (pcode[:2] if pcode else "")
        valid_from = None
        raw_date = cell(cells, "valid_from")
        if raw_date:
            try:
                valid_from = datetime.date.fromisoformat(raw_date[:10])
            except ValueError:
                bad("valid_from", f"'{raw_date}' is not a date (YYYY-MM-DD)")

        names = {
            language: cells[i].strip()
            for i, language in languages.items()
            if i < len(cells) and cells[i] and cells[i].strip()
        }
        if row_problems:
            problems.extend(row_problems)
            continue
        seen[pcode] = line
        rows.append(AreaRow(line, pcode, name, level, parent, country, valid_from, names))

    if not rows and not problems:
        problems.append(RowProblem(0, "", "the file has no data rows"))
    return rows, problems
