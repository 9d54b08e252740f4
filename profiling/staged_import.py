"""Household import of a CSV pair through PostgreSQL: ``COPY`` into staging tables, then set-based SQL.

Checking and writing 600,000 rows one by one in Python costs tens of seconds; here the files go into
TEMP tables of text by ``COPY`` and every check, join and write is one statement over all rows.

It only takes the clean, common case and never words a problem itself. If any row would be refused, or
the file is read differently by PostgreSQL than by ``csv`` (ragged rows, a quote inside a bare cell,
no valid UTF-8), or uses a layout kept for the row-by-row path (an HXL row, head columns instead of a
members file), ``household_import_staged`` returns None and the row-by-row path runs: it names every
line, column and problem, so messages have one source. What cells mean has one source too: the
distinct values of each coded column (choices, dates, numbers, P-codes) are read in Python by the
same ``importing.Row`` methods and joined back as small tables; only plain text (trimmed, measured)
and coordinates are handled in SQL. Vulnerability criteria are decided in SQL from the members'
facts (``_CRITERIA_SQL`` mirrors ``rules.criteria_met``, pinned by a parity test), and scored per
distinct set of criteria by ``rules.score_criteria``.
"""

from __future__ import annotations

import datetime
import itertools
import json
import logging
import re
from collections.abc import Callable
from typing import IO

import psycopg
import psycopg.sql
from django.db import DatabaseError, transaction
from django.db import connection as default_connection

from core.tabular import UnreadableFile, is_xlsx, read_table

from . import importing, rules, selectors
from .models import CRITICAL_SHELTER, WG_DOMAINS, ConsentPurpose, Household, LegalBasis

log = logging.getLogger(__name__)

# What ``str.strip()`` removes (every ``str.isspace()`` character), for ``btrim`` to remove the same.
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_QUOTED_CELL = re.compile(rb'(?<![^,\r\n])"(?:[^"]|"")*"(?=[,\r\n]|\Z)')
_CHUNK = 1 << 20
_INLINE_MAP_ROWS = 32
_CREATED = re.compile(r"\s*CREATE TEMP TABLE (\w+) AS")
# Where each step of an import ends, as a share of the time of all (measured at 100,000 households and
# 552,668 members); a validation skips from "compared" to "done", an import checks its keys before "done".
_STEPS = {
    "loaded": 0.04,
    "households checked": 0.14,
    "members checked": 0.28,
    "households scored": 0.35,
    "compared": 0.44,
    "households written": 0.54,
    "members written": 0.63,
    "consents written": 0.69,
    "written": 0.71,
    "done": 1.0,
}

# Each criterion of ``rules.CRITERIA`` as a predicate over one household of ``imp_facts``.
_CRITERIA_SQL = {
    "female_headed": "f.head_sex = 'f'",
    "elderly_headed": f"f.head_age >= {rules.ELDERLY_AGE}",
    "child_headed": f"f.head_age < {rules.ADULT_AGE}",
    "disability": "f.disability",
    "chronic_illness": "f.chronic",
    "pregnant_lactating": "f.pregnant",
    "high_dependency": (
        "f.size > 0 AND (f.working = 0 OR round((f.known - f.working)::numeric / f.working, 2) > %(above)s)"
    ),
    "large_household": "f.size >= %(size_from)s",
    "no_income": "NOT f.has_income",
    "debt": "f.has_debt",
    "critical_shelter": "f.critical_shelter",
    "missing_documents": "f.undocumented_adult",
}
assert list(_CRITERIA_SQL) == list(rules.CRITERIA), "every criterion needs its SQL, in the same order"


_HOUSEHOLD_MAPS = ("settlement", "origin", "status", "shelter", "intention", "basis", "arrival")
_HOUSEHOLD_MAPS += ("income", "debt", "barriers", "size", "registered")


def _not_blank(width: int) -> str:
    """A row of ``r`` with a cell that is not only whitespace (a blank row is skipped, as ``csv`` rows
    are). Most rows start with a visible ASCII character, which settles it without trimming every cell."""
    everything = "concat(" + ", ".join(f"r.c{i}" for i in range(width)) + ")"
    return f"(ascii(r.c0) BETWEEN 33 AND 126 OR btrim({everything}, %(ws)s) <> '')"


class _OneCell(dict):
    """Columns of a one-cell ``Row``: whatever the name, the cell."""

    def get(self, name, default=None):
        return 0


class _NotStaged(Exception):
    """The file needs the row-by-row path."""


def applies(connection, households_name: str, members_file, members_name: str | None) -> bool:
    """PostgreSQL, and a households CSV with its members CSV (the shape of a Kobo CSV export)."""
    return (
        connection.vendor == "postgresql"
        and members_file is not None
        and not is_xlsx(households_name)
        and not is_xlsx(members_name or "")
        and households_name.lower().endswith((".csv", ".txt"))
        and (members_name or "members.csv").lower().endswith((".csv", ".txt"))
    )


def household_import_staged(
    *,
    actor,
    organisation,
    households_file: IO[bytes],
    households_name: str,
    members_file: IO[bytes],
    members_name: str | None,
    validate_only: bool,
    job,
    progress: Callable[[int, int], None] | None,
    today: datetime.date,
    now: datetime.datetime,
    areas,
) -> dict | None:
    """The import of ``services.household_import`` for a clean CSV pair, or None if a row needs the
    row-by-row path (a problem to word, or a reading only it gives). Writes only once all is clean."""
    with default_connection.cursor() as cursor:
        staging = _Staging(cursor, today=today, progress=progress)
        try:
            with transaction.atomic():  # a savepoint: a refused COPY must not spoil the transaction
                staging.load(households_file, members_file, members_name or "members.csv")
                staging.check(organisation=organisation, areas=areas)
        except _NotStaged as reason:
            log.info("household import row by row: %s", reason)
            staging.drop()
            return None
        report = _write(
            staging,
            actor=actor,
            organisation=organisation,
            households_name=households_name,
            members_name=members_name,
            validate_only=validate_only,
            job=job,
            now=now,
        )
        # not in a ``finally``: after a database error only a rollback can follow, and it drops the tables
        staging.drop()
        return report


