"""Reading DTM files: column maps with HXL, grouped years, Iraqi codes, name fallback, problems by line."""

from decimal import Decimal

import pytest

from core.tabular import ImportFailed, UnreadableFile
from targeting.importer import PlaceIndex, estimate_rows, name_key, parse_count, parse_score, read_plan
from targeting.models import DtmSource

from .samples import AFG_SETTLEMENT_COLUMNS, IRQ_MASTER_COLUMNS, afg_settlement_rows, csv_bytes, table, xlsx_bytes


def plan_of(rows, *, source=DtmSource.AFG_BASELINE, name="dtm.csv", **kwargs):
    data = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return read_plan(data, file_name=name, source=source, **kwargs)


def figures_by_pcode(plan):
    index = PlaceIndex.load()
    return {(index.by_id[a].pcode, g, u, p): v for (a, g, u, p), v in plan.figures.items()}


@pytest.mark.parametrize("name", ["settlements.csv", "settlements.xlsx"])
def test_settlement_sheet_with_hxl_row_and_grouped_years(places, mamakhel, name):
    plan = plan_of(table(AFG_SETTLEMENT_COLUMNS, afg_settlement_rows()), name=name)
    figures = figures_by_pcode(plan)

    assert plan.level == 3
    assert plan.rows == 5
    assert figures[("AF0608S001", "arrival_idps", "individuals", "2012_18")] == 1200
    assert figures[("AF0608S001", "arrival_idps", "individuals", "2019")] == 340
    assert figures[("AF3202S002", "returnees_abroad", "individuals", "2012_18")] == 1500
    assert figures[("AF3202S002", "fled_idps", "individuals", "2012_18")] == 0  # a zero is a figure, not a gap
    assert figures[("AF0608S002", "returned_idps", "individuals", "2019")] == 5  # matched by name in Khogyani
    assert plan.matched_by_name == [{"row": 5, "pcode": "AF0608S002", "name": "Mamakhel"}]
    assert plan.country_code == "AFG"
    # Line numbers count the header and the HXL row: the first data row is line 3.
    assert [u["row"] for u in plan.unmatched] == [6, 7]
    assert "AF0608S999 is not a known place" in plan.unmatched[0]["reason"]
    assert "no settlement / location named 'Nowhere Kalay' in Khogyani" in plan.unmatched[0]["reason"]
    assert plan.unmatched[1] == {
        "row": 7,
        "adm1": "Total",
        "reason": "no P-code and no name for the settlement / location",
    }
    assert {c["column"]: (c["group"], c["period"]) for c in plan.columns}["ReturneeIDPs2019"] == (
        "returned_idps",
        "2019",
    )


def test_settlements_add_up_into_their_district(places, mamakhel):
    plan = plan_of(table(AFG_SETTLEMENT_COLUMNS, afg_settlement_rows()), admin_level=2)
    figures = figures_by_pcode(plan)
    assert plan.level == 2
    # Kaga 1200 + Mamakhel 300; the unknown settlement's row still belongs to Khogyani by its district code.
    assert figures[("AF0608", "arrival_idps", "individuals", "2012_18")] == 1200 + 300 + 10
    assert figures[("AF3202", "arrival_idps", "individuals", "2012_18")] == 900
    assert [u["row"] for u in plan.unmatched] == [7]  # only the total row


def test_columns_are_found_by_hxl_tag_whatever_their_header(places):
    columns = [
        ("Province", "#adm1+name"),
        ("District (code)", "#adm2+code"),
        ("Arrivals 2012 to 2018", "#affected+idps+arrived+ind+y2012_18"),
        ("Households who came back", "#affected+idps+returned+hh+y2021"),
        ("Remarks", "#meta+remarks"),
    ]
    plan = plan_of(table(columns, [["Nangarhar", "AF0608", "1,250", "40", "checked"]]))
    figures = figures_by_pcode(plan)
    assert figures[("AF0608", "arrival_idps", "individuals", "2012_18")] == 1250
    assert figures[("AF0608", "returned_idps", "households", "2021")] == 40
    assert plan.ignored == [{"column": "Remarks", "reason": "not a figure this system reads"}]


