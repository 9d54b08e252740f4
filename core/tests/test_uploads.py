import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.tabular import UnreadableFile, check_xlsx_archive, read_table
from core.uploads import check_upload


def _xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["P-Code", "Name"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_accepts_real_csv_and_xlsx():
    assert check_upload(SimpleUploadedFile("a.csv", b"a,b\n1,2\n"))
    assert check_upload(SimpleUploadedFile("a.xlsx", _xlsx_bytes()))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.exe", b"MZ", "this accepts .csv, .xlsx"),
        ("a.xlsx", b"not a zip", "not a real Excel workbook"),
        ("a.csv", b"a,b\x00\x00", "not a text CSV"),
    ],
)
def test_refuses_wrong_types_with_the_file_named(name, content, message):
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile(name, content))
    assert message in error.value.messages[0]
    assert name in error.value.messages[0]


def test_refuses_files_over_the_limit():
    with pytest.raises(ValidationError, match="the limit is"):
        check_upload(SimpleUploadedFile("big.csv", b"x" * 2048), max_bytes=1024)


def test_zip_bomb_is_refused_before_it_is_inflated():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (40 * 1024 * 1024))
    buffer.seek(0)
    with pytest.raises(UnreadableFile, match="expands to more data"):
        check_xlsx_archive(buffer)
    buffer.seek(0)
    with pytest.raises(UnreadableFile):
        read_table(buffer, filename="bomb.xlsx")
