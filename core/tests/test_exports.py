import csv
import io

import openpyxl
import pytest

from core.exports import Column, neutralise, stream_csv, suppress, write_xlsx

COLUMNS = [
    Column("Settlement", "#loc+name", lambda r: r["name"]),
    Column("P-code", "#adm3+code", lambda r: r["pcode"]),
    Column("Households", "#affected+hh", lambda r: r["households"], is_count=True),
]
ROWS = [
    {"name": '=HYPERLINK("http://x")', "pcode": "AF0608S001", "households": 3},
    {"name": "Kaga", "pcode": "AF0608S002", "households": 12},
    {"name": "@SUM(A1)", "pcode": "AF0608S003", "households": 0},
]


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "|", "%", "\t", "\r", "\x00"])
def test_formula_leads_are_neutralised(lead):
    assert neutralise(f"{lead}1+1").startswith("'")


def test_plain_values_pass_untouched():
    assert neutralise("Kaga") == "Kaga"
    assert neutralise(-5) == -5


def test_small_counts_are_suppressed_but_zero_is_kept():
    assert [suppress(v, 5) for v in (0, 1, 4, 5, 120)] == [0, "<5", "<5", 5, 120]


def test_csv_has_header_hxl_row_and_safe_cells():
    text = "".join(stream_csv(ROWS, COLUMNS, threshold=5)).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Settlement", "P-code", "Households"]
    assert rows[1] == ["#loc+name", "#adm3+code", "#affected+hh"]
    assert rows[2] == ['\'=HYPERLINK("http://x")', "AF0608S001", "<5"]
    assert rows[3][2] == "12"
    assert rows[4][0] == "'@SUM(A1)"


def test_xlsx_cells_are_text_not_formulas():
    buffer = io.BytesIO()
    write_xlsx(ROWS, COLUMNS, buffer, title="Settlements")
    buffer.seek(0)
    sheet = openpyxl.load_workbook(buffer).active
    assert sheet["A2"].value == "#loc+name"
    assert sheet["A3"].data_type == "s"
    assert sheet["A3"].value.startswith("'=")
    assert sheet["C4"].value == 12
