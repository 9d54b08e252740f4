"""Reading CSV and XLSX files that may carry an HXL tag row under the header row.

Every importer (P-codes, DTM, households) reads through here, so they share one notion of line
numbers, HXL matching and the limits that keep a hostile spreadsheet from exhausting the server.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

XLSX_MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
XLSX_MAX_COMPRESSION_RATIO = 200


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with an input file, located as a spreadsheet user would look for it."""

    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        where = f"line {self.row}" if self.row else "file"
        return f"{where}, column '{self.column}': {self.problem}" if self.column else f"{where}: {self.problem}"


class ImportFailed(Exception):
    """The file cannot be imported; nothing was written. ``problems`` says where and why."""

    def __init__(self, problems: Iterable[RowProblem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:20]))


class UnreadableFile(ImportFailed):
    def __init__(self, message: str):
        super().__init__([RowProblem(0, "", message)])


def _is_hxl_row(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c and c.strip()]
    return bool(filled) and all(c.startswith("#") for c in filled)


def cell_text(value) -> str:
    """A cell as text: whole numbers without '.0', dates as ISO, empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Table:
    """A header row, an optional HXL row, and data rows numbered as lines of the original sheet."""

    headers: list[str]
    hxl_tags: list[str] | None
    rows: Iterator[tuple[int, list[str]]]
    sheet: str = ""
    _columns: list = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.headers = [h.strip() for h in self.headers]

    @property
    def first_data_line(self) -> int:
        return 3 if self.hxl_tags else 2

    def hxl_columns(self):
        import hxl.model  # libhxl is imported only by the importers that need it

        if not self._columns:
            tags = self.hxl_tags or [""] * len(self.headers)
            self._columns = [
                hxl.model.Column.parse(tag.strip(), header=header) if tag and tag.strip() else None
                for header, tag in zip(self.headers, tags, strict=False)
            ]
        return self._columns

    def find_column(self, *, tag: str | None = None, names: Iterable[str] = ()) -> int | None:
        """Index of the column matching an HXL tag pattern (``#adm+code-parent``), else a header name."""
        if tag and self.hxl_tags:
            import hxl.model

            pattern = hxl.model.TagPattern.parse(tag)
            for index, column in enumerate(self.hxl_columns()):
                if column is not None and pattern.match(column):
                    return index
        wanted = {n.strip().lower() for n in names}
        for index, header in enumerate(self.headers):
            if header.lower() in wanted:
                return index
        return None

    def column_label(self, index: int) -> str:
        return self.headers[index] if index < len(self.headers) else f"column {index + 1}"


def _csv_rows(binary: IO[bytes]) -> Iterator[list[str]]:
    head = binary.read(4)
    binary.seek(0)
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    text = io.TextIOWrapper(binary, encoding=encoding, newline="")
    try:
        yield from csv.reader(text)
    except UnicodeDecodeError as exc:
        raise UnreadableFile("the file is not UTF-8 text; save it as 'CSV UTF-8' and try again") from exc
    except csv.Error as exc:
        raise UnreadableFile(f"the CSV cannot be read: {exc}") from exc
    finally:
        if not text.closed:
            text.detach()


def check_xlsx_archive(binary: IO[bytes]) -> None:
    """Refuse archives that would inflate past sane limits (zip bombs) before openpyxl unpacks them."""
    try:
        with zipfile.ZipFile(binary) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("the file is not a valid XLSX workbook") from exc
    finally:
        binary.seek(0)
    total = sum(m.file_size for m in members)
    compressed = sum(m.compress_size for m in members) or 1
    if total > XLSX_MAX_UNCOMPRESSED_BYTES or total / compressed > XLSX_MAX_COMPRESSION_RATIO:
        raise UnreadableFile("the workbook expands to more data than this server accepts")


def _xlsx_rows(binary: IO[bytes], sheet: str | None) -> tuple[str, Iterator[list[str]]]:
    import openpyxl

    check_xlsx_archive(binary)
    try:
        workbook = openpyxl.load_workbook(binary, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFile(f"the workbook cannot be opened: {exc.__class__.__name__}") from exc
    if sheet is not None and sheet not in workbook.sheetnames:
        workbook.close()
        raise UnreadableFile(f"the workbook has no sheet named '{sheet}'")
    worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]

    def rows() -> Iterator[list[str]]:
        try:
            for values in worksheet.iter_rows(values_only=True):
                yield [cell_text(v) for v in values]
        finally:
            workbook.close()

    return worksheet.title, rows()


def sheet_names(binary: IO[bytes]) -> list[str]:
    import openpyxl

    check_xlsx_archive(binary)
    workbook = openpyxl.load_workbook(binary, read_only=True)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()
        binary.seek(0)


def is_xlsx(filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm"))


def read_table(binary: IO[bytes], *, filename: str, sheet: str | None = None) -> Table:
    """Open a CSV or XLSX file and return its header, HXL row (if any) and numbered data rows."""
    if is_xlsx(filename):
        title, raw = _xlsx_rows(binary, sheet)
    elif filename.lower().endswith((".csv", ".txt")):
        title, raw = "", _csv_rows(binary)
    else:
        raise UnreadableFile("only .csv and .xlsx files can be imported")

    iterator = iter(raw)
    try:
        headers = next(iterator)
    except StopIteration:
        raise UnreadableFile("the file is empty") from None
    if not any(h.strip() for h in headers):
        raise UnreadableFile("the first row must hold column headers")
    line = 1
    hxl_tags: list[str] | None = None
    pending: list[list[str]] = []
    for second in iterator:
        line += 1
        if _is_hxl_row(second):
            hxl_tags = second
        else:
            pending.append(second)
        break

    def numbered() -> Iterator[tuple[int, list[str]]]:
        number = line
        for cells in pending:
            if any(c.strip() for c in cells if c):
                yield number, cells
        for cells in iterator:
            number += 1
            if any(c.strip() for c in cells if c):
                yield number, cells

    return Table(headers=headers, hxl_tags=hxl_tags, rows=numbered(), sheet=title)