class _Staging:
    """The TEMP tables of one import: raw text (``imp_raw_h``, ``imp_raw_m``), value maps, typed rows."""

    TABLES = ("imp_raw_h", "imp_raw_m", "imp_h", "imp_m", "imp_facts", "imp_new", "imp_ids", "imp_scores")

    def __init__(self, cursor, *, today: datetime.date, progress: Callable[[int, int], None] | None = None):
        self.cursor = cursor
        self.today = today
        self.progress = progress
        self.lines = 0
        self.maps: list[str] = []
        self.map_rows: dict[str, tuple] = {}
        self.household_rows = self.member_rows = 0

    def reached(self, step: str) -> None:
        """Move the job's progress bar to the end of ``step``: the rows of both files are the total, and
        each step counts for its share of an import's time."""
        if self.progress and self.lines:
            self.progress(round(self.lines * _STEPS[step]), self.lines)

    def run(self, sql: str, params=None):
        self.cursor.execute(sql, params or {})
        created = _CREATED.match(sql)
        if created:  # without statistics the planner takes a TEMP table for tiny and nests loops over it
            self.cursor.execute(f"ANALYZE {created[1]}")
        return self.cursor

    def drop(self) -> None:
        self.run(f"DROP TABLE IF EXISTS {', '.join(self.TABLES + tuple(self.maps))}")

    # --- reading --------------------------------------------------------------------------------------

    def load(self, households_file, members_file, members_name: str) -> None:
        self.drop()
        self.h_table, self.h_cols = self._header(households_file, "households.csv", importing.HOUSEHOLD_COLUMNS)
        self.m_table, self.m_cols = self._header(members_file, members_name, importing.MEMBER_COLUMNS)
        from .services import _add_registered_at_column

        _add_registered_at_column(self.h_table, self.h_cols)
        if importing.missing_columns(self.h_cols, importing.REQUIRED_HOUSEHOLD, importing.HOUSEHOLD_COLUMNS):
            raise _NotStaged("missing household columns")
        if importing.missing_columns(self.m_cols, importing.REQUIRED_MEMBER, importing.MEMBER_COLUMNS):
            raise _NotStaged("missing member columns")
        if "head_name" in self.h_cols and "head_sex" in self.h_cols:  # kept for the row-by-row path
            raise _NotStaged("head columns on the household row")
        if "parent_uuid" not in self.m_cols and "parent_index" not in self.m_cols:
            raise _NotStaged("no household key in the members file")
        self._copy("imp_raw_h", len(self.h_table.headers), households_file)
        self._copy("imp_raw_m", len(self.m_table.headers), members_file)
        if self.progress:
            self.lines = self.run(
                "SELECT (SELECT count(*) FROM imp_raw_h) + (SELECT count(*) FROM imp_raw_m) - 2"
            ).fetchone()[0]
        self.reached("loaded")

    @staticmethod
    def _header(binary, name: str, wanted) -> tuple:
        binary.seek(0)
        try:
            table = read_table(binary, filename=name)
            first = next(table.rows, None)  # reads the second line: is it an HXL row?
        except UnreadableFile:
            raise _NotStaged("unreadable file") from None
        binary.seek(0)
        if table.hxl_tags or first is None:
            raise _NotStaged("HXL row or no data rows")
        return table, importing.map_columns(table, wanted)

    def _copy(self, name: str, width: int, binary) -> None:
        cells = ", ".join(f"c{i} text" for i in range(width))
        self.run(f"CREATE TEMP TABLE {name} (line serial, {cells})")
        columns = ", ".join(f"c{i}" for i in range(width))
        quoted = False
        binary.seek(0)
        try:
            with self.cursor.copy(f"COPY {name} ({columns}) FROM STDIN WITH (FORMAT csv, ENCODING 'UTF8')") as copy:
                chunk = binary.read(_CHUNK)
                chunk = chunk.removeprefix(b"\xef\xbb\xbf")
                while chunk:
                    quoted = quoted or b'"' in chunk
                    copy.write(chunk)
                    chunk = binary.read(_CHUNK)
        except (DatabaseError, psycopg.Error):  # ragged rows, bad UTF-8, NUL bytes: the csv reader says why
            raise _NotStaged("COPY refused the file") from None
        if quoted:
            # ``csv`` keeps a quote inside a bare cell as it is; COPY would read it as quoting.
            binary.seek(0)
            if b'"' in _QUOTED_CELL.sub(b"", binary.read()):
                raise _NotStaged("a quote inside a bare cell")
            binary.seek(0)

    def cell(self, raw: str, columns: dict, name: str) -> str:
        """A cell as ``Row.text`` reads it: trimmed, empty when the column is absent."""
        if name not in columns:
            return "''"
        return f"btrim(coalesce({raw}.c{columns[name]}, ''), %(ws)s)"

    def raw_cell(self, raw: str, columns: dict, name: str) -> str:
        return f"coalesce({raw}.c{columns[name]}, '')" if name in columns else "''"

    def distinct_cells(self, raw: str, columns: dict, names: list[str]) -> dict[str, set[str]]:
        """The distinct cells of several coded columns in one pass (one GROUP BY over their combinations)."""
        present = [n for n in names if n in columns]
        if not present:
            return {}
        cells = ", ".join(self.raw_cell("r", columns, n) for n in present)
        found: dict[str, set[str]] = {n: set() for n in present}
        positions = ", ".join(str(i + 1) for i in range(len(present)))
        for combination in self.run(f"SELECT {cells} FROM {raw} r WHERE r.line > 1 GROUP BY {positions}"):  # noqa: S608
            for name, text in zip(present, combination, strict=True):
                found[name].add(text)
        return found

    def value_map(
        self,
        name: str,
        raw: str,
        columns: dict,
        cols: list[str],
        types: list[str],
        parse,
        only: str = "TRUE",
        seen: dict[str, set[str]] | None = None,
    ) -> str:
        """A TEMP table ``imp_map_<name>`` from each distinct cell of ``cols`` to ``parse(row)``, the
        value(s) ``importing.Row`` reads from it, and whether that reading found a problem. ``seen``
        gives the distinct cells when ``distinct_cells`` already read them."""
        table = f"imp_map_{name}"
        self.maps.append(table)
        present = [c for c in cols if c in columns]
        if seen is not None:
            return self._fill_map(table, name, {"", *itertools.chain(*(seen[c] for c in present))}, types, parse)
        distinct = " UNION ".join(
            f"SELECT {self.raw_cell('r', columns, c)} AS raw FROM {raw} r WHERE r.line > 1"  # noqa: S608 - ours
            for c in present
        )
        distinct = distinct or "SELECT ''::text AS raw"
        distinct = f"SELECT raw FROM ({distinct}) d WHERE {only} UNION SELECT ''"  # noqa: S608 - ours
        texts = [t for (t,) in self.run(distinct).fetchall()]
        return self._fill_map(table, name, texts, types, parse)

    def _fill_map(self, table: str, name: str, texts, types: list[str], parse) -> str:
        values = ", ".join(f"v{i} {t}" for i, t in enumerate(types))
        self.run(f"CREATE TEMP TABLE {table} (raw text PRIMARY KEY, ok boolean, {values})")
        label = importing.Table(headers=[name], hxl_tags=None, rows=iter(()))
        rows = []
        for text in texts:  # before the COPY: a parser may query (P-codes)
            problems = importing.Problems()
            value = parse(importing.Row(label, _OneCell(), 0, [text], problems))
            rows.append((text, problems.error_count == 0, *value))
        with self.cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        self.run(f"ANALYZE {table}")
        self.map_rows[table] = (rows, types)
        return table

    def lookup(self, table: str, alias: str, raw: str) -> tuple[Callable[[int], str], str, str]:
        """How a query reads a map for the cell ``raw``: (value i, ok, join). A small map becomes CASE
        expressions (cheaper than a hash join per column over every member); a large one a join."""
        rows, types = self.map_rows[table]
        if len(rows) > _INLINE_MAP_ROWS:
            return (lambda i: f"{alias}.v{i}"), f"{alias}.ok", f"LEFT JOIN {table} {alias} ON {alias}.raw = {raw}"
        connection = self.cursor.connection

        def literal(value) -> str:
            return psycopg.sql.Literal(value).as_string(connection)

        def value(i: int) -> str:
            branches = " ".join(f"WHEN {literal(r[0])} THEN {literal(r[2 + i])}" for r in rows if r[2 + i] is not None)
            return f"(CASE {raw} {branches} END)::{types[i]}" if branches else f"NULL::{types[i]}"

        accepted = [literal(r[0]) for r in rows if r[1]]
        return value, (f"({raw} IN ({', '.join(accepted)}))" if accepted else "FALSE"), ""

    # --- checking -------------------------------------------------------------------------------------

    def check(self, *, organisation, areas) -> None:
        """Type every row, and give up (``_NotStaged``) at the first sign of a row to refuse."""
        self._type_households(organisation, areas)
        self.reached("households checked")
        self._type_members()
        self.reached("members checked")
        self._facts()

    def _type_households(self, organisation, areas) -> None:
        from core.pcodes import normalise_pcode

        from .services import _parse_registered_at

        settlement_of, origin_of = areas
        h, c = "imp_raw_h", self.h_cols
        today = self.today

        def settlement(row):
            pcode = normalise_pcode(row.required("settlement"))
            area, problem = settlement_of(pcode) if pcode else (None, "")
            if problem:
                row.fail("settlement", problem)
                return (None, None)
            return (area.pk if area else None, area.parent_id if area else None)

        def origin(row):
            code = normalise_pcode(row.text("origin"))
            area = origin_of(code) if code else None
            if code and area is None:
                row.fail("origin", "unknown")
            return (area.pk if area else None,)

        def consent(name):
            def parse(row):
                given = row.boolean(name)
                if given is None:
                    row.fail(name, "is empty")
                return (given,)

            return parse

        maps = {
            "settlement": self.value_map("settlement", h, c, ["settlement"], ["bigint", "bigint"], settlement),
            "origin": self.value_map("origin", h, c, ["origin"], ["bigint"], origin),
            "status": self.value_map(
                "status", h, c, ["displacement_status"], ["text"], lambda r: (r.choice("x", importing.STATUS),)
            ),
            "shelter": self.value_map(
                "shelter", h, c, ["shelter_type"], ["text"], lambda r: (r.choice("x", importing.SHELTER),)
            ),
            "intention": self.value_map(
                "intention",
                h,
                c,
                ["intention"],
                ["text"],
                lambda r: (r.choice("x", importing.INTENTION, required=False, default="undecided"),),
            ),
            "basis": self.value_map(
                "basis",
                h,
                c,
                ["legal_basis"],
                ["text"],
                lambda r: (r.choice("x", importing.LEGAL_BASIS, required=False, default=LegalBasis.CONSENT),),
            ),
            "arrival": self.value_map(
                "arrival", h, c, ["arrival_date"], ["date"], lambda r: (r.date("x", today=today),)
            ),
            "income": self.value_map(
                "income", h, c, ["has_income"], ["boolean"], lambda r: (r.boolean("x", default=True),)
            ),
            "debt": self.value_map("debt", h, c, ["has_debt"], ["boolean"], lambda r: (r.boolean("x", default=False),)),
            "barriers": self.value_map(
                "barriers",
                h,
                c,
                ["return_barriers"],
                ["jsonb"],
                lambda r: (json.dumps(r.choices("x", importing.BARRIERS)),),
            ),
            "size": self.value_map(
                "size", h, c, ["hh_size"], ["integer"], lambda r: (r.integer("x", low=1, high=200),)
            ),
            "registered": self.value_map(
                "registered", h, c, ["registered_at"], ["timestamptz"], lambda r: (_parse_registered_at(r.text("x")),)
            ),
        }
        for purpose, name in importing.CONSENT_COLUMNS.items():
            maps[purpose] = self.value_map(purpose, h, c, [name], ["boolean"], consent(name))
        # Phone numbers in other scripts: their digits count, as ``rules.phone_key`` sees them.
        maps["phone"] = self.value_map(
            "phone", h, c, ["phone"], ["text"], lambda r: (rules.phone_key(r.text("x")),), only="raw !~ '^[ -~]*$'"
        )
        sid = self.cell("r", c, "submission_id")
        phone = self.cell("r", c, "phone")
        v, ok, joins = {}, {}, []
        for key, column in [
            ("settlement", "settlement"),
            ("origin", "origin"),
            ("status", "displacement_status"),
            ("shelter", "shelter_type"),
            ("intention", "intention"),
            ("basis", "legal_basis"),
            ("arrival", "arrival_date"),
            ("income", "has_income"),
            ("debt", "has_debt"),
            ("barriers", "return_barriers"),
            ("size", "hh_size"),
            ("registered", "registered_at"),
            ("phone", "phone"),
            *importing.CONSENT_COLUMNS.items(),
        ]:
            v[key], ok[key], join = self.lookup(maps[key], f"m_{key}", self.raw_cell("r", c, column))
            joins.append(join)
        joins = "\n".join(joins)
        purposes = list(importing.CONSENT_COLUMNS)
        maps_ok = " AND ".join(ok[k] for k in (*_HOUSEHOLD_MAPS, *purposes))
        not_blank = _not_blank(len(self.h_table.headers))
        coordinate = (
            "CASE WHEN {x} = '' THEN NULL WHEN {x} ~ '^-?[0-9]{{1,3}}([.][0-9]{{1,6}})?$' "
            "AND abs({x}::numeric) <= {limit} THEN {x}::numeric END"
        )
        latitude, longitude = "s.latitude", "s.longitude"
        self.run(
            f"""
            CREATE TEMP TABLE imp_h AS
            SELECT r.line,
                   CASE WHEN left(s.sid, 5) = 'uuid:' THEN substr(s.sid, 6) ELSE s.sid END AS sid,
                   {self.cell("r", c, "index")} AS idx,
                   {v["settlement"](0)} AS settlement_id, {v["settlement"](1)} AS district_id,
                   {v["origin"](0)} AS origin_id,
                   {v["status"](0)} AS displacement_status, {v["shelter"](0)} AS shelter_type,
                   {v["intention"](0)} AS intention, {v["basis"](0)} AS legal_basis, {v["arrival"](0)} AS arrival_date,
                   {v["income"](0)} AS has_income, {v["debt"](0)} AS has_debt, {v["barriers"](0)} AS return_barriers,
                   {v["size"](0)} AS declared_size, {v["registered"](0)} AS registered_at,
                   {", ".join(f"{v[p](0)} AS consent_{p}" for p in purposes)},
                   s.phone, {self.cell("r", c, "notes")} AS notes,
                   CASE WHEN s.phone !~ '^[ -~]*$' THEN {v["phone"](0)}
                        WHEN length(s.digits) >= 9 THEN right(s.digits, 9) ELSE '' END AS phone_key,
                   p.organisation_id AS stored_by, p.organisation_id IS NOT NULL AS skipped,
                   {coordinate.format(x=latitude, limit=90)} AS latitude,
                   {coordinate.format(x=longitude, limit=180)} AS longitude,
                   {maps_ok}
                   AND ({latitude} = '' OR {coordinate.format(x=latitude, limit=90)} IS NOT NULL)
                   AND ({longitude} = '' OR {coordinate.format(x=longitude, limit=180)} IS NOT NULL)
                   AND length(s.phone) <= 20
                   AND NOT ({v[ConsentPurpose.REGISTRATION](0)} IS FALSE AND {v["basis"](0)} = %(consent)s) AS ok
            FROM imp_raw_h r
            CROSS JOIN LATERAL (SELECT {sid} AS sid, {phone} AS phone,
                                       regexp_replace({phone}, '[^0-9]', '', 'g') AS digits,
                                       {self.cell("r", c, "latitude")} AS latitude,
                                       {self.cell("r", c, "longitude")} AS longitude
                                OFFSET 0) s  -- OFFSET 0: computed once per row, not inlined where used
            {joins}
            LEFT JOIN profiling_household p
                   ON p.submission_id = CASE WHEN left(s.sid, 5) = 'uuid:' THEN substr(s.sid, 6) ELSE s.sid END
            WHERE r.line > 1 AND {not_blank}
            """,  # noqa: S608 - names and expressions are ours, values are parameters
            {"ws": _WHITESPACE, "consent": LegalBasis.CONSENT},
        )
        self.household_rows = self.run("SELECT count(*) FROM imp_h").fetchone()[0]
        bad = self.run(
            """
            SELECT EXISTS (SELECT 1 FROM imp_h WHERE ok IS NOT TRUE OR sid = '' OR length(sid) > 64 OR stored_by <> %s)
                OR EXISTS (SELECT 1 FROM imp_h GROUP BY sid HAVING count(*) > 1)
            """,
            [organisation.pk],
        ).fetchone()[0]
        if bad:
            raise _NotStaged("a household row to refuse")

    def _type_members(self) -> None:
        m, c = "imp_raw_m", self.m_cols
        today = self.today
        coded = ["sex", "relationship", "age", *WG_DOMAINS, "chronic_illness", "pregnant_or_lactating", "documents"]
        seen = self.distinct_cells(m, c, coded)
        dates = self.value_map(
            "born",
            m,
            c,
            ["date_of_birth"],
            ["date", "integer"],
            lambda r: (lambda d: (d, rules.age_on(d, today) if d else None))(r.date("x", today=today)),
        )

        def stated(row):
            age = row.integer("x", low=0, high=120)
            if age is None:
                return (None, None, None)
            born, years, _estimated = rules.age_from(date_of_birth=None, stated_age=age, on=today)
            return (age, born, years)

        ages = self.value_map("age", m, c, ["age"], ["integer", "date", "integer"], stated, seen=seen)

        def wg(row):
            from .services import _WG_ANSWERS

            text = row.text("x")
            answer = _WG_ANSWERS.get(text, _WG_ANSWERS)
            return (row.integer("x", low=1, high=4) if answer is _WG_ANSWERS else answer,)

        wgs = self.value_map("wg", m, c, list(WG_DOMAINS), ["integer"], wg, seen=seen)
        sexes = self.value_map("sex", m, c, ["sex"], ["text"], lambda r: (r.choice("x", importing.SEX),), seen=seen)
        relations = self.value_map(
            "relationship",
            m,
            c,
            ["relationship"],
            ["text"],
            lambda r: (r.choice("x", importing.RELATIONSHIP),),
            seen=seen,
        )
        chronic = self.value_map(
            "chronic",
            m,
            c,
            ["chronic_illness"],
            ["boolean"],
            lambda r: (bool(r.boolean("x", default=False)),),
            seen=seen,
        )
        pregnant = self.value_map(
            "pregnant",
            m,
            c,
            ["pregnant_or_lactating"],
            ["boolean"],
            lambda r: (bool(r.boolean("x", default=False)),),
            seen=seen,
        )
        documents = self.value_map(
            "documents",
            m,
            c,
            ["documents"],
            ["jsonb"],
            lambda r: (json.dumps(r.choices("x", importing.DOCUMENTS)),),
            seen=seen,
        )
        by_uuid = "parent_uuid" in c
        key = self.cell("r", c, "parent_uuid" if by_uuid else "parent_index")
        if by_uuid:  # trimmed once for the usual cell without the prefix
            raw_key = self.raw_cell("r", c, "parent_uuid")
            key = f"CASE WHEN {raw_key} LIKE '%%uuid:%%' THEN regexp_replace({key}, '^uuid:', '') ELSE {key} END"
        elif self.run(
            "SELECT EXISTS (SELECT 1 FROM imp_h WHERE idx <> '' GROUP BY idx HAVING count(*) > 1)"
        ).fetchone()[0]:
            raise _NotStaged("an _index used twice")  # the last row of an index wins there
        cells = {
            "sx": (sexes, "sex"),
            "rel": (relations, "relationship"),
            "ch": (chronic, "chronic_illness"),
            "pr": (pregnant, "pregnant_or_lactating"),
            "doc": (documents, "documents"),
            "b": (dates, "date_of_birth"),
            "a": (ages, "age"),
            **{f"w{i}": (wgs, d) for i, d in enumerate(WG_DOMAINS)},
        }
        v, ok, joins = {}, {}, []
        for alias, (table, column) in cells.items():
            v[alias], ok[alias], join = self.lookup(table, alias, self.raw_cell("r", c, column))
            joins.append(join)
        wg = [v[f"w{i}"](0) for i in range(len(WG_DOMAINS))]
        not_blank = _not_blank(len(self.m_table.headers))
        name = self.cell("r", c, "name")
        self.run(
            f"""
            CREATE TEMP TABLE imp_m AS
            SELECT t.line, h.line AS hline, h.skipped, left(t.name, 200) AS name, t.sex, t.relationship,
                   coalesce(t.born, t.stated_born) AS date_of_birth,
                   t.born IS NULL AND t.stated IS NOT NULL AS estimated,
                   coalesce(t.born_age, t.stated_age) AS age,
                   {", ".join(f"t.{d}" for d in WG_DOMAINS)},
                   ARRAY[{", ".join(f"t.{d}" for d in WG_DOMAINS)}] && %(disabled)s::integer[] AS has_disability,
                   t.chronic_illness, t.pregnant_or_lactating, t.documents,
                   h.line IS NOT NULL AND t.name <> '' AND length(t.name) <= 200 AND t.ok
                   -- a birth date or an age (a cell the maps read is blank exactly when its value is NULL)
                   AND (t.born IS NOT NULL OR t.stated IS NOT NULL)
                   AND NOT (t.pregnant_or_lactating AND t.sex = 'm') AS ok
            FROM (
                -- each cell trimmed and looked up once (OFFSET 0 keeps the planner from inlining it twice)
                SELECT r.line, {name} AS name, {key} AS key, {v["sx"](0)} AS sex, {v["rel"](0)} AS relationship,
                       {v["b"](0)} AS born, {v["b"](1)} AS born_age,
                       {v["a"](0)} AS stated, {v["a"](1)} AS stated_born, {v["a"](2)} AS stated_age,
                       {", ".join(f"{w} AS {d}" for w, d in zip(wg, WG_DOMAINS, strict=True))},
                       {v["ch"](0)} AS chronic_illness, {v["pr"](0)} AS pregnant_or_lactating,
                       {v["doc"](0)} AS documents,
                       {" AND ".join(ok.values())} AS ok
                FROM imp_raw_m r
                {" ".join(joins)}
                WHERE r.line > 1 AND {not_blank}
                OFFSET 0
            ) t
            LEFT JOIN imp_h h ON h.{"sid" if by_uuid else "idx"} = t.key AND t.key <> ''
            """,  # noqa: S608 - names and expressions are ours, values are parameters or quoted literals
            {"ws": _WHITESPACE, "disabled": sorted(rules.WG_DISABILITY_ANSWERS)},
        )
        self.member_rows = self.run("SELECT count(*) FROM imp_m").fetchone()[0]

    def _facts(self) -> None:
        """One row per new household with what the criteria and the head need; give up on a bad member,
        a household without members or head, or one with two heads."""
        self.run(
            """
            CREATE TEMP TABLE imp_facts AS
            SELECT hline, count(*) AS size,
                   count(*) FILTER (WHERE relationship = 'head') AS heads,
                   bool_and(coalesce(ok, false)) AS ok,
                   count(age) AS known,
                   count(*) FILTER (WHERE age >= %(adult)s AND age < %(elderly)s) AS working,
                   bool_or(has_disability) AS disability, bool_or(chronic_illness) AS chronic,
                   bool_or(pregnant_or_lactating) AS pregnant,
                   bool_or(documents = '[]'::jsonb AND (age IS NULL OR age >= %(adult)s)) AS undocumented_adult,
                   -- the head's own cells (one head, or the import goes row by row)
                   min(name) FILTER (WHERE relationship = 'head') AS head_name,
                   min(sex) FILTER (WHERE relationship = 'head') AS head_sex,
                   min(age) FILTER (WHERE relationship = 'head') AS head_age,
                   min(date_of_birth) FILTER (WHERE relationship = 'head') AS head_born,
                   bool_or(estimated) FILTER (WHERE relationship = 'head') AS head_estimated
            FROM imp_m WHERE NOT skipped OR hline IS NULL GROUP BY hline
            """,
            {"adult": rules.ADULT_AGE, "elderly": rules.ELDERLY_AGE},
        )
        # Members join households by line, so every new household has members when the counts agree.
        bad = self.run(
            """
            SELECT EXISTS (SELECT 1 FROM imp_facts WHERE hline IS NULL OR NOT ok OR heads <> 1)
                OR (SELECT count(*) FROM imp_facts) <> (SELECT count(*) FROM imp_h WHERE NOT skipped)
            """
        ).fetchone()[0]
        if bad:
            raise _NotStaged("a member row or household to refuse")


