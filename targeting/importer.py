"""Reading a DTM spreadsheet into figures per area: columns, place matching, values, problems.

Nothing here writes. ``plan_import`` reads a ``core.tabular.Table`` with a source's column map and
returns either an ``ImportPlan`` (the figures to store, the rows that matched no place, how columns
were read) or raises ``ImportFailed`` with every problem found (line, column, problem). The service
``targeting.services.dtm_dataset_import`` stores a plan; validate-only stops after planning.

Places are matched by P-code (``IRQ-G01-Q01`` is read as ``IQG01Q01``), else by name within the
parent matched on the row (the district named on the row, inside the province named on the row).
A row whose place cannot be matched is not an error: it is left out and listed, with the reason,
in the unmatched-rows report stored on the dataset. A file in which no row matches is refused.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _

from core.models import AdminArea
from core.pcodes import normalise_pcode
from core.tabular import ImportFailed, RowProblem, Table, UnreadableFile, is_xlsx, read_table

from .columns import COLUMN_MAPS, LEVEL_NAMES, PLACE_COLUMNS, ColumnMap, CountColumn, classify_header, classify_hxl
from .models import FigureUnit, PopulationGroup

MAX_PROBLEMS = 1000
MAX_LISTED = 2000  # unmatched rows and name matches kept in the report
MAX_COUNT = 10**11
BLANKS = frozenset({"", "-", "--", "n/a", "na", "none", "null", "..."})
Progress = Callable[[int, int], None]


def file_digest(data: bytes) -> str:
    """The SHA-256 that identifies a DTM file: the same bytes are the same import."""
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- places


@dataclass(frozen=True, slots=True)
class Place:
    id: int
    pcode: str
    name: str
    level: int
    parent_id: int | None
    path: str
    country_code: str


def name_key(text: str) -> str:
    """A name as compared: accents dropped, case folded, only letters and digits (``Dara-e-Nur`` = ``Dara e Nur``)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in plain.casefold() if c.isalnum())


def _name_keys(text: str) -> set[str]:
    key = name_key(text)
    keys = {key} if key else set()
    if key.startswith("al") and len(key) > 5:  # Al-Falluja / Falluja
        keys.add(key[2:])
    return keys


class PlaceIndex:
    """Every active place of a country, looked up by P-code or by name under a parent, in memory."""

    def __init__(self, places: Iterable[tuple[Place, Iterable[str]]]):
        self.by_code: dict[str, Place] = {}
        self.by_id: dict[int, Place] = {}
        self._children: dict[tuple[int | None, int, str], list[Place]] = {}
        self._by_level: dict[tuple[int, str], list[Place]] = {}
        for place, names in places:
            self.by_code[place.pcode] = place
            self.by_id[place.id] = place
            keys: set[str] = set()
            for name in (place.name, *names):
                keys |= _name_keys(name)
            for key in keys:
                self._children.setdefault((place.parent_id, place.level, key), []).append(place)
                self._by_level.setdefault((place.level, key), []).append(place)

    @classmethod
    def load(cls, country_code: str = "") -> PlaceIndex:
        queryset = AdminArea.objects.filter(is_active=True, level__gte=1)
        if country_code:
            queryset = queryset.filter(country_code=country_code)
        rows = queryset.values_list("pk", "pcode", "name", "names", "level", "parent_id", "path", "country_code")
        return cls(
            (Place(pk, pcode, name, level, parent_id, path, country), (names or {}).values())
            for pk, pcode, name, names, level, parent_id, path, country in rows.iterator(chunk_size=5000)
        )

    def named(self, *, level: int, name: str, parent: Place | None) -> list[Place]:
        for key in _name_keys(name):
            found = (
                self._children.get((parent.id, level, key), [])
                if parent is not None
                else self._by_level.get((level, key), [])
            )
            if found:
                return list({p.id: p for p in found}.values())
        return []

    def ancestor_at(self, place: Place, level: int) -> Place | None:
        """The area at ``level`` that contains ``place`` (the place itself at its own level)."""
        if level > place.level:
            return None
        codes = [c for c in place.path.split("/") if c]
        return self.by_code.get(codes[level]) if level < len(codes) else None


@dataclass(frozen=True)
class Match:
    place: Place | None
    how: str  # "code", "name" or "" when unmatched
    reason: str = ""


