import pytest

from core.pcodes import is_valid_pcode, normalise_pcode


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("IRQ-G01", "IQG01"),
        ("IRQ-G01-Q01", "IQG01Q01"),
        ("irq-g01-q01", "IQG01Q01"),
        (" AF0608 ", "AF0608"),
        ("af 06 08", "AF0608"),
        ("IQG01Q01", "IQG01Q01"),
        ("AFG", "AFG"),
        ("", ""),
    ],
)
def test_normalise_pcode(raw, expected):
    assert normalise_pcode(raw) == expected


@pytest.mark.parametrize(
    ("code", "valid"), [("AF0608", True), ("IQG01Q01", True), ("06", False), ("AF-06", False), ("", False)]
)
def test_is_valid_pcode(code, valid):
    assert is_valid_pcode(code) is valid