def test_headers_without_hxl_row_follow_the_category_year_pattern(places):
    columns = [("ADM2Code", ""), ("Arrival IDPs 2012-18", ""), ("ArrivalIDPsHH2016", ""), ("Outmigrants2020", "")]
    plan = plan_of(table(columns, [["AF3202", "10", "3", "7"]], hxl=False))
    figures = figures_by_pcode(plan)
    assert figures == {
        ("AF3202", "arrival_idps", "individuals", "2012_18"): 10,
        ("AF3202", "arrival_idps", "households", "2016"): 3,
        ("AF3202", "out_migrants", "individuals", "2020"): 7,
    }


def test_iraq_master_list_with_hyphenated_codes_adds_locations_into_districts(places):
    rows = [
        ["Anbar", "IRQ-G01", "Falluja", "IRQ-G01-Q02", "IQ-L0001", "Al-Saqlawiya", 120, 720, 300, 1800],
        ["Anbar", "IRQ-G01", "Falluja", "IRQ-G01-Q02", "IQ-L0002", "Al-Karma", 80, 480, 100, 600],
        ["Anbar", "IRQ-G01", "Ramadi", "IRQ-G01-Q03", "IQ-L0003", "Al-Tash", 10, 60, 0, 0],
    ]
    plan = plan_of(table(IRQ_MASTER_COLUMNS, rows), source=DtmSource.IRQ_MASTER_LIST, admin_level=2)
    figures = figures_by_pcode(plan)
    assert figures[("IQG01Q02", "idps", "households", "")] == 200
    assert figures[("IQG01Q02", "idps", "individuals", "")] == 1200
    assert figures[("IQG01Q02", "returnees", "individuals", "")] == 2400
    assert plan.country_code == "IRQ"
    assert plan.unmatched[0]["row"] == 5
    assert "IQG01Q03 is not a known place" in plan.unmatched[0]["reason"]


def test_iraq_names_match_without_the_al_prefix(places):
    columns = [("Governorate", "#adm1+name"), ("District", "#adm2+name"), ("IDP Individuals", "#affected+idps+ind")]
    plan = plan_of(table(columns, [["Anbar", "Falluja", "50"]]), source=DtmSource.IRQ_MASTER_LIST)
    assert figures_by_pcode(plan) == {("IQG01Q02", "idps", "individuals", ""): 50}
    assert plan.matched_by_name_count == 1


def test_return_index_scores_are_checked_and_averaged_by_returnees(places):
    columns = [
        ("District Pcode", "#adm2+code"),
        ("Location", "#loc+name"),
        ("Returnee Families", "#affected+returnees+hh"),
        ("Severity score", "#severity+num"),
    ]
    rows = [["IRQ-G01-Q02", "A", "300", "60"], ["IRQ-G01-Q02", "B", "100", "20"]]
    plan = plan_of(table(columns, rows), source=DtmSource.IRQ_RETURN_INDEX, admin_level=2)
    figures = figures_by_pcode(plan)
    assert figures[("IQG01Q02", "return_index", "score", "")] == Decimal("50.00")  # (60*300 + 20*100) / 400
    assert figures[("IQG01Q02", "returnees", "households", "")] == 400

    with pytest.raises(ImportFailed) as failure:
        plan_of(table(columns, [["IRQ-G01-Q02", "A", "3", "140"]]), source=DtmSource.IRQ_RETURN_INDEX, admin_level=2)
    assert [(p.row, p.column) for p in failure.value.problems] == [(3, "Severity score")]
    assert "not a score from 0 to 100" in failure.value.problems[0].problem


def test_every_bad_value_is_reported_by_line_and_column(places):
    rows = afg_settlement_rows()[:2]
    rows[0][6] = "many"
    rows[0][7] = "-4"
    rows[1][9] = "12.5"
    with pytest.raises(ImportFailed) as failure:
        plan_of(table(AFG_SETTLEMENT_COLUMNS, rows))
    found = [(p.row, p.column, p.problem) for p in failure.value.problems]
    assert found == [
        (3, "ArrivalIDPs2012_18", "'many' is not a number"),
        (3, "ArrivalIDPs2019", "-4 is negative; counts cannot be"),
        (4, "ReturneeIDPs2019", "12.5 is not a whole number"),
    ]


def test_the_same_area_twice_is_refused(places):
    columns = [("ADM2Code", "#adm2+code"), ("ArrivalIDPs2019", "")]
    with pytest.raises(ImportFailed) as failure:
        plan_of(table(columns, [["AF0608", "5"], ["AF0608", "6"]]))
    assert failure.value.problems[0].row == 4
    assert "appears again (first on line 3)" in failure.value.problems[0].problem