class PlaceMatcher:
    """Finds the area of a row at one admin level, from the code and name columns of that level and above."""

    def __init__(self, index: PlaceIndex, columns: dict[tuple[int, str], int], *, country_code: str, prefix: str):
        self.index = index
        self.columns = columns
        self.country_code = country_code
        self.prefix = prefix
        self._cache: dict[tuple, Match] = {}

    def _cell(self, cells: list[str], level: int, kind: str) -> str:
        position = self.columns.get((level, kind))
        if position is None or position >= len(cells):
            return ""
        return (cells[position] or "").strip()

    def has_columns(self, level: int) -> bool:
        return (level, "code") in self.columns or (level, "name") in self.columns

    def match(self, cells: list[str], level: int) -> Match:
        key = tuple(self._cell(cells, lvl, kind) for lvl in range(1, level + 1) for kind in ("code", "name"))
        found = self._cache.get((level, key))
        if found is None:
            found = self._resolve(cells, level)
            self._cache[(level, key)] = found
        return found

    def _resolve(self, cells: list[str], level: int) -> Match:
        level_name = LEVEL_NAMES[level]
        raw_code = self._cell(cells, level, "code")
        name = self._cell(cells, level, "name")
        code_note = ""
        if raw_code:
            code = normalise_pcode(raw_code)
            place = self.index.by_code.get(code)
            if place is not None and place.level == level:
                return Match(place, "code")
            if place is not None:
                code_note = _("P-code %(code)s is a %(found)s, not a %(expected)s") % {
                    "code": code,
                    "found": LEVEL_NAMES.get(place.level, place.level),
                    "expected": level_name,
                }
            elif self.prefix and not code.startswith(self.prefix):
                code_note = _("P-code %(code)s is not in %(country)s") % {"code": code, "country": self.country_code}
            else:
                code_note = _("P-code %(code)s is not a known place") % {"code": code}
        if not name:
            return Match(None, "", code_note or _("no P-code and no name for the %(level)s") % {"level": level_name})

        parent = None
        parent_label = self.country_code or _("the country")
        if level > 1 and self.has_columns(level - 1):
            parent_match = self.match(cells, level - 1)
            if parent_match.place is None:
                return Match(None, "", parent_match.reason)
            parent = parent_match.place
            parent_label = parent.name
        candidates = self.index.named(level=level, name=name, parent=parent)
        if len(candidates) == 1:
            return Match(candidates[0], "name")
        prefix = f"{code_note}; " if code_note else ""
        if candidates:
            return Match(
                None,
                "",
                prefix
                + _("'%(name)s' matches %(count)s places of that level in %(parent)s; give the P-code")
                % {"name": name, "count": len(candidates), "parent": parent_label},
            )
        return Match(
            None,
            "",
            prefix
            + _("no %(level)s named '%(name)s' in %(parent)s")
            % {"level": level_name, "name": name, "parent": parent_label},
        )


# ---------------------------------------------------------------- columns


@dataclass
class Columns:
    places: dict[tuple[int, str], int]
    counts: dict[int, CountColumn]
    ignored: list[dict]
    row_level: int
    weight_column: int | None = None  # returnee households/individuals, weighting severity averages