def _write(staging: _Staging, *, actor, organisation, households_name, members_name, validate_only, job, now):
    """Score, number and compare the checked households, write them unless validate-only, and return the
    report ``household_import`` returns."""
    from . import services

    run = staging.run
    writing = not validate_only
    # A check (validate-only) writes nothing, not even the first model version.
    model = (
        services.selectors.vulnerability_model_active(organisation_id=organisation.pk)
        if validate_only
        else services.vulnerability_model_ensure(actor=actor, organisation=organisation)
    )
    spec = services._spec_of(model) if model else rules.VulnerabilitySpec(weights=rules.DEFAULT_WEIGHTS)
    mask = " + ".join(f"CASE WHEN {sql} THEN {1 << bit} ELSE 0 END" for bit, sql in enumerate(_CRITERIA_SQL.values()))
    run(
        f"""
        CREATE TEMP TABLE imp_new AS
        SELECT f.*, {mask} AS mask, row_number() OVER (ORDER BY f.line) AS rn
        FROM (SELECT h.*, fa.size, fa.known, fa.working, fa.disability, fa.chronic, fa.pregnant,
                     fa.undocumented_adult, fa.head_name, fa.head_sex, fa.head_age, fa.head_born,
                     fa.head_estimated, h.shelter_type = ANY(%(critical)s) AS critical_shelter
              FROM imp_h h JOIN imp_facts fa ON fa.hline = h.line
              WHERE NOT h.skipped) f
        """,  # noqa: S608 - the expressions are ours
        {
            "critical": sorted(CRITICAL_SHELTER),
            "above": str(
                spec.parameters.get("dependency_ratio_above", rules.DEFAULT_PARAMETERS["dependency_ratio_above"])
            ),
            "size_from": int(
                spec.parameters.get("household_size_from", rules.DEFAULT_PARAMETERS["household_size_from"])
            ),
        },
    )
    staging.reached("households scored")
    run("CREATE TEMP TABLE imp_scores (mask integer PRIMARY KEY, score numeric, band text, criteria jsonb)")
    codes = list(rules.CRITERIA)
    masks = [m for (m,) in run("SELECT DISTINCT mask FROM imp_new").fetchall()]
    with staging.cursor.copy("COPY imp_scores FROM STDIN") as copy:
        for m in masks:
            result = rules.score_criteria(tuple(c for bit, c in enumerate(codes) if m >> bit & 1), spec)
            copy.write_row((m, result.score, result.band, json.dumps(list(result.criteria))))
    count = run("SELECT count(*) FROM imp_new").fetchone()[0]
    sequence = f"pg_get_serial_sequence('{Household._meta.db_table}', 'id')"
    run(
        f"""
        CREATE TEMP TABLE imp_ids AS
        SELECT row_number() OVER (ORDER BY id) AS rn, id
        FROM (SELECT {"nextval(" + sequence + ")" if writing else "g"} AS id FROM generate_series(1, %s) g) s
        """,  # noqa: S608
        [count],
    )
    skipped = run("SELECT count(*) FROM imp_h WHERE skipped").fetchone()[0]
    members = run("SELECT count(*) FROM imp_m WHERE NOT skipped").fetchone()[0]
    problems = importing.Problems()
    for line, declared, size in run(
        "SELECT line, declared_size, size FROM imp_new WHERE declared_size <> size ORDER BY line"
    ).fetchall():
        problems.warn(line, "hh_size", importing.size_warning(declared, size))
    heads = run(
        """
        SELECT n.line, i.id, n.phone_key, n.district_id, n.head_name, n.head_born, n.head_estimated
        FROM imp_new n JOIN imp_ids i USING (rn) ORDER BY n.line
        """
    ).fetchall()
    duplicates = find_duplicates(organisation, heads)
    id_of = {line: pk for line, pk, *_rest in heads}
    for line, _other, reasons, _score, what in duplicates:
        problems.warn(line, "", importing.duplicate_warning(what, reasons))
    bands = dict(
        run(
            "SELECT s.band, count(*) FROM imp_new n JOIN imp_scores s USING (mask) GROUP BY s.band ORDER BY min(n.line)"
        ).fetchall()
    )
    staging.reached("compared")
    if writing:
        _insert(staging, organisation=organisation, actor=actor, job=job, model=model, now=now)
        if duplicates:
            services._write_import_pairs(
                actor=actor,
                now=now,
                pairs=(
                    (id_of[line], id_of[other] if kind == "line" else other, reasons, score)
                    for line, (kind, other), reasons, score, _what in duplicates
                ),
            )
        ids = [pk for _line, pk, *_rest in heads]
        services._audit_import(
            actor=actor,
            job=job,
            files=(households_name, members_name),
            households=count,
            members=members,
            skipped=skipped,
            duplicates=len(duplicates),
            ids=ids,
        )
        staging.reached("written")
        services._check_written_keys()
    staging.reached("done")
    return {
        "validate_only": validate_only,
        "households": count,
        "members": members,
        "skipped_existing": skipped,
        "possible_duplicates": len(duplicates),
        "bands": bands,
        "warning_count": problems.warning_count,
        "warnings": [vars(w) for w in problems.warnings],
    }


