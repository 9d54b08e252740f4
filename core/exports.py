"""Tabular exports (CSV and XLSX) with an HXL tag row, safe to open in a spreadsheet.

- Cells that a spreadsheet would run as a formula (starting with = + - @ | % tab, CR or NUL) are
  neutralised with a leading apostrophe.
- Counts below a threshold can be suppressed (shown as ``<N``) in exports meant for sharing, so small
  groups of people cannot be singled out.
- Both writers stream: rows are produced one at a time and memory stays flat however many there are.
"""

from __future__ import annotations

import csv
import datetime
import decimal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

DANGEROUS_LEADS = ("=", "+", "-", "@", "|", "%", "\t", "\r", "\x00")


def neutralise(value: Any) -> Any:
    """A text cell that would start a formula gets a leading apostrophe; numbers and dates pass."""
    if isinstance(value, str) and value.startswith(DANGEROUS_LEADS):
        return "'" + value.replace("\x00", "")
    return value


def suppress(value: Any, threshold: int) -> Any:
    """Counts from 1 to threshold-1 become ``<threshold``; zero stays zero (it reveals nobody)."""
    if threshold and isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold:
        return f"<{threshold}"
    return value


@dataclass(frozen=True)
class Column:
    header: str
    hxl: str
    value: Callable[[Any], Any]
    is_count: bool = False


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, decimal.Decimal):
        return float(value) if value != value.to_integral() else int(value)
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    return value


def export_rows(rows: Iterable[Any], columns: list[Column], *, threshold: int = 0) -> Iterator[list[Any]]:
    """Header row, HXL row, then one list of safe cell values per row."""
    yield [c.header for c in columns]
    yield [c.hxl for c in columns]
    for row in rows:
        values = []
        for column in columns:
            value = cell(column.value(row))
            if column.is_count:
                value = suppress(value, threshold)
            values.append(neutralise(value))
        yield values


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(rows: Iterable[Any], columns: list[Column], *, threshold: int = 0) -> Iterator[str]:
    """CSV text, one line at a time, for ``StreamingHttpResponse``; starts with a UTF-8 BOM for Excel."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for values in export_rows(rows, columns, threshold=threshold):
        yield writer.writerow(["" if v is None else v for v in values])


def csv_response(rows: Iterable[Any], columns: list[Column], *, filename: str, threshold: int = 0):
    """A download of ``stream_csv``: rows are read and sent as they come, whatever their number."""
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(
        stream_csv(rows, columns, threshold=threshold), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_xlsx(rows: Iterable[Any], columns: list[Column], target: IO[bytes] | str, *, title: str, threshold: int = 0):
    """An XLSX workbook written row by row (openpyxl write-only mode: flat memory)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    for values in export_rows(rows, columns, threshold=threshold):
        cells = []
        for value in values:
            written = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                written.data_type = "s"  # text is text: never let a cell become a formula
            cells.append(written)
        sheet.append(cells)
    workbook.save(target)