def resolve_columns(table: Table, column_map: ColumnMap) -> tuple[Columns, list[RowProblem]]:
    problems: list[RowProblem] = []
    places: dict[tuple[int, str], int] = {}
    for spec in PLACE_COLUMNS:
        position = None
        for tag in spec.tags:
            position = table.find_column(tag=tag, names=())
            if position is not None:
                break
        if position is None:
            position = table.find_column(names=spec.names)
        if position is not None:
            places[(spec.level, spec.kind)] = position
    used = set(places.values())

    counts: dict[int, CountColumn] = {}
    ignored: list[dict] = []
    hxl_columns = table.hxl_columns() if table.hxl_tags else [None] * len(table.headers)
    first_by_key: dict[tuple[str, str, str], int] = {}
    for position, header in enumerate(table.headers):
        if position in used:
            continue
        hxl_column = hxl_columns[position] if position < len(hxl_columns) else None
        column, why_not = classify_hxl(hxl_column, header)
        if column is None and why_not:
            problems.append(RowProblem(1, table.column_label(position), why_not))
            continue
        if column is None:
            column = classify_header(header, column_map)
        if column is None:
            if header:
                ignored.append({"column": header, "reason": _("not a figure this system reads")})
            continue
        if not column_map.accepts(column):
            ignored.append(
                {
                    "column": header or table.column_label(position),
                    "reason": _("%(group)s is not reported by this DTM product")
                    % {"group": PopulationGroup(column.group).label},
                }
            )
            continue
        if column.key in first_by_key:
            problems.append(
                RowProblem(
                    1,
                    table.column_label(position),
                    _("holds the same figure as column '%(other)s' (%(what)s)")
                    % {"other": table.column_label(first_by_key[column.key]), "what": column.describe()},
                )
            )
            continue
        first_by_key[column.key] = position
        counts[position] = column

    levels = [lvl for lvl in (1, 2, 3) if (lvl, "code") in places or (lvl, "name") in places]
    if not levels:
        problems.append(
            RowProblem(
                1,
                "",
                _(
                    "no column names or codes the place of each row (e.g. ADM2Code / #adm2+code, "
                    "District / #adm2+name, SettlementCode / #loc+code)"
                ),
            )
        )
    if not counts and not any(p.row == 1 and p.column for p in problems):
        problems.append(
            RowProblem(
                1,
                "",
                _(
                    "no column holds a figure this DTM product reports (e.g. ArrivalIDPs2016, "
                    "IDP Individuals, #affected+idps+ind)"
                ),
            )
        )
    weight = next(
        (p for p, c in counts.items() if c.group == PopulationGroup.RETURNEES and c.unit == FigureUnit.HOUSEHOLDS),
        None,
    )
    if weight is None:
        weight = next((p for p, c in counts.items() if c.group == PopulationGroup.RETURNEES), None)
    columns = Columns(places, counts, ignored, row_level=max(levels) if levels else 0, weight_column=weight)
    return columns, problems


# ---------------------------------------------------------------- values


def parse_count(text: str) -> tuple[int | None, str]:
    """A whole number of people or households; (None, "") for an empty cell; (None, problem) otherwise."""
    value = text.strip()
    if value.lower() in BLANKS:
        return None, ""
    try:
        number = int(value)
    except ValueError:
        cleaned = value.replace(",", "").replace("\u00a0", "").replace(" ", "").replace("\u202f", "")
        try:
            decimal = Decimal(cleaned)
        except InvalidOperation:
            return None, _("'%(value)s' is not a number") % {"value": value[:40]}
        if not decimal.is_finite():
            return None, _("'%(value)s' is not a number") % {"value": value[:40]}
        if decimal != decimal.to_integral_value():
            return None, _("%(value)s is not a whole number") % {"value": value[:40]}
        number = int(decimal)
    if number < 0:
        return None, _("%(value)s is negative; counts cannot be") % {"value": value[:40]}
    if number >= MAX_COUNT:
        return None, _("%(value)s is larger than any population count") % {"value": value[:40]}
    return number, ""


def parse_score(text: str) -> tuple[Decimal | None, str]:
    """A severity score from 0 to 100."""
    value = text.strip()
    if value.lower() in BLANKS:
        return None, ""
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None, _("'%(value)s' is not a score from 0 to 100") % {"value": value[:40]}
    if not number.is_finite() or number < 0 or number > 100:
        return None, _("%(value)s is not a score from 0 to 100") % {"value": value[:40]}
    return number.quantize(Decimal("0.01")), ""


# ---------------------------------------------------------------- plan


@dataclass
class ImportPlan:
    """What an import would store, and what it found on the way."""

    level: int
    country_code: str
    rows: int = 0
    figures: dict[tuple[int, str, str, str], Decimal | int] = field(default_factory=dict)
    unmatched: list[dict] = field(default_factory=list)
    unmatched_count: int = 0
    matched_by_name: list[dict] = field(default_factory=list)
    matched_by_name_count: int = 0
    columns: list[dict] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)
    areas: int = 0

    def report(self) -> dict:
        return {
            "level": self.level,
            "columns": self.columns,
            "ignored": self.ignored,
            "matched_by_name": self.matched_by_name,
            "matched_by_name_count": self.matched_by_name_count,
            "areas": self.areas,
        }


