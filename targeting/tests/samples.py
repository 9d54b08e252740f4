"""DTM sample files built in code, in the layouts DTM publishes: a header row, an HXL row, one row per area."""

from __future__ import annotations

import csv
import io

import openpyxl

AFG_SETTLEMENT_COLUMNS = [
    ("ADM1NameEnglish", "#adm1+name"),
    ("ADM1Code", "#adm1+code"),
    ("ADM2NameEnglish", "#adm2+name"),
    ("ADM2Code", "#adm2+code"),
    ("SettlementNameEnglish", "#loc+name"),
    ("SettlementCode", "#loc+code"),
    ("ArrivalIDPs2012_18", "#affected+idps+arrived+ind"),
    ("ArrivalIDPs2019", "#affected+idps+arrived+ind"),
    ("FledIDPs2012_18", "#affected+idps+fled+ind"),
    ("ReturneeIDPs2019", "#affected+idps+returned+ind"),
    ("RetFromAbroad2012_18", "#affected+returnees+abroad+ind"),
    ("RetFromAbroad2019", "#affected+returnees+abroad+ind"),
    ("OutMigrants2019", "#affected+migrants+out+ind"),
]

IRQ_MASTER_COLUMNS = [
    ("Governorate", "#adm1+name"),
    ("Governorate Pcode", "#adm1+code"),
    ("District", "#adm2+name"),
    ("District Pcode", "#adm2+code"),
    ("Location ID", "#loc+code"),
    ("Location name in English", "#loc+name"),
    ("IDP Families", "#affected+idps+hh"),
    ("IDP Individuals", "#affected+idps+ind"),
    ("Returnee Families", "#affected+returnees+hh"),
    ("Returnee Individuals", "#affected+returnees+ind"),
]


def table(columns, rows, *, hxl: bool = True) -> list[list]:
    header = [name for name, _tag in columns]
    tags = [tag for _name, tag in columns]
    return [header, *([tags] if hxl else []), *rows]


def csv_bytes(rows: list[list], *, bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def xlsx_bytes(rows: list[list], *, sheet: str = "Settlements", extra_sheets: tuple[str, ...] = ()) -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    for name in extra_sheets:
        workbook.create_sheet(name).append(["nothing here"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def afg_settlement_rows() -> list[list]:
    """Kaga (by code), Karizak (by code, hyphen-free), a settlement matched by name, one unknown name, one total."""
    return [
        ["Nangarhar", "AF06", "Khogyani", "AF0608", "Kaga", "AF0608S001", 1200, 340, 50, 80, 2100, 410, 15],
        ["Hirat", "AF32", "Injil", "AF3202", "Karizak", "AF3202S002", 900, 120, 0, 30, 1500, 260, 40],
        ["Nangarhar", "AF06", "Khogyani", "AF0608", "Mamakhel", "", 300, 20, 10, 5, 400, 60, 0],
        ["Nangarhar", "AF06", "Khogyani", "AF0608", "Nowhere Kalay", "AF0608S999", 10, 0, 0, 0, 5, 0, 0],
        ["Total", "", "", "", "", "", 2410, 480, 60, 115, 4005, 730, 55],
    ]