def _insert(staging: _Staging, *, organisation, actor, job, model, now) -> None:
    """Households, members and consents, each by one INSERT ... SELECT in file order."""
    from .services import _household_reference

    prefix = _household_reference(organisation=organisation, pk=0)[:-7]
    wg = ", ".join(WG_DOMAINS)
    params = {
        "now": now,
        "org": organisation.pk,
        "prefix": prefix,
        "actor": actor.pk,
        "model": model.pk if model else None,
        "job": job.pk if job else None,
    }
    staging.run(
        """
        INSERT INTO profiling_household (
            id, created_at, updated_at, organisation_id, reference, settlement_id, latitude, longitude,
            displacement_status, arrival_date, origin_id, shelter_type, head_name, phone, intention, size,
            vulnerability_score, vulnerability_band, registered_by_id, registered_at, submission_id, version,
            return_barriers, has_income, has_debt, head_date_of_birth, head_birth_estimated, phone_key,
            vulnerability_model_id, vulnerability_criteria, duplicate_of_id, notes, import_job_id)
        SELECT i.id, %(now)s, %(now)s, %(org)s, %(prefix)s || lpad(i.id::text, greatest(7, length(i.id::text)), '0'),
               n.settlement_id, n.latitude, n.longitude, n.displacement_status, n.arrival_date, n.origin_id,
               n.shelter_type, n.head_name, n.phone, n.intention, n.size, s.score, s.band, %(actor)s,
               coalesce(n.registered_at, %(now)s), n.sid, 1, n.return_barriers, n.has_income, n.has_debt,
               n.head_born, n.head_estimated, n.phone_key, %(model)s, s.criteria, NULL, n.notes, %(job)s
        FROM imp_new n JOIN imp_ids i USING (rn) JOIN imp_scores s USING (mask)
        ORDER BY n.line
        """,
        params,
    )
    staging.reached("households written")
    staging.run(
        f"""
        INSERT INTO profiling_member (
            created_at, updated_at, household_id, name, sex, date_of_birth, date_of_birth_estimated,
            relationship, {wg}, has_disability, chronic_illness, pregnant_or_lactating, documents)
        SELECT %(now)s, %(now)s, i.id, m.name, m.sex, m.date_of_birth, m.estimated, m.relationship,
               {", ".join(f"m.{d}" for d in WG_DOMAINS)}, m.has_disability, m.chronic_illness,
               m.pregnant_or_lactating, m.documents
        FROM imp_m m JOIN imp_new n ON n.line = m.hline JOIN imp_ids i USING (rn)
        ORDER BY m.line
        """,  # noqa: S608 - column names are ours
        params,
    )
    consents = ", ".join(
        f"({order}, '{purpose}', n.consent_{purpose})" for order, purpose in enumerate(importing.CONSENT_COLUMNS)
    )
    staging.reached("members written")
    staging.run(
        f"""
        INSERT INTO profiling_consent (
            created_at, updated_at, household_id, purpose, given, legal_basis, recorded_by_id, recorded_at)
        SELECT %(now)s, %(now)s, i.id, c.purpose, c.given, n.legal_basis, %(actor)s, %(now)s
        FROM imp_new n JOIN imp_ids i USING (rn)
        CROSS JOIN LATERAL (VALUES {consents}) AS c(position, purpose, given)
        ORDER BY n.line, c.position
        """,  # noqa: S608 - purposes are our constants
        params,
    )
    staging.reached("consents written")