class _Problems:
    def __init__(self) -> None:
        self.items: list[RowProblem] = []
        self.more = 0

    def add(self, problem: RowProblem) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if self.items:
            extra = [RowProblem(0, "", _("and %(n)s more problems not listed") % {"n": self.more})] if self.more else []
            raise ImportFailed(self.items + extra)


def plan_import(
    table: Table,
    *,
    column_map: ColumnMap,
    admin_level: int | None = None,
    index: PlaceIndex | None = None,
    progress: Progress | None = None,
    expected_rows: int = 0,
) -> ImportPlan:
    """Read every row of ``table``; return the plan or raise ``ImportFailed`` listing every problem.

    ``admin_level`` is the level the figures are stored at: the finest level of the file by default.
    A coarser level adds up the rows inside each area (settlements into their district); a severity
    score becomes the mean of its rows, weighted by returnees where the file counts them.
    """
    columns, header_problems = resolve_columns(table, column_map)
    if header_problems:
        raise ImportFailed(header_problems)
    level = admin_level or columns.row_level
    if (level, "code") not in columns.places and (level, "name") not in columns.places:
        raise ImportFailed(
            [
                RowProblem(
                    1,
                    "",
                    _("the file has no %(level)s column (code or name), so figures cannot be stored per %(level)s")
                    % {"level": LEVEL_NAMES[level]},
                )
            ]
        )
    if index is None:
        index = PlaceIndex.load(column_map.country_code)
    matcher = PlaceMatcher(index, columns.places, country_code=column_map.country_code, prefix=column_map.pcode_prefix)
    plan = ImportPlan(level=level, country_code=column_map.country_code)
    plan.columns = [
        {"column": table.column_label(p), "group": c.group, "unit": c.unit, "period": c.period, "label": c.describe()}
        for p, c in sorted(columns.counts.items())
    ]
    plan.ignored = columns.ignored
    problems = _Problems()
    aggregate = level < columns.row_level
    first_line: dict[int, int] = {}
    place_column = columns.places.get((level, "code"), columns.places.get((level, "name")))
    place_label = table.column_label(place_column) if place_column is not None else ""
    count_items = sorted(columns.counts.items())
    scores: dict[tuple[int, str, str, str], list[tuple[Decimal, int | None]]] = {}
    figures = plan.figures
    countries: set[str] = set()
    report_every = 1000
    line = 0

    for line, cells in table.rows:
        plan.rows += 1
        if progress and plan.rows % report_every == 0:
            progress(plan.rows, max(expected_rows, plan.rows) if expected_rows else 0)
        width = len(cells)
        values: list[tuple[CountColumn, int | Decimal]] = []
        row_bad = False
        for position, column in count_items:
            text = cells[position] if position < width else ""
            if not text:
                continue
            if column.unit == FigureUnit.SCORE:
                value, problem = parse_score(text)
            else:
                value, problem = parse_count(text)
            if problem:
                problems.add(RowProblem(line, table.column_label(position), problem))
                row_bad = True
            elif value is not None:
                values.append((column, value))
        match = matcher.match(cells, level)
        if match.place is None:
            plan.unmatched_count += 1
            if len(plan.unmatched) < MAX_LISTED:
                plan.unmatched.append(_unmatched_entry(line, cells, matcher, level, match.reason))
            continue
        place = match.place
        countries.add(place.country_code)
        if match.how == "name":
            plan.matched_by_name_count += 1
            if len(plan.matched_by_name) < MAX_LISTED:
                plan.matched_by_name.append({"row": line, "pcode": place.pcode, "name": place.name})
        if not aggregate:
            first = first_line.get(place.id)
            if first is not None:
                problems.add(
                    RowProblem(
                        line,
                        place_label,
                        _("%(place)s (%(pcode)s) appears again (first on line %(first)s)")
                        % {"place": place.name, "pcode": place.pcode, "first": first},
                    )
                )
                continue
            first_line[place.id] = line
        if row_bad:
            continue
        weight = None
        if columns.weight_column is not None and columns.weight_column < width:
            weight, _problem = parse_count(cells[columns.weight_column])
        for column, value in values:
            key = (place.id, column.group, column.unit, column.period)
            if column.unit == FigureUnit.SCORE:
                scores.setdefault(key, []).append((value, weight))
            else:
                figures[key] = figures.get(key, 0) + value

    if progress:
        progress(plan.rows, max(expected_rows, plan.rows))
    if plan.rows == 0:
        problems.add(RowProblem(0, "", _("the file has no data rows")))
    elif plan.unmatched_count == plan.rows:
        problems.add(
            RowProblem(
                0,
                "",
                _("no row matched a known place; check the P-codes and the source chosen (first reason: %(reason)s)")
                % {"reason": plan.unmatched[0]["reason"] if plan.unmatched else ""},
            )
        )
    if len(countries) > 1:
        problems.add(
            RowProblem(0, "", _("rows match places in several countries: %(c)s") % {"c": ", ".join(sorted(countries))})
        )
    problems.raise_if_any()

    for key, entries in scores.items():
        figures[key] = _mean(entries)
    plan.areas = len({key[0] for key in figures})
    if countries:
        plan.country_code = countries.pop()
    return plan


