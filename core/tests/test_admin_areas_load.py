"""The P-code loader: the shipped COD-AB file loads, loading twice changes nothing, bad files load nothing."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from core.areas_file import parse_admin_areas
from core.models import AdminArea, AuditEvent
from core.services import admin_areas_load
from core.tabular import ImportFailed, read_table

SHIPPED = Path(settings.BASE_DIR) / "core" / "data" / "admin_pcodes_afg_irq.csv"


def _load(text: str, *, name: str = "areas.csv"):
    table = read_table(io.BytesIO(text.encode()), filename=name)
    rows, problems = parse_admin_areas(table)
    if problems:
        raise ImportFailed(problems)
    return admin_areas_load(actor=None, rows=rows, source=name)


def _all_rows():
    return list(AdminArea.objects.order_by("pcode").values_list("pcode", "name", "level", "parent__pcode", "path"))


@pytest.mark.django_db
def test_shipped_file_loads_every_area_with_its_parents():
    call_command("load_admin_areas", stdout=io.StringIO())
    data_lines = len(SHIPPED.read_text(encoding="utf-8").splitlines()) - 2  # header + HXL row
    assert AdminArea.objects.filter(level__in=[1, 2]).count() == data_lines
    assert set(AdminArea.objects.filter(level=0).values_list("pcode", flat=True)) == {"AFG", "IRQ"}
    khogyani = AdminArea.objects.get(pcode="AF0608")
    assert khogyani.name == "Khogyani"
    assert khogyani.parent.pcode == "AF06"
    assert khogyani.path == "AFG/AF06/AF0608/"
    assert AdminArea.objects.get(pcode="IQG01").country_code == "IRQ"


@pytest.mark.django_db
def test_places_are_named_in_the_users_language_where_known():
    from django.utils import translation

    call_command("load_admin_areas", stdout=io.StringIO())
    nangarhar, ninewa = AdminArea.objects.get(pcode="AF06"), AdminArea.objects.get(pcode="IQG15")
    assert AdminArea.objects.filter(level=1).exclude(names={}).count() == 34 + 18
    with translation.override("fa-af"):
        assert nangarhar.display_name == "ننگرهار"
    with translation.override("ps"):
        assert nangarhar.display_name == "ننګرهار"
    with translation.override("ar"):
        assert ninewa.display_name == "نينوى"
        assert nangarhar.display_name == "Nangarhar"  # not known in Arabic: the COD-AB name
    with translation.override("en"):
        assert ninewa.display_name == "Ninewa"


@pytest.mark.django_db
def test_loading_twice_gives_the_same_rows():
    call_command("load_admin_areas", stdout=io.StringIO())
    first = _all_rows()
    out = io.StringIO()
    call_command("load_admin_areas", stdout=out)
    assert _all_rows() == first
    assert out.getvalue().count("0 created, 0 updated") == 2
    assert AuditEvent.objects.filter(action="admin_areas.load").count() == 2


@pytest.mark.django_db
def test_malformed_file_is_refused_with_line_numbers_and_nothing_loaded(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Location,Admin Level,P-Code,Name,Parent P-Code,Valid from date\n"
        "#country+code,#geo+admin_level,#adm+code,#adm+name,#adm+code+parent,#date+start\n"
        "AFG,1,AF01,Kabul,AFG,2021-11-17\n"
        "AFG,two,AF02,Kapisa,AFG,2021-11-17\n"
        "AFG,2,AF0101,,AF01,2021-11-17\n"
        "AFG,2,AF0102,Paghman,AF01,17/11/2021\n"
        "AFG,1,AF01,Kabul again,AFG,2021-11-17\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("load_admin_areas", str(bad), stdout=io.StringIO())
    message = str(error.value)
    assert "nothing was loaded" in message
    assert "line 4, column 'Admin Level': 'two' is not a whole number" in message
    assert "line 5, column 'Name': is empty" in message
    assert "line 6, column 'Valid from date'" in message
    assert "line 7, column 'P-Code': AF01 appears again (first on line 3)" in message
    assert AdminArea.objects.count() == 0


@pytest.mark.django_db
def test_unknown_parent_rolls_back_the_whole_file():
    with pytest.raises(ImportFailed) as error:
        _load("Admin Level,P-Code,Name,Parent P-Code\n1,AF01,Kabul,AFG\n2,AF0101,Kabul,AF01\n2,AF9901,Nowhere,AF99\n")
    assert str(error.value.problems[0]) == "line 4, column 'parent': parent AF99 is not a known area"
    assert AdminArea.objects.count() == 0


@pytest.mark.django_db
def test_file_without_hxl_row_and_with_language_names():
    _load(
        "Admin Level,P-Code,Name,Parent P-Code\n1,IQG01,Al-Anbar,IRQ\n2,IQG01Q01,Al-Kaim,IQG01\n",
    )
    assert AdminArea.objects.get(pcode="IQG01Q01").path == "IRQ/IQG01/IQG01Q01/"
    _load(
        "P-Code,Name,Arabic name,Level,Parent\n#adm+code,#adm+name,#adm+name+i_ar,#geo+admin_level,#adm+code+parent\n"
        "IQG01,Al-Anbar,الأنبار,1,IRQ\n"
    )
    anbar = AdminArea.objects.get(pcode="IQG01")
    assert anbar.names == {"ar": "الأنبار"}
    assert anbar.name == "Al-Anbar"


@pytest.mark.django_db
def test_reparenting_rewrites_descendant_paths():
    _load("Admin Level,P-Code,Name,Parent P-Code\n1,AF01,Kabul,AFG\n1,AF02,Kapisa,AFG\n2,AF0101,Kabul,AF01\n")
    AdminArea.objects.create(
        pcode="AF0101S01",
        name="Village",
        level=3,
        parent=AdminArea.objects.get(pcode="AF0101"),
        country_code="AFG",
    )
    _load("Admin Level,P-Code,Name,Parent P-Code\n2,AF0101,Kabul,AF02\n")
    assert AdminArea.objects.get(pcode="AF0101S01").path == "AFG/AF02/AF0101/AF0101S01/"


@pytest.mark.django_db
def test_validate_only_writes_nothing():
    out = io.StringIO()
    call_command("load_admin_areas", "--validate-only", stdout=out)
    assert "no problems found" in out.getvalue()
    assert AdminArea.objects.count() == 0


@pytest.mark.django_db
def test_empty_and_unsupported_files_are_refused(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="the file is empty"):
        call_command("load_admin_areas", str(empty), stdout=io.StringIO())
    other = tmp_path / "areas.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(CommandError, match=r"only \.csv and \.xlsx"):
        call_command("load_admin_areas", str(other), stdout=io.StringIO())