# --- duplicates -----------------------------------------------------------------------------------------


def find_duplicates(organisation, heads: list[tuple]) -> list[tuple]:
    """What ``services._import_duplicates`` finds, for all rows at once.

    ``heads`` are (line, id, phone key, district, head name, birth date, estimated) in file order. The
    rule is symmetric, so each pair of heads that match is compared once (grouped by district and birth
    year, names compared per distinct normalised name) and reported on the later row, the earlier row or
    stored household being the candidate, in the order the row-by-row index reports them. Returns
    (line, candidate, reasons, similarity, what) with candidate ``("line", n)`` or ``("stored", pk)``.
    """
    from rapidfuzz import fuzz, process

    stored = selectors.duplicate_heads_of_organisation(organisation_id=organisation.pk)
    keys: dict[str, str] = {}

    def key_of(name: str) -> str:
        if name not in keys:
            keys[name] = " ".join(sorted(rules.normalise_name(name).split()))
        return keys[name]

    by_phone: dict[str, tuple] = {}
    references: dict[int, str] = {}
    entries: list[tuple] = []  # (order, ref, district, born, estimated, name key, is new)
    for pk, reference, phone_key, district, name, born, estimated in stored.iterator(chunk_size=5000):
        references[pk] = reference
        if phone_key:
            by_phone.setdefault(phone_key, ("stored", pk))
        if born is not None:
            entries.append((len(entries), ("stored", pk), district, born, estimated, key_of(name), False))
    found: dict[int, dict] = {}
    for line, _pk, phone_key, district, name, born, estimated in heads:
        if phone_key:
            other = by_phone.setdefault(phone_key, ("line", line))
            if other != ("line", line):
                found[line] = {other: (["phone"], 0, (-1,))}
        entries.append((len(entries), ("line", line), district, born, estimated, key_of(name), True))

    matches: list[tuple] = []  # (later entry, earlier entry, score)

    def compare(queries: list[tuple], choices: list[tuple]) -> None:
        """Every pair (query, choice) whose names match, once per pair, reported on the later one."""
        choice_keys: dict[str, list[tuple]] = {}
        for entry in choices:
            choice_keys.setdefault(entry[5], []).append(entry)
        names = list(choice_keys)
        query_keys: dict[str, list[tuple]] = {}
        for entry in queries:
            query_keys.setdefault(entry[5], []).append(entry)
        for query, mine in query_keys.items():
            for name, _score, _position in process.extract(
                query, names, scorer=fuzz.ratio, score_cutoff=rules.NAME_SIMILARITY_THRESHOLD, limit=None
            ):
                for a in mine:
                    for b in choice_keys[name]:
                        if a[0] == b[0]:
                            continue
                        later, earlier = (a, b) if a[0] > b[0] else (b, a)
                        if later[6]:
                            matches.append((later, earlier, fuzz.ratio(later[5], earlier[5])))

    by_district: dict = {}
    for entry in entries:
        by_district.setdefault(entry[2], []).append(entry)
    for district_entries in by_district.values():
        estimated: dict[int, list] = {}
        exact_years: dict[int, list] = {}
        exact_days: dict = {}
        for entry in district_entries:
            if entry[4]:
                estimated.setdefault(entry[3].year, []).append(entry)
            else:
                exact_years.setdefault(entry[3].year, []).append(entry)
                exact_days.setdefault(entry[3], []).append(entry)
        for year, group in estimated.items():
            # estimated with estimated within a year: each pair once, from the lower year (or the same year)
            near = [e for y in (year, year + 1) for e in estimated.get(y, ())]
            exact = [e for y in (year - 1, year, year + 1) for e in exact_years.get(y, ())]
            compare(group, near + exact)
        for group in exact_days.values():
            for a, b in itertools.combinations(group, 2):  # a few heads born the same day
                later, earlier = (a, b) if a[0] > b[0] else (b, a)
                if later[6]:
                    score = fuzz.ratio(later[5], earlier[5])
                    if score >= rules.NAME_SIMILARITY_THRESHOLD:
                        matches.append((later, earlier, score))
    seen = set()
    for later, earlier, score in matches:
        if (later[0], earlier[0]) in seen:
            continue
        seen.add((later[0], earlier[0]))
        line = later[1][1]
        if earlier[4]:
            bucket = earlier[3].year - later[3].year + 1
        elif later[4]:
            bucket = 3 + earlier[3].year - later[3].year + 1
        else:
            bucket = 3
        mine = found.setdefault(line, {})
        reasons, _score, _order = mine.get(earlier[1], ([], 0, None))
        mine[earlier[1]] = ([*reasons, "name_dob_district"], score, _order or (bucket, -score, earlier[0]))
    out = []
    for line in sorted(found):
        ordered = sorted(found[line].items(), key=lambda item: item[1][2])
        for other, (reasons, score, _order) in ordered:
            what = f"line {other[1]}" if other[0] == "line" else references[other[1]]
            out.append((line, other, reasons, round(score), what))
    return out