def _mean(entries: list[tuple[Decimal, int | None]]) -> Decimal:
    weighted = [(v, w) for v, w in entries if w]
    if weighted:
        total = sum(w for _v, w in weighted)
        value = sum(v * w for v, w in weighted) / total
    else:
        value = sum(v for v, _w in entries) / len(entries)
    return Decimal(value).quantize(Decimal("0.01"))


def _unmatched_entry(line: int, cells: list[str], matcher: PlaceMatcher, level: int, reason: str) -> dict:
    entry: dict = {"row": line, "reason": reason}
    for lvl in range(1, level + 1):
        code = matcher._cell(cells, lvl, "code")
        name = matcher._cell(cells, lvl, "name")
        if code or name:
            entry[f"adm{lvl}"] = " · ".join(x for x in (code, name) if x)
    return entry


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+[0-9]+:[A-Z]+([0-9]+)"')
_SHEET = re.compile(rb'<sheet [^>]*name="([^"]*)"[^>]*r:id="([^"]+)"')


def _relationship_target(rels: bytes, rel_id: bytes) -> str | None:
    for element in re.findall(rb"<Relationship [^>]*>", rels):
        if re.search(rb'Id="' + re.escape(rel_id) + rb'"', element):
            target = re.search(rb'Target="([^"]+)"', element)
            if target:
                path = target.group(1).decode().lstrip("/")
                return path if path.startswith("xl/") else f"xl/{path}"
    return None


def estimate_rows(data: bytes, filename: str, sheet: str | None = None) -> int:
    """A cheap estimate of the number of data rows, for progress: the lines of a CSV, the dimension that
    Excel writes at the top of a worksheet. 0 when unknown (progress then shows no total)."""
    if not is_xlsx(filename):
        return max(0, data.count(b"\n") - 1)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = _SHEET.findall(archive.read("xl/workbook.xml"))
            chosen = next((rel for name, rel in sheets if sheet is None or name.decode() == sheet), None)
            path = _relationship_target(archive.read("xl/_rels/workbook.xml.rels"), chosen) if chosen else None
            if path is None:
                return 0
            with archive.open(path) as handle:
                head = handle.read(4096)
    except (zipfile.BadZipFile, KeyError, OSError, zlib.error):
        return 0  # an estimate only: the real read reports a broken workbook properly
    match = _DIMENSION.search(head)
    return max(0, int(match.group(1)) - 1) if match else 0


def read_plan(
    data: bytes,
    *,
    file_name: str,
    source: str,
    admin_level: int | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
    index: PlaceIndex | None = None,
) -> ImportPlan:
    """Open a DTM file (CSV or XLSX bytes) and plan its import with the column map of ``source``."""
    expected = estimate_rows(data, file_name, sheet)
    table = read_table(io.BytesIO(data), filename=file_name, sheet=sheet)
    try:
        return plan_import(
            table,
            column_map=COLUMN_MAPS[source],
            admin_level=admin_level,
            index=index,
            progress=progress,
            expected_rows=expected,
        )
    except (zipfile.BadZipFile, ParseError, EOFError, zlib.error, KeyError) as exc:
        # A workbook whose header opened but whose rows are damaged.
        raise UnreadableFile(
            _("the workbook is damaged past its first rows (%(error)s)") % {"error": exc.__class__.__name__}
        ) from exc
    finally:
        # Stop reading now (a refused file is not read to its end) while the file is still open.
        table.rows.close()
