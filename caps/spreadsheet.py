"""The plan as an XLSX workbook: the same content as the document page, with HXL tag rows.

Text that a spreadsheet would run as a formula (starting with = + - @ | %, a tab, a carriage return
or NUL) is neutralised with a leading apostrophe, and characters a workbook cannot hold are dropped.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .document import PresentedDocument, group_label
from .models import CouncilRole

DANGEROUS_FIRST = ("=", "+", "-", "@", "|", "%", "\t", "\r", "\n", "\x00")

_LEVEL_TAGS = {1: "#adm1+code", 2: "#adm2+code", 3: "#loc+code"}


def safe_cell(value: Any) -> Any:
    """A value that is safe to put in a cell: numbers and dates as they are, text never a formula."""
    if not isinstance(value, str):
        return value
    risky = value.startswith(DANGEROUS_FIRST)
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if risky:
        return "'" + value
    return value


def _sheet(workbook: Workbook, title: str, headers: Sequence[str], tags: Sequence[str] | None, rows: Iterable):
    sheet = workbook.create_sheet(title)
    sheet.append([safe_cell(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    if tags:
        sheet.append(list(tags))
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(60, len(str(header)) + 4))
    sheet.freeze_panes = sheet.cell(row=3 if tags else 2, column=1)
    return sheet


def plan_workbook(doc: PresentedDocument, *, signed: bool) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    area = doc.target_area
    area_tag = _LEVEL_TAGS.get(area.get("level"), "#loc+code")

    summary = [
        (_("Community action plan"), doc.plan["title"]),
        (_("Version shown"), _("Signed (as approved)") if signed else _("Current")),
        (_("Target area"), area["name"]),
        (_("P-code"), area["pcode"]),
        (_("Within"), area["parent"]),
        (_("Organisation"), doc.organisation["name"]),
        (_("Period from"), doc.period_start),
        (_("Period to"), doc.period_end),
        (_("Status"), doc.status_label),
        (_("Version"), doc.plan["version"]),
        (_("Approved by"), doc.approved_by or ""),
        (_("Approved on"), timezone.localtime(doc.approved_at).replace(tzinfo=None) if doc.approved_at else ""),
        (_("Community vision"), doc.plan["vision"]),
        (_("Council"), doc.council["name"] if doc.council else ""),
        (_("Workshop participants"), doc.participation.total.total),
        (_("of whom women"), doc.participation.total.women),
        (_("Women's share (%)"), doc.participation.women_share if doc.participation.women_share is not None else ""),
    ]
    summary += [(_("Budget (%(currency)s)") % {"currency": c}, amount) for c, amount in doc.budget_totals]
    sheet = _sheet(workbook, _("Plan"), [_("Item"), _("Value")], None, summary)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60

    headers = [
        _("Position"),
        _("Tied"),
        _("P-code"),
        _("Sector code"),
        _("Sector"),
        _("Priority"),
        _("Votes"),
        _("Agreed rank"),
        _("Raised by"),
        _("Action"),
        _("Responsible"),
        _("Budget"),
        _("Currency"),
        _("Start"),
        _("End"),
        _("Status"),
    ]
    tags = [
        "#meta+rank",
        "#meta+tied",
        area_tag,
        "#sector+code",
        "#sector+name",
        "#activity+priority",
        "#meta+votes",
        "#meta+agreed_rank",
        "#meta+raised_by",
        "#activity+description",
        "#org+impl",
        "#value+budget",
        "#currency",
        "#date+start",
        "#date+end",
        "#status",
    ]
    rows = []
    for p in doc.priorities:
        head = [
            p.position,
            _("yes") if p.tied else "",
            area["pcode"],
            p.sector,
            p.sector_label,
            p.title,
            p.votes,
            p.rank,
            ", ".join([*p.raised_by, *([p.raised_by_note] if p.raised_by_note else [])]),
        ]
        if not p.actions:
            rows.append([*head, "", "", None, "", None, None, ""])
        for a in p.actions:
            rows.append(
                [*head, a.description, a.responsible, a.budget, a.currency, a.start_on, a.end_on, a.status_label]
            )
    _sheet(workbook, _("Priorities and actions"), headers, tags, rows)

    participation = []
    for w in doc.workshops:
        for row in w.participation.rows:
            participation.append(
                [w.held_on, w.place, group_label(row.key), row.women, row.men, row.total, row.women_share]
            )
    total = doc.participation.total
    participation.append([None, _("All workshops"), "", total.women, total.men, total.total, total.women_share])
    _sheet(
        workbook,
        _("Participation"),
        [_("Date"), _("Place"), _("Population group"), _("Women"), _("Men"), _("Total"), _("Women (%)")],
        ["#date", "#loc+name", "#population+group", "#population+f", "#population+m", "#population+total", ""],
        participation,
    )

    if doc.council:
        members: list[list[Any]] = [[m.name, m.role_label, m.sex_label, None] for m in doc.members]
        composition = doc.composition
        if composition is not None:
            roles = dict(CouncilRole.choices)
            members.append([None, None, None, None])
            members.append([_("Serving members by role"), _("Women"), _("Men"), _("Women (%)")])
            for row in [*composition.rows, composition.total]:
                label = _("All members") if row.key == "total" else str(roles.get(row.key, row.key))
                members.append([label, row.women, row.men, row.women_share])
        _sheet(workbook, _("Council"), [_("Name"), _("Role"), _("Sex"), ""], None, members)

    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if hasattr(cell.value, "year") and not hasattr(cell.value, "hour"):
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