def test_a_file_without_place_or_count_columns_is_refused(places):
    with pytest.raises(ImportFailed) as failure:
        plan_of(table([("Name", ""), ("Remarks", "")], [["x", "y"]], hxl=False))
    messages = " ".join(p.problem for p in failure.value.problems)
    assert "no column names or codes the place" in messages
    assert "no column holds a figure" in messages


def test_duplicate_count_columns_are_refused(places):
    columns = [("ADM2Code", "#adm2+code"), ("ArrivalIDPs2019", ""), ("Arrival IDPs 2019", "")]
    with pytest.raises(ImportFailed) as failure:
        plan_of(table(columns, [["AF0608", "5", "5"]], hxl=False))
    assert failure.value.problems[0].column == "Arrival IDPs 2019"


def test_hxl_tag_without_a_year_is_refused_for_yearly_products(places):
    columns = [("ADM2Code", "#adm2+code"), ("Fled", "#affected+idps+fled")]
    with pytest.raises(ImportFailed) as failure:
        plan_of(table(columns, [["AF0608", "5"]]))
    assert failure.value.problems[0].column == "Fled"
    assert "no year" in failure.value.problems[0].problem


def test_a_file_matching_no_place_is_refused(places):
    columns = [("ADM2Code", "#adm2+code"), ("ArrivalIDPs2019", "")]
    with pytest.raises(ImportFailed) as failure:
        plan_of(table(columns, [["AF9999", "5"]]))
    assert "no row matched a known place" in failure.value.problems[0].problem


def test_a_corrupt_workbook_is_unreadable(places):
    with pytest.raises(UnreadableFile):
        read_plan(b"PK\x03\x04 this is not a workbook", file_name="dtm.xlsx", source=DtmSource.AFG_BASELINE)
    good = xlsx_bytes(table(AFG_SETTLEMENT_COLUMNS, afg_settlement_rows()))
    with pytest.raises(UnreadableFile):
        read_plan(good[: len(good) // 2], file_name="dtm.xlsx", source=DtmSource.AFG_BASELINE)
    with pytest.raises(UnreadableFile):
        read_plan(b"\xff\xfe\x00garbage", file_name="dtm.csv", source=DtmSource.AFG_BASELINE)


def test_a_named_sheet_is_read(places):
    data = xlsx_bytes(table(AFG_SETTLEMENT_COLUMNS, afg_settlement_rows()[:1]), sheet="Cover", extra_sheets=())
    plan = read_plan(data, file_name="dtm.xlsx", source=DtmSource.AFG_BASELINE, sheet="Cover")
    assert plan.rows == 1
    with pytest.raises(UnreadableFile):
        read_plan(data, file_name="dtm.xlsx", source=DtmSource.AFG_BASELINE, sheet="Settlements")


def test_a_level_the_file_does_not_have_is_refused(places):
    columns = [("ADM2Code", "#adm2+code"), ("ArrivalIDPs2019", "")]
    with pytest.raises(ImportFailed) as failure:
        plan_of(table(columns, [["AF0608", "5"]]), admin_level=3)
    assert "no settlement / location column" in failure.value.problems[0].problem


def test_values_are_parsed_as_spreadsheets_write_them():
    assert parse_count("1,234") == (1234, "")
    assert parse_count(" 12 ") == (12, "")
    assert parse_count("12.0") == (12, "")
    assert parse_count("-") == (None, "")
    assert parse_count("") == (None, "")
    assert parse_count("1e3") == (1000, "")
    assert parse_count("nan")[1]
    assert parse_score("55.5") == (Decimal("55.50"), "")
    assert parse_score("101")[1]


def test_names_compare_without_case_accents_or_punctuation():
    assert name_key("Dara-e-Nur") == name_key("dara e nur")
    assert name_key("Hérât") == name_key("Herat")


def test_row_estimates_for_progress_are_cheap_and_safe():
    rows = table(AFG_SETTLEMENT_COLUMNS, afg_settlement_rows())
    assert estimate_rows(csv_bytes(rows), "dtm.csv") == 6  # data rows and the HXL row
    workbook = xlsx_bytes(rows, sheet="Cover", extra_sheets=("Data",))
    assert estimate_rows(workbook, "dtm.xlsx") == 6
    assert estimate_rows(workbook, "dtm.xlsx", sheet="Data") == 0
    assert estimate_rows(b"PK\x03\x04broken", "dtm.xlsx") == 0
